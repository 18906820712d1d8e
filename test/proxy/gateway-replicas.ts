// Gateway replicas for tests of what needs no sticky routing: `gatehouse gateway` processes that
// share one Redis (and nothing else), each with the same config and keys.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startProcess, waitFor, type ManagedProcess } from '../../devstack';
import { connectRedis, GrantStore, newGrantId, newRequestId, RedisSecretVault, waitForRedis, type Redis } from '../../lib';
import { testRedisUrl } from './support';

export interface GatewayReplicas {
  gateways: { process: ManagedProcess; url: string }[];
  redis: Redis;
  keys: { vault: Buffer; token: Buffer };
  /** The replicas' own folder (config in gatehouse.yaml), for files the test's upstreams write. */
  dir: string;
  /** An active grant on `target` (two minutes) for `subject`, with a credential in the vault, written as the worker does. */
  grant(target: string, subject?: string): Promise<{ grantId: string; requestId: string; token: string }>;
  stop(): Promise<void>;
}

/** Starts `names.length` gateway processes on `configYaml` (a function gets the folder, for paths in it). */
export async function startGatewayReplicas(configYaml: string | ((dir: string) => string), names = ['gateway A', 'gateway B'], options: {
  /** The keys (default: fresh ones), e.g. those of a test harness whose worker issues the grants. */
  keys?: GatewayReplicas['keys'];
  /** More environment, e.g. TEMPORAL_TASK_QUEUE of that harness's worker. */
  env?: Record<string, string>;
} = {}): Promise<GatewayReplicas> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-replicas-'));
  writeFileSync(join(dir, 'gatehouse.yaml'), typeof configYaml === 'function' ? configYaml(dir) : configYaml);
  const keys = options.keys ?? { vault: randomBytes(32), token: randomBytes(32) };
  const env = {
    ...process.env, GATEHOUSE_ENCRYPTION_KEY: keys.vault.toString('base64'), GATEHOUSE_GRANT_TOKEN_KEY: keys.token.toString('base64'), GATEHOUSE_CONFIG: join(dir, 'gatehouse.yaml'),
    REDIS_URL: testRedisUrl(), TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS!, GATEHOUSE_PAYLOAD_KEYS: process.env.GATEHOUSE_PAYLOAD_KEYS!, LOG_LEVEL: 'silent',
    ...options.env,
  };
  const redis = connectRedis(testRedisUrl());
  await waitForRedis(redis);
  const gateways: GatewayReplicas['gateways'] = [];
  const stop = async () => {
    await Promise.all(gateways.map((g) => g.process.stop()));
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const name of names) {
      const port = await freePort();
      const child = startProcess(name, process.execPath, [join(__dirname, '../../bin/gatehouse.js'), 'gateway', '--port', String(port)], { env, detached: true });
      const url = `http://127.0.0.1:${port}`;
      gateways.push({ process: child, url });
      await waitFor(`${name} to listen`, async () => ((await fetch(`${url}/healthz`).catch(() => undefined))?.ok ? true : undefined), 60_000, child);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const grant = async (target: string, subject = 'carol@example.org') => {
    const grants = new GrantStore(redis, keys.token);
    const requestId = newRequestId();
    const grantId = newGrantId();
    await new RedisSecretVault(redis, keys.vault).put(`cred_${requestId}`, 'not-a-real-key', 120_000);
    await grants.activate({ grantId, requestId, target, subject, principal: 'GH_X', credentialRef: `cred_${requestId}`, issuedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 120_000).toISOString() });
    return { grantId, requestId, token: grants.tokenFor(grantId) };
  };
  return { gateways, redis, keys, dir, grant, stop };
}
