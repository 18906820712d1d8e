import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../../cli/program';
import { connectRedis, GrantStore, newGrantId, newRequestId, RedisSecretVault, waitForRedis } from '../../lib';
import { startGatewayProcess } from '../../proxy';
import { connectClient, endSession, failureOf, GATEWAY_TEST_CONFIG, testRedisUrl } from './support';

describe('the gateway process (gatehouse gateway)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-gw-'));
  const configFile = join(dir, 'gatehouse.yaml');
  writeFileSync(configFile, GATEWAY_TEST_CONFIG);
  const keys = { GATEHOUSE_ENCRYPTION_KEY: randomBytes(32).toString('base64'), GATEHOUSE_GRANT_TOKEN_KEY: randomBytes(32).toString('base64') };
  const env = () => ({ ...keys, GATEHOUSE_CONFIG: configFile, REDIS_URL: testRedisUrl(), TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS!, GATEHOUSE_PAYLOAD_KEYS: process.env.GATEHOUSE_PAYLOAD_KEYS!, LOG_LEVEL: 'silent' });

  test('is registered in the CLI', () => {
    const command = buildProgram().commands.find((c) => c.name() === 'gateway');
    expect(command?.options.map((o) => o.long)).toEqual(['--port', '--host', '--config']);
  });

  test('starts from the environment, serves a grant issued with the same keys, records through audit/', async () => {
    const running = await startGatewayProcess({ env: env(), port: 0 });
    const redis = connectRedis(testRedisUrl());
    try {
      await waitForRedis(redis);
      const grants = new GrantStore(redis, Buffer.from(keys.GATEHOUSE_GRANT_TOKEN_KEY, 'base64'));
      const vault = new RedisSecretVault(redis, Buffer.from(keys.GATEHOUSE_ENCRYPTION_KEY, 'base64'));
      const requestId = newRequestId();
      const grantId = newGrantId();
      await vault.put(`cred_${requestId}`, 'not-a-real-key', 60_000);
      await grants.activate({ grantId, requestId, target: 'everything', subject: 'carol@example.org', principal: 'GH_X', credentialRef: `cred_${requestId}`, issuedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 60_000).toISOString() });
      const health = await (await fetch(`${running.url}/healthz`)).json();
      expect(health).toEqual({ ok: true, sessions: 0 });
      const c = await connectClient(running.url, 'everything', grants.tokenFor(grantId));
      // The real PHI engine masks on the way out.
      const echo = await c.client.callTool({ name: 'echo', arguments: { message: 'SSN 123-45-6789' } });
      expect(echo.content).toEqual([{ type: 'text', text: 'Echo: SSN [SSN]' }]);
      await endSession(c);
      const stream = await redis.xrange(`gatehouse:recording:${requestId}`, '-', '+');
      expect(stream.map(([, fields]) => (JSON.parse(fields[1]!) as { type: string }).type)).toEqual(
        expect.arrayContaining(['session_start', 'request', 'response', 'session_end']),
      );
      expect(JSON.stringify(stream)).not.toContain('123-45-6789');
    } finally {
      redis.disconnect();
      await running.close();
    }
  });

  test('as deployed (auto-pipelined command connection): the first call after a revocation returns is refused, on a warm session', async () => {
    const running = await startGatewayProcess({ env: env(), port: 0 });
    const redis = connectRedis(testRedisUrl());
    try {
      await waitForRedis(redis);
      const grants = new GrantStore(redis, Buffer.from(keys.GATEHOUSE_GRANT_TOKEN_KEY, 'base64'));
      const vault = new RedisSecretVault(redis, Buffer.from(keys.GATEHOUSE_ENCRYPTION_KEY, 'base64'));
      for (let i = 0; i < 4; i++) {
        const requestId = newRequestId();
        const grantId = newGrantId();
        await vault.put(`cred_${requestId}`, 'not-a-real-key', 60_000);
        await grants.activate({ grantId, requestId, target: 'everything', subject: 'carol@example.org', principal: 'GH_X', credentialRef: `cred_${requestId}`, issuedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 60_000).toISOString() });
        const c = await connectClient(running.url, 'everything', grants.tokenFor(grantId));
        // Several calls in flight at once: their Redis commands share pipelined writes.
        await Promise.all([c.client.ping(), c.client.callTool({ name: 'echo', arguments: { message: 'a' } }), c.client.callTool({ name: 'echo', arguments: { message: 'b' } })]);
        if (i % 2) await grants.deactivate({ grantId, requestId, target: 'everything', reason: 'revoked in a test', at: new Date().toISOString() });
        else await grants.revocations().cut(requestId, 'revoked in a test');
        expect(await failureOf(c.client.callTool({ name: 'echo', arguments: { message: 'after' } }))).toMatch(/-31011|session .* has ended|-31015/);
        await c.client.close().catch(() => undefined);
      }
    } finally {
      redis.disconnect();
      await running.close();
    }
  });

  test('refuses to start without its keys', async () => {
    const { GATEHOUSE_ENCRYPTION_KEY: _omit, ...rest } = env();
    await expect(startGatewayProcess({ env: rest, port: 0 })).rejects.toThrow('missing GATEHOUSE_ENCRYPTION_KEY');
  });
});
