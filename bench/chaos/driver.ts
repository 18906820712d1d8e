// The load: agents asking through the REST API, each grant used through the gateway with the
// official MCP client (reads, held writes that a person approves or denies in the local Slack or
// leaves to time out, refused exports), then revoked early, extended, or left to expire.
import { randomBytes } from 'node:crypto';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { ApiAgent, clientCredentialsToken, type ClientCredentials, type RequestView } from '../../devstack/demo/agent';
import { LocalSlackPeople } from '../../devstack/demo/slack';
import { signInReusing } from './person';
import type { Random } from './random';

export const TARGET = 'clinical-readonly';
export const APPROVER = 'omar.privacy';
/** The person who asks in Slack (an analyst of the demo policy; approvers decide in the thread). */
export const PERSON = 'carol.analyst';
/** Who the person signs in as at the OpenID provider (the requester the Slack app names for PERSON). */
export const PERSON_EMAIL = `${PERSON}@example.org`;

export interface DriverStats {
  requests: string[];
  /** Requests that became ACTIVE (their grants were used). */
  active: number;
  sessions: number;
  calls: { sent: number; answered: number; failed: number };
  /** Marked reads answered (each reached Snowflake, so the statement invariants had something to check). */
  readsAnswered: number;
  held: { approved: number; denied: number; leftToTimeOut: number };
  exportsRefused: number;
  endings: { revokedEarly: number; extensionAsked: number; leftToExpire: number };
  /** Requests a person asked with /access in the local Slack, and what the approver did in the thread. */
  people: { requests: string[]; approved: number; denied: number; revokedInSlack: number; signedIn: number };
  /** Every statement an agent sent, by the marker in its column alias (bench/chaos/invariants.ts). */
  markers: Map<string, string>;
  /** When a revoke was answered (request id -> ms): the grant ended then, whatever its workflow recorded. */
  revokesAnswered: Map<string, number>;
  errors: Map<string, number>;
}

export function emptyStats(): DriverStats {
  return {
    requests: [], active: 0, sessions: 0, calls: { sent: 0, answered: 0, failed: 0 }, readsAnswered: 0, held: { approved: 0, denied: 0, leftToTimeOut: 0 },
    exportsRefused: 0, endings: { revokedEarly: 0, extensionAsked: 0, leftToExpire: 0 }, people: { requests: [], approved: 0, denied: 0, revokedInSlack: 0, signedIn: 0 },
    markers: new Map(), revokesAnswered: new Map(), errors: new Map(),
  };
}

/** Error messages are counted by their first words: faults make many, and the table says which. */
function count(stats: DriverStats, what: string, error: unknown): void {
  const message = `${what}: ${((error as Error)?.message ?? String(error)).replace(/req_[a-z0-9]+/g, 'req_…').replace(/\d+/g, 'N').slice(0, 160)}`;
  stats.errors.set(message, (stats.errors.get(message) ?? 0) + 1);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A query whose column alias names it, so it can be found in Snowflake's history and in the archive. */
function markedRead(stats: DriverStats, requestId: string): string {
  const marker = `CHAOS_${randomBytes(6).toString('hex').toUpperCase()}`;
  stats.markers.set(marker, requestId);
  return `SELECT COUNT(*) AS ${marker} FROM CLINICAL.PHI.ENCOUNTERS`;
}

/**
 * As MCP clients do: a gateway that is restarting is tried again, every 3 s until the token (the
 * grant) ends; on a loaded machine a gateway's restart takes tens of seconds. A gateway killed
 * while it answered `initialize` leaves the client waiting on a stream that never resumes (the new
 * process has no such session): the handshake gets 15 s, then a new session is started.
 */
async function connectWithRetries(url: string, token: string, until: number): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  return retry(async () => {
    const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
    // The v2 client in 2025 mode (a session per grant, as the chaos runs were measured with).
    const client = new Client({ name: 'chaos-agent', version: '1.0.0' }, { versionNegotiation: { mode: 'legacy' } });
    try {
      await client.connect(transport, { timeout: 15_000 });
      return { client, transport };
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error;
    }
  }, { tries: Number.POSITIVE_INFINITY, pauseMs: () => 3_000, when: (error) => Date.now() + 3_000 < until && /fetch failed|ECONNREFUSED|socket hang up|timed out/i.test((error as Error).message) });
}

/** Runs `step` again after a failure `when` says is passing, at most `tries` times in all, pausing `pauseMs(attempt)` between. */
async function retry<T>(step: () => Promise<T>, options: { tries: number; pauseMs: (attempt: number) => number; when?: (error: unknown) => boolean }): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (attempt >= options.tries || (options.when && !options.when(error))) throw error;
      await sleep(options.pauseMs(attempt));
    }
  }
}

interface Agent { credentials: ClientCredentials; slack: LocalSlackPeople; mcpUrl: string; random: Random; stats: DriverStats; until: number; grantSeconds: number }

async function oneGrant(agent: Agent): Promise<void> {
  const { stats, random } = agent;
  const api = new ApiAgent(agent.credentials.apiUrl, await clientCredentialsToken(agent.credentials, 'access:request'));
  const asked = await api.call<{ id?: string }>('POST', '/v1/access-requests',
    { target: TARGET, duration: `${agent.grantSeconds}s`, reason: 'chaos run: claims reconciliation' },
    { 'Idempotency-Key': `chaos-${randomBytes(8).toString('hex')}` });
  if (asked.status !== 202 || !asked.body.id) throw new Error(`POST /v1/access-requests answered ${asked.status}`);
  const id = asked.body.id;
  stats.requests.push(id);
  const view: RequestView = await api.waitFor(id, (v) => !['PENDING_APPROVAL', 'APPROVED', 'ISSUING'].includes(v.state), 120_000);
  if (view.state !== 'ACTIVE' || !view.grant) return;
  stats.active++;
  const grant = view.grant;
  const ending = random.pick(['revoke', 'extend', 'expire'] as const);
  const sessions = random.between(1, 2);
  for (let s = 0; s < sessions && Date.now() < Date.parse(grant.expiresAt); s++) {
    let session: Awaited<ReturnType<typeof connectWithRetries>> | undefined;
    try {
      session = await connectWithRetries(grant.mcpUrl, grant.token, Date.parse(grant.expiresAt));
      const { client } = session;
      stats.sessions++;
      const steps = random.between(2, 5);
      for (let i = 0; i < steps; i++) {
        const what = random.next();
        stats.calls.sent++;
        try {
          if (what < 0.6) {
            await client.callTool({ name: 'run_snowflake_query', arguments: { statement: markedRead(stats, id) } }, { timeout: 30_000 });
            stats.readsAnswered++;
          } else if (what < 0.85) {
            // A held write: answered at once with "pending"; a person decides (or nobody does).
            const decision = random.pick(['approve', 'deny', 'none'] as const);
            await client.callTool({ name: 'run_snowflake_query', arguments: { statement: `UPDATE CLINICAL.PHI.ENCOUNTERS SET FACILITY = 'Chaos Clinic' WHERE ENCOUNTER_ID = ${random.between(1, 50)}` } }, { timeout: 30_000 });
            if (decision === 'none') stats.held.leftToTimeOut++;
            else {
              await sleep(500);
              await agent.slack.click(APPROVER, decision === 'approve' ? 'command_approve' : 'command_deny', id);
              stats.held[decision === 'approve' ? 'approved' : 'denied']++;
            }
          } else {
            if (await exportRefused(client)) stats.exportsRefused++;
          }
          stats.calls.answered++;
        } catch (error) {
          stats.calls.failed++;
          count(stats, 'call', error);
        }
      }
    } catch (error) {
      count(stats, 'session', error);
    } finally {
      await session?.transport.terminateSession().catch(() => undefined);
      await session?.client.close().catch(() => undefined);
    }
  }
  if (ending === 'revoke') {
    const answer = await api.call('POST', `/v1/access-requests/${id}/revoke`, { reason: 'chaos run: done early' });
    if (answer.status < 300) {
      stats.endings.revokedEarly++;
      stats.revokesAnswered.set(id, Date.now());
    }
    else count(stats, 'revoke', new Error(`answered ${answer.status}`));
  } else if (ending === 'extend') {
    const answer = await api.call('POST', `/v1/access-requests/${id}/extend`, { duration: '15s', reason: 'chaos run: a little longer' });
    if (answer.status < 300) stats.endings.extensionAsked++;
    else count(stats, 'extend', new Error(`answered ${answer.status}`));
  } else {
    stats.endings.leftToExpire++;
  }
}

/** An export the policy refuses: as a tool error or a JSON-RPC error, never run. */
function exportRefused(client: Client): Promise<boolean> {
  return client.callTool({ name: 'run_snowflake_query', arguments: { statement: 'COPY INTO @~/chaos FROM CLINICAL.PHI.PATIENTS' } }, { timeout: 30_000 })
    .then((r) => Boolean(r.isError), (error: unknown) => {
      if (/denied by policy/.test((error as Error).message)) return true;
      throw error;
    });
}

/** A Slack step tried again while the Slack app restarts or the workflow has not posted its message yet (idempotent steps only). */
const inSlack = <T>(step: () => Promise<T>, tries = 6) => retry(step, { tries, pauseMs: (attempt) => 2_000 * attempt });

/**
 * The person uses the grant approved in Slack from an MCP client given only the target's URL:
 * signs in through the gateway's authorization server and picks "Use my active access" for this
 * request (tried again while the grant is being issued or a part restarts), then sends marked reads
 * and an export the policy refuses.
 */
async function usePersonGrant(agent: Agent, id: string): Promise<void> {
  const { stats, random } = agent;
  const session = await retry(() => signInReusing(agent.mcpUrl, PERSON_EMAIL, id), { tries: 8, pauseMs: () => 3_000 });
  stats.people.signedIn++;
  stats.sessions++;
  try {
    const steps = random.between(1, 3);
    for (let i = 0; i < steps; i++) {
      stats.calls.sent++;
      try {
        if (i < steps - 1 || random.next() < 0.7) {
          await session.client.callTool({ name: 'run_snowflake_query', arguments: { statement: markedRead(stats, id) } }, { timeout: 30_000 });
          stats.readsAnswered++;
        } else {
          if (await exportRefused(session.client)) stats.exportsRefused++;
        }
        stats.calls.answered++;
      } catch (error) {
        stats.calls.failed++;
        count(stats, 'person call', error);
      }
    }
  } finally {
    await session.transport.terminateSession().catch(() => undefined);
    await session.client.close().catch(() => undefined);
  }
}

/**
 * A person asks in Slack (`/access <target> <duration> <reason>`), an approver approves or denies
 * in the thread, the person uses an approved grant through the gateway (usePersonGrant), and
 * sometimes revokes early with `/access revoke`.
 */
async function onePersonRequest(agent: Agent): Promise<void> {
  const { stats, random, slack } = agent;
  // Asked once: a request the app started but whose reply was lost would be asked twice by a retry,
  // the first never tracked. A failed ask is counted, and the person's loop asks again.
  const id = await slack.ask(PERSON, `${TARGET} ${agent.grantSeconds}s chaos run: a person asks in Slack`);
  stats.requests.push(id);
  stats.people.requests.push(id);
  await sleep(random.between(500, 3_000));
  const decision = random.pick(['approve', 'approve', 'deny'] as const);
  await inSlack(() => slack.click(APPROVER, decision, id));
  stats.people[decision === 'approve' ? 'approved' : 'denied']++;
  if (decision !== 'approve') return;
  const revokeEarly = random.next() < 0.5;
  await usePersonGrant(agent, id).catch((error: unknown) => count(stats, 'person session', error));
  if (revokeEarly) {
    await sleep(random.between(1, Math.max(2, Math.floor(agent.grantSeconds / 4))) * 1_000);
    await inSlack(() => slack.command(PERSON, `revoke ${id} chaos run: done early`), 3);
    stats.people.revokedInSlack++;
    stats.revokesAnswered.set(id, Date.now());
  }
}

/**
 * `concurrency` agents, each asking for one grant after another until `until`, and `people`
 * people asking in Slack (default one); `mcpUrl` is the target's URL on the gateway. With
 * `enough`, they go on after `until` while it says too little was done, at most until `latest`
 * (on a loaded machine every restart takes tens of seconds, and a short run may get nothing done).
 */
export async function drive(options: {
  credentials: ClientCredentials; localSlack: string; mcpUrl: string; random: Random; concurrency: number; until: number; grantSeconds: number; people?: number;
  enough?: (stats: DriverStats) => boolean; latest?: number;
}): Promise<DriverStats> {
  const stats = emptyStats();
  const slack = new LocalSlackPeople(options.localSlack);
  const agent = (): Agent => ({ credentials: options.credentials, slack, mcpUrl: options.mcpUrl, random: options.random, stats, until: options.until, grantSeconds: options.grantSeconds });
  const going = () => Date.now() < options.until || (options.enough !== undefined && !options.enough(stats) && Date.now() < (options.latest ?? options.until));
  const loop = async (first: number, one: (a: Agent) => Promise<void>, what: string) => {
    await sleep(first);
    while (going()) {
      await one(agent()).catch(async (error: unknown) => {
        count(stats, what, error);
        await sleep(2_000);
      });
    }
  };
  await Promise.all([
    ...Array.from({ length: options.concurrency }, (_, n) => loop(n * 700, oneGrant, 'request')),
    ...Array.from({ length: options.people ?? 1 }, (_, n) => loop(350 + n * 700, onePersonRequest, 'person')),
  ]);
  return stats;
}
