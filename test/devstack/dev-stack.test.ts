import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import Redis from 'ioredis';
import { chromium } from 'playwright-core';
import { AccessClient } from '../../access';
import { waitFor } from '../../devstack';
import { connectTemporalClient, temporalSettings } from '../../lib';
import { expandPrincipals, loadConfig } from '../../policy';

const CHROMIUM = process.env.GATEHOUSE_CHROMIUM ?? '/usr/bin/chromium';

/** A POST with a Host header of the caller's choosing (fetch sets its own). */
function postWithHost(url: string, host: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { host, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    req.end('{"payloads":[]}');
  });
}

const root = join(__dirname, '../..');

/** Processes still alive in a process group (ps exits 1 when there are none). */
function groupMembers(pgid: number): string[] {
  const ps = spawnSync('ps', ['-o', 'pid=,stat=,args=', '-g', String(pgid)], { encoding: 'utf8' });
  // Zombies (stat Z) have ended; they only wait for a parent that is itself gone.
  return ps.stdout.split('\n').map((l) => l.trim()).filter((l) => l && !l.split(/\s+/)[1]?.startsWith('Z'));
}

describe('npm run dev: the stack on embedded defaults', () => {
  test('every component answers, and Ctrl-C stops all of them', async () => {
    const state = mkdtempSync(join(tmpdir(), 'gatehouse-dev-stack-'));
    const lines: string[] = [];
    const stack = spawn(process.execPath, [join(root, 'devstack/bootstrap/run.js'), 'dev'], {
      cwd: root,
      detached: true, // its own process group, like a terminal's foreground job
      env: { ...process.env, GATEHOUSE_STATE_DIR: state, GATEHOUSE_CONFIG: '', REDIS_URL: '', SLACK_BOT_TOKEN: '', GATEHOUSE_OIDC_ISSUER: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n'));
    stack.stdout!.on('data', collect);
    stack.stderr!.on('data', collect);
    const exited = new Promise<number | null>((resolve) => stack.once('exit', (code) => resolve(code)));
    const said = (pattern: RegExp) => lines.map((l) => pattern.exec(l)).find(Boolean);
    try {
      // A stack that ends while starting says why in its last lines; waiting on would hide it.
      const died = exited.then((code) => {
        throw new Error(`the dev stack exited (${code}) while starting:\n${lines.slice(-40).join('\n')}`);
      });
      died.catch(() => undefined);
      await Promise.race([waitFor('the dev stack to be ready', async () => (said(/press Ctrl-C to stop/) ? true : undefined), 240_000), died]);
      const url = (label: string) => said(new RegExp(`\\[gatehouse\\]\\s+${label}\\s+(http://[^\\s]+)`))?.[1];

      const temporalAddress = said(/\[gatehouse\] Temporal\s+(127\.0\.0\.1:\d+)/)![1]!;
      const connection = await Connection.connect({ address: temporalAddress });
      await connection.workflowService.getSystemInfo({});
      await connection.close();

      const redis = new Redis(said(/\[gatehouse\] Redis\s+(redis:\/\/[^\s]+)/)![1]!, { lazyConnect: true });
      await redis.connect();
      expect(await redis.ping()).toBe('PONG');
      redis.disconnect();

      const api = url('REST API')!;
      expect((await fetch(`${api}/healthz`)).status).toBe(200);
      expect((await fetch(`${api}/v1/openapi.json`)).status).toBe(200);
      expect((await fetch(`${api}/v1/access-requests`)).status).toBe(401);
      const mcp = url('MCP endpoint')!;
      expect((await fetch(`${new URL(mcp).origin}/healthz`)).status).toBe(200);
      expect((await fetch(mcp, { method: 'POST' })).status).toBe(401);
      const ui = url('Temporal UI')!;
      expect((await fetch(ui)).status).toBe(200);
      // The UI decodes history: its settings name the codec endpoint, which reaches the API's codec
      // route with an audit:read token (encode, then decode, from the UI's origin as the browser does).
      const codec = url('codec')!;
      const settings = (await (await fetch(`${ui}/api/v1/settings`)).json()) as { Codec?: { Endpoint?: string } };
      expect(settings.Codec?.Endpoint).toBe(codec);
      const typed = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"check claim for Jane Doe"').toString('base64') };
      const codecCall = (operation: string, body: unknown, origin = ui) => fetch(`${codec}/${operation}`, {
        method: 'POST', headers: { 'content-type': 'application/json', origin, 'x-namespace': 'default' }, body: JSON.stringify(body),
      });
      const encoded = await codecCall('encode', { payloads: [typed] });
      expect({ status: encoded.status, cors: encoded.headers.get('access-control-allow-origin') }).toEqual({ status: 200, cors: ui });
      const sealed = (await encoded.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
      expect(Buffer.from(sealed.payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
      expect(((await (await codecCall('decode', sealed)).json()) as typeof sealed).payloads[0]!.data).toBe(typed.data);
      // Another web page the developer visits cannot use it, nor can one that rebinds a name to loopback.
      expect((await codecCall('decode', sealed, 'https://evil.example.com')).status).toBe(403);
      expect(await postWithHost(`${codec}/decode`, `evil.example.com:${new URL(codec).port}`)).toBe(403);
      // In a real browser the UI shows a request's input decoded: the reason and ticket as typed.
      const config = loadConfig(said(/\[gatehouse\] config\s+(\S+)/)![1]!);
      const target = config.targets[0]!;
      // The stack's payload keys: the environment's when set (the test stack sets them), else the ones it made.
      const payloadKeys = process.env.GATEHOUSE_PAYLOAD_KEYS || /^GATEHOUSE_PAYLOAD_KEYS=(.+)$/m.exec(readFileSync(join(state, 'keys', 'dev.env'), 'utf8'))![1]!;
      const temporal = temporalSettings({ TEMPORAL_ADDRESS: temporalAddress, GATEHOUSE_PAYLOAD_KEYS: payloadKeys });
      const client = await connectTemporalClient(temporal);
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      try {
        const requester = expandPrincipals(config, target.requesters).find((s) => s !== '*')!;
        const reason = 'check claim for Jane Doe DOB 3/4/1950 in the UI';
        const { requestId } = await new AccessClient(client, config, temporal.taskQueue).request({ requester, origin: 'api', target: target.name, durationMs: 600_000, reason, ticket: 'INC-4242' });
        const page = await browser.newPage();
        const decodes: number[] = [];
        page.on('response', (r) => { if (r.url().startsWith(`${codec}/decode`)) decodes.push(r.status()); });
        await page.goto(`${ui}/namespaces/default/workflows/${requestId}`, { waitUntil: 'load' });
        // Runs in the page (no DOM types here); the UI's CSP forbids evaluating a string.
        const shows = (text: string) => (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText.includes(text);
        await page.waitForFunction(shows, reason, { timeout: 60_000 }).catch(async (error: Error) => {
          throw new Error(`the UI at ${page.url()} does not show the reason (decode answers: ${decodes.join(', ') || 'none'}); it shows:\n${(await page.locator('body').innerText()).slice(0, 1500)}`, { cause: error });
        });
        expect(await page.locator('body').innerText()).toContain('INC-4242');
        expect(decodes.length).toBeGreaterThan(0);
        expect(decodes.every((status) => status === 200)).toBe(true);
      } finally {
        await browser.close();
        await client.connection.close();
      }
      const oidc = url('OIDC')!;
      expect(await (await fetch(`${oidc}/.well-known/openid-configuration`)).json()).toMatchObject({ issuer: oidc });
      expect((await fetch(`${url('Snowflake')}/session/heartbeat`, { method: 'POST' })).status).toBeLessThan(500);
      expect((await fetch(url('Slack\\s+local Slack')!)).status).toBe(200);
      expect((await fetch(url('Slack app')!.replace(/\/slack\/events$/, '/healthz'))).status).toBe(200);
      // Readable log lines (pino-pretty), prefixed by component.
      expect(lines.some((l) => /^\[worker\s*\] \[\d\d:\d\d:\d\d\] INFO \(worker\): worker running/.test(l))).toBe(true);
    } finally {
      // A stack that already ended has said why above; only a running one is stopped and judged here.
      const running = stack.exitCode === null;
      if (running) process.kill(-stack.pid!, 'SIGINT');
      const code = await exited;
      if (running) expect(code).toBe(0);
      await waitFor('every process of the stack to end', async () => (groupMembers(stack.pid!).length === 0 ? true : undefined), 30_000).catch(() => undefined);
      expect(groupMembers(stack.pid!)).toEqual([]);
      rmSync(state, { recursive: true, force: true });
    }
    expect(lines).toContain('[gatehouse] stopped');
    // Development keys and made-up Slack secrets are never printed.
    expect(lines.join('\n')).not.toMatch(/xoxb-|BEGIN (RSA )?PRIVATE KEY|GATEHOUSE_ENCRYPTION_KEY=/);
  }, 360_000);
});
