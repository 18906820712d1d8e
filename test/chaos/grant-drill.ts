// The grant-end drills of this folder share their set-up: the whole dev stack (supervisor and all)
// on the chaos policy, one agent's 20 s grant asked through the REST API and ACTIVE, and its one
// Snowflake identity, read with SHOW USERS as ADMIN. Each drill then does its harm around the end.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chaosPolicy } from '../../bench/chaos/chaos';
import { TARGET } from '../../bench/chaos/driver';
import { IdentityObserver } from '../../bench/chaos/observer';
import { ApiAgent, clientCredentialsToken, readClientEnv } from '../../devstack/demo/agent';
import { startStack, type DemoStack } from '../../devstack/demo/stack';
import { prebuiltWorkflowBundle } from '../support/worker-bundle';

export const GRANT_SECONDS = 20;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface GrantDrill {
  stack: DemoStack;
  observer: IdentityObserver;
  log(line: string): void;
  /** When the grant ends (epoch ms). */
  end: number;
  /** The grant's Snowflake identity (GH_REQ_...). */
  user: string;
}

/**
 * Starts the stack with `env` set first (GATEHOUSE_DEV_RESTART, GATEHOUSE_RECONCILE_EVERY...),
 * asks for the grant, checks it is ACTIVE with exactly one identity, runs `drill`, and stops the
 * observer and the stack afterwards whatever happened (after the drill's own clean-up).
 */
export async function grantDrill(name: string, env: Record<string, string>, reason: string, drill: (d: GrantDrill) => Promise<void>): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), `gatehouse-${name}-`));
  // The stack's workers run the workflow bundle the test run already built (also at every restart).
  Object.assign(process.env, prebuiltWorkflowBundle(), env);
  const stack = await startStack(stateDir, chaosPolicy(stateDir, GRANT_SECONDS), 300_000);
  const observer = new IdentityObserver(stack.snowflake, stateDir);
  const log = (line: string) => process.stdout.write(`[${name} ${new Date().toISOString()}] ${line}\n`);
  try {
    const credentials = readClientEnv(join(stateDir, 'oidc', 'clients', 'agent_claims-etl.env'));
    const api = new ApiAgent(credentials.apiUrl, await clientCredentialsToken(credentials, 'access:request'));
    const asked = await api.call<{ id?: string }>('POST', '/v1/access-requests', { target: TARGET, duration: `${GRANT_SECONDS}s`, reason });
    expect(asked.status).toBe(202);
    const view = await api.waitFor(asked.body.id!, (v) => v.state !== 'PENDING_APPROVAL' && v.state !== 'APPROVED' && v.state !== 'ISSUING', 120_000);
    expect(view.state).toBe('ACTIVE');
    const end = Date.parse(view.grant!.expiresAt);
    const users = await observer.sample();
    expect(users).toHaveLength(1);
    const user = users![0]!;
    log(`grant ${asked.body.id} ACTIVE, ends ${view.grant!.expiresAt}; identity ${user}`);
    await drill({ stack, observer, log, end, user });
  } finally {
    await observer.stop();
    await stack.stop();
  }
}

/** Samples SHOW USERS every second until `user` is gone or `deadline` (epoch ms) passes; true when gone. */
export async function goneBy(observer: IdentityObserver, user: string, deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    await sleep(1_000);
    const now = await observer.sample();
    if (now !== undefined && !now.includes(user)) return true;
  }
  return false;
}
