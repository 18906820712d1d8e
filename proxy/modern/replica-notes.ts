import { createHash } from 'node:crypto';
import type { Redis } from '../../lib';

// What the replica notes in Redis (running requests for cancels, input rounds for retries) share:
// keys that carry a client's words only hashed, and a note dropped only by the one who wrote it.

/** A client's value (any length, any content) as a fixed-size key part. */
export function hashedKeyPart(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 32);
}

// Deletes a note only while it still holds the value its writer put there (another run or a newer round took it over otherwise).
const DELETE_IF_HELD = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Drops the note at `key` if it still holds `value`. */
export async function dropNoteIfHeld(redis: Redis, key: string, value: string): Promise<void> {
  await redis.eval(DELETE_IF_HELD, 1, key, value);
}
