// A refusal is in the session recording once: an in-session refusal (policy, a JSON-RPC error on
// a 200) has its own request and response entries, so the grant's aggregated `refusals` window
// does not count it again; refusals without entries of their own (401, 403, 404, 429) still land
// there (proxy/refusals.ts, test/proxy/refusals.test.ts).
import { GatewayErrorCode } from '../../proxy';
import { connectClient, rawPost, initializeBody, startTestGateway, type TestGateway } from './support';

describe('gateway: each refusal recorded once', () => {
  let gw: TestGateway;
  beforeAll(async () => { gw = await startTestGateway({ limits: { maxSessionsPerGrant: 1 } }); });
  afterAll(async () => { await gw.close(); });

  test('a policy denial inside a session: its own request and response entries, not also in the refusals window', async () => {
    const { token, grant } = await gw.grant('sql-echo');
    const { client } = await connectClient(gw.url, 'sql-echo', token);
    for (let i = 0; i < 3; i++) {
      await expect(client.callTool({ name: 'echo', arguments: { message: `DROP TABLE CLINICAL.PHI.PATIENTS_${i}` } })).rejects.toThrow(/denied by policy/);
    }
    // One refusal without entries of its own: a second session on a 1-session grant (429).
    expect((await rawPost(gw.url, 'sql-echo', initializeBody(), { authorization: `Bearer ${token}` })).status).toBe(429);
    await gw.gateway.refusals.flush(grant.grantId);

    const entries = gw.recorder.of(grant.requestId);
    const denied = entries.filter((e) => e.type === 'request' && e.verdict === 'deny');
    expect(denied).toHaveLength(3);
    const answers = entries.filter((e) => e.type === 'response' && denied.some((d) => d.messageId === e.messageId));
    expect(answers).toHaveLength(3);
    expect(answers.every((e) => (e.error as { code: number }).code === GatewayErrorCode.DeniedByPolicy)).toBe(true);
    const windows = entries.filter((e) => e.type === 'refusals');
    expect(windows).toHaveLength(1);
    expect(windows[0]).toMatchObject({ total: 1, counts: [expect.objectContaining({ kind: 'too_many_sessions', status: 429, count: 1 })] });
    // Ops still see every refusal of the grant.
    expect(gw.gateway.refusals.counted(grant.grantId)).toEqual({ denied_by_policy: 3, too_many_sessions: 1 });
    await client.close();
  });
});
