import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The dev stack's codec endpoint for the Temporal UI. The CLI's dev server runs the UI without
 * sign-in, so the UI has no token to forward; in production the UI signs people in and forwards
 * their `audit:read` token to the API's codec route itself (docs/deployment.md). This relay plays
 * that signed-in UI on loopback: it takes an `audit:read` token from the local OpenID provider and
 * forwards the UI's /decode and /encode calls to the API's `/codec/...`, unchanged otherwise, so
 * the API's own authentication, namespace check and logging apply. Development only: it answers
 * only the UI's origins and loopback Host names.
 */
export interface CodecRelayOptions {
  /** The API's codec route, e.g. `http://127.0.0.1:8080/codec`. */
  codecUrl: string;
  /** Browser origins allowed to call it: the Temporal UI's. */
  origins: readonly string[];
  /** A bearer token with `audit:read` (the local provider's client-credentials grant). */
  token: () => Promise<string>;
  port: number;
}

export interface CodecRelay {
  /** What the UI is given as its codec endpoint. */
  url: string;
  close(): Promise<void>;
}

const MAX_BODY = 8 * 1024 * 1024;
const TOKEN_REUSE_MS = 60_000;

export function startCodecRelay(options: CodecRelayOptions): Promise<CodecRelay> {
  const allowed = new Set(options.origins);
  let cached: { token: string; until: number } | undefined;
  const token = async () => {
    if (!cached || cached.until < Date.now()) cached = { token: await options.token(), until: Date.now() + TOKEN_REUSE_MS };
    return cached.token;
  };
  const refuse = (res: ServerResponse, status: number, detail: string) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: detail }));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    // A web page the developer visits cannot use the relay's token: not from its origin, not by DNS rebinding.
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) return refuse(res, 403, 'the codec relay answers loopback host names only');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowed.has(origin)) return refuse(res, 403, `origin ${origin} may not use the codec relay`);
    if (origin) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-methods', 'POST, OPTIONS');
      res.setHeader('access-control-allow-headers', 'content-type, x-namespace');
      res.setHeader('vary', 'origin');
    }
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const operation = /^\/codec\/(decode|encode)$/.exec(new URL(req.url ?? '/', 'http://relay').pathname)?.[1];
    if (!operation || req.method !== 'POST') return refuse(res, 404, 'POST /codec/decode or /codec/encode');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY) return refuse(res, 413, 'payloads larger than 8 MB');
      chunks.push(chunk);
    }
    const answer = await fetch(`${options.codecUrl}/${operation}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await token()}`, 'content-type': 'application/json',
        ...(typeof req.headers['x-namespace'] === 'string' ? { 'x-namespace': req.headers['x-namespace'] } : {}),
      },
      body: Buffer.concat(chunks),
    });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json', 'cache-control': 'no-store' });
    res.end(Buffer.from(await answer.arrayBuffer()));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) refuse(res, 502, `the API's codec route did not answer: ${error.message}`);
      else res.end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/codec`,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}
