import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { ConfigError, DEFAULT_MAX_ANSWER_BYTES, parseConfig } from '../../policy';
import { NodeHttpClientTransport, UpstreamAnswerTooLarge } from '../../proxy/http-upstream';
import { StdioUpstreamTransport } from '../../proxy/stdio-upstream';

/**
 * Answers of an upstream are bounded per target (`upstream.maxAnswerSize`): a JSON body, one SSE
 * event, one stdio line. A hostile or broken upstream that sends more gets nothing of it passed on,
 * the connection it came on is dropped (the rest is never read), and the gateway's memory stays
 * bounded. Stack-free: raw sockets and a child process stand in for the upstream.
 */

const MB = 1024 * 1024;
const BOUND = MB;

/**
 * A raw TCP "upstream": for each request head it reads, `answer` writes what it likes. Every write
 * waits for the socket to drain (so this process never holds what the gateway does not read), and
 * `written()` says how much the upstream managed to send before its connection was dropped.
 */
async function rawUpstream(answer: (socket: Socket, send: (text: string) => Promise<boolean>) => Promise<void>) {
  let written = 0;
  let closed = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed += 1;
      sockets.delete(socket);
    });
    const send = async (text: string): Promise<boolean> => {
      if (socket.destroyed || socket.writableEnded) return false;
      written += Buffer.byteLength(text);
      if (!socket.write(text)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            socket.off('drain', done);
            socket.off('close', done);
            resolve();
          };
          socket.on('drain', done);
          socket.on('close', done);
        });
      }
      return !socket.destroyed;
    };
    let head = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      if (head.includes('\r\n\r\n')) return;
      head += chunk;
      if (head.includes('\r\n\r\n')) void answer(socket, send).catch(() => undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`),
    server, written: () => written, closed: () => closed,
    stop: () => {
      sockets.forEach((s) => s.destroy());
      server.close();
    },
  };
}

/** Sends `total` bytes of `fill` in 16 KB writes, or fewer if the connection is dropped first. */
async function stream(send: (text: string) => Promise<boolean>, total: number, fill = 'x'): Promise<void> {
  const piece = fill.repeat(16 * 1024);
  for (let sent = 0; sent < total; sent += piece.length) if (!(await send(piece))) return;
}

/** The gateway side's memory: heap and buffers, the peak seen while `run` runs. */
async function peakGrowth(run: () => Promise<void>): Promise<number> {
  const used = () => { const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
  const base = used();
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, used())), 2);
  try {
    await run();
  } finally {
    clearInterval(sampler);
  }
  return Math.max(peak, used()) - base;
}

const request = (id: number): JSONRPCMessage => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'lookup', arguments: {} } });

function open(url: URL, maxAnswerBytes = BOUND) {
  const t = new NodeHttpClientTransport(url, {}, { maxAnswerBytes });
  const delivered: JSONRPCMessage[] = [];
  const errors: Error[] = [];
  t.onmessage = (m) => delivered.push(m);
  t.onerror = (e) => errors.push(e);
  return { t, delivered, errors };
}

/** Resolves once `check` holds (polled; the test's own timeout is the limit). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('upstream.maxAnswerSize in the configuration', () => {
  const config = (size: string) => `version: 1
targets:
  - name: t
    upstream: { type: http, url: 'http://127.0.0.1:1/mcp'${size ? `, maxAnswerSize: ${size}` : ''} }
    credentials: none
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [alice@example.org] }
`;
  const problems = (size: string): string[] => {
    try {
      parseConfig(config(size), 'gatehouse.yaml');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
    throw new Error('expected a ConfigError');
  };

  test('a size in bytes, KB or MB; left out, the gateway applies its default', () => {
    expect(parseConfig(config('8MB')).targets[0]!.upstream.maxAnswerSize).toBe(8 * MB);
    expect(parseConfig(config('512 KB')).targets[0]!.upstream.maxAnswerSize).toBe(512 * 1024);
    expect(parseConfig(config('1.5MiB')).targets[0]!.upstream.maxAnswerSize).toBe(1.5 * MB);
    expect(parseConfig(config('100000')).targets[0]!.upstream.maxAnswerSize).toBe(100_000);
    expect(parseConfig(config('')).targets[0]!.upstream.maxAnswerSize).toBeUndefined();
    expect(DEFAULT_MAX_ANSWER_BYTES).toBe(8 * MB);
  });

  test.each(['0', '-1', '1000', '1GB', '8 parsecs', 'lots', 'true', '300MB', '65536.5'])('%s is refused with a clear message', (size) => {
    expect(problems(size)).toEqual([expect.stringMatching(/^targets\[0\]\.upstream\.maxAnswerSize: must be a size between 64KB and 256MB, in bytes or like 512KB or 8MB/)]);
  });
});

describe('an HTTP upstream answering past the bound', () => {
  const upstreams: { stop(): void }[] = [];
  afterAll(() => upstreams.forEach((u) => u.stop()));
  const start = async (answer: Parameters<typeof rawUpstream>[0]) => {
    const u = await rawUpstream(answer);
    upstreams.push(u);
    return u;
  };

  test('a Content-Length that declares more than the bound: refused before its body, the connection dropped', async () => {
    const u = await start(async (_socket, send) => {
      if (await send('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 10000000000\r\n\r\n')) await stream(send, 200 * MB);
    });
    const { t, delivered } = open(u.url);
    await t.send(request(1));
    expect(delivered).toEqual([{ jsonrpc: '2.0', id: 1, error: { code: -31061, message: expect.stringMatching(/^the upstream's answer \(10000000000 bytes by its Content-Length\) is larger than upstream\.maxAnswerSize \(1 MB\); the gateway stopped reading it and dropped the connection, nothing of it was passed on$/) } }]);
    await until(() => u.closed() === 1);
    expect(u.written()).toBeLessThan(64 * MB);
    await t.close();
  });

  test('a chunked answer without end: refused at the bound, the connection dropped, memory bounded', async () => {
    const u = await start(async (_socket, send) => {
      if (!(await send('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n'))) return;
      const piece = `4000\r\n${'y'.repeat(0x4000)}\r\n`;
      for (let i = 0; i < (200 * MB) / 0x4000; i += 1) if (!(await send(piece))) return;
    });
    const { t, delivered, errors } = open(u.url);
    const growth = await peakGrowth(() => t.send(request(1)));
    expect(delivered).toEqual([{ jsonrpc: '2.0', id: 1, error: { code: -31061, message: expect.stringContaining("the upstream's answer is larger than upstream.maxAnswerSize (1 MB)") } }]);
    expect(errors.some((e) => e instanceof UpstreamAnswerTooLarge)).toBe(true);
    await until(() => u.closed() === 1);
    expect(u.written()).toBeLessThan(64 * MB);
    expect(growth).toBeLessThan(48 * MB);
    await t.close();
  });

  test('an answer within the bound passes, and the next request after a refused one is answered on a new connection', async () => {
    let n = 0;
    const u = await start(async (socket, send) => {
      n += 1;
      const body = JSON.stringify({ jsonrpc: '2.0', id: n, result: { content: [{ type: 'text', text: 'z'.repeat(n === 2 ? BOUND - 200 : 2 * MB) }] } });
      // One request per connection (this raw upstream reads one head per connection).
      if (await send(`HTTP/1.1 ${n === 3 ? '202 Accepted' : '200 OK'}\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)) socket.end();
    });
    const { t, delivered } = open(u.url);
    await t.send(request(1));
    await t.send(request(2));
    expect(delivered.map((m) => ('error' in m ? `${String(m.id)} error` : `${String((m as { id: number }).id)} result`))).toEqual(['1 error', '2 result']);
    // What is not a request (a notification's 202 body here) has no one to answer: its send fails with the bound.
    await expect(t.send({ jsonrpc: '2.0', method: 'notifications/roots/list_changed' })).rejects.toBeInstanceOf(UpstreamAnswerTooLarge);
    await t.close();
  });

  test('an SSE event of 50 MB in small chunks: the request gets an error naming the bound, nothing else; the stream is dropped, memory bounded', async () => {
    const u = await start(async (_socket, send) => {
      if (!(await send('HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n'))) return;
      const chunk = (text: string) => send(`${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`);
      // A small event first (delivered: it is within the bound), then the big one.
      await chunk(`id: 1\ndata: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'working' } })}\n\n`);
      if (!(await chunk('id: 2\ndata: {"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"'))) return;
      const piece = 'w'.repeat(4096);
      for (let sent = 0; sent < 50 * MB; sent += piece.length) if (!(await chunk(piece))) return;
      await chunk('"}]}}\n\n0\r\n\r\n');
    });
    const { t, delivered, errors } = open(u.url);
    const growth = await peakGrowth(async () => {
      await t.send(request(1));
      await until(() => delivered.length === 2);
      await until(() => u.closed() === 1);
    });
    expect(delivered[0]).toMatchObject({ method: 'notifications/message' });
    expect(delivered[1]).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -31061, message: expect.stringMatching(/^an event the upstream sent is larger than upstream\.maxAnswerSize \(1 MB\); the gateway stopped reading it and dropped the connection/) } });
    expect(JSON.stringify(delivered)).not.toContain('www');
    expect(errors.some((e) => e instanceof UpstreamAnswerTooLarge)).toBe(true);
    expect(u.written()).toBeLessThan(40 * MB);
    expect(growth).toBeLessThan(48 * MB);
    await t.close();
  });

  test('an SSE line that never ends (no newline, ever): refused at the bound like an event', async () => {
    const u = await start(async (_socket, send) => {
      if (!(await send('HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n'))) return;
      await stream(send, 200 * MB, 'v');
    });
    const { t, delivered } = open(u.url);
    await t.send(request(7));
    await until(() => delivered.length === 1);
    expect(delivered).toEqual([{ jsonrpc: '2.0', id: 7, error: { code: -31061, message: expect.stringContaining('larger than upstream.maxAnswerSize (1 MB)') } }]);
    await until(() => u.closed() === 1);
    expect(u.written()).toBeLessThan(64 * MB);
    await t.close();
  });

  test('an error status whose body says it is a stream and never ends: bounded as a whole, not per event', async () => {
    const u = await start(async (_socket, send) => {
      if (await send('HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/event-stream\r\n\r\n')) await stream(send, 200 * MB, 't');
    });
    const { t, delivered } = open(u.url);
    await t.send(request(9));
    expect(delivered).toEqual([{ jsonrpc: '2.0', id: 9, error: { code: -31061, message: expect.stringContaining("the upstream's answer is larger than upstream.maxAnswerSize (1 MB)") } }]);
    await until(() => u.closed() === 1);
    expect(u.written()).toBeLessThan(64 * MB);
    await t.close();
  });

  test('events each within the bound pass, however long the stream: the bound is per event', async () => {
    const event = (i: number) => `id: ${i}\ndata: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: i, message: 'p'.repeat(300 * 1024) } })}\n\n`;
    const u = await start(async (socket, send) => {
      if (!(await send('HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n'))) return;
      for (let i = 1; i <= 10; i += 1) await send(event(i));
      await send(`id: 11\ndata: ${JSON.stringify({ jsonrpc: '2.0', id: 3, result: { content: [] } })}\n\n`);
      socket.end();
    });
    const { t, delivered } = open(u.url);
    await t.send(request(3));
    await until(() => delivered.length === 11);
    expect(delivered[10]).toEqual({ jsonrpc: '2.0', id: 3, result: { content: [] } });
    await t.close();
  });
});

describe('a stdio upstream writing past the bound', () => {
  /** A process that answers nothing and writes one line without end, in 64 KB writes. */
  const endless = `const piece = 'u'.repeat(65536); const write = () => { while (process.stdout.write(piece)); process.stdout.once('drain', write); }; write();`;

  test('a line without newline: the process is stopped, the transport says why, memory bounded', async () => {
    const t = new StdioUpstreamTransport({ command: process.execPath, args: ['-e', endless], stderr: 'pipe' }, BOUND);
    const delivered: JSONRPCMessage[] = [];
    const errors: Error[] = [];
    t.onmessage = (m) => delivered.push(m);
    t.onerror = (e) => errors.push(e);
    let closed = false;
    t.onclose = () => (closed = true);
    let pid: number | null = null;
    const growth = await peakGrowth(async () => {
      await t.start();
      pid = t.pid;
      await until(() => closed);
    });
    expect(t.endedBecause).toMatch(/^a message line the upstream MCP server wrote on stdout is larger than upstream\.maxAnswerSize \(1 MB\)/);
    expect(errors.some((e) => e instanceof UpstreamAnswerTooLarge)).toBe(true);
    expect(delivered).toEqual([]);
    expect(() => process.kill(pid!, 0)).toThrow();
    expect(growth).toBeLessThan(48 * MB);
    await t.close();
  });

  test('lines within the bound pass', async () => {
    const script = `process.stdout.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'q'.repeat(${BOUND - 1000}) } }) + '\\n'); setTimeout(() => {}, 60000);`;
    const t = new StdioUpstreamTransport({ command: process.execPath, args: ['-e', script], stderr: 'pipe' }, BOUND);
    const delivered: JSONRPCMessage[] = [];
    t.onmessage = (m) => delivered.push(m);
    await t.start();
    await until(() => delivered.length === 1);
    expect(t.endedBecause).toBeUndefined();
    const pid = t.pid!;
    await t.close();
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
