import { describeStep, replaySteps, sessionCommands, type CommandSummary, type EvidenceItem, type VerificationReport } from '../../../audit';
import { consoleHref, html, type Html } from '../html';

const time = (iso: string | undefined) => (iso ? html`<time datetime="${iso}">${iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')} UTC</time>` : html`<span class="none">—</span>`);
const human = (type: string) => type.replace(/^oauth_/, 'sign-in: ').replace(/_/g, ' ');
const seconds = (ms: number) => (ms >= 3_600_000 ? `${+(ms / 3_600_000).toFixed(2)} h` : ms >= 60_000 ? `${+(ms / 60_000).toFixed(1)} min` : `${Math.round(ms / 1000)} s`);

const CHAIN_PROBLEMS = new Set(['malformed', 'altered', 'removed', 'inserted', 'reordered', 'chain_broken', 'truncated', 'manifest_mismatch']);
const SIGNATURE_PROBLEMS = new Set(['bad_signature', 'wrong_key']);

/** The archive's verification in three plain checks, with every problem the verifier found. */
function verificationPanel(report: VerificationReport | undefined, historyHead: string | undefined, note: string | undefined): Html {
  if (!report) {
    return html`<section id="verification" class="verification unverified" aria-labelledby="verification-heading">
  <h2 id="verification-heading"><span id="verification-badge" class="badge badge-unverified">Not verified</span></h2>
  <p>${note ?? 'there is no archive to verify yet'}</p>
</section>`;
  }
  const failed = (kinds: Set<string>) => report.problems.filter((p) => kinds.has(p.kind));
  const chain = failed(CHAIN_PROBLEMS);
  const signature = failed(SIGNATURE_PROBLEMS);
  const head = report.problems.filter((p) => p.kind === 'head_mismatch');
  const check = (id: string, label: string, ok: boolean, good: string, bad: string) => html`<li id="${id}" class="${ok ? 'pass' : 'fail'}"><strong>${label}: ${ok ? 'passed' : 'FAILED'}</strong> — ${ok ? good : bad}</li>`;
  return html`<section id="verification" class="verification ${report.ok ? 'verified' : 'failed'}" aria-labelledby="verification-heading">
  <h2 id="verification-heading"><span id="verification-badge" class="badge ${report.ok ? 'badge-verified' : 'badge-failed'}">${report.ok ? 'Archive verified' : 'Verification FAILED'}</span></h2>
  <ul class="checks">
    ${check('check-chain', 'Hash chain', chain.length === 0, `all ${report.records} records link to their predecessor and match their hashes`, 'records were altered, removed, inserted or reordered')}
    ${check('check-signature', 'Signature', signature.length === 0, `the manifest is signed by the trusted archive key ${report.signedBy ?? ''}`, 'the manifest was edited after signing, or signed by another key')}
    ${check('check-head', 'Head in workflow history', head.length === 0 && historyHead !== undefined, `the chain head ${historyHead ?? ''} is the one Temporal recorded when the request was archived`, historyHead ? 'the archive\'s head differs from the one in workflow history' : 'workflow history names no archive head')}
  </ul>
  ${report.problems.length ? html`<h3>What the verifier found</h3><ul id="verification-problems">${report.problems.map((p) => html`<li><code>${p.kind}</code> ${p.message}</li>`)}</ul>` : ''}
</section>`;
}

function commandRow(c: CommandSummary, index: number): Html {
  const why = c.maskingWhy;
  const masked = c.masked.length ? c.masked.map((m) => `${m.count} ${m.type}`).join(', ') : 'nothing';
  const decision = c.decision
    ? html`<br><span class="decision">held: ${c.decision.outcome}${c.decision.by ? html` by <strong>${c.decision.by}</strong>` : ''}${c.decision.at ? html` at ${time(c.decision.at)}` : ''}${c.decision.reason ? ` (${c.decision.reason})` : ''}</span>`
    : '';
  return html`<tr id="command-${index + 1}">
  <td>${time(c.at)}</td>
  <td>${c.tool ?? c.method}${c.classes.length ? html`<br><small>${c.classes.join(', ')}</small>` : ''}</td>
  <td>${c.statement ? html`<pre class="sql">${c.statement}</pre>` : html`<span class="none">—</span>`}</td>
  <td><span class="verdict verdict-${c.verdict}">${c.verdict}</span>${c.reason ? html`<br><small>${c.reason}</small>` : ''}${decision}</td>
  <td>${c.outcome}</td>
  <td>${c.rows ?? ''}</td>
  <td>${masked}${why !== undefined ? html`<details><summary>why</summary><pre>${JSON.stringify(why, null, 2)}</pre></details>` : ''}</td>
</tr>`;
}

/** `sqlArguments`: which arguments of a tool carry SQL on this request's target (its policy). */
export function requestPage(item: EvidenceItem, sqlArguments?: (tool: string | undefined) => readonly string[]): Html {
  const s = item.history.status;
  const archive = item.archive;
  const commands = archive ? sessionCommands(archive.records, s, sqlArguments) : [];
  const refusals = archive ? archive.records.filter((r) => r.kind === 'recording' && r.body.type === 'refusals') : [];
  const steps = archive ? replaySteps(archive, { includeEvents: true }) : [];
  const id = encodeURIComponent(s.requestId);
  const story = html`<dl class="story" id="story">
  <dt>Asked</dt><dd>${time(s.requestedAt)} by <strong>${s.requester}</strong> (${s.origin}) for <strong>${s.target}</strong>, ${seconds(s.durationMs)}</dd>
  <dt>Reason</dt><dd id="reason">${s.reason}${s.ticket ? html` <span class="ticket">ticket ${s.ticket}</span>` : ''}</dd>
  ${s.client ? html`<dt>MCP client</dt><dd>${s.client.name} (${s.client.nameVerified ? 'verified name' : 'name claimed, not verified'}), client ${s.client.clientId}${s.client.impersonates ? html` <strong class="warn">looks like ${s.client.impersonates}, which it is not</strong>` : ''}</dd>` : ''}
  <dt>Decision</dt><dd id="decision">${s.decision ? html`${s.decision.approved ? 'approved' : 'denied'} by <strong>${s.decision.by}</strong> at ${time(s.decision.at)}${s.decision.reason ? `: ${s.decision.reason}` : ''}` : s.policy.autoApproved ? 'auto-approved by policy' : 'none'}</dd>
  <dt>Credential</dt><dd>${s.principal ? html`${s.principal}, active from ${time(s.activeSince)} until ${time(s.revokedAt)} (approved end ${time(s.expiresAt)})` : 'none was issued'}</dd>
  ${s.revocation ? html`<dt>Ended</dt><dd>${time(s.revocation.at)} by ${s.revocation.by}: ${s.revocation.reason}</dd>` : ''}
  ${s.failure ? html`<dt>Failure</dt><dd>${s.failure}</dd>` : ''}
  <dt>State</dt><dd id="state">${s.state} (workflow ${item.history.workflowStatus})</dd>
  ${s.archive ? html`<dt>Archive</dt><dd><code>${s.archive.location}</code><br>head in history <code>${s.archive.digest}</code></dd>` : ''}
</dl>`;
  const timeline = html`<section aria-labelledby="timeline-heading"><h2 id="timeline-heading">Timeline</h2>
<table id="timeline"><thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Who</th><th scope="col">Detail</th></tr></thead>
<tbody>${s.timeline.map((e) => html`<tr><td>${time(e.at)}</td><td>${human(e.type)}</td><td>${e.actor ?? ''}</td><td>${e.detail ?? ''}</td></tr>`)}</tbody></table></section>`;
  const commandTable = html`<section aria-labelledby="commands-heading"><h2 id="commands-heading">Commands (${commands.length})</h2>
${archive ? (commands.length ? html`<table id="commands"><thead><tr><th scope="col">When</th><th scope="col">Tool</th><th scope="col">SQL (literals masked)</th><th scope="col">Verdict</th><th scope="col">Outcome</th><th scope="col">Rows</th><th scope="col">Masked</th></tr></thead>
<tbody>${commands.map((c, i) => commandRow(c, i))}</tbody></table>` : html`<p>No command was sent during the grant.</p>`)
    : html`<p>No archive yet: ${s.commands.length} held command(s) so far; the session recording is archived when the request ends.</p>`}
${refusals.length ? html`<h3>Refusals</h3><ul id="refusals">${refusals.map((r) => html`<li>${describeStep(r.body).what}</li>`)}</ul>` : ''}
</section>`;
  const replay = html`<section aria-labelledby="replay-heading" id="replay-section"><h2 id="replay-heading">Replay</h2>
${steps.length ? html`<div class="replay-controls" hidden>
  <button type="button" id="replay-reset">Start over</button>
  <button type="button" id="replay-back">Previous step</button>
  <button type="button" id="replay-step">Next step</button>
  <button type="button" id="replay-play">Play</button>
  <span id="replay-position" aria-live="polite">${steps.length} / ${steps.length}</span>
</div>
<ol id="replay">${steps.map((step) => {
    const { kind, what } = describeStep(step.entry);
    return html`<li class="shown" data-offset="${step.offsetMs}"><span class="offset">+${(step.offsetMs / 1000).toFixed(3)} s</span> <code>${kind}</code> ${what}</li>`;
  })}</ol>` : html`<p>Nothing to replay${archive ? ': no client connected during the grant' : ' until the request is archived'}.</p>`}
</section>`;
  const downloads = html`<p class="downloads"><a id="evidence-download" href="${consoleHref(`/console/requests/${id}/evidence`)}" download>Download the evidence pack of this request (zip)</a></p>`;
  return html`${verificationPanel(item.report, s.archive?.digest, item.note)}${downloads}${story}${commandTable}${timeline}${replay}`;
}
