import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { parse, stringify } from 'yaml';
import { startRedisServer, waitFor } from '../../devstack';
import { connectRedis, GrantStore, newGrantId, newRequestId, RedisSecretVault, waitForRedis } from '../../lib';
import { prebuiltWorkflowBundle } from '../support/worker-bundle';

const root = join(__dirname, '../..');
const everythingServer = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');
const SESSIONS = 5;

/** Every process below `pid` (children, their children...). */
function descendants(pid: number): number[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' });
  const pairs = ps.stdout.split('\n').map((l) => l.trim().split(/\s+/).map(Number)).filter((p) => p.length === 2);
  const found: number[] = [];
  const walk = (parent: number) => pairs.filter(([, ppid]) => ppid === parent).forEach(([child]) => {
    found.push(child!);
    walk(child!);
  });
  walk(pid);
  return found;
}

function alive(pid: number): boolean {
  const ps = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' });
  return ps.status === 0 && !ps.stdout.trim().startsWith('Z');
}

describe('npm run dev: Ctrl-C stops the stack in dependency order', () => {
  test('live MCP sessions: every session end is recorded before Redis stops, and every process ends', async () => {
    const state = mkdtempSync(join(tmpdir(), 'gatehouse-shutdown-'));
    // The example policy (the worker needs its Snowflake target) plus a target served by the
    // reference server-everything over stdio.
    const config = parse(readFileSync(join(root, 'gatehouse.example.yaml'), 'utf8')) as { targets: Record<string, unknown>[] };
    const clinical = config.targets[0]!;
    config.targets.push({
      ...clinical, name: 'everything', description: 'server-everything',
      upstream: { type: 'stdio', command: process.execPath, args: [everythingServer, 'stdio'] },
      commands: undefined, masking: undefined, autoApprove: undefined,
    });
    const configFile = join(state, 'gatehouse.yaml');
    writeFileSync(configFile, stringify(config));
    const keys = { GATEHOUSE_ENCRYPTION_KEY: randomBytes(32).toString('base64'), GATEHOUSE_GRANT_TOKEN_KEY: randomBytes(32).toString('base64') };
    const lines: string[] = [];
    const stack = spawn(process.execPath, [join(root, 'devstack/bootstrap/run.js'), 'dev'], {
      cwd: root,
      detached: true, // its own process group, like a terminal's foreground job
      // The worker runs the workflow bundle the test run built (test/support/worker-bundle.ts).
      env: { ...process.env, ...prebuiltWorkflowBundle(), ...keys, GATEHOUSE_STATE_DIR: state, GATEHOUSE_CONFIG: configFile, REDIS_URL: '', SLACK_BOT_TOKEN: '', GATEHOUSE_OIDC_ISSUER: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    stack.stdout!.on('data', (c: Buffer) => lines.push(...c.toString('utf8').split('\n')));
    stack.stderr!.on('data', (c: Buffer) => lines.push(...c.toString('utf8').split('\n')));
    const exited = new Promise<number | null>((resolve) => stack.once('exit', (code) => resolve(code)));
    const said = (pattern: RegExp) => lines.map((l) => pattern.exec(l)).find(Boolean);
    const clients: Client[] = [];
    let stopped = false;
    try {
      const died = exited.then((code) => {
        throw new Error(`the dev stack exited (${code}) while starting:\n${lines.slice(-40).join('\n')}`);
      });
      died.catch(() => undefined);
      // The probe ends with the stack too, so a failed start does not leave it polling.
      await Promise.race([waitFor('the dev stack to be ready', async () => (said(/press Ctrl-C to stop/) || stack.exitCode !== null ? true : undefined), 240_000), died]);
      const redisUrl = said(/\[gatehouse\] Redis\s+(redis:\/\/[^\s]+)/)![1]!;
      const mcpUrl = said(/\[gatehouse\]\s+MCP endpoint\s+(http:\/\/\S+\/mcp\/everything)/)![1]!;

      // A grant as the worker writes it, with the stack's keys.
      const redis = connectRedis(redisUrl);
      await waitForRedis(redis);
      const grants = new GrantStore(redis, Buffer.from(keys.GATEHOUSE_GRANT_TOKEN_KEY, 'base64'));
      const vault = new RedisSecretVault(redis, Buffer.from(keys.GATEHOUSE_ENCRYPTION_KEY, 'base64'));
      const requestId = newRequestId();
      const grantId = newGrantId();
      await vault.put(`cred_${requestId}`, 'not-a-real-key', 600_000);
      await grants.activate({
        grantId, requestId, target: 'everything', subject: 'carol.analyst@example.org', principal: 'GH_X', credentialRef: `cred_${requestId}`,
        issuedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 600_000).toISOString(),
      });
      const token = grants.tokenFor(grantId);
      redis.disconnect();

      // Live sessions through the real MCP client; one of them has a call in flight when Ctrl-C comes.
      const sessionIds: string[] = [];
      for (let i = 0; i < SESSIONS; i++) {
        const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
        // 2025 mode (a session each): the shutdown ends sessions the recording must close.
        const client = new Client({ name: `shutdown-${i}`, version: '1.0.0' }, { versionNegotiation: { mode: 'legacy' } });
        await client.connect(transport);
        clients.push(client);
        expect((await client.callTool({ name: 'echo', arguments: { message: `hello ${i}` } })).content).toEqual([{ type: 'text', text: `Echo: hello ${i}` }]);
        sessionIds.push(transport.sessionId!);
      }
      // In flight means the upstream is working on it: its first progress notification came back
      // (sent before that, on a loaded machine the POST may not have reached the gateway yet).
      let progressed: () => void = () => undefined;
      const working = new Promise<void>((resolve) => (progressed = resolve));
      const inFlight = clients[0]!.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 60, steps: 60 } }, { timeout: 120_000, onprogress: () => progressed() });
      inFlight.catch(() => undefined);
      await Promise.race([working, inFlight]);
      const processes = descendants(stack.pid!);
      expect(processes.length).toBeGreaterThan(8);

      // Ctrl-C, as a terminal sends it: SIGINT to the whole foreground process group.
      process.kill(-stack.pid!, 'SIGINT');
      stopped = true;
      expect(await exited).toBe(0);
      await waitFor('every process of the stack to end', async () => (processes.some(alive) ? undefined : true), 30_000)
        .catch(() => expect(processes.filter(alive).map((pid) => spawnSync('ps', ['-o', 'pid=,args=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim())).toEqual([]));

      // The stack said what it stopped, in dependency order.
      const at = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
      const order = [/\[gatehouse\] stopping gateway, api, slack-app/, /\[gatehouse\] stopping worker/, /\[gatehouse\] stopping slack /, /\[gatehouse\] stopping the infrastructure/, /\[gatehouse\] stopped$/].map(at);
      expect({ order, said: lines.filter((l) => l.startsWith('[gatehouse] stop')) }).toEqual({ order: order.map((i) => Math.max(i, 0)), said: expect.anything() });
      expect([...order].sort((a, b) => a - b)).toEqual(order);

      // The recording survived in Redis's data folder: every session's end is in it.
      const dataDir = join(state, 'redis');
      mkdirSync(dataDir, { recursive: true });
      const again = await startRedisServer({ dataDir });
      const reader = connectRedis(again.url);
      try {
        await waitForRedis(reader);
        const entries = (await reader.xrange(`gatehouse:recording:${requestId}`, '-', '+')).map(([, fields]) => JSON.parse(fields[1]!) as { type: string; sessionId?: string; reason?: string; detail?: string });
        const ends = entries.filter((e) => e.type === 'session_end');
        expect(ends.map((e) => e.sessionId).sort()).toEqual([...sessionIds].sort());
        expect(ends.every((e) => e.reason === 'closed' && /shutting down/.test(e.detail ?? ''))).toBe(true);
        expect(entries.filter((e) => e.type === 'session_start')).toHaveLength(SESSIONS);
      } finally {
        reader.disconnect();
        await again.stop();
      }
      // The call in flight was answered by the gateway (the session ended), not cut off.
      await expect(inFlight).rejects.toThrow(/session ended|shutting down|closed/i);
    } finally {
      await Promise.allSettled(clients.map((c) => c.close()));
      if (!stopped && stack.exitCode === null) {
        process.kill(-stack.pid!, 'SIGINT');
        await exited;
      }
      rmSync(state, { recursive: true, force: true });
    }
  }, 420_000);
});
