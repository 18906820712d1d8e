// The session recording: the contract between the gateway (proxy/), which writes every exchange
// before it forwards a request and before it answers, and the archiver, which reads it once the
// request has ended. One Redis Stream per access request; one stream entry per exchange step.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { evalScript, redisScript, type Redis } from '../lib';
import { canonicalJson } from './canonical';
import { exchangeEntryPieces } from './entry-shape';
import { assertNoSecrets, mayHoldSecrets, withoutSecrets } from './secret-guard';

/** The Redis Stream that holds the recording of one access request. */
export function recordingKey(requestId: string): string {
  return `gatehouse:recording:${requestId}`;
}

/** Set by the archiver before it reads: from then on the recording accepts no more entries. */
export function recordingSealKey(requestId: string): string {
  return `gatehouse:recording:${requestId}:sealed`;
}

/**
 * What a request's recording holds of its masking plans, per recording session: which digests
 * (so a plan is written once, whichever gateway replica answers first), how many and how many
 * bytes (the bound, maskingPlanBound). Written only by the script that writes a plan's entry, in the
 * same step; deleted with the recording.
 */
export function recordingPlansKey(requestId: string): string {
  return `gatehouse:recording:${requestId}:plans`;
}

/**
 * How many distinct masking plans one recording session may hold, and how many bytes of them.
 * Each plan entry is kept six years, and a hostile agent makes a new one with every new alias
 * (`SELECT 1 AS x1`, `x2`...) and a big one with every wide statement (a report is ~0.2 KB per
 * output column: a thousand long aliases make a plan of a few hundred KB). An analyst's session
 * runs tens to a few hundred distinct statements of a few to a few dozen columns (~1-10 KB each).
 * The count bounds a flood of small plans; the bytes bound a flood of wide ones: 4 MiB lets the
 * 1,000 plans average 4 KB (~20 columns) and keeps the worst case at 4 MiB instead of 1,000 times
 * the widest plan. Counted in Redis (recordingPlansKey) by the script that writes the plan, so
 * the bound holds across gateway replicas and restarts.
 */
export interface MaskingPlanBound {
  plans: number;
  bytes: number;
}

export const MASKING_PLAN_BOUND: Readonly<MaskingPlanBound> = Object.freeze({ plans: 1000, bytes: 4 * 1024 * 1024 });

/** The one stream field that carries an entry, as JSON. */
export const RECORDING_FIELD = 'entry';

const iso = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 timestamp');
const jsonRpcId = z.union([z.string(), z.number(), z.null()]);

/** The form of a masking plan's digest: `sha256:` and 64 hex digits. */
const MASKING_PLAN_DIGEST = /^sha256:[0-9a-f]{64}$/;

/** The digest of a masking plan's report (`maskingPlanSchema`): SHA-256 of the salt, a NUL, and the report's canonical JSON. */
export function maskingPlanDigest(salt: string, report: Record<string, unknown>): string {
  return `sha256:${createHash('sha256').update(salt).update('\u0000').update(canonicalJson(report)).digest('hex')}`;
}

/** What the masking engine changed in a payload: a PHI type and how many values it replaced. */
export const maskedSchema = z.strictObject({ type: z.string().min(1), count: z.number().int().positive() });

/** A client connected to the gateway with a grant token (the token itself is never recorded). */
export const sessionStartSchema = z.strictObject({
  type: z.literal('session_start'),
  at: iso,
  sessionId: z.string().min(1),
  grantId: z.string().min(1),
  /** Who holds the grant (the requester's subject). */
  subject: z.string().min(1),
  target: z.string().min(1),
  client: z.strictObject({ name: z.string(), version: z.string().optional() }).optional(),
  transport: z.enum(['streamable-http', 'sse', 'stdio']).optional(),
  /** The session was begun on another gateway process (or before a restart) and carried on here: same id, same recording. */
  resumed: z.literal(true).optional(),
});

/**
 * The call's arguments as they were forwarded, kept as they are: z.record copies into a new
 * object, where an own `__proto__` key (which JSON.parse keeps, and the upstream receives) would
 * set the copy's prototype instead and vanish from the recording.
 */
const argumentsAsSent = z.custom<Record<string, unknown>>(
  (v) => typeof v === 'object' && v !== null && !Array.isArray(v) && [Object.prototype, null].includes(Object.getPrototypeOf(v)),
  { message: 'arguments must be a JSON object' },
);

/**
 * A request from the client, written BEFORE the gateway forwards it (or refuses it). Arguments
 * are recorded as the gateway forwards them, after masking any PHI the client sent.
 */
export const requestEntrySchema = z.strictObject({
  type: z.literal('request'),
  at: iso,
  /** Empty when the gateway refused the message before a session existed. */
  sessionId: z.string(),
  /** The JSON-RPC id, to pair the request with its response. */
  messageId: jsonRpcId,
  method: z.string().min(1),
  tool: z.string().optional(),
  arguments: argumentsAsSent.optional(),
  /** SQL classes of the statement, when the call carries SQL (policy/sql). */
  classes: z.array(z.string()).optional(),
  /** The gateway's decision: forwarded, held for an approver, or refused. */
  verdict: z.enum(['allow', 'hold', 'deny']),
  /** For a held command: the id of the approval asked of the workflow. */
  commandId: z.string().optional(),
  reason: z.string().optional(),
  masked: z.array(maskedSchema).default([]),
});

/** The answer the client got, written BEFORE the gateway returns it; always the masked form. */
export const responseEntrySchema = z.strictObject({
  type: z.literal('response'),
  at: iso,
  /** Empty when the gateway refused the message before a session existed. */
  sessionId: z.string(),
  messageId: jsonRpcId,
  /** ok: the upstream answered; error: it failed; denied: policy or an approver refused; withheld: masking or recording failed, nothing was returned. */
  outcome: z.enum(['ok', 'error', 'denied', 'withheld']),
  result: z.unknown().optional(),
  error: z.strictObject({ code: z.number().int(), message: z.string() }).optional(),
  masked: z.array(maskedSchema).default([]),
  rows: z.number().int().nonnegative().optional(),
  /** Time from the request entry to this one, as the gateway measured it. */
  durationMs: z.number().nonnegative().optional(),
  /**
   * The digest of the masking plan this answer was masked by (a `masking_plan` entry of the same
   * session, written before it): set by the gateway, never taken from the result.
   */
  maskingPlan: z.string().regex(MASKING_PLAN_DIGEST).optional(),
});

/**
 * The full masking report of one plan (per result column: action, type, rule, source columns with
 * their expression paths, the reason; keys masked whole), written once per distinct plan per
 * session before the first answer masked by it. Answers under the same plan carry only its digest
 * (`maskingPlan`), so the recording keeps the auditor's evidence without repeating it every call.
 * `digest` is maskingPlanDigest(salt, report): it covers every word of the report. The salt (per
 * recording session, the same on every gateway replica: proxy/ PhiMasker.saltFor) keeps the digest
 * the agent sees from confirming guesses about the catalog; recorded here, so the entry verifies alone.
 */
export const maskingPlanSchema = z.strictObject({
  type: z.literal('masking_plan'),
  at: iso,
  sessionId: z.string(),
  digest: z.string().regex(MASKING_PLAN_DIGEST),
  salt: z.string().min(1).max(64),
  report: z.record(z.string(), z.unknown()),
});

export const sessionEndSchema = z.strictObject({
  type: z.literal('session_end'),
  at: iso,
  sessionId: z.string().min(1),
  /** closed: the client left; revoked: the grant ended and the gateway cut the session; error: the connection failed. */
  reason: z.enum(['closed', 'revoked', 'expired', 'error']),
  detail: z.string().optional(),
});

/** How many refusals of one kind a window counted (HTTP status, JSON-RPC code, the gateway's word for it). */
export const refusalCountSchema = z.strictObject({
  status: z.number().int().min(100).max(599),
  code: z.number().int(),
  /** e.g. too_many_sessions, rate_limited, wrong_target, session_mismatch, grant_inactive, id_in_use, too_many_holds. */
  kind: z.string().min(1).max(64),
  count: z.number().int().positive(),
  /** What the first refusal of this kind in the window said (it names no token and no PHI). */
  example: z.string().max(500).optional(),
});

/**
 * Requests the gateway refused on a grant, counted over a window rather than one entry each: a
 * hostile agent sending 100,000 bad requests writes one entry per window, not 100,000, and the
 * archive still shows how many of each kind, when, and what they were told.
 */
export const refusalsSchema = z.strictObject({
  type: z.literal('refusals'),
  at: iso,
  /** The first and last refusal counted in this entry. */
  from: iso,
  to: iso,
  total: z.number().int().positive(),
  counts: z.array(refusalCountSchema).min(1).max(64),
});

export const recordingEntrySchema = z.discriminatedUnion('type', [sessionStartSchema, requestEntrySchema, responseEntrySchema, sessionEndSchema, refusalsSchema, maskingPlanSchema]);
/** One step of a session recording, as stored and as archived. */
export type SessionRecordingEntry = z.output<typeof recordingEntrySchema>;
export type SessionRecordingInput = z.input<typeof recordingEntrySchema>;

/** An entry the archiver could not parse; archived as found (after the secret check) and flagged. */
export interface MalformedRecordingEntry {
  type: 'malformed';
  at: string;
  streamId: string;
  raw: string;
  problem: string;
}

/**
 * RECORDING_CONDITION_UNMET: an entry written only while a key exists (`requestWhile`) found it gone, and nothing was written.
 * RECORDING_PLAN_LIMIT: the answer would record a masking plan past its session's bound (`planLimit` says which): nothing was written.
 */
export type RecordingErrorCode = 'RECORDING_INVALID' | 'RECORDING_SEALED' | 'RECORDING_UNAVAILABLE' | 'RECORDING_CONDITION_UNMET' | 'RECORDING_PLAN_LIMIT';

/** Which bound of masking plans a session reached: `used` is what it held (plans, or bytes of plans), `limit` the bound. */
export interface MaskingPlanLimit {
  kind: 'plans' | 'bytes';
  limit: number;
  used: number;
}

/**
 * The recording did not take the entry. The gateway must then withhold the exchange (fail closed).
 * The message goes to logs and to the client: anything in it that looks like a secret (a refused
 * entry's key or value quoted by the check) is replaced by its kind.
 */
export class RecordingError extends Error {
  constructor(readonly code: RecordingErrorCode, message: string, options?: { cause?: unknown; planLimit?: MaskingPlanLimit }) {
    super(withoutSecrets(message), options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'RecordingError';
    if (options?.planLimit) this.planLimit = options.planLimit;
  }

  /** With RECORDING_PLAN_LIMIT: which bound, and how much of it the session held. */
  readonly planLimit?: MaskingPlanLimit;
}

// XADD only while the seal is absent, atomically: a late write after archival would be lost.
// The script is sent once per Redis (EVALSHA), not with every entry of every call. ARGV[3], when
// given, is an entry written just before ARGV[2] in the same step (a response's masking plan: the
// recording never holds an answer naming a plan it does not hold before it), with PLAN_STEP's
// arguments after it.
//
// PLAN_STEP (ARGV[p] the plan's entry, ARGV[p+1..p+3] the plans key's fields for this plan's digest,
// its session's count and its session's bytes, ARGV[p+4..p+5] the bound on both, KEYS[k] the plans
// key): a plan the session already holds (another replica, an earlier process wrote it) is not
// written again; a new one past the bound stops the script before anything is written.
const PLAN_STEP = (p: number, k: number) => `
  local held = redis.call('HMGET', KEYS[${k}], ARGV[${p + 1}], ARGV[${p + 2}], ARGV[${p + 3}])
  if not held[1] then
    local n = tonumber(held[2] or '0')
    local b = tonumber(held[3] or '0')
    if n >= tonumber(ARGV[${p + 4}]) then return redis.error_reply('PLAN_LIMIT plans ' .. ARGV[${p + 4}] .. ' ' .. n) end
    if b + #ARGV[${p}] > tonumber(ARGV[${p + 5}]) then return redis.error_reply('PLAN_LIMIT bytes ' .. ARGV[${p + 5}] .. ' ' .. b) end
    redis.call('XADD', KEYS[1], '*', ARGV[1], ARGV[${p}])
    redis.call('HSET', KEYS[${k}], ARGV[${p + 1}], '1', ARGV[${p + 2}], n + 1, ARGV[${p + 3}], b + #ARGV[${p}])
  end`;
const APPEND = redisScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return redis.error_reply('SEALED') end
if ARGV[3] then${PLAN_STEP(3, 3)}
end
return redis.call('XADD', KEYS[1], '*', ARGV[1], ARGV[2])`);

// The same, and only while KEYS[3] exists (the gateway's grant record: revoked or expired, it is
// gone), in the same atomic step: a request entry is then the grant check itself. The entry comes
// in pieces (ARGV[2] and after, `exchangeEntryPieces`), joined here: the gateway hands its pieces
// on without copying them into one string first.
const APPEND_WHILE = redisScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return redis.error_reply('SEALED') end
if redis.call('EXISTS', KEYS[3]) == 0 then return redis.error_reply('CONDITION_UNMET') end
local entry = ARGV[2]
if #ARGV > 2 then entry = table.concat(ARGV, '', 2) end
return redis.call('XADD', KEYS[1], '*', ARGV[1], entry)`);

// The entry, then (only once it is in) a companion entry on another capped stream, whose expiry is
// renewed: one round trip for what must follow the record (the gateway's SSE event of a response).
// A sealed recording or a failed XADD stops the script before the companion is written. The entry
// comes in pieces (`exchangeEntryPieces`, joined here): ARGV[2] says how many, and they are the
// last arguments. ARGV[5], when not empty, names a companion field that gets the entry's id (the
// companion refers to the entry instead of carrying a second copy of it). ARGV[6], when not empty,
// is an entry written just before the entry (its masking plan, as in APPEND), with PLAN_STEP's
// arguments after it and the plans key as KEYS[4]; the companion's fields follow (from ARGV[7]
// without a plan, ARGV[12] with one) up to the entry's pieces.
const APPEND_WITH = redisScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return redis.error_reply('SEALED') end
local first = 7
if ARGV[6] ~= '' then${PLAN_STEP(6, 4)}
  first = 12
end
local last = #ARGV - tonumber(ARGV[2])
local id = redis.call('XADD', KEYS[1], '*', ARGV[1], table.concat(ARGV, '', last + 1))
local fields = {unpack(ARGV, first, last)}
if ARGV[5] ~= '' then
  fields[#fields + 1] = ARGV[5]
  fields[#fields + 1] = id
end
local also = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', unpack(fields))
redis.call('PEXPIRE', KEYS[3], ARGV[4])
return {id, also}`);

/**
 * What is written with an entry, in the same atomic step and only if the entry was: an entry of
 * another capped stream (`fields`: name, value, name, value…) whose key expires `ttlMs` after it.
 */
export interface CompanionAppend {
  key: string;
  fields: string[];
  maxLength: number;
  ttlMs: number;
  /** A field of the companion that gets the entry's stream id (in the recording's stream), added after `fields`. */
  entryIdField?: string;
}

type Omit2<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An entry without its discriminator and, optionally, without its timestamp (the recorder adds both). */
type Without<T extends { type: string; at: string }> = Omit2<T, 'type' | 'at'> & { at?: string };

/**
 * What the gateway calls. Every method resolves once Redis has the entry, or rejects with a
 * RecordingError — and then the gateway must not forward the request or return the response.
 */
export class SessionRecorder {
  constructor(private readonly redis: Redis, private readonly now: () => Date = () => new Date()) {}

  sessionStart(requestId: string, entry: Without<z.input<typeof sessionStartSchema>>): Promise<string> {
    return this.append(requestId, { ...entry, type: 'session_start' } as SessionRecordingInput);
  }

  /** Call before forwarding (or refusing) a client request. */
  async request(requestId: string, entry: Without<z.input<typeof requestEntrySchema>>): Promise<string> {
    return await this.appendJson(requestId, this.exchangeJson(requestId, 'request', entry, entry.at ?? this.now().toISOString()));
  }

  /**
   * `request`, written only while `key` exists in this recorder's Redis, checked in the same atomic
   * step: otherwise nothing is written and it rejects with RECORDING_CONDITION_UNMET. The gateway
   * passes its grant record's key, so a grant revoked or expired before the entry refuses the request.
   */
  async requestWhile(requestId: string, entry: Without<z.input<typeof requestEntrySchema>>, key: string): Promise<string> {
    const pieces = this.exchangePieces(requestId, 'request', entry, entry.at ?? this.now().toISOString());
    return await this.store(requestId, () => evalScript(this.redis, APPEND_WHILE, [recordingKey(requestId), recordingSealKey(requestId), key], [RECORDING_FIELD, ...pieces])) as string;
  }

  /**
   * Call with the masked response before returning it to the client. With `plan` (the masking plan
   * the response names, not yet in this session's recording as far as the caller knows), the plan's
   * entry is written just before the response in the same atomic step: both or neither (resolves
   * with the response's id). A plan the session's recording already holds (written by another
   * gateway replica or process) is not written again. A new plan past `bound` (its session's count
   * of plans or their bytes; default MASKING_PLAN_BOUND) writes nothing and rejects with
   * RECORDING_PLAN_LIMIT.
   */
  async response(requestId: string, entry: Without<z.input<typeof responseEntrySchema>>, plan?: Without<z.input<typeof maskingPlanSchema>>, bound?: MaskingPlanBound): Promise<string> {
    const at = entry.at ?? this.now().toISOString();
    const json = this.exchangeJson(requestId, 'response', entry, at);
    if (!plan) return await this.appendJson(requestId, json);
    const args = [RECORDING_FIELD, json, ...this.planArgs(requestId, entry, plan, at, bound)];
    return await this.store(requestId, () => evalScript(this.redis, APPEND, [recordingKey(requestId), recordingSealKey(requestId), recordingPlansKey(requestId)], args)) as string;
  }

  sessionEnd(requestId: string, entry: Without<z.input<typeof sessionEndSchema>>): Promise<string> {
    return this.append(requestId, { ...entry, type: 'session_end' } as SessionRecordingInput);
  }

  /**
   * A masking plan's entry, for the response that names it (same session, same digest), written
   * with it and at its time: the archive orders entries by time (ties in stream order), so a plan
   * stamped a millisecond after its answer would be read after it. Then PLAN_STEP's arguments: the
   * plans key's fields of this digest, this session's count and bytes, and the bound.
   */
  private planArgs(requestId: string, response: { sessionId: string; maskingPlan?: string }, plan: Without<z.input<typeof maskingPlanSchema>>, at: string, bound: MaskingPlanBound = MASKING_PLAN_BOUND): string[] {
    if (plan.sessionId !== response.sessionId || plan.digest !== response.maskingPlan) {
      throw new RecordingError('RECORDING_INVALID', `the masking plan written with a response for ${requestId} must be the plan it names, in its session (plan ${plan.digest} of session ${plan.sessionId}; the response names ${String(response.maskingPlan)} in session ${response.sessionId})`);
    }
    if (!Number.isSafeInteger(bound.plans) || bound.plans < 1 || !Number.isSafeInteger(bound.bytes) || bound.bytes < 1) {
      throw new RecordingError('RECORDING_INVALID', `the bound on masking plans of a response for ${requestId} must be whole numbers of plans and bytes, at least 1 (got ${bound.plans} and ${bound.bytes})`);
    }
    const json = this.serialize(requestId, { ...plan, at, type: 'masking_plan' } as SessionRecordingInput);
    const session = `${plan.sessionId}\u0000`;
    return [json, `plan\u0000${session}${plan.digest}`, `plans\u0000${session}`, `bytes\u0000${session}`, String(bound.plans), String(bound.bytes)];
  }

  /**
   * Where a request's entries are, if they are in `redis` (the connection this recorder writes
   * with): a companion written in that Redis may refer to an entry by id (`entryIdField`) and be
   * read back with it; undefined for any other connection.
   */
  entriesKeyIn(redis: Redis, requestId: string): string | undefined {
    return redis === this.redis ? recordingKey(requestId) : undefined;
  }

  /** Refusals counted over a window (the gateway aggregates them; see refusalsSchema). */
  refusals(requestId: string, entry: Without<z.input<typeof refusalsSchema>>): Promise<string> {
    return this.append(requestId, { ...entry, type: 'refusals' } as SessionRecordingInput);
  }

  /**
   * The response entry and, in the same Redis round trip, what must follow it (the SSE event that
   * carries the response to the client): the companion is written only if the entry was taken.
   * Resolves with the companion's stream id; rejects like `response` (then neither was written).
   * `plan` and `bound` as in `response`: the plan's entry goes just before the response's, in the same step.
   */
  async responseWith(requestId: string, entry: Without<z.input<typeof responseEntrySchema>>, companion: CompanionAppend, plan?: Without<z.input<typeof maskingPlanSchema>>, bound?: MaskingPlanBound): Promise<string> {
    if (!Number.isInteger(companion.maxLength) || companion.maxLength < 1 || !Number.isInteger(companion.ttlMs) || companion.ttlMs < 1 || companion.fields.length === 0 || companion.fields.length % 2
      || companion.entryIdField === '') {
      throw new RecordingError('RECORDING_INVALID', `the companion write of a response for ${requestId} is malformed (fields in name/value pairs, a positive length and expiry, a named entry id field)`);
    }
    const at = entry.at ?? this.now().toISOString();
    const pieces = this.exchangePieces(requestId, 'response', entry, at);
    const keys = [recordingKey(requestId), recordingSealKey(requestId), companion.key];
    const head = [RECORDING_FIELD, String(pieces.length), String(companion.maxLength), String(companion.ttlMs), companion.entryIdField ?? ''];
    const args = plan ? [...head, ...this.planArgs(requestId, entry, plan, at, bound), ...companion.fields, ...pieces] : [...head, '', ...companion.fields, ...pieces];
    const [, also] = await this.store(requestId, () => evalScript(this.redis, APPEND_WITH, plan ? [...keys, recordingPlansKey(requestId)] : keys, args)) as [string, string];
    return also;
  }

  /** Validates, refuses secrets, and appends; resolves with the stream entry id. */
  async append(requestId: string, input: SessionRecordingInput): Promise<string> {
    return await this.appendJson(requestId, this.serialize(requestId, input));
  }

  /** Stores an entry already checked and serialized (APPEND). */
  private async appendJson(requestId: string, json: string): Promise<string> {
    return await this.store(requestId, () => evalScript(this.redis, APPEND, [recordingKey(requestId), recordingSealKey(requestId)], [RECORDING_FIELD, json])) as string;
  }

  /** A request or response entry as stored (exchangePieces, joined). */
  private exchangeJson(requestId: string, type: 'request' | 'response', fields: Record<string, unknown>, at: string): string {
    const pieces = this.exchangePieces(requestId, type, fields, at);
    return pieces.length === 1 ? pieces[0]! : pieces.join('');
  }

  /**
   * A request or response entry as stored, as `serialize` stores it, in pieces: the gateway's own
   * entries are checked and written in one pass (entry-shape.ts), without copying them, their long
   * strings as pieces of their own; anything that pass does not take, or cannot write, goes the
   * schema's way (one piece). Every piece of the stored text is searched for secrets.
   */
  private exchangePieces(requestId: string, type: 'request' | 'response', fields: Record<string, unknown>, at: string): string[] {
    let pieces: string[] | undefined;
    try {
      pieces = exchangeEntryPieces(type, at, fields);
    } catch {
      pieces = undefined;
    }
    if (pieces === undefined) return [this.schemaJson(requestId, { ...fields, at, type } as SessionRecordingInput)];
    this.refuseSecrets(requestId, pieces, type, () => ({ ...fields, type, at }));
    return pieces;
  }

  /** The entry as stored: validated, free of secrets, canonical JSON; throws RECORDING_INVALID otherwise. */
  private serialize(requestId: string, input: SessionRecordingInput): string {
    const at = input.at ?? this.now().toISOString();
    return input.type === 'request' || input.type === 'response' ? this.exchangeJson(requestId, input.type, input, at) : this.schemaJson(requestId, { ...input, at });
  }

  /** `serialize` by the schema: what it refuses is explained, issue by issue. */
  private schemaJson(requestId: string, input: SessionRecordingInput): string {
    const entry = { ...input, at: input.at ?? this.now().toISOString() };
    const parsed = recordingEntrySchema.safeParse(entry);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`).join('; ');
      throw new RecordingError('RECORDING_INVALID', `the ${String((input as { type?: unknown }).type)} entry for ${requestId} is not a valid recording entry: ${issues}`);
    }
    let json: string;
    try {
      json = canonicalJson(parsed.data);
    } catch (error) {
      throw new RecordingError('RECORDING_INVALID', `the ${parsed.data.type} entry for ${requestId} cannot be serialized as JSON: ${(error as Error).message}`);
    }
    this.refuseSecrets(requestId, json, parsed.data.type, () => parsed.data);
    return json;
  }

  /**
   * One pass over the stored text; the walk of the entry that names the path only when the text hints at a secret.
   * The text may come in pieces (exchangePieces): each is searched where it lies, not copied into one
   * string for the search. A piece boundary falls next to a long string's quote mark, and no secret's
   * text holds a quote mark (JSON escapes none of their characters), so what the text holds of a
   * secret lies within one piece.
   */
  private refuseSecrets(requestId: string, text: string | string[], type: string, entry: () => unknown): void {
    try {
      if (typeof text === 'string' ? mayHoldSecrets(text) : text.some(mayHoldSecrets)) assertNoSecrets(entry(), 0);
    } catch (error) {
      throw new RecordingError('RECORDING_INVALID', `the ${type} entry for ${requestId} was refused: ${(error as Error).message}`);
    }
  }

  /** Runs a write of the recording; a sealed recording or a Redis failure becomes the RecordingError the gateway refuses on. */
  private async store(requestId: string, write: () => Promise<unknown>): Promise<unknown> {
    try {
      return await write();
    } catch (error) {
      const limit = /PLAN_LIMIT (plans|bytes) (\d+) (\d+)/.exec((error as Error)?.message ?? '');
      if (limit) {
        const planLimit: MaskingPlanLimit = { kind: limit[1] as 'plans' | 'bytes', limit: Number(limit[2]), used: Number(limit[3]) };
        throw new RecordingError('RECORDING_PLAN_LIMIT', planLimit.kind === 'plans'
          ? `the answer was not recorded: its session's recording already holds ${planLimit.used} distinct masking plans, its limit`
          : `the answer was not recorded: its session's masking plans already take ${planLimit.used} bytes of the recording and this one would pass the limit of ${planLimit.limit}`, { planLimit });
      }
      if (/CONDITION_UNMET/.test((error as Error)?.message ?? '')) {
        throw new RecordingError('RECORDING_CONDITION_UNMET', `the entry for ${requestId} was not written: the key it depends on is gone (the grant ended); refuse the exchange`);
      }
      if (/SEALED/.test((error as Error)?.message ?? '')) {
        throw new RecordingError('RECORDING_SEALED', `the recording of ${requestId} is closed: the request has ended and is being archived; refuse the exchange`);
      }
      throw new RecordingError('RECORDING_UNAVAILABLE', `cannot record for ${requestId}: Redis did not take the entry (${(error as Error)?.message ?? error}); refuse the exchange`, { cause: error });
    }
  }

}

/** An entry as read back, with its stream id. */
export interface StoredRecordingEntry {
  streamId: string;
  entry: SessionRecordingEntry | MalformedRecordingEntry;
}

/** Milliseconds part of a Redis stream id, as an ISO time (the time Redis took the entry). */
function streamIdTime(streamId: string): string {
  const millis = Number(streamId.split('-')[0]);
  return Number.isFinite(millis) ? new Date(millis).toISOString() : new Date(0).toISOString();
}

/** What the archiver uses: read a whole recording, seal it, and delete it once archived. */
export class RecordingLog {
  constructor(private readonly redis: Redis, private readonly pageSize = 500) {}

  /**
   * Closes the recording to new entries; kept for `sealTtlSeconds` after the recording is
   * deleted, so a late write from a gateway fails instead of starting a stream nobody archives.
   */
  async seal(requestId: string, sealTtlSeconds = 30 * 24 * 3600): Promise<void> {
    await this.redis.set(recordingSealKey(requestId), new Date().toISOString(), 'EX', sealTtlSeconds);
  }

  async isSealed(requestId: string): Promise<boolean> {
    return (await this.redis.exists(recordingSealKey(requestId))) === 1;
  }

  /** Every entry in stream order. Entries that do not parse are returned as `malformed`, never dropped. */
  async read(requestId: string): Promise<StoredRecordingEntry[]> {
    const out: StoredRecordingEntry[] = [];
    let start = '-';
    for (;;) {
      const page = await this.redis.xrange(recordingKey(requestId), start, '+', 'COUNT', this.pageSize);
      for (const [streamId, fields] of page) out.push({ streamId, entry: parseStreamEntry(streamId, fields) });
      if (page.length < this.pageSize) return out;
      start = `(${page[page.length - 1]![0]}`;
    }
  }

  async length(requestId: string): Promise<number> {
    return this.redis.xlen(recordingKey(requestId));
  }

  async delete(requestId: string): Promise<void> {
    await this.redis.del(recordingKey(requestId), recordingPlansKey(requestId));
  }
}

function parseStreamEntry(streamId: string, fields: string[]): SessionRecordingEntry | MalformedRecordingEntry {
  const index = fields.indexOf(RECORDING_FIELD);
  const raw = index >= 0 && index % 2 === 0 ? fields[index + 1] ?? '' : JSON.stringify(fields);
  try {
    const parsed = recordingEntrySchema.safeParse(JSON.parse(raw));
    if (parsed.success) return parsed.data;
    return { type: 'malformed', at: streamIdTime(streamId), streamId, raw, problem: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  } catch (error) {
    return { type: 'malformed', at: streamIdTime(streamId), streamId, raw, problem: `not JSON: ${(error as Error).message}` };
  }
}
