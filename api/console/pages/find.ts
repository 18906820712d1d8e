import type { RequestPage } from '../../../audit';
import { archiveFindings, requestStates } from '../../../workflows';
import { FINDING_LABELS, findQueryString, type FindQuery } from '../filters';
import { consoleHref, html, type Html } from '../html';

const time = (d: Date | undefined) => (d ? html`<time datetime="${d.toISOString()}">${d.toISOString().replace('T', ' ').slice(0, 19)} UTC</time>` : '');

function filterForm(form: FindQuery, targets: string[]): Html {
  const option = (value: string, selected: string, label = value) => html`<option value="${value}"${value === selected ? html` selected` : ''}>${label}</option>`;
  const field = (name: keyof FindQuery, label: string, hint: string, type = 'text') => html`<p class="field">
    <label for="f-${name}">${label}</label>
    <input id="f-${name}" name="${name}" type="${type}" value="${String(form[name])}" aria-describedby="f-${name}-hint" autocomplete="off">
    <small id="f-${name}-hint">${hint}</small>
  </p>`;
  return html`<form method="get" action="/console" class="filters" role="search" aria-label="Find requests">
  <fieldset>
    <legend>Who and what</legend>
    ${field('requester', 'Requester', 'a subject, e.g. carol@example.org or agent:claims-etl')}
    ${field('approver', 'Approver', 'who approved or denied the request')}
    <p class="field"><label for="f-target">Target</label>
      <select id="f-target" name="target">${option('', form.target, 'any target')}${targets.map((t) => option(t, form.target))}${form.target && !targets.includes(form.target) ? option(form.target, form.target) : ''}</select></p>
    <p class="field"><label for="f-state">State</label>
      <select id="f-state" name="state">${option('', form.state, 'any state')}${requestStates.map((s) => option(s, form.state))}</select></p>
  </fieldset>
  <fieldset>
    <legend>When the request started</legend>
    ${field('from', 'From', 'on or after this day (UTC)', 'date')}
    ${field('to', 'To', 'up to the end of this day (UTC)', 'date')}
  </fieldset>
  <fieldset>
    <legend>What its session held</legend>
    ${archiveFindings.map((f) => html`<p class="check"><input type="checkbox" id="f-${f}" name="${f}" value="1"${form.findings.includes(f) ? html` checked` : ''}><label for="f-${f}">${FINDING_LABELS[f]}</label></p>`)}
  </fieldset>
  <p class="actions"><button type="submit">Find</button> <a href="/console">Clear filters</a></p>
</form>`;
}

export function findPage(input: { form: FindQuery; targets: string[]; page?: RequestPage; total?: number; problems?: string[]; pageSize: number }): Html {
  const { form, page } = input;
  const problems = input.problems?.length
    ? html`<div class="problem" role="alert" id="filter-problems"><p>These filters cannot be used:</p><ul>${input.problems.map((p) => html`<li>${p}</li>`)}</ul></div>`
    : '';
  const rows = page?.rows ?? [];
  const results = page
    ? html`<section aria-labelledby="results-heading">
  <h2 id="results-heading">Requests</h2>
  <p id="result-count">${input.total !== undefined ? `${input.total} request${input.total === 1 ? '' : 's'} match` : ''}${form.page ? ' (a later page)' : ''}. Newest first, by when the request started.</p>
  ${rows.length === 0 ? html`<p id="no-results">No request matches these filters.</p>` : html`<table id="requests">
    <caption class="visually-hidden">Requests matching the filters</caption>
    <thead><tr><th scope="col">Request</th><th scope="col">Started</th><th scope="col">Requester</th><th scope="col">Target</th><th scope="col">State</th><th scope="col">Approver</th><th scope="col">Findings</th></tr></thead>
    <tbody>${rows.map((r) => html`<tr data-request="${r.requestId}">
      <th scope="row"><a href="${consoleHref(`/console/requests/${encodeURIComponent(r.requestId)}`)}">${r.requestId}</a></th>
      <td>${time(r.startTime)}</td><td>${r.requester ?? ''}</td><td>${r.target ?? ''}</td><td>${r.state ?? r.workflowStatus}</td><td>${r.approver ?? ''}</td>
      <td>${r.findings.map((f) => html`<span class="tag tag-${f}">${f}</span> `)}</td>
    </tr>`)}</tbody>
  </table>`}
  <nav aria-label="Pages" class="pager">
    ${form.page ? html`<a href="${consoleHref('/console', findQueryString(form))}">First page</a>` : ''}
    ${page.next ? html`<a id="next-page" rel="next" href="${consoleHref('/console', findQueryString(form, page.next))}">Next ${input.pageSize}</a>` : html`<span>End of the list</span>`}
  </nav>
</section>`
    : '';
  return html`${problems}${filterForm(form, input.targets)}${results}`;
}
