import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { searchAttributeKeys } from '../workflows';
import { freePort, startProcess, waitFor, type ManagedProcess } from './processes';
import { stateDir } from '../lib';
import { toolsDir } from './state';

/** The last tag `go install` accepts; later tags carry a replace directive it refuses. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export class MissingPrerequisiteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingPrerequisiteError';
  }
}

function works(binary: string): boolean {
  return spawnSync(binary, ['--version'], { stdio: 'ignore', env: process.env }).status === 0;
}

/** Finds the Temporal CLI: TEMPORAL_CLI, then PATH, then the tools cache, else builds it with Go. */
export function ensureTemporalCli(log: (message: string) => void = () => {}): string {
  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv) {
    if (!works(fromEnv)) throw new MissingPrerequisiteError(`TEMPORAL_CLI=${fromEnv} does not run; point it at a temporal binary or unset it`);
    return fromEnv;
  }
  if (works('temporal')) return 'temporal';
  const bin = join(toolsDir(), 'bin');
  const cached = join(bin, 'temporal');
  if (existsSync(cached) && works(cached)) return cached;
  if (spawnSync('go', ['version'], { stdio: 'ignore', env: process.env }).status !== 0) {
    throw new MissingPrerequisiteError(
      'the Temporal CLI is not installed and Go is not available to build it. Install Go 1.22 or newer ' +
        '(e.g. apt-get install golang-go) or set TEMPORAL_CLI to a temporal binary.',
    );
  }
  log(`building the Temporal CLI (${TEMPORAL_CLI_MODULE}) into ${bin}; this takes a few minutes once per machine`);
  execFileSync('go', ['install', TEMPORAL_CLI_MODULE], { env: { ...process.env, GOBIN: bin }, stdio: ['ignore', 'inherit', 'inherit'] });
  if (!works(cached)) throw new MissingPrerequisiteError(`go install finished but ${cached} does not run`);
  return cached;
}

/** How the Temporal CLI names each search attribute type (`--search-attribute Name=Type`). */
export const CLI_SEARCH_ATTRIBUTE_TYPES: Record<SearchAttributeType, string> = {
  KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList', TEXT: 'Text', INT: 'Int', DOUBLE: 'Double', BOOL: 'Bool', DATETIME: 'Datetime',
};

export interface TemporalServer {
  address: string;
  uiUrl?: string;
  namespace: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export interface TemporalServerOptions {
  cli?: string;
  /** SQLite file; kept across restarts unless `fresh`. */
  dbFile?: string;
  fresh?: boolean;
  ui?: boolean;
  /** A port, or how to pick one (picked again when a retry needs new ports). Default: any free port. */
  port?: number | PortPick;
  uiPort?: number | PortPick;
  /** The UI's remote codec endpoint (`…/codec`; the UI posts to `/decode` under it), so it shows history decoded. */
  uiCodecEndpoint?: string;
  log?: (message: string) => void;
}

/**
 * Starts `temporal server start-dev` with a SQLite file and Gatehouse's search attributes.
 * Ports not given are picked free; another process can take one between the pick and the
 * server's bind (stacks starting side by side), so a bind failure on picked ports is tried again
 * with new ones.
 */
export async function startTemporalServer(options: TemporalServerOptions = {}): Promise<TemporalServer> {
  const pinned = typeof options.port === 'number' || typeof options.uiPort === 'number';
  for (let attempt = 1; ; attempt++) {
    try {
      return await startTemporalServerOnce(options);
    } catch (error) {
      const portTaken = /address already in use/i.test((error as Error).message);
      if (!portTaken || pinned || attempt >= BIND_ATTEMPTS) throw error;
      options.log?.(`temporal: a picked port was taken before the dev server bound it; trying new ports (${attempt}/${BIND_ATTEMPTS})`);
    }
  }
}

const BIND_ATTEMPTS = 3;

export type PortPick = () => Promise<number>;
const pick = (port: number | PortPick | undefined): Promise<number> =>
  typeof port === 'number' ? Promise.resolve(port) : (port ?? freePort)();

async function startTemporalServerOnce(options: TemporalServerOptions): Promise<TemporalServer> {
  const cli = options.cli ?? ensureTemporalCli(options.log);
  const dbFile = options.dbFile ?? join(stateDir('temporal'), 'temporal.db');
  if (options.fresh) rmSync(dbFile, { force: true });
  const port = await pick(options.port);
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--db-filename', dbFile, '--log-level', 'error'];
  for (const key of searchAttributeKeys) args.push('--search-attribute', `${key.name}=${CLI_SEARCH_ATTRIBUTE_TYPES[key.type]}`);
  let uiUrl: string | undefined;
  if (options.ui) {
    const uiPort = await pick(options.uiPort);
    args.push('--ui-port', String(uiPort));
    if (options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
    uiUrl = `http://127.0.0.1:${uiPort}`;
  } else {
    args.push('--headless');
  }
  // The dev server also opens an HTTP port and a metrics port; pin them to free ones.
  args.push('--http-port', String(await freePort()), '--metrics-port', String(await freePort()));
  const proc = startProcess('temporal', cli, args);
  const address = `127.0.0.1:${port}`;
  try {
    await waitFor(`waiting for the Temporal dev server on ${address}`, async () => {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
        return searchAttributeKeys.every((k) => customAttributes && k.name in customAttributes) ? true : undefined;
      } finally {
        await connection.close();
      }
    }, 90_000, proc);
  } catch (error) {
    await proc.stop('SIGTERM', 5_000).catch(() => undefined);
    throw error;
  }
  return { address, uiUrl, namespace: 'default', process: proc, stop: () => proc.stop('SIGTERM', 10_000) };
}
