// Starts `run.js dev` as a child process in its own process group (as a terminal would), reads
// where everything listens from what it prints, and stops it with SIGINT.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { projectRoot } from '../../lib';

export interface DemoStack {
  /** The supervisor (`run.js dev`); every part of the stack runs below it. */
  pid: number;
  lines: string[];
  api: string;
  mcp: string;
  oidc: string;
  temporal: string;
  localSlack: string;
  snowflake: string;
  logFile: string;
  stop(): Promise<number | null>;
}

/** The ports `npm run dev` prefers: Temporal, its UI, Snowflake, API, gateway, OIDC, local Slack, Slack app. */
const WELL_KNOWN_PORTS = [7233, 8233, 8085, 8080, 8788, 8070, 3100, 3000];

/**
 * Listens on the dev stack's well-known ports while the demo's stack starts, so that it takes
 * free ports instead: the demo never races a developer's `npm run dev` (or the dev-stack test,
 * when jest runs both at once) for the same port. Ports already taken are left alone.
 */
async function holdWellKnownPorts(): Promise<() => Promise<void>> {
  const held = await Promise.all(WELL_KNOWN_PORTS.map((port) => new Promise<Server | undefined>((resolve) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  })));
  return async () => {
    await Promise.all(held.map((server) => server && new Promise<void>((resolve) => server.close(() => resolve()))));
  };
}

/**
 * The demo's config is copied into the state folder. When port 8085 is taken, the dev stack's
 * Snowflake listens elsewhere and says so before any service reads the config: the copy's
 * accessUrl is then pointed at the port really used.
 */
export async function startStack(stateDir: string, configTemplate: string, timeoutMs = 240_000, interrupted: () => boolean = () => false): Promise<DemoStack> {
  const configFile = join(stateDir, 'gatehouse.demo.yaml');
  writeFileSync(configFile, readFileSync(configTemplate, 'utf8'));
  const logFile = join(stateDir, 'stack.log');
  const releasePorts = await holdWellKnownPorts();
  const log = createWriteStream(logFile);
  const lines: string[] = [];
  const child: ChildProcess = spawn(process.execPath, [join(projectRoot, 'devstack/bootstrap/run.js'), 'dev'], {
    cwd: projectRoot,
    detached: true,
    env: { ...process.env, GATEHOUSE_STATE_DIR: stateDir, GATEHOUSE_CONFIG: configFile, REDIS_URL: '', SLACK_BOT_TOKEN: '', GATEHOUSE_OIDC_ISSUER: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let pending = '';
  const collect = (chunk: Buffer) => {
    log.write(chunk);
    const parts = (pending + chunk.toString('utf8')).split('\n');
    pending = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      const moved = /\[gatehouse\] port 8085 is taken: the local Snowflake listens on (\d+)/.exec(line);
      if (moved) {
        writeFileSync(configFile, readFileSync(configFile, 'utf8').replace('accessUrl: http://127.0.0.1:8085', `accessUrl: http://127.0.0.1:${moved[1]}`));
      }
    }
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    exitCode = code;
    log.end();
    resolve(code);
  }));
  let stopping: Promise<number | null> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (exitCode === undefined) {
        try {
          process.kill(-child.pid!, 'SIGINT');
        } catch {
          /* already gone */
        }
        const timer = setTimeout(() => {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            /* gone */
          }
        }, 45_000);
        await exited;
        clearTimeout(timer);
      }
      return exitCode ?? null;
    })();
    return stopping;
  };
  const said = (pattern: RegExp) => lines.map((l) => pattern.exec(l)).find(Boolean);
  try {
    const deadline = Date.now() + timeoutMs;
    while (!said(/press Ctrl-C to stop/)) {
      if (exitCode !== undefined) throw new Error(`the dev stack exited with code ${exitCode} while starting`);
      if (interrupted()) throw new Error('interrupted while the stack was starting');
      if (Date.now() > deadline) throw new Error(`the dev stack was not ready after ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    await releasePorts();
  }
  const need = (pattern: RegExp, what: string) => {
    const match = said(pattern)?.[1];
    if (!match) throw new Error(`the dev stack did not print ${what}`);
    return match;
  };
  return {
    pid: child.pid!,
    lines,
    api: need(/\[gatehouse\]\s+REST API\s+(http:\/\/\S+)/, 'the REST API URL'),
    mcp: need(/\[gatehouse\]\s+MCP endpoint\s+(http:\/\/\S+)/, 'the MCP endpoint'),
    oidc: need(/\[gatehouse\] OIDC\s+(http:\/\/\S+)/, 'the OpenID provider'),
    temporal: need(/\[gatehouse\] Temporal\s+(127\.0\.0\.1:\d+)/, 'the Temporal address'),
    localSlack: need(/\[gatehouse\] Slack\s+local Slack\s+(http:\/\/\S+)/, 'the local Slack'),
    snowflake: need(/\[gatehouse\] Snowflake\s+(http:\/\/\S+)/, 'the local Snowflake'),
    logFile,
    stop,
  };
}
