// Plain server-rendered pages: readable without script, usable with the keyboard alone (native
// form controls, labels, a live region for progress), and strict about what they load.
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.4rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}
label{display:block;font-weight:600;margin-top:1rem}input,select,textarea{font:inherit;width:100%;box-sizing:border-box;padding:.4rem}
button{font:inherit;padding:.5rem 1rem;margin:1rem .5rem 0 0;cursor:pointer}:focus-visible{outline:3px solid #1a5fb4;outline-offset:2px}
.error{border-left:4px solid #c01c28;padding:.5rem 1rem;background:#fdecea}.steps li{margin:.25rem 0}.muted{color:#555}`;

/** Writes a page with a fresh script/style nonce and headers that forbid framing and caching. */
export function sendPage(res: ServerResponse, status: number, title: string, body: (nonce: string) => string, headers: Record<string, string | string[]> = {}): void {
  const nonce = randomBytes(16).toString('base64');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="same-origin"><title>${escapeHtml(title)} · Gatehouse</title><style nonce="${nonce}">${STYLE}</style></head>
<body><main>${body(nonce)}</main></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
    'x-content-type-options': 'nosniff',
    'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'`,
    ...headers,
  }).end(html);
}

export function errorPage(res: ServerResponse, status: number, title: string, message: string): void {
  sendPage(res, status, title, () => `<h1>${escapeHtml(title)}</h1><p class="error" role="alert">${escapeHtml(message)}</p>
<p class="muted">Nothing was issued. Close this window and start again from your MCP client.</p>`);
}

export interface RequestPageModel {
  action: string;
  csrf: string;
  target: { name: string; description: string };
  client: { name: string; id: string; redirectHost: string; kind: string; nameVerified: boolean; verified: string; impersonates?: string };
  subject: string;
  durations: { value: string; label: string }[];
  activeGrants: { requestId: string; expiresAt: string }[];
  error?: string;
  values?: { duration?: string; reason?: string; ticket?: string };
}

export function requestPage(res: ServerResponse, model: RequestPageModel): void {
  const { target, client } = model;
  const reuse = model.activeGrants.map((g) => `<form method="post" action="${escapeHtml(model.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(model.csrf)}"><input type="hidden" name="action" value="reuse"><input type="hidden" name="request" value="${escapeHtml(g.requestId)}">
<button type="submit">Use my active access ${escapeHtml(g.requestId)} (until ${escapeHtml(g.expiresAt)})</button></form>`).join('');
  sendPage(res, model.error ? 400 : 200, `Access to ${target.name}`, () => `<h1>Access to ${escapeHtml(target.name)}</h1>
<p>${escapeHtml(target.description || target.name)}</p>
<dl><dt>Signed in as</dt><dd>${escapeHtml(model.subject)}</dd><dt>Application</dt><dd>${escapeHtml(client.name)} <span class="muted">(${client.nameVerified ? 'verified name' : 'name claimed by the application, not verified'}; ${escapeHtml(client.id)}, ${escapeHtml(client.kind.replace('_', ' '))})</span></dd>
<dt>Verified</dt><dd>${escapeHtml(client.verified)}</dd>
<dt>Returns to</dt><dd>${escapeHtml(client.redirectHost)}</dd></dl>
${client.impersonates ? `<p class="error" role="alert">This application calls itself by a name that looks like ${escapeHtml(client.impersonates)}, but it is not that application. Continue only if you started it yourself.</p>` : ''}
${model.error ? `<p class="error" role="alert" id="problem">${escapeHtml(model.error)}</p>` : ''}
${reuse ? `<h2>You already have access</h2>${reuse}<h2>Or ask again</h2>` : ''}
<form method="post" action="${escapeHtml(model.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(model.csrf)}"><input type="hidden" name="action" value="request">
<label for="duration">For how long</label><select id="duration" name="duration">${model.durations.map((d) => `<option value="${escapeHtml(d.value)}"${d.value === model.values?.duration ? ' selected' : ''}>${escapeHtml(d.label)}</option>`).join('')}</select>
<label for="reason">Why (approvers see this)</label><textarea id="reason" name="reason" rows="3" required maxlength="500"${model.error ? ' aria-describedby="problem"' : ''}>${escapeHtml(model.values?.reason ?? '')}</textarea>
<label for="ticket">Ticket (optional)</label><input id="ticket" name="ticket" maxlength="100" value="${escapeHtml(model.values?.ticket ?? '')}">
<button type="submit">Request access</button></form>
<form method="post" action="${escapeHtml(model.action)}"><input type="hidden" name="csrf" value="${escapeHtml(model.csrf)}"><input type="hidden" name="action" value="cancel"><button type="submit">Cancel</button></form>`);
}

export interface ProgressModel {
  target: string;
  requestId: string;
  lines: string[];
  progressUrl: string;
  /** Set once the request is decided: where the browser goes next. */
  next?: string;
}

/** The live progress page: a script polls `progressUrl`; without script, the page refreshes itself. */
export function progressPage(res: ServerResponse, model: ProgressModel): void {
  sendPage(res, 200, `Access to ${model.target}`, (nonce) => `<h1>Access to ${escapeHtml(model.target)}</h1>
<p>Request <strong>${escapeHtml(model.requestId)}</strong></p>
<ol class="steps" id="steps" aria-live="polite">${model.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ol>
<noscript><meta http-equiv="refresh" content="3"><p>This page refreshes every few seconds.</p></noscript>
<p class="muted">Keep this window open; you are sent back to your application as soon as access is active.</p>
<script nonce="${nonce}">
(function () {
  var steps = document.getElementById('steps');
  function show(lines) {
    steps.textContent = '';
    lines.forEach(function (l) { var li = document.createElement('li'); li.textContent = l; steps.appendChild(li); });
  }
  function poll() {
    fetch(${scriptJson(model.progressUrl)}, { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(function (p) {
        if (p.lines) show(p.lines);
        if (p.next) { window.location.replace(p.next); return; }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  ${model.next ? `window.location.replace(${scriptJson(model.next)});` : 'setTimeout(poll, 500);'}
})();
</script>`);
}
