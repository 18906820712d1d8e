// A real S3-compatible server on loopback for the S3 archive store tests: Versity's versitygw
// (Apache-2.0, a Go module) with its posix backend, bucket versioning and Object Lock. Not on
// npm: GATEHOUSE_VERSITYGW or `versitygw` on PATH, else built once with `go install` into the
// per-machine tools folder (like the Temporal CLI, see devstack/temporal.ts).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, startProcess, toolsDir, waitFor } from '../../devstack';

export const VERSITYGW_MODULE = 'github.com/versity/versitygw/cmd/versitygw@v1.8.0';
const run = promisify(execFile);

async function onPath(name: string): Promise<string | undefined> {
  try {
    return (await run('sh', ['-c', `command -v ${name}`])).stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The versitygw binary, built with Go when nothing provides one (a few minutes, once per machine). */
export async function ensureVersitygw(): Promise<string> {
  if (process.env.GATEHOUSE_VERSITYGW) return process.env.GATEHOUSE_VERSITYGW;
  const found = await onPath('versitygw');
  if (found) return found;
  const dir = path.join(toolsDir(), 'versitygw-v1.8.0');
  const binary = path.join(dir, 'versitygw');
  if (existsSync(binary)) return binary;
  const go = process.env.GO ?? (await onPath('go')) ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) throw new Error(`the S3 tests need versitygw: set GATEHOUSE_VERSITYGW, put versitygw on PATH, or install Go so the tests can run: go install ${VERSITYGW_MODULE}`);
  await mkdir(dir, { recursive: true });
  await run(go, ['install', VERSITYGW_MODULE], { env: { ...process.env, GOBIN: dir }, maxBuffer: 16 * 1024 * 1024, timeout: 15 * 60_000 });
  return binary;
}

export interface S3TestServer {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

export async function startS3Server(): Promise<S3TestServer> {
  const binary = await ensureVersitygw();
  const root = await mkdtemp(path.join(tmpdir(), 'gatehouse-s3-'));
  await mkdir(path.join(root, 'data'));
  await mkdir(path.join(root, 'versions'));
  const port = await freePort();
  const accessKeyId = 'gatehouse-test';
  const secretAccessKey = 'gatehouse-test-secret';
  const proc = startProcess('versitygw', binary, ['--port', `127.0.0.1:${port}`, '--quiet', 'posix', '--versioning-dir', path.join(root, 'versions'), path.join(root, 'data')], {
    env: { ...process.env, ROOT_ACCESS_KEY_ID: accessKeyId, ROOT_SECRET_ACCESS_KEY: secretAccessKey },
  });
  await waitFor('versitygw to listen', () => new Promise<true | undefined>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => { socket.end(); resolve(true); });
    socket.on('error', () => resolve(undefined));
  }), 30_000, proc);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    accessKeyId,
    secretAccessKey,
    async stop() {
      await proc.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
