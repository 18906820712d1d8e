import { html, type Html } from '../html';

export function exportPage(input: { from: string; to: string; problems?: string[]; notice?: string; maxDays: number }): Html {
  return html`${input.problems?.length ? html`<div class="problem" role="alert" id="export-problems"><ul>${input.problems.map((p) => html`<li>${p}</li>`)}</ul></div>` : ''}
${input.notice ? html`<p class="notice" role="status" id="export-notice">${input.notice}</p>` : ''}
<p>The evidence pack of a period is one zip file holding every request whose workflow started in it: requests, decisions, commands and archives as CSV and JSON, a verification report of every archive, and a manifest of their SHA-256 digests signed with the archive key when the API holds it (the same files as <code>gatehouse audit export</code>). A request whose status cannot be read (its worker is not answering) is listed from what Temporal visibility holds of it, marked UNREADABLE, and counted. One pack covers at most ${input.maxDays} days.</p>
<form method="get" action="/console/export/pack" class="export">
  <p class="field"><label for="e-from">From</label> <input id="e-from" name="from" type="date" required value="${input.from}" aria-describedby="e-from-hint"> <small id="e-from-hint">the first day (UTC)</small></p>
  <p class="field"><label for="e-to">To</label> <input id="e-to" name="to" type="date" required value="${input.to}" aria-describedby="e-to-hint"> <small id="e-to-hint">the last day, included (UTC)</small></p>
  <p class="actions"><button type="submit" id="export-download">Download the evidence pack (zip)</button></p>
</form>`;
}
