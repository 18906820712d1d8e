// Failure messages and stack traces in workflow history are encrypted like every payload
// (lib/failure-converter.ts: DefaultFailureConverter with encodeCommonAttributes, under the
// payload codec). An activity's error can quote a person's text, SQL or a named patient.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ApplicationFailure } from '@temporalio/common';
import { ensureTemporalCli } from '../../devstack';
import { checkWorkflowBundle } from '../../worker';
import { generatePayloadKey, parsePayloadKeys } from '../../lib';
import { FakeCredentialProvider } from '../support/doubles';
import { startHarness, waitForState, type Harness } from '../support/harness';
import { writePems } from './certificates';

const run = promisify(execFile);

const PATIENT = 'Jane Doe';
const SQL = "GRANT SELECT ON CLINICAL.PHI.PATIENTS TO ROLE X WHERE mrn = '8812301'";
/** What Snowflake (or any upstream) might answer: the statement and a person in the error. */
const ERROR = `SQL compilation error near ${SQL}: patient ${PATIENT} DOB 3/4/1950 is locked`;
const NEEDLES = [ERROR, PATIENT, '8812301', '3/4/1950', 'CLINICAL.PHI.PATIENTS', 'SQL compilation error'];

/** Fails the first attempt (retried: the next attempt's start carries it), then fails for good. */
class RefusingProvider extends FakeCredentialProvider {
  attempts = 0;
  override issue(): Promise<{ credentialRef: string; principal: string }> {
    this.attempts += 1;
    if (this.attempts === 1) return Promise.reject(new Error(ERROR));
    return Promise.reject(ApplicationFailure.nonRetryable(ERROR, 'SnowflakeRefused'));
  }
}

interface HistoryEvent { eventType: string; [attributes: string]: unknown }

function failuresIn(node: unknown, path = ''): { path: string; failure: Record<string, unknown> }[] {
  if (node === null || typeof node !== 'object') return [];
  const record = node as Record<string, unknown>;
  const here = /(^|\/)(failure|lastFailure)$/.test(path) ? [{ path, failure: record }] : [];
  return [...here, ...Object.entries(record).flatMap(([key, value]) => failuresIn(value, `${path}/${key}`))];
}

describe('failure messages in history with the payload codec on', () => {
  let h: Harness;
  let requestId: string;
  let events: HistoryEvent[];
  let raw: string;
  let text: string;

  beforeAll(async () => {
    h = await startHarness({ provider: (vault) => new RefusingProvider(vault) });
    ({ requestId } = await h.access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 10_000, reason: 'encoded failure check' }));
    await h.access.approve(requestId, 'alice@example.org');
    await waitForState(h.access, requestId, 'FAILED');
    const cli = ensureTemporalCli();
    const common = ['--workflow-id', requestId, '--address', process.env.TEMPORAL_ADDRESS!, '--namespace', 'default'];
    raw = (await run(cli, ['workflow', 'show', ...common, '--output', 'json'], { maxBuffer: 64 * 1024 * 1024 })).stdout;
    text = (await run(cli, ['workflow', 'show', ...common, '--detailed'], { maxBuffer: 64 * 1024 * 1024 })).stdout;
    events = (JSON.parse(raw) as { events: HistoryEvent[] }).events;
  });

  afterAll(async () => {
    await h?.close();
  });

  test('temporal workflow show of the failed activity holds no plaintext message, stack trace or SQL', () => {
    const failed = events.filter((e) => e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_FAILED');
    expect(failed).toHaveLength(1);
    const failures = failuresIn(events);
    // The final failure, and the first attempt's carried on the retry's start event.
    expect(failures.map((f) => f.path)).toEqual(expect.arrayContaining([expect.stringMatching(/activityTaskFailedEventAttributes\/failure$/), expect.stringMatching(/activityTaskStartedEventAttributes\/lastFailure$/)]));
    for (const { failure } of failures) {
      expect(failure.message).toBe('Encoded failure');
      expect(failure.stackTrace ?? '').toBe('');
      const encoded = failure.encodedAttributes as { metadata: { encoding: string } };
      expect(Buffer.from(encoded.metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    }
    // The failure's type and retry verdict stay visible to operators (no PHI in them).
    expect(raw).toContain('SnowflakeRefused');
    for (const needle of NEEDLES) {
      expect({ needle, json: raw.includes(needle), text: text.includes(needle) }).toEqual({ needle, json: false, text: false });
    }
  });

  test('the workflow and a client with the keys still read the message', async () => {
    const status = await h.access.status(requestId);
    expect(status.state).toBe('FAILED');
    expect(status.failure).toBe(`credential issuance failed: ${ERROR}`);
  });

  test('a worker refuses a prebuilt workflow bundle without the failure converter (workflow failures would be plaintext)', () => {
    const bundle = process.env.GATEHOUSE_WORKFLOW_BUNDLE!;
    const keys = { payloadKeys: parsePayloadKeys(generatePayloadKey('k')) };
    expect(() => checkWorkflowBundle(bundle, keys)).not.toThrow();
    const plain = writePems({ 'bundle.js': 'module.exports = {} // a bundle made with workflowsPath only' })['bundle.js']!;
    expect(() => checkWorkflowBundle(plain, keys)).toThrow(/was built without Gatehouse's failure converter, so workflow failures would reach Temporal in plaintext; build it with bundleWorkflowCode\(\{ workflowsPath, failureConverterPath: /);
    expect(() => checkWorkflowBundle(plain, { payloadKeys: 'off' })).not.toThrow();
  });
});
