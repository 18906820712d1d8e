import { MemoryRecorder, startTestGateway, type TestGateway } from './support';
import { modernPost } from './modern-support';

// No record, no answer, in the 2026-07-28 path as in a 2025 session: an upstream answer whose
// response entry the recording does not take is withheld (503, nothing of it returned), and the
// withholding itself is recorded when the recording takes that.
const UNRECORDABLE = 'UNRECORDABLE';

/** The recording refuses ok responses that carry the marker (as a recording that is down would), and nothing else. */
class RefusingRecorder extends MemoryRecorder {
  override response(requestId: string, entry: object) {
    if ((entry as { outcome?: string }).outcome === 'ok' && JSON.stringify(entry).includes(UNRECORDABLE)) {
      return Promise.reject(new Error('RECORDING_UNAVAILABLE: Redis did not take the entry'));
    }
    return super.response(requestId, entry);
  }
}

describe('a 2026-07-28 answer the recording does not take', () => {
  let gw: TestGateway;
  const recorder = new RefusingRecorder();
  beforeAll(async () => {
    gw = await startTestGateway({ recorder });
  });
  afterAll(async () => {
    await gw?.close();
  });

  test('is withheld: 503, none of it returned; the withholding is in the record', async () => {
    const { token, grant } = await gw.grant('everything');
    const answered = await modernPost(gw.url, 'everything', token, { id: 9, method: 'tools/call', params: { name: 'echo', arguments: { message: `${UNRECORDABLE} for patient 123-45-6789` } } });
    expect(answered.status).toBe(503);
    expect(answered.json?.error).toMatchObject({ message: expect.stringContaining('the response was withheld: it could not be recorded (RECORDING_UNAVAILABLE') });
    expect(answered.text).not.toContain('Echo:');
    expect(answered.text).not.toContain('123-45-6789');
    const entries = recorder.of(grant.requestId);
    expect(entries.find((e) => e.type === 'request' && e.messageId === 9)).toMatchObject({ method: 'tools/call', verdict: 'allow' });
    expect(entries.filter((e) => e.type === 'response' && e.messageId === 9)).toEqual([
      expect.objectContaining({ outcome: 'withheld', error: { code: expect.any(Number), message: expect.stringContaining('could not be recorded') } }),
    ]);
    // The next answer that the recording takes is returned as usual.
    const next = await modernPost(gw.url, 'everything', token, { id: 10, method: 'tools/call', params: { name: 'echo', arguments: { message: 'hello' } } });
    expect(next.status).toBe(200);
    expect(JSON.stringify(next.json?.result)).toContain('Echo: hello');
  });
});
