import type { MaskContext, MaskOutcome, ResponseMasker } from '../../proxy';
import { initializeBody, rawPost, startTestGateway, TestMasker, type TestGateway } from './support';

/** Masks like TestMasker and remembers which tool each tools/call result was masked for. */
class WitnessMasker extends TestMasker implements ResponseMasker {
  readonly resultTools: { text: string; tool?: string }[] = [];
  override mask<T>(value: T, context: MaskContext): MaskOutcome<T> {
    if (context.part === 'result' && context.method === 'tools/call') this.resultTools.push({ text: JSON.stringify(value), ...(context.tool ? { tool: context.tool } : {}) });
    return super.mask(value, context);
  }
}

/** JSON-RPC messages out of a JSON or an SSE answer. */
function messages(text: string): { id?: unknown; result?: { content?: { text?: string }[] }; error?: { code: number; message: string } }[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return ([] as unknown[]).concat(JSON.parse(trimmed)) as never;
  return trimmed.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).filter(Boolean).map((l) => JSON.parse(l) as never);
}

describe('gateway: request ids an agent reuses cannot switch the masking policy', () => {
  let gw: TestGateway;
  const masker = new WitnessMasker();
  beforeAll(async () => { gw = await startTestGateway({ masker: () => masker }); });
  afterAll(async () => { await gw.close(); });

  async function openSession(token: string): Promise<Record<string, string>> {
    const headers = { authorization: `Bearer ${token}` };
    const init = await rawPost(gw.url, 'everything', initializeBody(0), headers);
    expect(init.status).toBe(200);
    const session = { ...headers, 'mcp-session-id': init.headers.get('mcp-session-id')! };
    await rawPost(gw.url, 'everything', { jsonrpc: '2.0', method: 'notifications/initialized' }, session);
    return session;
  }

  test('the same id twice, in any interleaving: the first is answered with its own result and policy, the second refused and recorded', async () => {
    const { token, grant } = await gw.grant('everything');
    const session = await openSession(token);
    for (let round = 0; round < 12; round += 1) {
      const id = round % 2 ? `dup-${round}` : 1000 + round;
      const slow = { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'trigger-long-running-operation', arguments: { duration: 0.2, steps: 1 } } };
      const fast = { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo', arguments: { message: `MRN-0012345 round ${round}` } } };
      const delay = round % 4; // 0..3 ms between the two, so both orders of arrival are exercised
      const first = rawPost(gw.url, 'everything', slow, session);
      await new Promise((r) => setTimeout(r, delay));
      const second = rawPost(gw.url, 'everything', fast, session);
      const [a, b] = await Promise.all([first, second]);
      const answers = [...messages(a.text), ...messages(b.text)].filter((m) => m.id === id);
      // Exactly one of the two ran; the other was refused for its id.
      const results = answers.filter((m) => m.result);
      const refusals = answers.filter((m) => m.error?.message.includes('already used by a request of this session'));
      expect(results).toHaveLength(1);
      expect(refusals).toHaveLength(1);
      expect(refusals[0]!.error!.code).toBe(-32600);
    }
    // Every tools/call result was masked for the tool that produced it.
    const calls = masker.resultTools;
    expect(calls.length).toBeGreaterThanOrEqual(12);
    for (const c of calls) {
      if (c.text.includes('Echo:')) expect(c.tool).toBe('echo');
      else expect(c.tool).toBe('trigger-long-running-operation');
    }
    // Echoed identifiers came back masked, never raw.
    const recorded = gw.recorder.of(grant.requestId);
    expect(JSON.stringify(recorded)).not.toContain('MRN-0012345');
    const refused = recorded.filter((e) => e.type === 'request' && e.verdict === 'deny' && String(e.reason).includes('already used'));
    expect(refused).toHaveLength(12);
    // Counted against the grant as id_in_use (a 409 before the transport, or a JSON-RPC error inside the session).
    expect(gw.gateway.refusals.counted(grant.grantId)).toEqual({ id_in_use: 12 });
    for (const r of refused) {
      expect(recorded.some((e) => e.type === 'response' && e.messageId === r.messageId && e.outcome === 'denied')).toBe(true);
    }
  });

  test('one batch carrying the same id twice is refused before anything is forwarded', async () => {
    const { token, grant } = await gw.grant('everything');
    const session = await openSession(token);
    const batch = [
      { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'echo', arguments: { message: 'a' } } },
      { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'echo', arguments: { message: 'b' } } },
    ];
    const res = await rawPost(gw.url, 'everything', batch, session);
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({ id: 7, error: { code: -32600, message: expect.stringContaining('request id 7 is already used') } });
    expect(gw.gateway.refusals.counted(grant.grantId)).toEqual({ id_in_use: 1 });
    expect(gw.recorder.of(grant.requestId).filter((e) => e.type === 'request' && e.method === 'tools/call').map((e) => e.verdict)).toEqual(['deny']);
  });

  test('an id can be used again once its request was answered', async () => {
    const { token } = await gw.grant('everything');
    const session = await openSession(token);
    for (const message of ['one', 'two']) {
      const res = await rawPost(gw.url, 'everything', { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'echo', arguments: { message } } }, session);
      expect(messages(res.text).find((m) => m.id === 5)?.result?.content?.[0]?.text).toBe(`Echo: ${message}`);
    }
  });
});
