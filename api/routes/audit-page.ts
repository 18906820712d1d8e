// The browser audit page. Static: it holds no data and no secret; it asks for an audit:read
// bearer token (kept in this tab's sessionStorage only) and reads the audit routes with it.
// Everything shown is set with textContent, never as HTML.

export const AUDIT_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gatehouse audit</title>
<style>
  :root { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2430; background: #f6f7f9; }
  body { margin: 0; }
  header { background: #1f3b57; color: #fff; padding: 12px 24px; display: flex; align-items: baseline; gap: 16px; }
  header h1 { font-size: 20px; margin: 0; }
  header span { opacity: .8; font-size: 13px; }
  main { padding: 16px 24px; max-width: 1200px; }
  form { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; margin-bottom: 16px; }
  input { padding: 6px 8px; border: 1px solid #b8c0cc; border-radius: 4px; font: inherit; }
  #token { width: 280px; } #request { width: 260px; font-family: ui-monospace, monospace; }
  button { padding: 6px 14px; border: 0; border-radius: 4px; background: #2b6cb0; color: #fff; font: inherit; cursor: pointer; }
  button:disabled { background: #9aa7b6; cursor: default; }
  section { background: #fff; border: 1px solid #dde2e8; border-radius: 6px; padding: 12px 16px; margin-bottom: 16px; }
  h2 { font-size: 16px; margin: 0 0 8px; }
  dl { display: grid; grid-template-columns: 140px 1fr; gap: 4px 12px; margin: 0; }
  dt { color: #5a6678; } dd { margin: 0; word-break: break-all; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #edf0f3; vertical-align: top; }
  th { color: #5a6678; font-weight: 600; }
  td.mono, .mono { font-family: ui-monospace, monospace; }
  .badge { display: inline-block; padding: 2px 10px; border-radius: 10px; font-weight: 600; font-size: 13px; }
  .ok { background: #d8f3e0; color: #17602e; } .bad { background: #fbe0e0; color: #8a1c1c; } .none { background: #eceff3; color: #4a5563; }
  #error { color: #8a1c1c; min-height: 1.2em; }
  #replay li { padding: 3px 0; font-size: 13px; opacity: .35; }
  #replay li.shown { opacity: 1; }
  #replay li.current { background: #fff6d6; }
  #replay-controls { display: flex; gap: 8px; align-items: center; margin-bottom: 8px; }
</style>
</head>
<body>
<header><h1>Gatehouse audit</h1><span>request timeline and session replay from the signed archive</span></header>
<main>
  <form id="load-form">
    <input id="token" type="password" placeholder="audit:read bearer token" autocomplete="off" aria-label="bearer token">
    <input id="request" placeholder="req_…" aria-label="request id">
    <button id="load" type="submit">Load</button>
  </form>
  <div id="error" role="alert"></div>
  <section id="summary" hidden>
    <h2>Request <span id="request-id" class="mono"></span> <span id="verified" class="badge none">not loaded</span></h2>
    <dl id="facts"></dl>
  </section>
  <section id="timeline-section" hidden>
    <h2>Timeline</h2>
    <table><thead><tr><th>at</th><th>event</th><th>by</th><th>detail</th></tr></thead><tbody id="timeline"></tbody></table>
  </section>
  <section id="commands-section" hidden>
    <h2>Commands</h2>
    <table><thead><tr><th>at</th><th>tool</th><th>statement</th><th>verdict</th><th>outcome</th><th>masked</th></tr></thead><tbody id="commands"></tbody></table>
  </section>
  <section id="replay-section" hidden>
    <h2>Session replay</h2>
    <div id="replay-controls">
      <button id="play" type="button">Play</button>
      <button id="step" type="button">Step</button>
      <button id="reset" type="button">Reset</button>
      <span id="replay-position" class="mono"></span>
    </div>
    <ol id="replay"></ol>
  </section>
</main>
<script src="/audit/app.js"></script>
</body>
</html>
`;

export const AUDIT_PAGE_SCRIPT = `'use strict';
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var steps = [];
  var shown = 0;
  var timer = null;
  var tokenInput = $('token');
  tokenInput.value = sessionStorage.getItem('gatehouse-audit-token') || '';
  var params = new URLSearchParams(location.search);
  if (params.get('request')) $('request').value = params.get('request');

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function row(cells, mono) {
    var tr = document.createElement('tr');
    cells.forEach(function (c, i) { tr.appendChild(el('td', c, mono && mono.indexOf(i) >= 0 ? 'mono' : '')); });
    return tr;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function fact(dl, name, value) { if (value === undefined || value === null || value === '') return; dl.appendChild(el('dt', name)); dl.appendChild(el('dd', value)); }
  function masked(list) { return list && list.length ? list.map(function (m) { return m.count + ' ' + m.type; }).join(', ') : '–'; }

  async function api(path) {
    var res = await fetch(path, { headers: { authorization: 'Bearer ' + tokenInput.value.trim(), accept: 'application/json' } });
    var body = await res.json().catch(function () { return {}; });
    if (!res.ok) throw new Error((body.title || res.status) + ': ' + (body.detail || 'the request failed'));
    return body;
  }

  function describeStep(s) {
    var e = s.entry;
    var what;
    if (e.kind === 'event') what = 'event ' + e.type + (e.actor ? ' by ' + e.actor : '') + (e.detail ? ': ' + e.detail : '');
    else if (e.type === 'session_start') what = 'session ' + e.sessionId + ' opened by ' + e.subject + (e.client ? ' (' + e.client.name + ')' : '');
    else if (e.type === 'request') what = e.method + (e.tool ? ' ' + e.tool : '') + (e.arguments ? ' ' + JSON.stringify(e.arguments) : '') + ' → ' + e.verdict;
    else if (e.type === 'response') what = 'answer ' + e.outcome + (e.rows !== undefined ? ', ' + e.rows + ' rows' : '') + '; masked ' + masked(e.masked);
    else if (e.type === 'session_end') what = 'session ' + e.sessionId + ' ended: ' + e.reason;
    else if (e.type === 'refusals') what = e.total + ' requests refused (' + e.counts.map(function (c) { return c.count + ' ' + c.kind + ' ' + c.status; }).join(', ') + ') from ' + e.from + ' to ' + e.to;
    else what = e.type + ' ' + JSON.stringify(e);
    var secs = (s.offsetMs / 1000).toFixed(3);
    return '+' + secs + 's  ' + s.at + '  ' + what;
  }

  function render() {
    var items = $('replay').children;
    for (var i = 0; i < items.length; i++) {
      items[i].classList.toggle('shown', i < shown);
      items[i].classList.toggle('current', i === shown - 1);
    }
    $('replay-position').textContent = shown + ' / ' + steps.length;
    $('step').disabled = shown >= steps.length;
    $('play').disabled = shown >= steps.length;
  }
  function step() { if (shown < steps.length) { shown++; render(); } }
  function stop() { if (timer) { clearTimeout(timer); timer = null; } }
  function play() {
    stop();
    var next = function () {
      step();
      if (shown >= steps.length) return;
      // Real gaps, compressed: never more than a second between two steps.
      var gap = Math.min(1000, Math.max(50, (steps[shown].offsetMs - steps[shown - 1].offsetMs) / 10));
      timer = setTimeout(next, gap);
    };
    next();
  }
  $('step').addEventListener('click', function () { stop(); step(); });
  $('play').addEventListener('click', play);
  $('reset').addEventListener('click', function () { stop(); shown = 0; render(); });

  $('load-form').addEventListener('submit', async function (ev) {
    ev.preventDefault();
    stop();
    $('error').textContent = '';
    sessionStorage.setItem('gatehouse-audit-token', tokenInput.value.trim());
    var id = $('request').value.trim();
    try {
      var view = await api('/v1/audit/requests/' + encodeURIComponent(id));
      var rec = await api('/v1/audit/requests/' + encodeURIComponent(id) + '/recording?events=true');
      var s = view.status;
      $('request-id').textContent = view.requestId;
      var badge = $('verified');
      if (view.verification && view.verification.ok) { badge.textContent = 'archive verified'; badge.className = 'badge ok'; }
      else if (view.verification) { badge.textContent = 'archive FAILED verification'; badge.className = 'badge bad'; }
      else { badge.textContent = view.note || 'not archived'; badge.className = 'badge none'; }
      var dl = $('facts'); clear(dl);
      fact(dl, 'state', s.state);
      fact(dl, 'requester', s.requester + ' (' + s.origin + ')');
      fact(dl, 'target', s.target);
      fact(dl, 'reason', s.reason + (s.ticket ? '  [' + s.ticket + ']' : ''));
      fact(dl, 'decision', s.decision ? (s.decision.approved ? 'approved' : 'denied') + ' by ' + s.decision.by + ' at ' + s.decision.at : 'none');
      fact(dl, 'credential', s.principal ? s.principal + ': ' + (s.activeSince || '?') + ' → ' + (s.revokedAt || 'not revoked yet') : 'none issued');
      fact(dl, 'ended', s.revocation ? s.revocation.at + ' by ' + s.revocation.by + ': ' + s.revocation.reason : s.failure);
      fact(dl, 'archive', view.archive ? view.archive.location : null);
      fact(dl, 'chain head', view.archive ? view.archive.head : null);
      if (view.verification && !view.verification.ok) fact(dl, 'problems', view.verification.problems.map(function (p) { return p.message; }).join('; '));
      var tl = $('timeline'); clear(tl);
      s.timeline.forEach(function (e) { tl.appendChild(row([e.at, e.type, e.actor || '', e.detail || ''], [0])); });
      var cmds = $('commands'); clear(cmds);
      (view.commands || []).forEach(function (c) { cmds.appendChild(row([c.at, c.tool || c.method, c.statement || '', c.verdict, c.outcome, masked(c.masked)], [0, 2])); });
      steps = rec.steps || [];
      var list = $('replay'); clear(list);
      steps.forEach(function (st) { list.appendChild(el('li', describeStep(st), 'mono')); });
      shown = 0; render();
      ['summary', 'timeline-section', 'commands-section', 'replay-section'].forEach(function (x) { $(x).hidden = false; });
      document.body.dataset.loaded = view.requestId;
    } catch (err) {
      $('error').textContent = err.message;
    }
  });
})();
`;
