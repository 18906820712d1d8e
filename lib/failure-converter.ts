import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failures with their message and stack trace moved into a payload (`encodedAttributes`), so the
 * payload codec encrypts them like every other payload: an activity's error can quote what a
 * person typed, a SQL statement or a Snowflake error about a named patient. Temporal keeps only
 * "Encoded failure", the failure's type and whether it may be retried; a decoding client, the
 * codec server and `gatehouse audit` show the original message.
 *
 * Loaded by path (`failureConverterPath`): workflow code runs in the worker's sandbox, so the
 * converter is bundled into it; the marker lets a worker check a prebuilt bundle carries it.
 */
export const ENCODED_FAILURES_MARKER = 'gatehouse:encoded-failure-attributes';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
