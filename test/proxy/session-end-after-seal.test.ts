// A session that outlives its request: the grant is revoked or expires, the archiver seals the
// request's recording, and the session's own end then cannot be appended. The last load run logged
// that at ERROR ("could not record the end of a session: recording is closed") for every such
// session, which drowned real recording failures. It is expected and told at WARN; any other
// failure to record a session's end stays an error.
import { connectRedis, type Redis } from '../../lib';
import { RecordingLog, SessionRecorder } from '../../audit';
import { capturingLogger, connectClient, eventually, startTestGateway, testRedisUrl, type LoggedLine, type TestGateway } from './support';

describe('gateway: the end of a session after its request\'s recording was sealed', () => {
  const lines: LoggedLine[] = [];
  let gw: TestGateway;
  let recordingRedis: Redis;
  beforeAll(async () => {
    recordingRedis = connectRedis(testRedisUrl());
    gw = await startTestGateway({ log: capturingLogger(lines), recorder: new SessionRecorder(recordingRedis) });
  });
  afterAll(async () => {
    await gw.close();
    recordingRedis.disconnect();
  });

  const said = (level: string, text: string) => lines.some((l) => l.level === level && String(l.args[1]).includes(text));

  test('sealed: a warning naming the session, no error, and nothing appended after the seal', async () => {
    const { token, grant } = await gw.grant('everything');
    const { client } = await connectClient(gw.url, 'everything', token);
    await client.ping();
    const recording = `gatehouse:recording:${grant.requestId}`;
    expect(JSON.stringify(await gw.redis.xrange(recording, '-', '+'))).toContain('session_start');
    await new RecordingLog(gw.redis).seal(grant.requestId);
    const sealedLength = await gw.redis.xlen(recording);
    await gw.grants.deactivate({ grantId: grant.grantId, requestId: grant.requestId, target: 'everything', reason: 'revoked in a test', at: new Date().toISOString() });
    await eventually(() => (said('warn', 'the end of a session came after its request\'s recording was closed') ? true : undefined), () => `the warning; logged: ${JSON.stringify(lines.map((l) => [l.level, l.args[1]]))}`);
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
    const warning = lines.find((l) => l.level === 'warn' && String(l.args[1]).includes('recording was closed'))!;
    expect(warning.args[0]).toMatchObject({ sessionId: expect.any(String) });
    expect(await gw.redis.xlen(recording)).toBe(sealedLength);
    await client.close().catch(() => undefined);
  });

  test('not sealed: the session\'s end is recorded and nothing is logged about it', async () => {
    const { token, grant } = await gw.grant('everything');
    const { client } = await connectClient(gw.url, 'everything', token);
    await client.ping();
    const before = lines.length;
    await gw.grants.deactivate({ grantId: grant.grantId, requestId: grant.requestId, target: 'everything', reason: 'revoked in a test', at: new Date().toISOString() });
    const recording = `gatehouse:recording:${grant.requestId}`;
    await eventually(async () => (JSON.stringify(await gw.redis.xrange(recording, '-', '+')).includes('revoked in a test') ? true : undefined), 'the session end in the recording');
    expect(lines.slice(before).filter((l) => l.level === 'error' || String(l.args[1]).includes('end of a session'))).toEqual([]);
    await client.close().catch(() => undefined);
  });
});
