import { Writable } from 'node:stream';
import pino from 'pino';
import { connectClient, endSession, initializeBody, rawPost, startTestGateway, TestMasker, type TestGateway } from './support';

describe('gateway logs carry no secret', () => {
  const lines: string[] = [];
  let gw: TestGateway;
  beforeAll(async () => {
    const sink = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(chunk.toString('utf8')); done(); } });
    gw = await startTestGateway({ log: pino({ level: 'debug' }, sink), limits: { upstreamTimeoutMs: 1_500 } });
  });
  afterAll(async () => { await gw.close(); });

  test('through sessions, refusals, masking and recording failures, timeouts and revocation, at debug level', async () => {
    const { token, grant, credential } = await gw.grant('everything');
    const other = await gw.grant('sql-echo');
    const c = await connectClient(gw.url, 'everything', token);
    await c.client.callTool({ name: 'echo', arguments: { message: 'SSN 123-45-6789' } });
    await c.client.callTool({ name: 'echo', arguments: { message: TestMasker.FAIL_MARKER } }).catch(() => undefined);
    gw.recorder.failing = true;
    await c.client.callTool({ name: 'echo', arguments: { message: 'x' } }).catch(() => undefined);
    gw.recorder.failing = false;
    await c.client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 10, steps: 2 } }).catch(() => undefined);
    await rawPost(gw.url, 'everything', initializeBody(), { authorization: `Bearer ${other.token}` });
    await rawPost(gw.url, 'everything', initializeBody(), { authorization: `Bearer ${token}x` });
    await gw.grants.deactivate({ grantId: grant.grantId, requestId: grant.requestId, target: 'everything', reason: 'done', at: new Date().toISOString() });
    await c.client.ping().catch(() => undefined);
    await endSession(c).catch(() => undefined);
    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(3);
    for (const secret of [token, other.token, credential, other.credential, '123-45-6789']) expect(log).not.toContain(secret);
  });
});
