import { Writable } from 'node:stream';
import pino from 'pino';
import { connectClient, endSession, eventually, failureOf, initializeBody, rawPost, startTestGateway, TestMasker, type TestGateway } from './support';

describe('gateway logs carry no secret', () => {
  const lines: string[] = [];
  let gw: TestGateway;
  beforeAll(async () => {
    const sink = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(chunk.toString('utf8')); done(); } });
    // 8 s to answer: the upstream's start-up fits on a loaded machine; the 20 s call below does not.
    gw = await startTestGateway({ log: pino({ level: 'debug' }, sink), limits: { upstreamTimeoutMs: 8_000 } });
  });
  afterAll(async () => { await gw.close(); });

  test('through sessions, refusals, masking and recording failures, timeouts and revocation, at debug level', async () => {
    const { token, grant, credential } = await gw.grant('everything');
    const other = await gw.grant('sql-echo');
    const c = await connectClient(gw.url, 'everything', token);
    // Each step is checked for what it was there to exercise, so the test fails if a path stops being taken.
    const masked = await c.client.callTool({ name: 'echo', arguments: { message: 'SSN 123-45-6789' } });
    expect(JSON.stringify(masked.content)).toContain('[SSN]');

    await expect(c.client.callTool({ name: 'echo', arguments: { message: TestMasker.FAIL_MARKER } })).rejects.toMatchObject({ code: -31040 });

    gw.recorder.failing = true;
    try {
      await expect(c.client.callTool({ name: 'echo', arguments: { message: 'x' } })).rejects.toMatchObject({ code: -31020 });
    } finally {
      gw.recorder.failing = false;
    }

    await expect(c.client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 20, steps: 2 } })).rejects.toMatchObject({ code: -31060 });

    const wrongTarget = await rawPost(gw.url, 'everything', initializeBody(), { authorization: `Bearer ${other.token}` });
    expect(wrongTarget).toMatchObject({ status: 401, json: { error: { code: -31012 } } });
    const forged = await rawPost(gw.url, 'everything', initializeBody(), { authorization: `Bearer ${token}x` });
    expect(forged).toMatchObject({ status: 401, json: { error: { code: -31011 } } });

    await gw.grants.deactivate({ grantId: grant.grantId, requestId: grant.requestId, target: 'everything', reason: 'done', at: new Date().toISOString() });
    expect(await failureOf(c.client.ping())).toMatch(/-3101[15]/);
    await eventually(() => !gw.gateway.liveSessions().some((s) => s.grantId === grant.grantId), 'the revoked session to be cut');
    await endSession(c).catch(() => undefined);

    // The failures were logged (so the log below is the one those paths write), and none of it holds a secret.
    const log = lines.join('');
    const errors = log.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { level: number; msg: string }).filter((entry) => entry.level >= 50).map((entry) => entry.msg);
    expect(errors).toEqual(expect.arrayContaining([expect.stringMatching(/mask/i), expect.stringMatching(/record/i)]));
    for (const secret of [token, other.token, credential, other.credential, '123-45-6789']) expect(log).not.toContain(secret);
  });
});
