// Runs the official MCP conformance suite (@modelcontextprotocol/conformance, pinned in
// package.json) one server scenario per process, so scenarios run side by side and one hung
// scenario cannot take the others with it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const CLI = require.resolve('@modelcontextprotocol/conformance/dist/index.js');

export interface ScenarioOutcome { scenario: string; passed: number; failed: number; warnings: number; errors: string[]; warned: string[]; startedAt: number; ms: number }

/** The server scenarios of the suite's active set (`conformance list`). */
export function serverScenarios(node: string): string[] {
  const list = spawnSync(node, [CLI, 'list'], { encoding: 'utf8' });
  if (list.status !== 0) throw new Error(`conformance list failed: ${list.stderr}`);
  const section = list.stdout.split(/\n\s*\n/).find((part) => part.startsWith('Server scenarios')) ?? '';
  return [...section.matchAll(/^\s+- ([a-z0-9-]+)/gm)].map((m) => m[1]!);
}

/** One scenario against one URL; its checks are read from the suite's own checks.json. */
export function runScenario(node: string, url: string, scenario: string, outDir: string, timeoutMs = 60_000): Promise<ScenarioOutcome> {
  const startedAt = Date.now();
  // One folder per run: a scenario run again never reads the first run's checks.json.
  const dir = join(outDir, scenario, String(startedAt));
  mkdirSync(dir, { recursive: true });
  return new Promise((resolve) => {
    const child = spawn(node, [CLI, 'server', '--url', url, '--scenario', scenario, '-o', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      const run = existsSync(dir) ? readdirSync(dir).find((d) => existsSync(join(dir, d, 'checks.json'))) : undefined;
      if (!run) {
        resolve({ scenario, passed: 0, failed: 1, warnings: 0, warned: [], errors: [`no checks.json (timed out or crashed): ${output.slice(-2000)}`], startedAt, ms: Date.now() - startedAt });
        return;
      }
      const checks = JSON.parse(readFileSync(join(dir, run, 'checks.json'), 'utf8')) as { id: string; status: string; errorMessage?: string; description?: string }[];
      const failed = checks.filter((c) => c.status === 'FAILURE');
      // Warnings (SHOULDs) count as neither; the table shows them.
      resolve({ scenario, passed: checks.filter((c) => c.status === 'SUCCESS').length, failed: failed.length, warnings: checks.filter((c) => c.status === 'WARNING').length, warned: checks.filter((c) => c.status === 'WARNING').map((c) => `${c.id}: ${c.errorMessage ?? c.description ?? ''}`), errors: failed.map((c) => `${c.id}: ${c.errorMessage ?? ''}`), startedAt, ms: Date.now() - startedAt });
    });
  });
}

/**
 * The suite cannot send headers: this pass-through adds the grant token and forwards everything
 * else as it came (Host and Origin too, so the gateway's DNS-rebinding checks still see the
 * client's), streaming both ways; a client that goes away closes the gateway side too.
 */
export async function headerAddingPassThrough(target: URL, headers: Record<string, string>): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const upstream = request({
      host: target.hostname, port: target.port, method: req.method, path: `${target.pathname}${new URL(req.url ?? '/', 'http://x').search}`,
      headers: { ...req.headers, ...headers },
    }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.once('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}/mcp`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** The comparison table, one row per scenario. */
export function table(rows: { scenario: string; direct: ScenarioOutcome; gateway: ScenarioOutcome }[]): string {
  const cell = (o: ScenarioOutcome) => `${o.failed ? `FAIL ${o.passed}/${o.passed + o.failed}` : `pass ${o.passed}`}${o.warnings ? ` warn ${o.warnings}` : ''} ${(o.ms / 1000).toFixed(1)}s`;
  const width = Math.max(8, ...rows.map((r) => r.scenario.length));
  const line = (a: string, b: string, c: string) => `${a.padEnd(width)}  ${b.padEnd(24)}  ${c}`;
  const total = (pick: (r: (typeof rows)[number]) => ScenarioOutcome) => `${rows.filter((r) => !pick(r).failed).length}/${rows.length}`;
  return [
    line('scenario', 'direct', 'gateway'),
    ...rows.map((r) => line(r.scenario, cell(r.direct), cell(r.gateway))),
    line('passed', total((r) => r.direct), total((r) => r.gateway)),
  ].join('\n');
}
