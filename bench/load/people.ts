// People beside the agents in the load's session phase: each asks with /access in the local Slack,
// an approver approves in the thread, and the person signs in at the gateway's authorization server
// from an MCP client given only the target's URL and picks "Use my active access" for that request
// (bench/chaos/person.ts). The person's client then calls as the agents' clients do; at the end the
// person revokes with `/access revoke`, as the agents' grants are revoked through the API.
import { APPROVER, PERSON, PERSON_EMAIL, TARGET } from '../chaos/driver';
import { signInReusing } from '../chaos/person';
import { LocalSlackPeople } from '../../devstack/demo/slack';
import { OPEN_TIMEOUT_MS, type Caller } from './sessions';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `step` again after a failure, at most `tries` times, `pauseMs` between (the approval message may not be posted yet). */
async function again<T>(step: () => Promise<T>, tries: number, pauseMs: number): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (attempt >= tries) throw error;
      await sleep(pauseMs);
    }
  }
}

export interface PersonSession { requestId: string; caller: Caller }

/**
 * `count` requests asked in Slack by the demo's analyst and approved in the thread, each used from
 * its own MCP client signed in as the person (a 2025 session: its own upstream process). Returns
 * the request ids asked (`asked`, whatever became of them: they are checked at the end) and the
 * sessions that opened; a person whose request or sign-in failed is reported in `errors`.
 */
export async function openPeople(options: { localSlack: string; mcpUrl: string; count: number; grantSeconds: number }): Promise<{ asked: string[]; sessions: PersonSession[]; errors: string[] }> {
  const slack = new LocalSlackPeople(options.localSlack);
  const asked: string[] = [];
  const errors: string[] = [];
  const sessions = await Promise.all(Array.from({ length: options.count }, async (_, n): Promise<PersonSession | undefined> => {
    try {
      const id = await slack.ask(PERSON, `${TARGET} ${options.grantSeconds}s load bench: person ${n} asks in Slack`);
      asked.push(id);
      await again(() => slack.click(APPROVER, 'approve', id), 8, 2_000);
      // The grant is being issued after the approval: the gateway's page offers it once it is ACTIVE.
      // The client then waits as long as the agents' do for its session: each new try would start
      // another upstream process (run B, load 40: 19 sign-ins for 2 people with 30 s each).
      const connection = await again(() => signInReusing(options.mcpUrl, PERSON_EMAIL, id, OPEN_TIMEOUT_MS), 4, 5_000);
      return {
        requestId: id,
        caller: {
          call: async (statement) => (await connection.client.callTool({ name: 'run_snowflake_query', arguments: { statement } }, { timeout: 60_000 })) as { isError?: boolean },
          close: async () => {
            await connection.transport.terminateSession().catch(() => undefined);
            await connection.client.close().catch(() => undefined);
          },
        },
      };
    } catch (error) {
      errors.push(`person ${n}: ${(error as Error).message.slice(0, 200)}`);
      return undefined;
    }
  }));
  return { asked, sessions: sessions.filter((s): s is PersonSession => s !== undefined), errors };
}

/** The person revokes each request in Slack (tried again while the app is busy). */
export async function revokeInSlack(localSlack: string, ids: string[]): Promise<void> {
  const slack = new LocalSlackPeople(localSlack);
  await Promise.all(ids.map((id) => again(() => slack.command(PERSON, `revoke ${id} load bench: over`), 4, 2_000).catch(() => undefined)));
}

/** A person's request state as the person reads it (`/access status` in Slack): the agent's token sees only its own. */
export function personState(localSlack: string): (id: string) => Promise<string | undefined> {
  const slack = new LocalSlackPeople(localSlack);
  return (id) => slack.state(PERSON, id);
}
