/**
 * The channel view's script and style, served as files so the page's Content-Security-Policy
 * allows no inline script at all: even text that escaped escaping could not run.
 *
 * The script: remembers who you are (the select, kept in localStorage), posts a button click to
 * `/channels/<id>/click` as that person, and polls `/channels/<id>/messages` every second (ETag,
 * so an unchanged channel costs a 304) to show new messages and chat.update edits in place.
 */

export const CHANNEL_VIEW_SCRIPT = String.raw`'use strict';
(() => {
  const body = document.body;
  const channel = body.dataset.channel;
  const select = document.getElementById('as');
  const notice = document.getElementById('notice');
  const messages = document.getElementById('messages');
  const live = document.getElementById('live');
  const KEY = 'localSlack.as';
  let version = body.dataset.version || '';
  let busy = false;
  const collapsed = new Set();

  try {
    const stored = localStorage.getItem(KEY);
    if (!select.value && stored && Array.from(select.options).some((o) => o.value === stored)) select.value = stored;
  } catch (e) { /* storage may be off */ }

  const say = (text, kind) => { notice.textContent = text; notice.dataset.kind = kind || 'info'; };
  const who = () => { const o = select.options[select.selectedIndex]; return o ? o.textContent : ''; };

  async function refresh(force) {
    if (busy) return;
    busy = true;
    try {
      const url = '/channels/' + encodeURIComponent(channel) + '/messages?as=' + encodeURIComponent(select.value);
      const res = await fetch(url, { cache: 'no-store', headers: force ? {} : { 'if-none-match': version } });
      if (res.status === 200) {
        const before = new Map(Array.from(messages.querySelectorAll('[data-ts]')).map((el) => [el.dataset.ts, el.dataset.editedTs || '']));
        messages.innerHTML = await res.text();
        version = res.headers.get('etag') || '';
        for (const el of messages.querySelectorAll('[data-ts]')) {
          const was = before.get(el.dataset.ts);
          if (was === undefined && before.size) el.classList.add('new');
          else if (was !== undefined && was !== (el.dataset.editedTs || '')) el.classList.add('updated');
        }
        for (const d of messages.querySelectorAll('details.thread')) if (collapsed.has(d.dataset.thread)) d.open = false;
        body.dataset.version = version;
      }
      live.textContent = 'live';
      live.dataset.state = 'ok';
    } catch (e) {
      live.textContent = 'offline: retrying';
      live.dataset.state = 'offline';
    } finally {
      busy = false;
    }
  }

  select.addEventListener('change', () => {
    try { localStorage.setItem(KEY, select.value); } catch (e) { /* storage may be off */ }
    refresh(true);
  });

  messages.addEventListener('toggle', (event) => {
    const d = event.target;
    if (!(d instanceof HTMLDetailsElement) || !d.dataset.thread) return;
    if (d.open) collapsed.delete(d.dataset.thread); else collapsed.add(d.dataset.thread);
  }, true);

  messages.addEventListener('click', async (event) => {
    const button = event.target instanceof Element ? event.target.closest('button.bk-button[data-action-id]') : null;
    if (!button || button.disabled) return;
    if (!select.value) {
      say('Choose who you are first (top right): Slack sends the click as that person.', 'error');
      select.focus();
      return;
    }
    const message = button.closest('[data-ts]');
    const label = button.textContent;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    say('Sending "' + label + '" as ' + who() + '…');
    try {
      const res = await fetch('/channels/' + encodeURIComponent(channel) + '/click', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: select.value, messageTs: message.dataset.ts, actionId: button.dataset.actionId, value: button.dataset.value, blockId: button.dataset.blockId }),
      });
      const answer = await res.json();
      if (answer.ok) say('Clicked "' + label + '" as ' + who() + ': the app acknowledged it.', 'ok');
      else say('Not delivered: ' + (answer.error || ('the app answered ' + answer.status)), 'error');
    } catch (e) {
      say('Not delivered: ' + e, 'error');
    } finally {
      button.disabled = false;
      button.removeAttribute('aria-busy');
      refresh(true);
    }
  });

  setInterval(refresh, 1000);
})();
`;

export const CHANNEL_VIEW_STYLE = `
*, *::before, *::after { box-sizing: border-box; }
body { margin: 0; display: flex; min-height: 100vh; font: 15px/1.46668 -apple-system, BlinkMacSystemFont, "Segoe UI", Lato, Roboto, "Helvetica Neue", Arial, sans-serif; color: #1d1c1d; background: #fff; }
.sidebar { width: 220px; flex: none; background: #3f0e40; color: #cfc3cf; padding: 12px 0; }
.sidebar .team { color: #fff; font-weight: 900; font-size: 18px; padding: 4px 16px 12px; }
.sidebar ul { list-style: none; margin: 0; padding: 0; }
.sidebar a { display: block; color: inherit; text-decoration: none; padding: 4px 16px; }
.sidebar a[aria-current="page"] { background: #1164a3; color: #fff; }
.sidebar a:hover, .sidebar a:focus { background: #350d36; color: #fff; }
main { flex: 1; min-width: 0; display: flex; flex-direction: column; }
.channel-head { display: flex; align-items: center; gap: 16px; padding: 10px 20px; border-bottom: 1px solid #ddd; position: sticky; top: 0; background: #fff; z-index: 1; }
.channel-head h1 { font-size: 18px; margin: 0; font-weight: 900; }
.members { color: #616061; font-size: 13px; }
.as { margin-left: auto; font-size: 13px; color: #616061; }
.as select { font: inherit; }
.live { font-size: 12px; color: #007a5a; }
.live[data-state="offline"] { color: #e01e5a; }
.notice:empty, .no-app:empty { display: none; }
.notice, .no-app { margin: 8px 20px 0; padding: 8px 12px; border-radius: 6px; background: #f4ede4; font-size: 14px; }
.notice[data-kind="error"] { background: #fde9ef; color: #a00; }
.notice[data-kind="ok"] { background: #e3f4ee; }
#messages { padding: 8px 0 40px; }
.empty { color: #616061; padding: 0 20px; }
ol.messages, ol.replies { list-style: none; margin: 0; padding: 0; }
.msg { display: flex; gap: 8px; padding: 8px 20px; }
.msg:hover { background: #f8f8f8; }
.msg.new, .msg.updated { animation: flash 2s ease-out; }
@keyframes flash { from { background: #fff8c4; } to { background: transparent; } }
.avatar { width: 36px; height: 36px; flex: none; border-radius: 4px; background: #4a154b; color: #fff; display: flex; align-items: center; justify-content: center; font-weight: 700; }
.reply .avatar { width: 24px; height: 24px; font-size: 12px; }
.msg-body { flex: 1; min-width: 0; }
.msg-head { display: flex; align-items: baseline; gap: 6px; }
.author { font-weight: 900; }
.badge { font-size: 10px; font-weight: 700; color: #616061; background: #e8e8e8; border-radius: 2px; padding: 0 3px; }
time, .edited { color: #616061; font-size: 12px; }
.ephemeral { background: #f8f8f8; border-left: 3px solid #c0c0c0; }
.ephemeral-note, .broadcast-note { font-size: 12px; color: #616061; }
.bk-text, .bk-field { white-space: normal; overflow-wrap: anywhere; }
.bk-section { display: flex; gap: 12px; margin: 4px 0; }
.bk-main { flex: 1; min-width: 0; }
.bk-fields { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 16px; margin-top: 4px; }
.bk-header { font-size: 18px; font-weight: 900; margin: 4px 0; }
.bk-context { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; color: #616061; font-size: 13px; margin: 4px 0; }
.bk-divider { border: 0; border-top: 1px solid #ddd; margin: 8px 0; }
.bk-actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0 4px; }
.bk-button { font: inherit; font-size: 14px; font-weight: 700; padding: 0 12px; height: 32px; border-radius: 4px; border: 1px solid #bbb; background: #fff; color: #1d1c1d; cursor: pointer; text-decoration: none; display: inline-flex; align-items: center; }
.bk-button:hover { background: #f8f8f8; }
.bk-button:focus-visible { outline: 3px solid #1264a3; outline-offset: 1px; }
.bk-primary { background: #007a5a; border-color: #007a5a; color: #fff; }
.bk-primary:hover { background: #148567; }
.bk-danger { background: #fff; border-color: #e01e5a; color: #e01e5a; }
.bk-danger:hover { background: #fde9ef; }
.bk-button[disabled] { opacity: .5; cursor: default; }
.bk-select { display: inline-flex; align-items: center; height: 32px; padding: 0 10px; border: 1px solid #bbb; border-radius: 4px; color: #616061; }
.bk-image { color: #616061; font-size: 13px; }
.bk-unknown { color: #616061; font-style: italic; }
.mention { background: #e8f5fa; color: #1264a3; border-radius: 3px; padding: 0 2px; }
.mention.broadcast { background: #fcefc4; color: #1d1c1d; }
a.link { color: #1264a3; }
code { font: 12px Monaco, Menlo, Consolas, monospace; color: #e01e5a; background: #f6f6f6; border: 1px solid #ddd; border-radius: 3px; padding: 1px 3px; }
.mrkdwn-pre { font: 12px/1.5 Monaco, Menlo, Consolas, monospace; background: #f8f8f8; border: 1px solid #ddd; border-radius: 4px; padding: 8px; white-space: pre-wrap; overflow-wrap: anywhere; margin: 4px 0; }
blockquote { margin: 4px 0; padding-left: 12px; border-left: 4px solid #ddd; }
.thread { margin-top: 4px; }
.reply-count { color: #1264a3; font-weight: 700; font-size: 13px; cursor: pointer; }
.thread .msg { padding-left: 0; }
.files { list-style: none; padding: 0; margin: 4px 0; }
.file { border: 1px solid #ddd; border-radius: 6px; padding: 6px 10px; display: inline-block; }
.file-name { color: #616061; font-size: 12px; }
.attachment { border-left: 4px solid #ddd; padding-left: 10px; margin: 4px 0; }
@media (max-width: 720px) { .sidebar { display: none; } .bk-fields { grid-template-columns: 1fr; } }
`;
