// The client-facing transport (proxy/client-transport.ts) writes a POST stream's headers and
// priming event together with its first event: a call answered at once costs one socket write for
// all of it (it cost two), and a call that waits still gets its priming event first, on its own,
// after PRIMING_WAIT_MS; the stream's order (priming first, SEP-1699) is the same either way.
// No stack: a node:http server with the transport and an in-memory event store.
import { randomUUID } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventId, EventStore, JSONRPCMessage, RequestId, StreamId } from '@modelcontextprotocol/server';
import { ClientTransport } from '../../proxy/client-transport';

const VERSION = '2025-11-25';

/** Keeps nothing but hands out ids (the transport then writes priming events). */
class CountingStore implements EventStore {
  private n = 0;
  async storeEvent(_streamId: StreamId, _message: JSONRPCMessage): Promise<EventId> {
    this.n += 1;
    return `e${this.n}`;
  }
  async replayEventsAfter(): Promise<StreamId> {
    throw new Error('not kept');
  }
}

interface Served { server: Server; url: string; transport: ClientTransport; writes: Map<string, number>; held: Map<string, RequestId> }

/** One session's transport behind node:http; `fast` is answered at once, `slow` when the test says so. Counts each response's writes by its request id. */
async function serve(): Promise<Served> {
  const transport = new ClientTransport({ sessionIdGenerator: () => randomUUID(), eventStore: new CountingStore() });
  const writes = new Map<string, number>();
  const held = new Map<string, RequestId>();
  transport.onmessage = (message) => {
    if (!('method' in message) || !('id' in message)) return;
    const id = message.id as RequestId;
    if (message.method === 'initialize') {
      void transport.send({ jsonrpc: '2.0', id, result: { protocolVersion: VERSION, capabilities: {}, serverInfo: { name: 'priming-test', version: '1' } } } as JSONRPCMessage);
    } else if ((message.params as { name?: string }).name === 'slow') {
      held.set(String(id), id);
    } else {
      void transport.send({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: `answer ${String(id)}` }] } } as JSONRPCMessage);
    }
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: unknown } : undefined;
      const key = String(body?.id);
      const count = (data: unknown) => { if (data !== undefined && data !== null && String(data).length > 0) writes.set(key, (writes.get(key) ?? 0) + 1); };
      const write = res.write.bind(res) as (...a: unknown[]) => boolean;
      const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
      res.write = ((data: unknown, ...rest: unknown[]) => { count(data); return write(data, ...rest); }) as ServerResponse['write'];
      res.end = ((data?: unknown, ...rest: unknown[]) => { if (typeof data !== 'function') count(data); return end(data, ...rest); }) as ServerResponse['end'];
      void transport.handleRequest(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, transport, writes, held };
}

/** POSTs a message; `onText` sees the body as it grows; resolves with the whole body and the session header. */
function post(url: string, message: unknown, sessionId?: string, onText?: (text: string) => void): Promise<{ status: number; sessionId?: string; text: string }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(message);
    const req = request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': String(Buffer.byteLength(body)),
        ...(sessionId ? { 'mcp-session-id': sessionId, 'mcp-protocol-version': VERSION } : {}),
      },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { text += chunk; onText?.(text); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, sessionId: res.headers['mcp-session-id'] as string | undefined, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const call = (id: number, name: string) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });
const PRIMING = /^id: e\d+\ndata: \n\n/;

describe('ClientTransport: a POST stream\'s headers and priming event go out with its first event', () => {
  let s: Served;
  let sessionId: string;
  beforeAll(async () => {
    s = await serve();
    const init = await post(s.url, { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: VERSION, capabilities: {}, clientInfo: { name: 't', version: '1' } } });
    expect(init.status).toBe(200);
    sessionId = init.sessionId!;
  });
  afterAll(async () => {
    await s.transport.close();
    s.server.closeAllConnections();
    await new Promise((resolve) => s.server.close(resolve));
  });

  test('a call answered at once: priming event, then the answer, in one write', async () => {
    for (let id = 1; id <= 20; id++) {
      const { status, text } = await post(s.url, call(id, 'fast'), sessionId);
      expect(status).toBe(200);
      expect(text).toMatch(PRIMING);
      expect(text.replace(PRIMING, '')).toMatch(new RegExp(`^event: message\\nid: e\\d+\\ndata: \\{"jsonrpc":"2.0","id":${id},"result":\\{"content":\\[\\{"type":"text","text":"answer ${id}"\\}\\]\\}\\}\\n\\n$`));
      expect(s.writes.get(String(id))).toBe(1);
    }
  });

  test('a call that waits gets its priming event on its own first, then the answer', async () => {
    let answered = false;
    let primedAlone = false;
    const done = post(s.url, call(100, 'slow'), sessionId, (text) => {
      // The priming event arrived while the call was still unanswered: now answer it.
      if (!answered && PRIMING.test(text)) {
        primedAlone = !text.includes('event: message');
        answered = true;
        void s.transport.send({ jsonrpc: '2.0', id: s.held.get('100')!, result: { content: [{ type: 'text', text: 'late' }] } } as JSONRPCMessage);
      }
    });
    const { status, text } = await done;
    expect(status).toBe(200);
    expect(primedAlone).toBe(true);
    expect(text).toMatch(PRIMING);
    expect(text).toContain('"text":"late"');
    expect(s.writes.get('100')).toBe(2);
  });

  test('a stream the session cuts while its priming event waits still gets it, then its end', async () => {
    const other = await serve();
    try {
      const init = await post(other.url, { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: VERSION, capabilities: {}, clientInfo: { name: 't', version: '1' } } });
      const done = post(other.url, call(7, 'slow'), init.sessionId);
      // The request has reached the transport (it is held): cut the session, as a revocation does.
      while (!other.held.has('7')) await new Promise((resolve) => setImmediate(resolve));
      await other.transport.close();
      const { status, text } = await done;
      expect(status).toBe(200);
      expect(text).toMatch(PRIMING);
      expect(text.replace(PRIMING, '')).toBe('');
    } finally {
      other.server.closeAllConnections();
      await new Promise((resolve) => other.server.close(resolve));
    }
  });
});
