import { hkdfSync } from 'node:crypto';
import { decrypt, encrypt } from './crypto';
import type { Redis } from './redis';
import { evalScript, redisScript } from './redis-script';

/**
 * A request's status as its workflow pushed it (with each change event, and as the latest per
 * request in Redis), sealed so that only Gatehouse's own processes can make or read one:
 * AES-256-GCM under a key derived from GATEHOUSE_ENCRYPTION_KEY, the request id bound in. Anyone
 * who can PUBLISH or SET in Redis can replay an older sealed status of the same request, never
 * make one or move one to another request; `version` (the workflow's history length when it was
 * sealed) orders them, so a waiter takes only a newer one than it holds.
 */
export interface PushedStatus {
  version: number;
  status: unknown;
}

/** Where the latest pushed status of each request is kept (a hash: v, s). */
export const REQUEST_STATUS_PREFIX = 'gatehouse:request-status:';
/** How long the latest pushed status stays after its last change (a long-poll without it reads the workflow). */
export const REQUEST_STATUS_TTL_MS = 6 * 60 * 60_000;
/** Sealed statuses larger than this are not pushed (a waiter then reads the workflow). */
export const MAX_SEALED_STATUS_CHARS = 256 * 1024;

/** The sealing key, derived from the gateway's encryption key (never that key itself). */
export function requestStatusKey(encryptionKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', encryptionKey, Buffer.alloc(0), 'gatehouse request status v1', 32));
}

const context = (requestId: string) => `gatehouse-request-status\0${requestId}`;

export function sealRequestStatus(key: Buffer, requestId: string, version: number, status: unknown): string {
  return encrypt(JSON.stringify({ v: version, s: status }), key, context(requestId));
}

/** The status sealed for this request, or undefined for anything else (forged, another request's, malformed). */
export function openRequestStatus(key: Buffer, requestId: string, sealed: unknown): PushedStatus | undefined {
  if (typeof sealed !== 'string' || sealed.length > MAX_SEALED_STATUS_CHARS) return undefined;
  try {
    const { v, s } = JSON.parse(decrypt(sealed, key, context(requestId))) as { v?: unknown; s?: unknown };
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || typeof s !== 'object' || s === null) return undefined;
    if ((s as { requestId?: unknown }).requestId !== requestId) return undefined;
    return { version: v, status: s };
  } catch {
    return undefined;
  }
}

/**
 * Keeps the sealed status as the request's latest unless a newer one is there already, and
 * announces the change, in one step (one round trip; events and the kept status in the same order).
 * The sealed text goes to Redis once: the script appends it to the event (`"sealed"`, the last
 * member), where it was sent a second time inside the event before.
 */
const KEEP_AND_PUBLISH = redisScript(`
local current = redis.call('HGET', KEYS[1], 'v')
if not current or tonumber(current) < tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'v', ARGV[1], 's', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return redis.call('PUBLISH', ARGV[4], string.sub(ARGV[5], 1, -2) .. ',"sealed":' .. cjson.encode(ARGV[2]) .. '}')`);

/**
 * `event` is the change's JSON object without the sealed status (the script adds it). By the
 * script's hash; the script itself only when this Redis does not know it yet (NOSCRIPT).
 */
export async function keepAndPublish(redis: Redis, channel: string, requestId: string, event: string, sealed: { version: number; text: string }): Promise<unknown> {
  if (!event.endsWith('}')) throw new Error('keepAndPublish: the event is not a JSON object');
  return evalScript(redis, KEEP_AND_PUBLISH, [REQUEST_STATUS_PREFIX + requestId], [String(sealed.version), sealed.text, String(REQUEST_STATUS_TTL_MS), channel, event]);
}

/**
 * The version of the status kept when the request is accepted (AccessClient.request, before its
 * workflow first runs): history length 1, only the start event, under the worker's versions
 * (history length * 1000 + its count: 3001 and up, a workflow task having begun). Kept only where
 * nothing is yet, it never replaces a status the workflow pushed, however late it is written.
 */
export const ACCEPTED_STATUS_VERSION = 1000;

/** Keeps the sealed status as the request's latest unless one as new is there already; announces nothing. */
const KEEP = redisScript(`
local current = redis.call('HGET', KEYS[1], 'v')
if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 's', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`);

/**
 * Where an entry point keeps a request's status as it accepted it (PENDING_APPROVAL), so a long-poll
 * on the fresh request waits from it instead of asking Temporal (describe, query) while the workflow
 * has not run yet. Sealed like the worker's, at ACCEPTED_STATUS_VERSION: the workflow's first change
 * replaces it; a late write never replaces the workflow's.
 */
export class AcceptedStatusKeeper {
  constructor(private readonly redis: Redis, private readonly statusKey: Buffer) {}

  /** True when kept; false when a status as new was there already (the workflow's), or it is too large to keep. */
  async keep(requestId: string, status: { requestId: string }): Promise<boolean> {
    if (status.requestId !== requestId) throw new Error('AcceptedStatusKeeper: the status is another request\'s');
    const text = sealRequestStatus(this.statusKey, requestId, ACCEPTED_STATUS_VERSION, status);
    if (text.length > MAX_SEALED_STATUS_CHARS) return false;
    return (await evalScript(this.redis, KEEP, [REQUEST_STATUS_PREFIX + requestId], [String(ACCEPTED_STATUS_VERSION), text, String(REQUEST_STATUS_TTL_MS)])) === 1;
  }
}

/** The latest status the request's workflow pushed, if Redis has one that opens. */
export async function latestRequestStatus(redis: Redis, key: Buffer, requestId: string): Promise<PushedStatus | undefined> {
  const sealed = await redis.hget(REQUEST_STATUS_PREFIX + requestId, 's');
  return sealed ? openRequestStatus(key, requestId, sealed) : undefined;
}
