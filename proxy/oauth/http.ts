import type { IncomingMessage, ServerResponse } from 'node:http';
import { readLimitedBody } from '../http-body';
import { OAuthError } from './errors';

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...NO_STORE, ...headers }).end(JSON.stringify(body));
}

export function sendOAuthError(res: ServerResponse, error: OAuthError): void {
  sendJson(res, error.status, error.body(), error.headers);
}

export function redirect(res: ServerResponse, location: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(303, { location, ...NO_STORE, ...headers }).end();
}

/** Reads an application/x-www-form-urlencoded (or JSON, with `json`) body of at most `max` bytes. */
export function readBody(req: IncomingMessage, max = 64 * 1024): Promise<string> {
  return readLimitedBody(req, max, () => new OAuthError('invalid_request', `the request body is larger than ${max} bytes`, 413));
}

export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = String(req.headers['content-type'] ?? '');
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
    req.resume();
    throw new OAuthError('invalid_request', 'send the parameters as application/x-www-form-urlencoded');
  }
  const params = new URLSearchParams(await readBody(req));
  for (const name of new Set(params.keys())) {
    if (params.getAll(name).length > 1) throw new OAuthError('invalid_request', `parameter ${name} is repeated`);
  }
  return params;
}

export function cookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

/** The peer address; X-Forwarded-For only counts behind a proxy the operator says is there. */
export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = String(req.headers['x-forwarded-for'] ?? '').split(',')[0]?.trim();
  return (trustProxy && forwarded) || req.socket.remoteAddress || 'unknown';
}
