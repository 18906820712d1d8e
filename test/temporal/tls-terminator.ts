import http2, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

/**
 * What a TLS-secured Temporal frontend looks like to Gatehouse, on loopback: an HTTP/2 TLS
 * server that requires a client certificate signed by `clientCa`, optionally checks the API key
 * (`authorization: Bearer ...`), and relays each gRPC stream (headers, messages, trailers) to
 * the plaintext dev server.
 */
export interface TlsTerminator {
  address: string;
  /** Client certificate subjects (CN) and API-key outcomes seen, in order. */
  seen: { clients: string[]; refusedKeys: number };
  close(): Promise<void>;
}

const HOP = new Set([':authority', ':scheme', 'connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'http2-settings']);
const outgoing = (headers: IncomingHttpHeaders): OutgoingHttpHeaders =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP.has(name)));

export async function startTlsTerminator(options: { upstream: string; cert: string; key: string; clientCa: string; apiKey?: string; requireClientCert?: boolean }): Promise<TlsTerminator> {
  const upstream = http2.connect(`http://${options.upstream}`);
  upstream.on('error', () => {});
  const seen = { clients: [] as string[], refusedKeys: 0 };
  const server = http2.createSecureServer({
    cert: options.cert, key: options.key, ca: options.clientCa,
    requestCert: options.requireClientCert ?? true, rejectUnauthorized: options.requireClientCert ?? true,
  });
  const open = new Set<TLSSocket>();
  server.on('secureConnection', (socket: TLSSocket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    const cn = socket.getPeerCertificate()?.subject?.CN;
    if (cn) seen.clients.push(String(cn));
  });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => {});
    if (options.apiKey !== undefined && headers.authorization !== `Bearer ${options.apiKey}`) {
      seen.refusedKeys += 1;
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '16', 'grpc-message': 'Request unauthorized: invalid API key' }, { endStream: true });
      return;
    }
    const forwarded: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(headers)) if (!HOP.has(name) && name !== 'authorization') forwarded[name] = value;
    const out = upstream.request(forwarded);
    out.on('error', () => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR));
    stream.on('close', () => { if (!out.closed) out.close(http2.constants.NGHTTP2_CANCEL); });
    let trailers: OutgoingHttpHeaders = {};
    out.on('trailers', (t) => { trailers = outgoing(t); });
    out.on('response', (response) => {
      if (stream.closed) return;
      if (response['grpc-status'] !== undefined) {
        // A trailers-only answer (an error): headers carry the status and the stream ends.
        stream.respond(outgoing(response), { endStream: true });
        return;
      }
      stream.respond(outgoing(response), { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers(Object.keys(trailers).length ? trailers : { 'grpc-status': '0' }));
      out.pipe(stream);
    });
    stream.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => {
      upstream.close();
      server.close(() => resolve());
      // Open client sessions would keep close() waiting.
      for (const socket of open) socket.destroy();
    }),
  };
}
