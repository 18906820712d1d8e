import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startProcess, waitFor, type ManagedProcess } from '../../devstack';
import { connectRedis, GrantStore, inParallel, newGrantId, newRequestId, RedisSecretVault, waitForRedis, type Redis } from '../../lib';
import { parseConfig } from '../../policy';
import { startGatewayProcess, type RunningGateway } from '../../proxy';
import { testRedisUrl } from '../proxy/support';
import { ensureNode22 } from './node22';
import { headerAddingPassThrough, runScenario, serverScenarios, table, type ScenarioOutcome } from './suite';

const root = join(__dirname, '../..');
/** Scenarios run side by side per endpoint; through the gateway all share one grant (8 sessions at most). */
const WIDTH = 4;

/**
 * The official MCP conformance suite's server scenarios against its reference server, directly
 * and through the gateway (a target with `credentials: none`, real masking and recording). Every
 * scenario that passes directly must pass through the gateway. The suite never sends DELETE and
 * opens a session per scenario (some two), all on one grant: the grant's session limit holds,
 * and abandoned sessions make way (proxy/session-room.ts).
 */
describe('the MCP conformance suite through the gateway', () => {
  const work = mkdtempSync(join(tmpdir(), 'gatehouse-conformance-'));
  let server: ManagedProcess;
  let serverUrl: string;
  let gateway: RunningGateway;
  let redis: Redis;
  let passThrough: Awaited<ReturnType<typeof headerAddingPassThrough>>;
  let requestId: string;
  let node: string;

  beforeAll(async () => {
    node = ensureNode22();
    const port = await freePort();
    serverUrl = `http://localhost:${port}/mcp`;
    server = startProcess('everything-server', process.execPath, ['--import', 'tsx', join(__dirname, 'everything-server.ts')], { cwd: root, env: { ...process.env, PORT: String(port) } });
    await waitFor('the reference server', async () => ((await fetch(serverUrl, { method: 'GET' }).catch(() => undefined))?.status === 400 ? true : undefined), 60_000, server);

    const keys = { GATEHOUSE_ENCRYPTION_KEY: randomBytes(32).toString('base64'), GATEHOUSE_GRANT_TOKEN_KEY: randomBytes(32).toString('base64') };
    const config = parseConfig(`
version: 1
groups: { approvers: [alice@example.org] }
targets:
  - name: everything
    description: the conformance suite's reference server
    upstream: { type: http, url: ${JSON.stringify(serverUrl)} }
    credentials: none
    # The reference server's fixtures (a 1x1 PNG, a short WAV, "John Doe", age 30) are not PHI, and
    # the suite checks they arrive intact: binaries are scanned instead of withheld, names and ages
    # pass. The default policy (binaries withheld, names and ages masked) fails 6 scenarios by design.
    masking: { binary: scan, ignore: [NAME, AGE] }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
`);
    gateway = await startGatewayProcess({
      env: { ...keys, REDIS_URL: testRedisUrl(), TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS!, GATEHOUSE_PAYLOAD_KEYS: process.env.GATEHOUSE_PAYLOAD_KEYS!, LOG_LEVEL: 'silent' },
      port: 0, config,
    });
    redis = connectRedis(testRedisUrl());
    await waitForRedis(redis);
    const grants = new GrantStore(redis, Buffer.from(keys.GATEHOUSE_GRANT_TOKEN_KEY, 'base64'));
    const vault = new RedisSecretVault(redis, Buffer.from(keys.GATEHOUSE_ENCRYPTION_KEY, 'base64'));
    requestId = newRequestId();
    const grantId = newGrantId();
    await vault.put(`cred_${requestId}`, 'none', 600_000);
    await grants.activate({
      grantId, requestId, target: 'everything', subject: 'carol@example.org', principal: 'none', credentialRef: `cred_${requestId}`,
      issuedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 600_000).toISOString(),
    });
    passThrough = await headerAddingPassThrough(new URL(`${gateway.url}/mcp/everything`), { authorization: `Bearer ${grants.tokenFor(grantId)}` });
  }, 120_000);

  afterAll(async () => {
    await passThrough?.close();
    await gateway?.close();
    redis?.disconnect();
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('every scenario that passes directly passes through the gateway', async () => {
    const scenarios = serverScenarios(node);
    expect(scenarios.length).toBeGreaterThanOrEqual(30);
    const [direct, through] = await Promise.all([
      inParallel(scenarios, WIDTH, (s) => runScenario(node, serverUrl, s, join(work, 'direct'))),
      inParallel(scenarios, WIDTH, (s) => runScenario(node, passThrough.url, s, join(work, 'gateway'))),
    ]);
    // A scenario that fails only through the gateway runs once more, alone. Both runs are shown:
    // the first one's error and what the gateway recorded meanwhile, so a rare hang leaves evidence
    // (CI once saw elicitation-sep1330-enums time out through the gateway, never reproduced).
    const firstFailures = scenarios.flatMap((scenario, i) => (!direct[i]!.failed && through[i]!.failed ? [i] : []));
    for (const i of firstFailures) {
      const first = through[i]!;
      process.stdout.write(`\n${first.scenario} failed through the gateway on its first run (${first.ms} ms): ${JSON.stringify(first.errors)}\n`
        + `the gateway's recording meanwhile:\n${await recordedBetween(redis, requestId, first.startedAt, first.startedAt + first.ms)}\n`);
      through[i] = await runScenario(node, passThrough.url, first.scenario, join(work, 'gateway'));
      process.stdout.write(`${first.scenario} run again through the gateway: ${through[i]!.failed ? `failed again ${JSON.stringify(through[i]!.errors)}` : 'passed'}\n`);
    }
    const rows = scenarios.map((scenario, i) => ({ scenario, direct: direct[i]!, gateway: through[i]! }));
    process.stdout.write(`\nMCP conformance (@modelcontextprotocol/conformance 0.1.16), ${scenarios.length} server scenarios:\n${table(rows)}\n`);
    for (const r of rows.filter((row) => row.direct.warnings || row.gateway.warnings)) {
      process.stdout.write(`warnings in ${r.scenario}: direct ${JSON.stringify(r.direct.warned)}; gateway ${JSON.stringify(r.gateway.warned)}\n`);
    }
    const regressions = rows.filter((r) => !r.direct.failed && r.gateway.failed).map((r) => ({ scenario: r.scenario, errors: r.gateway.errors }));
    expect(regressions).toEqual([]);
    // The reference server passes nearly everything: a broken setup would make the comparison empty.
    expect(rows.filter((r) => !r.direct.failed).length).toBeGreaterThanOrEqual(scenarios.length - 3);
    const failedDirectly: ScenarioOutcome[] = direct.filter((o) => o.failed);
    if (failedDirectly.length) process.stdout.write(`failed directly too (the reference server or the suite): ${JSON.stringify(failedDirectly)}\n`);

    // Every exchange went through the checkpoint: the recording holds each session the suite opened.
    const entries = (await redis.xrange(`gatehouse:recording:${requestId}`, '-', '+')).map(([, f]) => JSON.parse(f[1]!) as { type: string; detail?: string });
    const starts = entries.filter((e) => e.type === 'session_start').length;
    const ends = entries.filter((e) => e.type === 'session_end');
    const live = gateway.gateway.liveSessions().length;
    process.stdout.write(`sessions through the gateway: ${starts} started on one grant, ${ends.filter((e) => /abandoned/.test(e.detail ?? '')).length} ended as abandoned to make way, ${live} live at the end (at most 8)\n`);
    expect(starts).toBeGreaterThan(8);
    // The suite never ended a session, yet never met the grant's limit: older sessions made way as abandoned.
    expect(ends.filter((e) => /abandoned/.test(e.detail ?? '')).length).toBeGreaterThan(0);
    expect(live).toBeLessThanOrEqual(8);
    expect(ends.length + live).toBe(starts);
  }, 420_000);
});

/** The recording's entries taken between two times, one line each, without payloads. */
async function recordedBetween(redis: Redis, requestId: string, from: number, to: number): Promise<string> {
  const entries = await redis.xrange(`gatehouse:recording:${requestId}`, String(from), String(to + 1_000));
  return entries.map(([id, fields]) => {
    const e = JSON.parse(fields[1]!) as Record<string, unknown>;
    const pick = ['type', 'sessionId', 'messageId', 'method', 'verdict', 'outcome', 'detail', 'durationMs'].filter((k) => e[k] !== undefined).map((k) => `${k}=${JSON.stringify(e[k])}`);
    return `  ${id} ${pick.join(' ')}`;
  }).join('\n') || '  (nothing)';
}
