import { connectRedis, waitForRedis, type Redis } from '../../lib';
import { RecordingLog, SessionRecorder } from '../../audit';
import { testRedisUrl } from './harness';

/** A connection to the test stack's Redis, once it answers, with a SessionRecorder and a RecordingLog on it. */
export async function openRecorder(pageSize?: number): Promise<{ redis: Redis; recorder: SessionRecorder; log: RecordingLog }> {
  const redis = connectRedis(testRedisUrl());
  await waitForRedis(redis);
  return { redis, recorder: new SessionRecorder(redis), log: new RecordingLog(redis, pageSize) };
}
