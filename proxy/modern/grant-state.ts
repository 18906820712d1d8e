import { randomBytes } from 'node:crypto';
import type { GrantRecord, Redis } from '../../lib';

const PREFIX = 'gatehouse:modern:';
/** How long a replica waits for another one to finish writing the recording's start. */
const START_WAIT_MS = 5_000;

/**
 * An approved held command whose upstream asked for input (an input round) before it finished:
 * the client answers it and retries with the gateway's `requestState` (gh2.), which carries the
 * upstream's own state on, for the same grant and the exact same call, once.
 */
export interface HeldRound {
  grantId: string;
  commandId: string;
  fingerprint: string;
  tool: string;
  /** The upstream's requestState for this round, when it gave one. */
  upstreamState?: string;
}

/** A held call as the gateway handed it to the client in `requestState`: bound to a grant and to the exact call. */
export interface HoldHandle {
  grantId: string;
  commandId: string;
  /** callFingerprint(grant, tool, arguments) of the held call. */
  fingerprint: string;
  tool: string;
}

// Token bucket per grant: KEYS[1] bucket; ARGV rate/s, burst, now ms, cost, ttl ms. Returns 0 when
// taken, else the seconds to wait.
const TAKE = `
local b = redis.call('HMGET', KEYS[1], 't', 'at')
local rate, burst, now, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
local wait = 0
if tokens < cost then wait = math.ceil((cost - tokens) / rate) else tokens = tokens - cost end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return wait`;

/**
 * Everything a 2026-era client's requests share, in Redis, so that any gateway replica can
 * serve any of them: the recording's one session per grant, the grant's message rate, and the
 * holds handed out as `requestState`. Nothing here lives in the process.
 */
export class GrantState {
  /** Grants whose recording start this process has seen stored: it never goes back, so no Redis round trip per request. */
  private readonly started = new Set<string>();

  constructor(private readonly redis: Redis) {}

  /** The recording's session id of a grant's 2026-era traffic: one per grant, whichever replica serves it. */
  static recordingSession(grantId: string): string {
    return `${grantId}.stateless`;
  }

  /**
   * Writes the recording's session start exactly once per grant across replicas (SET NX). A
   * replica that lost the race waits until the winner's entry is stored, so no request entry
   * lands before it; if the write fails, the claim is released and the error propagates.
   */
  async startRecordingOnce(grant: GrantRecord, write: () => Promise<unknown>): Promise<void> {
    if (this.started.has(grant.grantId)) return;
    await this.claimRecordingStart(grant, write);
    if (this.started.size >= 10_000) this.started.clear();
    this.started.add(grant.grantId);
  }

  private async claimRecordingStart(grant: GrantRecord, write: () => Promise<unknown>): Promise<void> {
    const key = `${PREFIX}recording:${grant.grantId}`;
    const until = Date.parse(grant.expiresAt) + 3_600_000;
    const claimed = await this.redis.set(key, 'starting', 'PXAT', until, 'NX');
    if (claimed === 'OK') {
      try {
        await write();
      } catch (error) {
        await this.redis.del(key).catch(() => undefined);
        throw error;
      }
      await this.redis.set(key, 'started', 'PXAT', until);
      return;
    }
    const deadline = Date.now() + START_WAIT_MS;
    for (;;) {
      const state = await this.redis.get(key);
      if (state === 'started') return;
      // Released by a replica whose write failed: claim it ourselves.
      if (state === null) return this.claimRecordingStart(grant, write);
      if (Date.now() > deadline) throw new Error('another gateway replica is still starting this grant\'s recording');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Takes `cost` messages from the grant's bucket; returns 0, or the seconds to wait. */
  async takeRate(grantId: string, perSecond: number, burst: number, cost = 1): Promise<number> {
    const ttl = Math.ceil((burst / perSecond) * 1000) + 60_000;
    return Number(await this.redis.eval(TAKE, 1, `${PREFIX}rate:${grantId}`, perSecond, burst, Date.now(), cost, ttl));
  }

  /** Whether an echoed `requestState` is one of the gateway's holds (else it belongs to the upstream's own input rounds). */
  static isHoldState(requestState: string | undefined): requestState is string {
    return typeof requestState === 'string' && requestState.startsWith('gh1.');
  }

  /** Stores a hold handle under a fresh unguessable id (the `requestState` the client echoes), until the grant ends. */
  async putHold(handle: HoldHandle, grant: GrantRecord): Promise<string> {
    const id = `gh1.${randomBytes(24).toString('base64url')}`;
    await this.redis.set(`${PREFIX}hold:${id}`, JSON.stringify(handle), 'PXAT', Date.parse(grant.expiresAt) + 60_000);
    return id;
  }

  /** Whether an echoed `requestState` is an approved command's input round (gh2.). */
  static isRoundState(requestState: string | undefined): requestState is string {
    return typeof requestState === 'string' && requestState.startsWith('gh2.');
  }

  /** Stores an approved command's input round under a fresh unguessable id, until the grant ends. */
  async putRound(round: HeldRound, grant: GrantRecord): Promise<string> {
    const id = `gh2.${randomBytes(24).toString('base64url')}`;
    await this.redis.set(`${PREFIX}round:${id}`, JSON.stringify(round), 'PXAT', Date.parse(grant.expiresAt) + 60_000);
    return id;
  }

  /** The round behind an echoed gh2. state, without using it; null for anything the gateway did not hand out. */
  async round(requestState: string): Promise<HeldRound | null> {
    if (!/^gh2\.[A-Za-z0-9_-]{32}$/.test(requestState)) return null;
    const raw = await this.redis.get(`${PREFIX}round:${requestState}`);
    return raw ? (JSON.parse(raw) as HeldRound) : null;
  }

  /** Uses a round: true for exactly one caller (a replayed or concurrent retry gets false). */
  async useRound(requestState: string): Promise<boolean> {
    return (await this.redis.del(`${PREFIX}round:${requestState}`)) === 1;
  }

  /** The handle behind an echoed `requestState`; null for anything the gateway did not hand out (or that expired). */
  async hold(requestState: string): Promise<HoldHandle | null> {
    if (!/^gh1\.[A-Za-z0-9_-]{32}$/.test(requestState)) return null;
    const raw = await this.redis.get(`${PREFIX}hold:${requestState}`);
    return raw ? (JSON.parse(raw) as HoldHandle) : null;
  }
}
