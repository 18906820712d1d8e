import type { z } from 'zod';
import type { Redis } from '../lib';
import type { MaskingPlanBound, maskedSchema, maskingPlanSchema, refusalsSchema, requestEntrySchema, responseEntrySchema, sessionEndSchema, sessionStartSchema } from '../audit';

/**
 * What the gateway writes to the session recording (one Redis Stream per access request; the
 * audit/ SessionRecorder implements it). Every method resolves once the entry is stored, or
 * rejects — and then the gateway refuses the exchange ("no access without a record").
 * Entries never carry the grant token, the credential or unmasked PHI.
 */
export interface GatewayRecorder {
  sessionStart(requestId: string, entry: SessionStartEntry): Promise<unknown>;
  /** Before the request is forwarded, held or refused. */
  request(requestId: string, entry: RequestEntry): Promise<unknown>;
  /**
   * `request`, written only while `key` (the grant's record, GrantStore.activeKey) exists in the
   * recording's Redis, checked in the same atomic step; otherwise nothing is written and it rejects
   * with code RECORDING_CONDITION_UNMET. With it the entry is itself the grant check before forwarding.
   */
  requestWhile?(requestId: string, entry: RequestEntry, key: string): Promise<unknown>;
  /**
   * The masked response, before it is returned. With `plan` (the masking plan the response names,
   * when this session's recording does not hold it yet: masking-plans.ts), the plan's entry is
   * written just before the response in the same atomic step: both are taken or neither. A plan
   * the session's recording already holds is not written twice; a new one past `bound` (the
   * session's plans or their bytes, counted by the recording across gateway processes) writes
   * nothing and rejects with code RECORDING_PLAN_LIMIT (audit/ RecordingError.planLimit).
   */
  response(requestId: string, entry: ResponseEntry, plan?: MaskingPlanEntry, bound?: MaskingPlanBound): Promise<unknown>;
  /**
   * The masked response and, in the same atomic write and only if the entry was taken, the SSE
   * event that carries it (proxy/event-store.ts): one Redis round trip instead of two. Resolves
   * with the companion's stream id. `plan` and `bound` as in `response`.
   */
  responseWith?(requestId: string, entry: ResponseEntry, companion: CompanionAppend, plan?: MaskingPlanEntry, bound?: MaskingPlanBound): Promise<string>;
  /** Where a request's entries are when they are in `redis` (an SSE event there then refers to its response's entry instead of copying it). */
  entriesKeyIn?(redis: Redis, requestId: string): string | undefined;
  sessionEnd(requestId: string, entry: SessionEndEntry): Promise<unknown>;
  /** Refusals of the grant counted over a window (proxy/refusals.ts aggregates them). */
  refusals?(requestId: string, entry: RefusalsEntry): Promise<unknown>;
}

// The entry shapes are audit/'s zod schemas (the one definition), without the fields the
// recorder adds itself (type, at).
type Entry<S extends z.ZodType> = Omit<z.input<S>, 'type' | 'at'>;

export type MaskedCount = z.input<typeof maskedSchema>;
export type SessionStartEntry = Entry<typeof sessionStartSchema>;
export type RequestEntry = Entry<typeof requestEntrySchema>;
export type ResponseEntry = Entry<typeof responseEntrySchema>;
export type SessionEndEntry = Entry<typeof sessionEndSchema>;
export type RefusalsEntry = Entry<typeof refusalsSchema>;
export type MaskingPlanEntry = Entry<typeof maskingPlanSchema>;

/** A write that follows a recording entry in the same atomic step (audit/ SessionRecorder.responseWith). */
export interface CompanionAppend {
  key: string;
  /** name, value, name, value… */
  fields: string[];
  maxLength: number;
  ttlMs: number;
  /** A companion field that gets the entry's stream id (the companion refers to the entry instead of copying it). */
  entryIdField?: string;
}
