import { request } from 'node:https';
import { Readable } from 'node:stream';

/** The fetch shape the MCP SDK's client transports take. */
export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * fetch over node:https that trusts `ca` (a private CA, as a deployment's own PKI): the global
 * fetch takes no CA, and NODE_EXTRA_CA_CERTS is read only at start. Streams the body, so
 * Server-Sent Events arrive as they are sent. Certificate and host name are checked as usual.
 */
export function fetchTrusting(ca: string): FetchLike {
  return async (input, init = {}) => {
    const url = new URL(String(input));
    const body = init.body == null ? undefined : typeof init.body === 'string' ? init.body : Buffer.from(await new Response(init.body).arrayBuffer());
    return new Promise<Response>((resolve, reject) => {
      const req = request(url, { method: init.method ?? 'GET', headers: Object.fromEntries(new Headers(init.headers)), ca }, (res) => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) for (const one of [value ?? []].flat()) headers.append(name, one);
        const status = res.statusCode ?? 0;
        const empty = [204, 205, 304].includes(status) || init.method === 'HEAD';
        if (empty) res.resume();
        resolve(new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, statusText: res.statusMessage ?? '', headers }));
      });
      req.on('error', reject);
      init.signal?.addEventListener('abort', () => req.destroy(new Error('the request was aborted')));
      req.end(body);
    });
  };
}
