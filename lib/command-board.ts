import type Redis from 'ioredis';
import { sha256Hex } from './crypto';

/** Where the access workflow announces decisions on held commands; the gateway listens. */
export const COMMAND_DECISION_CHANNEL = 'gatehouse:command-decisions';
const DECISION = 'gatehouse:command:';
const USED = 'gatehouse:command-used:';
const HOLD_BY_CALL = 'gatehouse:held-call:';

/** The fields of a decision the board itself reads; the rest travels as is. */
export interface BoardDecision {
  commandId: string;
  requestId: string;
  approved: boolean;
  validUntil: string;
}

/**
 * Held commands in Redis: the workflow's decision on each (kept until it is no longer usable,
 * and published), which identical call of a grant is held under which command, and whether an
 * approval was used already (an approval runs its command once).
 */
export class CommandBoard<D extends BoardDecision = BoardDecision> {
  constructor(private readonly redis: Redis) {}

  /** Stores and publishes a decision. Idempotent (the activity may run twice). */
  async announce(decision: D): Promise<void> {
    const keepUntil = Math.max(Date.parse(decision.validUntil), Date.now() + 60_000);
    const payload = JSON.stringify(decision);
    await this.redis.set(DECISION + decision.commandId, payload, 'PXAT', keepUntil);
    await this.redis.publish(COMMAND_DECISION_CHANNEL, payload);
  }

  async decision(commandId: string): Promise<D | null> {
    const raw = await this.redis.get(DECISION + commandId);
    return raw ? (JSON.parse(raw) as D) : null;
  }

  /** Marks an approval used; true only for the first caller. */
  async useApproval(commandId: string, until: string): Promise<boolean> {
    const at = Math.max(Date.parse(until), Date.now() + 1_000);
    return (await this.redis.set(USED + commandId, '1', 'PXAT', at, 'NX')) === 'OK';
  }

  /** Remembers that this exact call (grant, tool, arguments) is held as commandId. */
  async rememberCall(call: HeldCall, commandId: string, until: string): Promise<void> {
    await this.redis.set(HOLD_BY_CALL + callFingerprint(call), commandId, 'PXAT', Math.max(Date.parse(until), Date.now() + 1_000));
  }

  async heldCall(call: HeldCall): Promise<string | null> {
    return this.redis.get(HOLD_BY_CALL + callFingerprint(call));
  }

  async forgetCall(call: HeldCall, commandId: string): Promise<void> {
    const key = HOLD_BY_CALL + callFingerprint(call);
    // Only if it still names this command (a newer hold of the same call stays).
    await this.redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end", 1, key, commandId);
  }
}

export interface HeldCall {
  grantId: string;
  tool: string;
  arguments: unknown;
}

/** Same grant, same tool, same arguments (key order does not matter) = same fingerprint. */
export function callFingerprint(call: HeldCall): string {
  return sha256Hex(JSON.stringify([call.grantId, call.tool, canonical(call.arguments ?? {})]));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}
