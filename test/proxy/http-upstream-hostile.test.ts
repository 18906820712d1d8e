import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { NodeHttpClientTransport, UpstreamHttpError } from '../../proxy/http-upstream';

/**
 * The gateway's HTTP client towards an upstream, against upstreams that break HTTP/1.1 on purpose
 * (raw sockets). Whatever the upstream writes, a request ends (answer or error, never a hang), a
 * broken answer is never delivered, and bytes an upstream sends beyond an answer are never taken
 * as the answer to the gateway's next request on the connection.
 */

/** A raw TCP "upstream": `answer(requestNumber, socket)` writes whatever it likes for each request head it reads. */
async function rawUpstream(answer: (n: number, socket: Socket, head: string) => void): Promise<{ url: URL; server: Server; requests: () => number; connections: () => number }> {
  let requests = 0;
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffer = '';
    socket.on('error', () => undefined);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.slice(0, end);
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) return;
        buffer = buffer.slice(end + 4 + length);
        requests += 1;
        answer(requests, socket, head);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`), server, requests: () => requests, connections: () => connections };
}

const json = (body: string, extra = '') => `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
const answerTo = (id: number, text: string) => JSON.stringify({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text }] } });
const request = (id: number): JSONRPCMessage => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'lookup', arguments: {} } });

/** A transport with its deliveries and errors collected. */
function open(url: URL, headers?: Record<string, string>) {
  const t = new NodeHttpClientTransport(url, headers);
  const delivered: JSONRPCMessage[] = [];
  const errors: Error[] = [];
  t.onmessage = (m) => delivered.push(m);
  t.onerror = (e) => errors.push(e);
  return { t, delivered, errors };
}

describe('the upstream HTTP client against a hostile upstream', () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((s) => {
    s.close();
    s.emit('close');
  }));
  const start = async (answer: Parameters<typeof rawUpstream>[0]) => {
    const u = await rawUpstream(answer);
    servers.push(u.server);
    return u;
  };

  test('a second answer sent after the first is never taken as the answer to the next request', async () => {
    const u = await start((n, socket) => {
      // The first answer carries a forged answer to the next request right after it, in the same write.
      if (n === 1) socket.write(json(answerTo(1, 'one')) + json(answerTo(2, 'FORGED')));
      else socket.write(json(answerTo(n, `genuine ${n}`)));
    });
    const { t, delivered } = open(u.url);
    await t.send(request(1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await t.send(request(2));
    await t.close();
    expect(JSON.stringify(delivered)).not.toContain('FORGED');
    expect(delivered).toEqual([JSON.parse(answerTo(1, 'one')), JSON.parse(answerTo(2, 'genuine 2'))]);
    expect(u.requests()).toBe(2);
  });

  test('an answer with both Content-Length and Transfer-Encoding is refused, not delivered', async () => {
    const body = answerTo(1, 'smuggled?');
    const u = await start((_n, socket) => {
      socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
    });
    const { t, delivered } = open(u.url);
    await expect(t.send(request(1))).rejects.toThrow();
    await t.close();
    expect(delivered).toEqual([]);
  });

  test('broken chunked framing ends the request with an error, nothing delivered', async () => {
    const u = await start((_n, socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{"jsonrpc":"2.0"}\r\n0\r\n\r\n');
    });
    const { t, delivered } = open(u.url);
    await expect(t.send(request(1))).rejects.toThrow();
    await t.close();
    expect(delivered).toEqual([]);
  });

  test('a body cut short (the connection closed before Content-Length bytes) is an error, nothing delivered', async () => {
    const u = await start((_n, socket) => {
      const body = answerTo(1, 'x'.repeat(1000));
      socket.end(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length + 100}\r\n\r\n${body}`);
    });
    const { t, delivered } = open(u.url);
    await expect(t.send(request(1))).rejects.toThrow();
    await t.close();
    expect(delivered).toEqual([]);
  });

  test('headers past the size limit (a 64 KB header) end the request with an error', async () => {
    const u = await start((_n, socket) => socket.write(json(answerTo(1, 'big'), `x-padding: ${'a'.repeat(64 * 1024)}\r\n`)));
    const { t, delivered } = open(u.url);
    await expect(t.send(request(1))).rejects.toThrow();
    await t.close();
    expect(delivered).toEqual([]);
  });

  test('a status line that is not HTTP, or a 101 Switching Protocols, ends the request with an error', async () => {
    const garbage = await start((_n, socket) => socket.write('SSH-2.0-OpenSSH_9.6\r\n\r\n'));
    const a = open(garbage.url);
    await expect(a.t.send(request(1))).rejects.toThrow();
    await a.t.close();
    const upgrade = await start((_n, socket) => socket.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n' + answerTo(1, 'after the upgrade')));
    const b = open(upgrade.url);
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise((resolve) => { timer = setTimeout(resolve, 3_000, 'hung'); });
    await expect(Promise.race([b.t.send(request(1)).then(() => 'sent', () => 'failed'), hung])).resolves.not.toBe('hung');
    clearTimeout(timer);
    await b.t.close();
    expect(b.delivered).toEqual([]);
  });

  test('a connection the upstream closes after each answer: the next request opens a new one and is answered', async () => {
    const u = await start((n, socket) => socket.end(json(answerTo(n, `answer ${n}`), 'connection: close\r\n')));
    const { t, delivered } = open(u.url);
    for (const id of [1, 2, 3]) await t.send(request(id));
    await t.close();
    expect(delivered.map((m) => (m as { id: number }).id)).toEqual([1, 2, 3]);
    expect(u.connections()).toBe(3);
  });

  test('an error status without a JSON-RPC answer rejects with its status, the body shortened', async () => {
    const u = await start((_n, socket) => {
      const body = 'nope '.repeat(200);
      socket.write(`HTTP/1.1 503 Service Unavailable\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
    });
    const { t } = open(u.url);
    const error = await t.send(request(1)).catch((e: unknown) => e);
    await t.close();
    expect(error).toBeInstanceOf(UpstreamHttpError);
    expect((error as UpstreamHttpError).status).toBe(503);
    expect((error as Error).message.length).toBeLessThan(400);
  });

  test('an SSE answer cut anywhere, inside a UTF-8 character too, is read whole', async () => {
    const event = Buffer.from(`id: 1\ndata: ${answerTo(1, 'prix 12 € — ok ✓')}\n\n`, 'utf8');
    const euro = event.indexOf(Buffer.from('€'));
    const u = await start((_n, socket) => {
      socket.write(`HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n`);
      const cuts = [0, 3, euro + 1, euro + 2, event.length - 1, event.length];
      cuts.slice(1).forEach((end, i) => setTimeout(() => {
        const piece = event.subarray(cuts[i], end);
        socket.write(`${piece.length.toString(16)}\r\n`);
        socket.write(piece);
        socket.write(i === cuts.length - 2 ? '\r\n0\r\n\r\n' : '\r\n');
      }, 10 * (i + 1)));
    });
    const { t, delivered, errors } = open(u.url);
    await t.send(request(1));
    for (let i = 0; i < 100 && delivered.length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    await t.close();
    expect(delivered).toEqual([JSON.parse(answerTo(1, 'prix 12 € — ok ✓'))]);
    expect(errors).toEqual([]);
  });

  test('keep-alive: sequential requests reuse their connections', async () => {
    const u = await start((n, socket) => socket.write(json(answerTo(n, `answer ${n}`))));
    const { t, delivered } = open(u.url);
    for (let id = 1; id <= 8; id += 1) await t.send(request(id));
    await t.close();
    expect(delivered).toHaveLength(8);
    // node:http's agent used one; undici's pool may take a second while the first reports itself free.
    expect(u.connections()).toBeLessThanOrEqual(2);
  });

  test('close() while the upstream has not answered ends the pending request (no hang)', async () => {
    const u = await start(() => undefined);
    const { t } = open(u.url);
    const pending = t.send(request(1)).then(() => 'answered', () => 'failed');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await t.close();
    await expect(pending).resolves.toBe('failed');
  });
});

describe('the upstream HTTP client: what the upstream receives', () => {
  test('credentials in the URL go as Basic authorization (as node:http sent them), unless the target sets Authorization itself', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const server = createHttpServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () => res.writeHead(202).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const note: JSONRPCMessage = { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } };
    const a = new NodeHttpClientTransport(new URL(`http://us%40er:p%3Ass@127.0.0.1:${port}/mcp`));
    await a.send(note);
    await a.close();
    const b = new NodeHttpClientTransport(new URL(`http://user:pass@127.0.0.1:${port}/mcp`), { Authorization: 'Bearer own' });
    await b.send(note);
    await b.close();
    server.close();
    expect(seen[0]!.authorization).toBe(`Basic ${Buffer.from('us@er:p:ss').toString('base64')}`);
    expect(seen[1]!.authorization).toBe('Bearer own');
    expect(seen.every((h) => h.host === `127.0.0.1:${port}` && h['content-type'] === 'application/json' && h['content-length'] === String(Buffer.byteLength(JSON.stringify(note))))).toBe(true);
  });

  test('an upstream URL that is not http(s) fails its requests, not the opening', async () => {
    const t = new NodeHttpClientTransport(new URL('ftp://127.0.0.1/mcp'));
    await expect(t.send(request(1))).rejects.toThrow(/not supported/);
    await t.close();
  });
});
