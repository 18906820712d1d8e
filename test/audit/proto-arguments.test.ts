import { RecordingLog, SessionRecorder } from '../../audit';
import { connectRedis, waitForRedis, type Redis } from '../../lib';
import { eventually, initializeBody, rawPost, startTestGateway, testRedisUrl, type TestGateway } from '../proxy/support';

// A hostile agent names a tool argument `__proto__`. JSON.parse keeps it as an own key and the
// upstream receives it, so the recording must keep it too (no access without a record), masked
// like any other argument; and nothing the gateway does may turn it into a prototype.
describe('a tool argument named __proto__', () => {
  let redis: Redis;
  let gw: TestGateway;
  beforeAll(async () => {
    redis = connectRedis(testRedisUrl());
    await waitForRedis(redis);
    gw = await startTestGateway({ recorder: new SessionRecorder(redis) });
  });
  afterAll(async () => {
    await gw?.close();
    redis?.disconnect();
  });

  test('is recorded as forwarded (masked), not dropped, and reads back the same', async () => {
    const { token, grant } = await gw.grant('everything');
    const headers = { authorization: `Bearer ${token}` };
    const init = await rawPost(gw.url, 'everything', initializeBody(0), headers);
    expect(init.status).toBe(200);
    const session = { ...headers, 'mcp-session-id': init.headers.get('mcp-session-id')! };
    await rawPost(gw.url, 'everything', { jsonrpc: '2.0', method: 'notifications/initialized' }, session);
    const body = '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"echo","arguments":{"message":"hello","__proto__":{"message":"ssn 123-45-6789"}}}}';
    const res = await rawPost(gw.url, 'everything', body, session);
    expect(res.status).toBe(200);
    expect(res.text).toContain('hello');

    const recordings = new RecordingLog(redis);
    let call: Record<string, unknown> | undefined;
    await eventually(async () => {
      call = (await recordings.read(grant.requestId)).map((s) => s.entry as Record<string, unknown>).find((e) => e.type === 'request' && e.method === 'tools/call');
      return call !== undefined;
    }, 'the tools/call in the recording');
    const recorded = call!.arguments as Record<string, unknown>;
    expect(Object.keys(recorded).sort()).toEqual(['__proto__', 'message']);
    expect(Object.hasOwn(recorded, '__proto__')).toBe(true);
    expect((recorded as { message?: unknown }).message).toBe('hello');
    // Its own value, masked as the gateway forwarded it; not a prototype the record inherits from.
    expect(JSON.stringify(Object.getOwnPropertyDescriptor(recorded, '__proto__')?.value)).toContain('ssn');
    expect(Object.getPrototypeOf(recorded)).toBe(Object.prototype);
    const stored = JSON.stringify((await recordings.read(grant.requestId)).map((s) => s.entry));
    expect(stored).not.toContain('123-45-6789');
  });
});
