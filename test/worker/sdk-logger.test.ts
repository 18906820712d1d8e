import { Writable } from 'node:stream';
import pino from 'pino';
import { ApplicationFailure } from '@temporalio/common';
import { sdkLogger, withoutErrorWords } from '../../worker/sdk-logger';

const PHI = ['Jane Doe', '123-45-6789', 'MRN 00482913', "SELECT * FROM PATIENTS WHERE LAST_NAME = 'Doe'"];

function capture(): { log: pino.Logger; lines: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { chunks.push(String(chunk)); done(); } });
  return { log: pino({ level: 'trace' }, stream), lines: () => chunks.join('') };
}

describe("the worker's Temporal SDK logger", () => {
  test('a failed activity is logged by name, type and retry verdict, never by its words', () => {
    const { log, lines } = capture();
    const cause = new Error(`Snowflake: Numeric value '${PHI[0]}' is not recognized (${PHI[3]})`);
    const failure = ApplicationFailure.create({ message: `could not read ${PHI[1]} for ${PHI[2]}`, type: 'SnowflakeQueryError', nonRetryable: true, cause });
    // The shape @temporalio/worker's activity code logs (lib/activity.js: 'Activity failed', { error, durationMs }),
    // plus the activity info the SDK adds.
    sdkLogger(log).warn('Activity failed', { error: failure, durationMs: 12, activityType: 'issueCredential', workflowId: 'req_abc' });
    const written = lines();
    expect(written).toContain('Activity failed');
    expect(written).toContain('SnowflakeQueryError');
    expect(written).toContain('"nonRetryable":true');
    expect(written).toContain('issueCredential');
    for (const value of PHI) expect(written).not.toContain(value);
  });

  test('messages and stacks are dropped under any key and at any depth, plain errors too', () => {
    const meta = {
      failure: { message: PHI[0], stackTrace: PHI[1], applicationFailureInfo: { type: 'X', details: { payloads: [PHI[2]] } }, cause: { message: PHI[3] } },
      errors: [new TypeError(PHI[0])],
      attempt: 3,
    };
    const cleaned = JSON.stringify(withoutErrorWords(meta));
    for (const value of PHI) expect(cleaned).not.toContain(value);
    expect(cleaned).toContain('"attempt":3');
    expect(cleaned).toContain('TypeError');
  });

  test('below the level nothing is written; levels map to pino', () => {
    const { log, lines } = capture();
    const logger = sdkLogger(log, 'WARN');
    logger.info('Worker state changed', { state: 'RUNNING' });
    expect(lines()).toBe('');
    logger.error('Workflow task failed', { error: new Error(PHI[1]) });
    expect(JSON.parse(lines()).level).toBe(50);
    expect(lines()).not.toContain(PHI[1]);
  });
});
