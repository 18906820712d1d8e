import { spawnSync } from 'node:child_process';
import Redis from 'ioredis';
import { freePort, startProcess, waitFor, type ManagedProcess } from './processes';
import { stateDir } from '../lib';
import { MissingPrerequisiteError } from './temporal';

export interface RedisServer {
  url: string;
  /** Set when this process started the server (tests may stop and restart it). */
  process?: ManagedProcess;
  port?: number;
  stop(): Promise<void>;
}

async function reachable(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1_000, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** Uses REDIS_URL when it answers; otherwise starts a private redis-server on a free port. */
export async function ensureRedis(options: { preferExisting?: boolean; dataDir?: string; port?: number } = {}): Promise<RedisServer> {
  const existing = process.env.REDIS_URL;
  if ((options.preferExisting ?? true) && existing && (await reachable(existing))) {
    return { url: existing, stop: async () => {} };
  }
  return startRedisServer(options);
}

export async function startRedisServer(options: { dataDir?: string; port?: number } = {}): Promise<RedisServer> {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore', env: process.env }).status !== 0) {
    throw new MissingPrerequisiteError('redis-server is not installed: install it (apt-get install redis-server) or set REDIS_URL to a reachable Redis');
  }
  const port = options.port ?? (await freePort());
  const dir = options.dataDir ?? stateDir('redis');
  const proc = startProcess('redis', 'redis-server', [
    '--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--appendonly', 'yes', '--save', '', '--daemonize', 'no', '--loglevel', 'warning',
  ]);
  const url = `redis://127.0.0.1:${port}`;
  await waitFor(`waiting for redis-server on port ${port}`, async () => ((await reachable(url)) ? true : undefined), 15_000, proc);
  return { url, port, process: proc, stop: () => proc.stop() };
}
