// The story, step by step. Each step narrates what happens, then checks it happened.
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiAgent, clientCredentialsToken, readClientEnv, type RequestView } from './agent';
import { storedDevelopmentKey } from '../dev-keys';
import { connectAdmin, gatehouse, userNames, type SnowflakeAdmin } from './evidence';
import { detail, expectThat, masked, ok, say, scrubbed, step } from './narrator';
import { DemoOAuthProvider, pageText, ScriptedBrowser, startRedirectReceiver } from './sign-in';
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
  let modern: Client | undefined;
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
    step(4, 'The agent connects to the gateway with the official MCP client (Streamable HTTP, "Authorization: Bearer <grant token>") and lists the tools; a second agent on the same grant speaks the 2026-07-28 revision.');
    const transport = new StreamableHTTPClientTransport(new URL(grant.mcpUrl), { requestInit: { headers: { Authorization: `Bearer ${grant.token}` } } });
    const client = new Client({ name: 'claims-etl-agent', version: '1.0.0' });
    await client.connect(transport);
    mcp = { client, transport };
    const tools = (await client.listTools()).tools.map((t) => t.name).sort();
    expectThat(['describe_object', 'list_objects', 'run_snowflake_query'].every((t) => tools.includes(t)), `the gateway listed ${tools.join(', ')}; expected run_snowflake_query, list_objects, describe_object`);
    ok(`tools: ${tools.join(', ')} (2025-era session ${transport.sessionId ? 'with an Mcp-Session-Id' : 'without a session id'}).`);
    // The same SDK in 'auto' mode opens with server/discover and, offered 2026-07-28, keeps no session.
    modern = new Client({ name: 'claims-etl-agent-2026', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    const modernTransport = new StreamableHTTPClientTransport(new URL(grant.mcpUrl), { requestInit: { headers: { Authorization: `Bearer ${grant.token}` } } });
    await modern.connect(modernTransport);
    expectThat(modern.getProtocolEra() === 'modern' && modern.getNegotiatedProtocolVersion() === '2026-07-28', `the second agent negotiated ${modern.getNegotiatedProtocolVersion()} (${modern.getProtocolEra()} era), not 2026-07-28`);
    const modernTools = (await modern.listTools()).tools.map((t) => t.name).sort();
    expectThat(modernTools.join() === tools.join() && !modernTransport.sessionId, `the 2026-07-28 agent listed ${modernTools.join(', ')}${modernTransport.sessionId ? ' and got a session id' : ''}`);
    ok(`the second agent speaks 2026-07-28 (server/discover, no session, every request authorised on its own) and sees the same tools.`);

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
    const modernAnswer = (await modern.callTool({ name: 'run_snowflake_query', arguments: { statement: query } })) as ToolText;
    const modernLeaked = raw.flatMap((r) => [r.FIRST_NAME, r.LAST_NAME, r.SSN, r.MRN].map(String)).filter((v) => v && textOf(modernAnswer).includes(v));
    expectThat(!modernAnswer.isError && modernLeaked.length === 0 && /\[SSN\]/.test(textOf(modernAnswer)), `the 2026-07-28 agent's query failed or leaked ${modernLeaked.length} value(s): ${textOf(modernAnswer).slice(0, 300)}`);
    ok('the 2026-07-28 agent ran the same query statelessly: the same rows, masked the same way.');
    // The same SSNs, disguised: masking decides by what a column is computed from, not by its name or look.
    const disguised = "SELECT REVERSE(REPLACE(SSN, '-', '')) AS ICD10_CODE FROM CLINICAL.PHI.PATIENTS ORDER BY PATIENT_ID LIMIT 3";
    detail(`The agent tries to disguise the SSNs: ${disguised}`);
    const sneaky = (await client.callTool({ name: 'run_snowflake_query', arguments: { statement: disguised } })) as ToolText & { _meta?: Record<string, unknown> };
    // The agent is told which columns were masked and as what; the reason (the source column and
    // the transform) is the auditor's, in the recording under the plan's digest (step 12 shows it).
    const note = sneaky._meta?.['gatehouse/masking'] as { plan?: string; masked?: { name?: string; type?: string }[] } | undefined;
    const told = note?.masked?.[0] ? `${note.masked[0].name} masked as ${note.masked[0].type}` : undefined;
    const reversed = raw.map((r) => [...String(r.SSN).replace(/-/g, '')].reverse().join(''));
    expectThat(!sneaky.isError && !reversed.some((v) => textOf(sneaky).includes(v)) && /\[SSN\]/.test(textOf(sneaky)) && !!told && !!note?.plan, `the disguised SSNs came back unmasked or without a masking note: ${textOf(sneaky).slice(0, 300)}`);
    ok(`masked whole by lineage, whatever the column is called: the agent is told "${told}" (masking plan ${note!.plan!.slice(0, 19)}…; the why is in the recording).`);

    // 6 ─ a write is held, approved in the thread, and run
    const write = "UPDATE CLINICAL.PHI.ENCOUNTERS SET FACILITY = 'North Campus Clinic' WHERE ENCOUNTER_ID = 1";
    step(6, `The agent sends a write: ${write}. The gateway holds it and asks the approvers in the request's thread.`);
    const progress: string[] = [];
    const held = client.callTool({ name: 'run_snowflake_query', arguments: { statement: write } }, {
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
    expectThat(denied?.code === -31030, `the export was not denied by policy (-31030): ${denied ? `${denied.code} ${denied.message}` : 'it ran'}`);
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
    const cut = await errorOf(client.callTool({ name: 'run_snowflake_query', arguments: { statement: 'SELECT 1' } }, { timeout: 20_000 }));
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
    const why = show.stdout.match(/why: ICD10_CODE masked as SSN: (.*)/)?.[1];
    expectThat(why?.includes('CLINICAL.PHI.PATIENTS.SSN via REVERSE > REPLACE'), 'the audit summary does not say why the disguised SSNs were masked (their lineage)');
    ok(`the disguised SSNs' masking, with its lineage, from the recording's masking plan: ${why}`);

    // 13 ─ a person signs in from an MCP client that knows nothing but the URL
    await signInWithNothingButTheUrl(stack, slack, stateDir, cliEnv);
    say(`Read ${agentRequest} in the audit console: ${stack.api}/console/requests/${agentRequest} (sign in as omar.privacy@example.org, any password)`);
  } finally {
    if (mcp) {
      await mcp.transport.terminateSession().catch(() => undefined);
      await mcp.client.close().catch(() => undefined);
    }
    await modern?.close().catch(() => undefined);
    await admin?.close().catch(() => undefined);
  }
}

/**
 * Step 13: an MCP client given only the gateway's URL. The official SDK discovers the gateway's
 * authorization server and registers; the person signs in at the OpenID provider and asks on the
 * gateway's page; an approver approves in Slack; the client gets its token and queries, masked.
 * The request says it came from an OAuth sign-in, by which client, with every step on its record.
 */
async function signInWithNothingButTheUrl(stack: DemoStack, slack: LocalSlackPeople, stateDir: string, cliEnv: Record<string, string>): Promise<void> {
  const mcpUrl = `${stack.mcp.replace(/\/mcp\/.*$/, '')}/mcp/${TARGET}`;
  step(13, `A person (${PERSON}) gives an MCP client nothing but the URL ${mcpUrl}: it finds the gateway's authorization server, registers, and sends her to sign in.`);
  const receiver = await startRedirectReceiver();
  const provider = new DemoOAuthProvider(receiver.url, "Carol's notebook (MCP client)");
  let connection: { client: Client; transport: StreamableHTTPClientTransport } | undefined;
  const connect = async (): Promise<'signed-in' | 'sign-in needed'> => {
    const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
    const client = new Client({ name: 'carols-notebook', version: '1.0.0' });
    try {
      await client.connect(transport);
      connection = { client, transport };
      return 'signed-in';
    } catch (error) {
      await transport.close().catch(() => undefined);
      if (error instanceof UnauthorizedError) return 'sign-in needed';
      throw error;
    }
  };
  try {
    expectThat(await connect() === 'sign-in needed' && provider.authorizationUrl, 'the MCP client was not sent to sign in');
    const asked = provider.authorizationUrl!;
    expectThat(asked.href.startsWith(`${new URL(mcpUrl).origin}/oauth/authorize`) && asked.searchParams.get('resource') === mcpUrl,
      `the client was sent to ${asked.origin}${asked.pathname} for ${asked.searchParams.get('resource')}, not the gateway's authorization server for ${mcpUrl}`);
    ok(`registered as ${provider.info?.client_id} (dynamic registration); sent to ${asked.origin}${asked.pathname} with PKCE S256 and resource=${mcpUrl}.`);

    const browser = new ScriptedBrowser();
    let page = await browser.open(asked.href);
    page = await browser.submit(page, { login: `${PERSON}@example.org`, password: 'any password' }, (f) => /name="login"/.test(f));
    if (/name="prompt" value="consent"/.test(page.html)) page = await browser.submit(page, {}, (f) => /value="consent"/.test(f));
    expectThat(/Access to /.test(pageText(page)), `after signing in, the browser is at ${page.url} (${page.status}): ${pageText(page).slice(0, 300)}`);
    detail(`the gateway's page: ${pageText(page).replace(/ Why \(approvers see this\)[\s\S]*$/, '').slice(0, 400)}`);
    page = await browser.submit(page, { duration: '1m', reason: 'review readmissions for ticket CLM-4412', ticket: 'CLM-4412' }, (f) => /name="action" value="request"/.test(f));
    const requestId = (pageText(page).match(REQUEST_ID) ?? [])[0];
    expectThat(requestId, `the gateway's page shows no request: ${pageText(page).slice(0, 300)}`);
    ok(`signed in at the OpenID provider as ${PERSON}@example.org and asked on the gateway's page: ${requestId}; the page says "${pageText(page).match(/Waiting for approval in #\S+ \([^)]*\)\./)?.[0] ?? pageText(page).slice(0, 120)}"`);

    const shown = await slack.waitForChannel(CHANNEL, (t) => /Approve/.test(threadOf(t, requestId!)) && /claimed by the client/.test(threadOf(t, requestId!)), 30_000);
    expectThat(shown.ok, `the approval message for ${requestId} does not show the sign-in's client as claimed:\n${threadOf(shown.text, requestId!)}`);
    ok(`the approvers see in #${CHANNEL} that it is a sign-in from an MCP client, its name "Carol's notebook (MCP client)" only claimed, and what Gatehouse verified.`);
    await slack.click(APPROVER, 'approve', requestId!);
    // The page (no script: it refreshes) sends the browser back to the client once access is active.
    const progressUrl = page.url;
    expectThat(progressUrl.includes('/oauth/authorize/'), `after asking, the browser is at ${progressUrl}, not the gateway's progress page`);
    let back: URLSearchParams | undefined;
    for (let i = 0; i < 60 && !back; i++) {
      page = await browser.open(progressUrl);
      if (page.url.startsWith(receiver.url)) back = await receiver.next(5_000);
      else await new Promise((r) => setTimeout(r, 1_000));
    }
    expectThat(back?.get('code'), `the browser was not sent back with a code: ${back ? back.toString() : pageText(page).slice(0, 300)}`);
    // The whole callback: the code and the authorization server's iss, which the client checks (RFC 9207).
    await new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider }).finishAuth(back!);
    expectThat(await connect() === 'signed-in', 'the MCP client could not connect with the token it received');
    const query = 'SELECT FIRST_NAME, SSN FROM CLINICAL.PHI.PATIENTS ORDER BY PATIENT_ID LIMIT 2';
    const answer = (await connection!.client.callTool({ name: 'run_snowflake_query', arguments: { statement: query } })) as ToolText;
    expectThat(!answer.isError && /\[NAME\]/.test(textOf(answer)) && /\[SSN\]/.test(textOf(answer)), `the signed-in client's query failed or came back unmasked: ${textOf(answer).slice(0, 300)}`);
    ok(`${APPROVER} approved; the client exchanged its code for a token (${provider.saved?.expires_in} s, the grant's own time) and queried: ${textOf(answer).replace(/\s+/g, ' ').slice(0, 160)}`);

    const carolToken = await clientCredentialsToken(readClientEnv(join(stateDir, 'oidc', 'clients', `${PERSON}@example.org.env`)), 'access:request');
    const carol = new ApiAgent(stack.api, carolToken);
    const view = await carol.view(requestId!);
    const steps = view.timeline.filter((e) => e.type.startsWith('oauth_')).map((e) => e.type.replace('oauth_', ''));
    expectThat(view.origin === 'oauth' && view.client?.kind === 'dynamic' && view.client.nameVerified === false, `the API says origin ${view.origin}, client ${JSON.stringify(view.client)}`);
    expectThat(['signed_in', 'request_started', 'code_issued', 'token_issued'].every((t) => steps.includes(t)), `the request's timeline has the sign-in steps ${steps.join(', ')}`);
    ok(`the API says origin "oauth", client ${view.client!.clientId} "${view.client!.name}" (claimed; verified: ${view.client!.verified.split(';')[0]}); the request's own timeline has the sign-in: ${steps.join(' → ')}.`);
    const status = await gatehouse(['status', requestId!], { GATEHOUSE_API_URL: stack.api, GATEHOUSE_TOKEN: carolToken });
    const said = status.stdout.split('\n').filter((l) => /^(requester|client|\s+verified:)/.test(l));
    expectThat(status.code === 0 && /via OAuth sign-in from an MCP client/.test(status.stdout) && /^client +Carol's notebook \(MCP client\) \(name claimed by the client, not verified\)/m.test(status.stdout),
      `gatehouse status ${requestId} exited ${status.code} or does not say it came from an OAuth sign-in and which client: ${status.stdout}${status.stderr}`);
    detail(`gatehouse status ${requestId}:\n${scrubbed(said.join('\n'))}`);
    const revoked = await carol.call<{ state?: string }>('POST', `/v1/access-requests/${requestId}/revoke`, { reason: 'done with the notebook' });
    expectThat(revoked.status === 200, `revoking ${requestId} answered ${revoked.status}: ${JSON.stringify(revoked.body)}`);
    const refused = await fetch(mcpUrl, { method: 'POST', headers: { authorization: `Bearer ${provider.saved!.access_token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}', signal: AbortSignal.timeout(20_000) });
    expectThat(refused.status === 401, `after the revoke, the signed-in client's token got HTTP ${refused.status}, not 401`);
    ok(`${PERSON} revoked it; the client's token now gets HTTP 401, and its next connection would start a new sign-in (a new request).`);

    // The sign-in is in the archive and in `gatehouse audit show`, with nothing secret.
    const archived = await carol.waitFor(requestId!, (v) => v.state === 'ARCHIVED' || v.state === 'FAILED', 90_000);
    expectThat(archived.state === 'ARCHIVED' && archived.archive, `${requestId} is ${archived.state}, not ARCHIVED`);
    const records = readFileSync(join(archived.archive!.location, 'records.jsonl'), 'utf8');
    expectThat(/"origin":"oauth"/.test(records) && records.includes('"type":"oauth_token_issued"') && records.includes(provider.info!.client_id),
      `the archive of ${requestId} does not hold the sign-in (origin oauth, its steps, the client id)`);
    expectThat(!records.includes(provider.saved!.access_token) && !records.includes(back!.get('code')!), `the archive of ${requestId} holds the token or the code`);
    const show = await gatehouse(['audit', 'show', requestId!], cliEnv);
    expectThat(show.code === 0 && /OAuth sign-in from an MCP client/.test(show.stdout) && /sign-in +\d+ steps/.test(show.stdout), `gatehouse audit show ${requestId} exited ${show.code} or does not show the sign-in: ${show.stdout}${show.stderr}`);
    detail(scrubbed(show.stdout.split('\n').filter((l) => /asked|client|verified:|sign-in|^\s+\S+Z\s+(client_identified|authorization_started|signed_in|request_started|code_issued|token_issued)/.test(l)).join('\n')));
    ok(`the archive and gatehouse audit show hold the sign-in (origin, client, every step) and neither the code nor the token.`);
  } finally {
    if (connection) await connection.client.close().catch(() => undefined);
    await receiver.close();
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
