// The story, step by step. Each step narrates what happens, then checks it happened.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { join } from 'node:path';
import { ApiAgent, clientCredentialsToken, readClientEnv, type RequestView } from './agent';
import { storedDevelopmentKey } from '../dev-keys';
import { connectAdmin, gatehouse, userNames, type SnowflakeAdmin } from './evidence';
import { detail, expectThat, masked, ok, say, scrubbed, step } from './narrator';
import { LocalSlackPeople, threadOf } from './slack';
import type { DemoStack } from './stack';

const TARGET = 'clinical-readonly';
const CHANNEL = 'phi-access-approvals';
const AGENT = 'agent:claims-etl';
const PERSON = 'carol.analyst';
const APPROVER = 'omar.privacy';
const SECOND_APPROVER = 'dana.lead';
const GRANT = '45s';
const REQUEST_ID = /req_[a-z0-9]{20}/g;

type ToolText = { content?: Array<{ type: string; text?: string }>; isError?: boolean };
const textOf = (result: ToolText) => (result.content ?? []).map((c) => c.text ?? '').join('\n');
const principalOf = (requestId: string) => `GH_${requestId.toUpperCase()}`;
const errorOf = async (work: Promise<unknown>): Promise<{ code?: number; message: string } | undefined> => {
  try {
    await work;
    return undefined;
  } catch (error) {
    return { code: (error as { code?: number }).code, message: (error as Error).message };
  }
};

export async function tellStory(stack: DemoStack, stateDir: string): Promise<void> {
  const slack = new LocalSlackPeople(stack.localSlack);
  // The audit commands read workflow history, encrypted with the stack's payload key: the one in
  // the environment when there is one (it wins for the stack too, see developmentKeys), else the stored one.
  const cliEnv = {
    GATEHOUSE_STATE_DIR: stateDir, TEMPORAL_ADDRESS: stack.temporal, GATEHOUSE_CONFIG: join(stateDir, 'gatehouse.demo.yaml'),
    GATEHOUSE_PAYLOAD_KEYS: process.env.GATEHOUSE_PAYLOAD_KEYS || storedDevelopmentKey(stateDir, 'GATEHOUSE_PAYLOAD_KEYS') || '',
  };
  let admin: SnowflakeAdmin | undefined;
  let mcp: { client: Client; transport: StreamableHTTPClientTransport } | undefined;
  try {
    admin = await connectAdmin(stack.snowflake, stateDir);
    // So that the approved write can really run: in this demo's own fresh Snowflake, the scoped
    // role may update ENCOUNTERS (the gateway still holds every write for an approver).
    await admin.query('GRANT UPDATE ON TABLE CLINICAL.PHI.ENCOUNTERS TO ROLE CLINICAL_ANALYST');
    say('setup: in this fresh local Snowflake, CLINICAL_ANALYST may also UPDATE CLINICAL.PHI.ENCOUNTERS (the gateway still holds every write).');

    // 1 ─ the agent asks through the API
    step(1, `An agent (${AGENT}) gets an OIDC token with the client-credentials grant and asks through the REST API for ${GRANT} of ${TARGET}.`);
    const agentCreds = readClientEnv(join(stateDir, 'oidc', 'clients', 'agent_claims-etl.env'));
    const agentToken = await clientCredentialsToken(agentCreds, 'access:request');
    detail(`access token from ${stack.oidc}: ${masked(agentToken)}`);
    const agent = new ApiAgent(stack.api, agentToken);
    const asked = await agent.call<{ id?: string; state?: string }>('POST', '/v1/access-requests',
      { target: TARGET, duration: GRANT, reason: 'reconcile claim batch 4411 against encounters', ticket: 'CLM-4411' },
      { 'Idempotency-Key': `demo-${Date.now()}` });
    expectThat(asked.status === 202 && asked.body.id, `POST /v1/access-requests answered ${asked.status}: ${JSON.stringify(asked.body)}`);
    const agentRequest = asked.body.id!;
    expectThat(asked.body.state === 'PENDING_APPROVAL', `the agent's request is ${asked.body.state}, not PENDING_APPROVAL (is auto-approve on for ${AGENT}?)`);
    const agentThread = await slack.waitForChannel(CHANNEL, (t) => /Approve/.test(threadOf(t, agentRequest)), 30_000);
    expectThat(agentThread.ok, `no approval message for ${agentRequest} appeared in #${CHANNEL}:\n${agentThread.text}`);
    ok(`${agentRequest} is waiting for an approver; its approval message is in #${CHANNEL} with Approve and Deny.`);

    // 2 ─ a person asks with /access
    step(2, `A person (${PERSON}) types "/access ${TARGET} 1m check claim 4411 ticket:CLM-4411" in Slack.`);
    const before = new Set((await slack.channel(CHANNEL)).match(REQUEST_ID) ?? []);
    await slack.command(PERSON, `${TARGET} 1m check claim 4411 ticket:CLM-4411`);
    const personSeen = await slack.waitForChannel(CHANNEL, (t) => (t.match(REQUEST_ID) ?? []).some((id) => !before.has(id)), 30_000);
    const personRequest = (personSeen.text.match(REQUEST_ID) ?? []).find((id) => !before.has(id));
    expectThat(personSeen.ok && personRequest, `no approval message for ${PERSON}'s /access request appeared in #${CHANNEL}:\n${personSeen.text}`);
    ok(`${personRequest} (from Slack) is waiting for an approver in #${CHANNEL} too.`);

    // 3 ─ an approver approves in the thread
    step(3, `An approver (${APPROVER}) clicks Approve on the agent's request in the Slack thread; ${SECOND_APPROVER} approves ${PERSON}'s.`);
    await slack.click(APPROVER, 'approve', agentRequest);
    await slack.click(SECOND_APPROVER, 'approve', personRequest!);
    const active = await agent.waitFor(agentRequest, (v) => v.state !== 'PENDING_APPROVAL' && v.state !== 'APPROVED' && v.state !== 'ISSUING', 60_000);
    expectThat(active.state === 'ACTIVE' && active.grant, `${agentRequest} is ${active.state}${active.failure ? ` (${active.failure})` : ''}, not ACTIVE with a grant`);
    expectThat(active.decision?.approved && active.decision.by.includes(APPROVER), `the decision on ${agentRequest} is ${JSON.stringify(active.decision)}, not an approval by ${APPROVER}`);
    const grant = active.grant!;
    ok(`approved by ${active.decision!.by}; the grant is active until ${grant.expiresAt}.`);
    detail(`MCP endpoint ${grant.mcpUrl}, grant token ${masked(grant.token)} (the API shows it to the requester only)`);
    const principal = principalOf(agentRequest);
    expectThat((await userNames(admin)).includes(principal), `SHOW USERS does not list ${principal}, the Snowflake user issued for ${agentRequest}`);
    ok(`Snowflake now has the service user ${principal}; its private key stays with the gateway.`);
    const personView = await slack.waitForChannel(CHANNEL, (t) => /approved/i.test(threadOf(t, personRequest!)), 30_000);
    expectThat(personView.ok, `${PERSON}'s thread does not show the approval:\n${threadOf(personView.text, personRequest!)}`);
    ok(`${PERSON}'s request ${personRequest} was approved in its thread as well.`);

    // 4 ─ the official MCP client connects and lists tools
    step(4, 'The agent connects to the gateway with the official MCP client (Streamable HTTP, "Authorization: Bearer <grant token>") and lists the tools.');
    const transport = new StreamableHTTPClientTransport(new URL(grant.mcpUrl), { requestInit: { headers: { Authorization: `Bearer ${grant.token}` } } });
    const client = new Client({ name: 'claims-etl-agent', version: '1.0.0' });
    await client.connect(transport);
    mcp = { client, transport };
    const tools = (await client.listTools()).tools.map((t) => t.name).sort();
    expectThat(['describe_object', 'list_objects', 'run_snowflake_query'].every((t) => tools.includes(t)), `the gateway listed ${tools.join(', ')}; expected run_snowflake_query, list_objects, describe_object`);
    ok(`tools: ${tools.join(', ')}`);

    // 5 ─ a query whose PHI comes back masked
    const query = 'SELECT PATIENT_ID, MRN, FIRST_NAME, LAST_NAME, SSN, DATE_OF_BIRTH, CITY FROM CLINICAL.PHI.PATIENTS ORDER BY PATIENT_ID LIMIT 3';
    step(5, `The agent runs a query: ${query}`);
    const raw = await admin.query(query);
    const answer = (await client.callTool({ name: 'run_snowflake_query', arguments: { statement: query } })) as ToolText;
    const answerText = textOf(answer);
    expectThat(!answer.isError, `the query failed: ${answerText}`);
    detail(answerText.length > 900 ? `${answerText.slice(0, 900)}…` : answerText);
    const leaked = raw.flatMap((r) => [r.FIRST_NAME, r.LAST_NAME, r.SSN, r.MRN].map(String)).filter((v) => v && answerText.includes(v));
    expectThat(leaked.length === 0, `the answer carries PHI unmasked: ${leaked.length} value(s) from the table appear as they are stored`);
    expectThat(/\[NAME\]/.test(answerText) && /\[SSN\]/.test(answerText), 'the answer has no [NAME] and [SSN] placeholders where the names and SSNs were');
    ok(`${raw.length} rows came back; names, SSNs and MRNs are masked ([NAME], [SSN], ...), none of the stored values reached the agent.`);
    // The same SSNs, disguised: masking decides by what a column is computed from, not by its name or look.
    const disguised = "SELECT REVERSE(REPLACE(SSN, '-', '')) AS ICD10_CODE FROM CLINICAL.PHI.PATIENTS ORDER BY PATIENT_ID LIMIT 3";
    detail(`The agent tries to disguise the SSNs: ${disguised}`);
    const sneaky = (await client.callTool({ name: 'run_snowflake_query', arguments: { statement: disguised } })) as ToolText & { _meta?: Record<string, unknown> };
    const why = ((sneaky._meta?.['gatehouse/masking'] as { columns?: { reason?: string }[] } | undefined)?.columns ?? [])[0]?.reason;
    const reversed = raw.map((r) => [...String(r.SSN).replace(/-/g, '')].reverse().join(''));
    expectThat(!sneaky.isError && !reversed.some((v) => textOf(sneaky).includes(v)) && /\[SSN\]/.test(textOf(sneaky)) && !!why, `the disguised SSNs came back unmasked or without a reason: ${textOf(sneaky).slice(0, 300)}`);
    ok(`masked whole by lineage, whatever the column is called: ${why}`);

    // 6 ─ a write is held, approved in the thread, and run
    const write = "UPDATE CLINICAL.PHI.ENCOUNTERS SET FACILITY = 'North Campus Clinic' WHERE ENCOUNTER_ID = 1";
    step(6, `The agent sends a write: ${write}. The gateway holds it and asks the approvers in the request's thread.`);
    const progress: string[] = [];
    const held = client.callTool({ name: 'run_snowflake_query', arguments: { statement: write } }, CallToolResultSchema, {
      onprogress: (p) => progress.push(p.message ?? `${p.progress}`), resetTimeoutOnProgress: true, timeout: 60_000, maxTotalTimeout: 150_000,
    }).then((r) => ({ result: r as ToolText }), (error: unknown) => ({ error: error as Error & { code?: number } }));
    const heldShown = await slack.waitForChannel(CHANNEL, (t) => /gatehouse_command_approve/.test(threadOf(t, agentRequest)), 30_000);
    expectThat(heldShown.ok, `no held-command message with Approve/Deny appeared in ${agentRequest}'s thread:\n${threadOf(heldShown.text, agentRequest)}`);
    ok('the thread shows the held command with its own Approve and Deny buttons.');
    await slack.click(APPROVER, 'command_approve', agentRequest);
    const outcome = await held;
    expectThat(!('error' in outcome), `the approved write did not run: ${'error' in outcome ? `${outcome.error.code ?? ''} ${outcome.error.message}` : ''}`);
    const writeText = textOf((outcome as { result: ToolText }).result);
    expectThat(!(outcome as { result: ToolText }).result.isError, `the approved write failed in Snowflake: ${writeText}`);
    expectThat(progress.length > 0, 'the client heard no progress notification while the write was held');
    detail(`while held, the client heard: "${progress[0]}"`);
    const after = await admin.query('SELECT FACILITY FROM CLINICAL.PHI.ENCOUNTERS WHERE ENCOUNTER_ID = 1');
    expectThat(after[0]?.FACILITY === 'North Campus Clinic', `after the approved write, ENCOUNTERS 1 has FACILITY ${JSON.stringify(after[0]?.FACILITY)}`);
    ok(`${APPROVER} approved it in the thread; it ran (${writeText.replace(/\s+/g, ' ').slice(0, 120)}), and Snowflake has the new value.`);

    // 7 ─ an export is denied
    const exportSql = 'COPY INTO @exfil_stage FROM CLINICAL.PHI.PATIENTS';
    step(7, `The agent tries to export: ${exportSql}`);
    const denied = await errorOf(client.callTool({ name: 'run_snowflake_query', arguments: { statement: exportSql } }));
    expectThat(denied?.code === -32030, `the export was not denied by policy (-32030): ${denied ? `${denied.code} ${denied.message}` : 'it ran'}`);
    ok(`denied by the gateway (${denied!.code}): ${denied!.message}`);

    // 8 ─ the grant expires
    const left = Math.max(0, Date.parse(grant.expiresAt) - Date.now());
    step(8, `Nobody extends the grant; it expires at ${grant.expiresAt} (in ${Math.round(left / 1000)} s).`);
    const ended = await agent.waitFor(agentRequest, (v) => !['PENDING_APPROVAL', 'APPROVED', 'ISSUING', 'ACTIVE'].includes(v.state), left + 60_000);
    expectThat(['REVOKING', 'REVOKED', 'ARCHIVED'].includes(ended.state), `${agentRequest} is ${ended.state}${ended.failure ? ` (${ended.failure})` : ''} a minute after its expiry`);
    expectThat(!ended.grant, 'the API still hands out a grant after expiry');
    ok(`${agentRequest} is ${ended.state}${ended.revocation ? `: revoked by ${ended.revocation.by} (${ended.revocation.reason})` : ''}.`);

    // 9 ─ the gateway refuses the next call
    step(9, 'The agent tries one more query on its session, then opens a new one with the same token.');
    const cut = await errorOf(client.callTool({ name: 'run_snowflake_query', arguments: { statement: 'SELECT 1' } }, CallToolResultSchema, { timeout: 20_000 }));
    expectThat(cut, 'the call on the old session succeeded after the grant expired');
    ok(`the old session is refused: ${cut!.code ?? ''} ${cut!.message}`.replace(/\s+/g, ' '));
    const fresh = await fetch(grant.mcpUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${grant.token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'claims-etl-agent', version: '1.0.0' } } }),      signal: AbortSignal.timeout(20_000),
    });
    const freshBody = (await fresh.json().catch(() => ({}))) as { error?: { code?: number; message?: string } };
    expectThat(fresh.status === 401, `a new session with the expired token got HTTP ${fresh.status}, not 401`);
    ok(`a new session gets HTTP 401 (${freshBody.error?.code ?? ''} ${freshBody.error?.message ?? ''})`.replace(/\s+\)/, ')'));

    // 10 ─ the Snowflake user is gone
    step(10, `Gatehouse revoked the Snowflake identity: ADMIN runs SHOW USERS and looks for ${principal}.`);
    const gone = await waitUntil(async () => !(await userNames(admin!)).includes(principal), 60_000);
    expectThat(gone, `SHOW USERS still lists ${principal} after revocation`);
    ok(`${principal} no longer exists in Snowflake.`);

    // 11 ─ the archive is written and verified
    step(11, 'The worker archives the request: a hash-chained, signed record of the lifecycle and the MCP session. `gatehouse audit verify` checks it.');
    const archived = await agent.waitFor(agentRequest, (v) => v.state === 'ARCHIVED' || v.state === 'FAILED', 90_000);
    expectThat(archived.state === 'ARCHIVED' && archived.archive, `${agentRequest} is ${archived.state}${archived.failure ? ` (${archived.failure})` : ''}, not ARCHIVED with an archive`);
    detail(`archive ${archived.archive!.location}, digest ${archived.archive!.digest}`);
    const verify = await gatehouse(['audit', 'verify', agentRequest], cliEnv);
    detail(scrubbed(verify.stdout.trim() || verify.stderr.trim()));
    expectThat(verify.code === 0, `gatehouse audit verify ${agentRequest} exited ${verify.code}: ${verify.stderr.trim()}`);
    ok('the archive verifies: chain, signature and the digest in the workflow history agree.');

    // 12 ─ the audit summary
    step(12, `The audit summary of ${agentRequest} (gatehouse audit show):`);
    const show = await gatehouse(['audit', 'show', agentRequest], cliEnv);
    expectThat(show.code === 0, `gatehouse audit show ${agentRequest} exited ${show.code}: ${show.stderr.trim()}`);
    detail(scrubbed(show.stdout.trimEnd()));
    expectThat(/COPY INTO|export/i.test(show.stdout) && /UPDATE/i.test(show.stdout), 'the audit summary does not list the held write and the denied export');
    ok('the summary names the approver, the held write and its approval, the denied export, the expiry and the revocation.');
  } finally {
    if (mcp) {
      await mcp.transport.terminateSession().catch(() => undefined);
      await mcp.client.close().catch(() => undefined);
    }
    await admin?.close().catch(() => undefined);
  }
}

async function waitUntil(test: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await test()) return true;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  return false;
}

export type { RequestView };
