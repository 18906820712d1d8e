import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GrantStore } from '../../lib';
import { API_TEST_CONFIG_YAML, CLIENTS, GATEWAY_URL, startApiFixture, type ApiFixture } from '../api/fixture';

// The gatehouse command as a child process (node bin/gatehouse.js ...) against the API on
// loopback, with credentials from a real OpenID provider.

const BIN = resolve(__dirname, '../../bin/gatehouse.js');
let f: ApiFixture;
beforeAll(async () => {
  // Grants long enough to outlast a chain of CLI processes on a loaded machine; the tests revoke them.
  f = await startApiFixture(API_TEST_CONFIG_YAML.replace('maxDuration: 20s', 'maxDuration: 10m'));
});
afterAll(async () => {
  await f?.close();
});

interface Run { code: number | null; stdout: string; stderr: string }

function credentialsOf(clientId: string): Record<string, string> {
  const client = CLIENTS.find((c) => c.clientId === clientId)!;
  return {
    GATEHOUSE_OIDC_ISSUER: f.oidc.issuer,
    GATEHOUSE_OIDC_CLIENT_ID: client.clientId,
    GATEHOUSE_OIDC_CLIENT_SECRET: client.clientSecret,
    GATEHOUSE_OIDC_RESOURCE: f.oidc.audience,
  };
}

function gatehouse(args: string[], env: Record<string, string> = {}, onStderr?: (text: string) => void): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GATEHOUSE_') || name === 'GATEHOUSE_PAYLOAD_KEYS'));
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...base, GATEHOUSE_API_URL: f.api.url, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => {
    stderr += d;
    onStderr?.(stderr);
  });
  return new Promise((resolvePromise) => child.on('close', (code) => resolvePromise({ code, stdout, stderr })));
}

const secrets = () => CLIENTS.map((c) => c.clientSecret);

describe('gatehouse request/approve/status/list/revoke/extend', () => {
  it('an agent requests with --wait and gets its MCP endpoint and token (auto-approved)', async () => {
    const run = await gatehouse(['request', '--target', 'clinical', '--duration', '8s', '--reason', 'nightly claims load', '--wait', '--json'], credentialsOf('agent:ci-nightly'));
    expect(run.stderr).toMatch(/req_[a-z0-9]{20}: /);
    expect(run.code).toBe(0);
    const view = JSON.parse(run.stdout);
    expect(view).toMatchObject({ state: 'ACTIVE', requester: 'agent:ci-nightly', grant: { mcpUrl: `${GATEWAY_URL}/mcp/clinical` } });
    expect(await f.harness.grants.lookup(view.grant.token)).toMatchObject({ requestId: view.id, subject: 'agent:ci-nightly' });
    for (const secret of secrets()) expect(run.stdout + run.stderr).not.toContain(secret);
    expect(run.stderr).not.toContain(view.grant.token);

    const revoked = await gatehouse(['revoke', view.id, '--reason', 'load finished'], credentialsOf('agent:ci-nightly'));
    // An auto-approved grant is short (policy caps it at 10 s): on a slow machine it may already have ended.
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(new RegExp(`^${view.id}: (revocation started \\(active\\)|already revoked( or being revoked)? \\((revoking|revoked|archived)\\))\n$`));
    // By order: once `gatehouse revoke` has exited, the token is refused (cut in Redis before the workflow ran).
    expect(await f.harness.grants.lookup(view.grant.token)).toBeNull();
  });

  it('a person waits while an approver approves from another process; the configuration file gets the token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
    const file = join(dir, 'mcp.json');
    let announced: (id: string) => void = () => {};
    const idSeen = new Promise<string>((r) => { announced = r; });
    const requesting = gatehouse(
      ['request', '--target', 'clinical', '--duration', '5m', '--reason', 'chart review', '--ticket', 'INC-7', '--wait', '--mcp-config', file],
      credentialsOf('carol@example.org'),
      (stderr) => {
        const match = /(req_[a-z0-9]{20}): pending approval, waiting for an approver/.exec(stderr);
        if (match) announced(match[1]!);
      },
    );
    const id = await idSeen;
    // The approver uses a token given directly.
    const approved = await gatehouse(['approve', id], { GATEHOUSE_TOKEN: await f.token('alice@example.org') });
    expect(approved).toMatchObject({ code: 0, stdout: `${id}: approved by alice@example.org (pending approval)\n` });
    const run = await requesting;
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${id}: access to clinical is active`);
    expect(run.stdout).toContain(`MCP endpoint  ${GATEWAY_URL}/mcp/clinical`);
    expect(run.stdout).toContain(`MCP client configuration written to ${file}`);
    expect(run.stdout).not.toMatch(/ghg_/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const config = JSON.parse(readFileSync(file, 'utf8'));
    const server = config.mcpServers['gatehouse-clinical'];
    expect(server.url).toBe(`${GATEWAY_URL}/mcp/clinical`);
    const token = /^Bearer (ghg_.+)$/.exec(server.headers.Authorization)![1]!;
    expect(await f.harness.grants.lookup(token)).toMatchObject({ requestId: id, subject: 'carol@example.org' });

    const status = await gatehouse(['status', id, '--json'], credentialsOf('carol@example.org'));
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ id, state: 'ACTIVE', ticket: 'INC-7', grant: { token } });
    const human = await gatehouse(['status', id], credentialsOf('bob@example.org'));
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`${id}  clinical  ACTIVE`);
    expect(human.stdout).toContain('decision      approved by alice@example.org');
    expect(human.stdout).not.toContain(token);

    const extended = await gatehouse(['extend', id, '--duration', '2s', '--reason', 'one more chart'], credentialsOf('carol@example.org'));
    expect(extended).toMatchObject({ code: 0, stdout: `${id}: extension requested; an approver must decide (active)\n` });
    const decided = await gatehouse(['extend', id, '--approve', '--json'], credentialsOf('bob@example.org'));
    expect(decided.code).toBe(0);
    expect(JSON.parse(decided.stdout).detail).toMatch(/^extended until/);

    let listed: Run | undefined;
    for (let i = 0; i < 30; i++) {
      listed = await gatehouse(['list', '--target', 'clinical', '--requester', 'carol@example.org', '--json'], credentialsOf('bob@example.org'));
      if (JSON.parse(listed.stdout).items.some((item: { id: string }) => item.id === id)) break;
    }
    expect(listed!.code).toBe(0);
    expect(JSON.parse(listed!.stdout).items.find((item: { id: string }) => item.id === id)).toMatchObject({ requester: 'carol@example.org', target: 'clinical' });

    const revoked = await gatehouse(['revoke', id, '--reason', 'review done'], credentialsOf('bob@example.org'));
    expect(revoked.code).toBe(0);
    await f.harness.access.result(id);
    expect(await f.harness.grants.lookup(token)).toBeNull();
  });

  it('exits with codes scripts can rely on', async () => {
    const carol = credentialsOf('carol@example.org');
    // The commands below do not depend on one another (each chain of them waits for its own steps):
    // they run side by side, every exit code checked as before.
    const refusals = Promise.all([
      gatehouse(['request', '--target', 'clinical', '--reason', 'x'], carol),
      gatehouse(['request', '--target', 'clinical', '--duration', 'forever', '--reason', 'x'], carol),
      gatehouse(['status', 'nope'], carol),
      gatehouse(['status', 'req_00000000000000000000']),
      gatehouse(['status', 'req_00000000000000000000', '--token', 'not-a-real-token']),
      gatehouse(['list'], { ...carol, GATEHOUSE_OIDC_CLIENT_SECRET: 'wrong-secret-wrong-secret' }),
      gatehouse(['approve', 'req_00000000000000000000'], carol),
      gatehouse(['status', 'req_00000000000000000000', '--json'], carol),
      gatehouse(['list', '--api-url', 'http://127.0.0.1:9'], carol),
      gatehouse(['request', '--target', 'clinical', '--duration', '2h', '--reason', 'x'], carol),
    ]);
    const denial = (async () => {
      const pending = await gatehouse(['request', '--target', 'clinical', '--duration', '10s', '--reason', 'quick look', '--json'], credentialsOf('alice@example.org'));
      const { id } = pending.code === 0 ? JSON.parse(pending.stdout) : { id: 'req_00000000000000000000' };
      const own = await gatehouse(['approve', id], credentialsOf('alice@example.org'));
      const denied = await gatehouse(['deny', id, '--reason', 'not today'], credentialsOf('bob@example.org'));
      const again = await gatehouse(['approve', id], credentialsOf('bob@example.org'));
      const badWait = await gatehouse(['status', id, '--wait', 'x'], carol);
      return { pending, id: id as string, own, denied, again, badWait };
    })();
    const waiting = gatehouse(['request', '--target', 'clinical', '--duration', '10s', '--reason', 'will time out', '--wait', '--timeout', '1s'], carol);
    const [[missingDuration, badDuration, badId, noCredentials, badToken, badSecret, noScope, unknown, noApi, tooLong], chain, waited] = await Promise.all([refusals, denial, waiting]);

    // 2: the command line (or the body it produced) is wrong.
    expect(missingDuration.code).toBe(2);
    expect(badDuration).toMatchObject({ code: 2, stderr: expect.stringContaining('"forever" is not a duration') });
    expect(badId.code).toBe(2);
    // 3: no credentials configured.
    expect(noCredentials.code).toBe(3);
    // 4: credentials the API or the provider refuses.
    expect(badToken).toMatchObject({ code: 4, stderr: expect.stringContaining('not active') });
    expect(badSecret).toMatchObject({ code: 4, stderr: expect.stringContaining('invalid_client') });
    expect(badSecret.stderr).not.toContain('wrong-secret-wrong-secret');
    expect(noScope.code).toBe(4);
    // 5: no such request.
    expect(unknown).toMatchObject({ code: 5 });
    // 7: the API is not there.
    expect(noApi.code).toBe(7);

    // 1: refused by policy or by the workflow.
    expect(tooLong).toMatchObject({
      code: 1, stderr: expect.stringContaining('longer than clinical allows'),
    });
    const { pending, id, own, denied, again, badWait } = chain;
    expect(pending.code).toBe(0);
    expect(own).toMatchObject({ code: 1, stderr: expect.stringContaining('you cannot approve your own request') });
    expect(denied).toMatchObject({ code: 0, stdout: expect.stringContaining(`${id}: denied by bob@example.org`) });
    expect(again).toMatchObject({ code: 1, stderr: expect.stringMatching(/already denied by bob@example.org|is closed \(denied\)/) });
    expect(badWait.code).toBe(2);
    // 6: --wait gave up before anyone decided.
    expect(waited).toMatchObject({ code: 6, stderr: expect.stringContaining('gave up waiting after 1s') });
    const leftover = /(req_[a-z0-9]{20}) is pending approval/.exec(waited.stderr)![1]!;
    await f.call('POST', `/v1/access-requests/${leftover}/revoke`, { token: await f.token('carol@example.org'), body: { reason: 'test over' } });
    // Seventeen `gatehouse` processes, each loading its command group: on a loaded 2-core machine
    // that alone may pass jest's default 120 s, so this test states its own allowance.
  }, 420_000);
});

describe('gatehouse api', () => {
  it('runs the API from its environment, serves the CLI, derives grant tokens with the gateway key, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-api-'));
    const configFile = join(dir, 'gatehouse.yaml');
    writeFileSync(configFile, API_TEST_CONFIG_YAML);
    const grantTokenKey = randomBytes(32);
    const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GATEHOUSE_') || name === 'GATEHOUSE_PAYLOAD_KEYS'));
    const missing = await gatehouse(['api'], {});
    expect(missing).toMatchObject({ code: 3, stderr: expect.stringContaining('missing GATEHOUSE_OIDC_ISSUER and GATEHOUSE_OIDC_AUDIENCE') });

    const child = spawn(process.execPath, [BIN, 'api', '--port', '0'], {
      env: {
        ...base,
        GATEHOUSE_CONFIG: configFile,
        GATEHOUSE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        GATEHOUSE_GRANT_TOKEN_KEY: grantTokenKey.toString('base64'),
        GATEHOUSE_OIDC_ISSUER: f.oidc.issuer,
        GATEHOUSE_OIDC_AUDIENCE: f.oidc.audience,
        GATEHOUSE_GATEWAY_URL: 'http://127.0.0.1:8998',
        TEMPORAL_TASK_QUEUE: f.harness.taskQueue,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let logs = '';
    const url = await new Promise<string>((resolvePromise, reject) => {
      child.stdout.on('data', (d) => {
        logs += d;
        const line = logs.split('\n').find((l) => l.includes('"API listening"'));
        if (line) resolvePromise(JSON.parse(line).url);
      });
      child.stderr.on('data', (d) => { logs += d; });
      child.once('exit', (code) => reject(new Error(`gatehouse api exited with ${code}:\n${logs}`)));
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
      const anonymous = await fetch(`${url}/v1/access-requests`);
      expect([anonymous.status, anonymous.headers.get('content-type')]).toEqual([401, 'application/problem+json; charset=utf-8']);

      // The longest grant auto-approval allows: a 5 s one could end while a loaded machine still issues it.
      const run = await gatehouse(['request', '--api-url', url, '--target', 'clinical', '--duration', '10s', '--reason', 'smoke test', '--wait', '--json'], credentialsOf('agent:ci-nightly'));
      expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
      const view = JSON.parse(run.stdout);
      expect(view.grant.mcpUrl).toBe('http://127.0.0.1:8998/mcp/clinical');
      const { grantId } = await f.harness.access.status(view.id);
      expect(view.grant.token).toBe(new GrantStore(f.harness.redis, grantTokenKey).tokenFor(grantId!));
      await f.harness.access.revoke(view.id, 'agent:ci-nightly', 'test over');
      expect(logs).toContain('"path":"/v1/access-requests"');
      expect(logs).not.toContain(view.grant.token);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
