import { join } from 'node:path';
import type { MaskContext, MaskOutcome } from '../../proxy';
import { MODERN, modernPost } from './modern-support';
import { GATEWAY_TEST_CONFIG, startTestGateway, TestMasker, type TestGateway } from './support';

// A 2026-07-28 request always gets a JSON-RPC answer: a JSON body, or an SSE stream whose last
// event is the answer, never an empty 200 or a stream that ends without it (a client reads either
// as a broken answer: the Go SDK says 'unexpected end of JSON input' or 'request terminated without
// response'). Here the answer cannot be written at all (the masker handed back a value JSON has no
// form for), or the gateway failed on it after its stream began: the client is told so, as a
// withheld answer, with its id.
class UnwritableMasker extends TestMasker {
  unwritable = false;
  override mask<T>(value: T, context: MaskContext): MaskOutcome<T> {
    const out = super.mask(value, context);
    if (!this.unwritable || context.part !== 'result') return out;
    return { ...out, masked: { ...(out.masked as object), size: 1n } as T };
  }
}

// A 2026-07-28 upstream (fixtures/hostile-upstream.js null-tool) whose tools/list reports progress, then lists a null tool.
const CONFIG = `${GATEWAY_TEST_CONFIG}
  - name: null-tool
    upstream: { type: stdio, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(join(__dirname, 'fixtures/hostile-upstream.js'))}, null-tool] }
    credentials: none
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
`;

/** The JSON-RPC messages of an SSE body, in order. */
const events = (text: string) => text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)) as Record<string, unknown>);

describe('a 2026-07-28 answer that cannot be written is still an answer', () => {
  let gw: TestGateway;
  const masker = new UnwritableMasker();
  beforeAll(async () => {
    gw = await startTestGateway({ config: CONFIG, masker: () => masker });
  });
  afterAll(async () => {
    await gw?.close();
  });
  afterEach(() => { masker.unwritable = false; });

  test('a JSON answer: a JSON-RPC error body with the request\'s id, not an empty 200', async () => {
    const { token } = await gw.grant('everything');
    const fine = await modernPost(gw.url, 'everything', token, { id: 1, method: 'tools/call', params: { name: 'echo', arguments: { message: 'hello' } } });
    expect(fine.json?.result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: 'Echo: hello' }] });
    masker.unwritable = true;
    const answer = await modernPost(gw.url, 'everything', token, { id: 2, method: 'tools/call', params: { name: 'echo', arguments: { message: 'hello' } } });
    expect(answer.text).not.toBe('');
    expect(answer.json).toMatchObject({ jsonrpc: '2.0', id: 2, error: { code: -31040, message: expect.stringMatching(/withheld.*could not be written/) } });
  });

  test('a streamed answer (progress first): its last event is the JSON-RPC error, not a stream cut short', async () => {
    const { token } = await gw.grant('everything');
    masker.unwritable = true;
    const answer = await modernPost(gw.url, 'everything', token, { id: 3, method: 'tools/call', params: { name: 'trigger-long-running-operation', arguments: { duration: 0.2, steps: 2 }, _meta: { progressToken: 'p-3' } } }, { version: MODERN });
    expect(answer.headers.get('content-type')).toMatch(/text\/event-stream/);
    const messages = events(answer.text);
    expect(messages[0]).toMatchObject({ method: 'notifications/progress' });
    expect(messages.at(-1)).toMatchObject({ jsonrpc: '2.0', id: 3, error: { code: -31040, message: expect.stringMatching(/withheld.*could not be written/) } });
  });

  test('the gateway failing on an answer after its stream began (a null tool in a list): the stream\'s last event is the JSON-RPC error', async () => {
    const { token } = await gw.grant('null-tool');
    const answer = await modernPost(gw.url, 'null-tool', token, { id: 4, method: 'tools/list', params: { _meta: { progressToken: 'p-4' } } });
    expect(answer.headers.get('content-type')).toMatch(/text\/event-stream/);
    const messages = events(answer.text);
    expect(messages[0]).toMatchObject({ method: 'notifications/progress', params: { progressToken: 'p-4' } });
    expect(messages.at(-1)).toMatchObject({ jsonrpc: '2.0', id: 4, error: { code: -31040, message: expect.stringMatching(/withheld.*gateway failed/) } });
  });
});
