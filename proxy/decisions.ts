import type { JSONRPCRequest, RequestId } from '@modelcontextprotocol/server';
import type { PhiCatalog } from '../phi';
import type { TargetConfig } from '../policy';
import { decideToolCall, toolAllowed, type ToolCallRuling } from './command-policy';
import { GatewayErrorCode } from './errors';
import { withPhiPredicates } from './phi-predicates';
import { maskedEntries, type MaskContext, type MaskSummary } from './masking';
import type { RequestEntry, ResponseEntry } from './recording';
import { limitRows } from './row-limit';

// Where the gateway decides: a request or a result goes in, an outcome comes out (forward / hold
// / refuse; send / withhold) with the entry to record. No I/O here: the session carries outcomes
// out (agentgateway's guardrails returning Pass / Mutated / Reject are the model).

/**
 * What the gateway itself forwarded, fixed at forward time. A result is masked with the policy
 * chosen from this record, never from anything the client can send later.
 */
export interface ForwardedCall {
  readonly id: RequestId;
  readonly method: string;
  /** tools/call only: the tool the gateway forwarded. */
  readonly tool?: string;
  /** tools/call only: the arguments the gateway forwarded (unmasked; they never leave the gateway). */
  readonly arguments?: Readonly<Record<string, unknown>>;
  readonly progressToken?: string | number;
  /** completion/complete only: the name of the argument whose values are being completed. */
  readonly completing?: string;
  readonly startedAt: number;
}

/**
 * Every result is masked, listings and initialize too: a server writes their descriptions, names
 * and schemas, and the masker knows which of their fields are protocol structure (mcp-structure.ts).
 */

export type Refusal = { code: number; message: string };

export type RequestOutcome =
  | { kind: 'forward'; call: ForwardedCall; entry: RequestEntry }
  | { kind: 'hold'; call: ForwardedCall; ruling: ToolCallRuling; commandId: string; entry: RequestEntry }
  | { kind: 'refuse'; refusal: Refusal; entry: RequestEntry; outcome: 'denied' | 'withheld' };

export interface RequestFacts {
  target: TargetConfig;
  sessionId: string;
  request: JSONRPCRequest;
  /** True when the session already has a request with this id that is not answered. */
  idInUse: boolean;
  /** The call's arguments masked for the recording; 'failed' when the masker threw. */
  maskedArguments?: { value: Record<string, unknown>; report: MaskSummary } | 'failed';
  /** The id a hold would get (made by the caller, so this stays pure), or how to make it: called only for a hold (most calls are not held, and an id costs random bytes). */
  commandId: string | (() => string);
  startedAt: number;
  /** The target's PHI catalog: predicates on PHI raise the ruling (masking.phiPredicates). */
  phiCatalog?: PhiCatalog;
}

/** Decides one client request. */
export function decideRequest(facts: RequestFacts): RequestOutcome {
  const { request, sessionId, target } = facts;
  const base = { sessionId, messageId: request.id, method: request.method };
  if (facts.idInUse) {
    const message = `request id ${JSON.stringify(request.id)} is already used by a request of this session that has not been answered; use a new id for every request`;
    return { kind: 'refuse', outcome: 'denied', refusal: { code: GatewayErrorCode.InvalidRequest, message }, entry: { ...base, verdict: 'deny', reason: message, masked: [] } };
  }
  const params = (request.params ?? {}) as Record<string, unknown>;
  const progressToken = progressTokenOf(request);
  const call = (extra: { tool?: string; arguments?: Record<string, unknown>; completing?: string } = {}): ForwardedCall => Object.freeze({
    id: request.id, method: request.method, startedAt: facts.startedAt,
    ...(extra.completing !== undefined ? { completing: extra.completing } : {}),
    ...(extra.tool !== undefined ? { tool: extra.tool } : {}),
    ...(extra.arguments !== undefined ? { arguments: frozenCopy(extra.arguments) } : {}),
    ...(progressToken !== undefined ? { progressToken } : {}),
  });
  if (request.method === 'completion/complete') {
    // The suggested values are values of this argument: its name classifies them when masked.
    const name = isObject(params.argument) && typeof params.argument.name === 'string' ? params.argument.name : undefined;
    return { kind: 'forward', call: call(name !== undefined ? { completing: name } : {}), entry: { ...base, verdict: 'allow', masked: [] } };
  }
  if (request.method !== 'tools/call') return { kind: 'forward', call: call(), entry: { ...base, verdict: 'allow', masked: [] } };

  const policyRuling = decideToolCall(target, params.name, params.arguments);
  const ruling = facts.phiCatalog ? withPhiPredicates(policyRuling, target, facts.phiCatalog) : policyRuling;
  const args = isObject(params.arguments) ? params.arguments : undefined;
  if (params.arguments !== undefined && !args) {
    const message = 'tools/call arguments must be an object (params.arguments)';
    return { kind: 'refuse', outcome: 'denied', refusal: { code: GatewayErrorCode.InvalidRequest, message }, entry: { ...base, tool: ruling.tool, verdict: 'deny', reason: message, masked: [] } };
  }
  if (facts.maskedArguments === 'failed') {
    const message = 'the arguments could not be checked for PHI, so the call was not forwarded';
    return { kind: 'refuse', outcome: 'withheld', refusal: { code: GatewayErrorCode.Withheld, message }, entry: { ...base, tool: ruling.tool, verdict: 'deny', reason: message, masked: [] } };
  }
  const commandId = ruling.verdict === 'hold' ? (typeof facts.commandId === 'function' ? facts.commandId() : facts.commandId) : undefined;
  const entry: RequestEntry = {
    ...base, tool: ruling.tool,
    ...(facts.maskedArguments ? { arguments: facts.maskedArguments.value } : {}),
    ...(ruling.classes.length ? { classes: ruling.classes } : {}),
    verdict: ruling.verdict,
    ...(commandId !== undefined ? { commandId } : {}),
    ...(ruling.verdict !== 'allow' ? { reason: ruling.reason } : {}),
    masked: facts.maskedArguments ? maskedEntries(facts.maskedArguments.report) : [],
  };
  if (ruling.verdict === 'deny') {
    return { kind: 'refuse', outcome: 'denied', refusal: { code: GatewayErrorCode.DeniedByPolicy, message: `denied by policy: ${ruling.reason}` }, entry };
  }
  const forwarded = call({ tool: ruling.tool, ...(args ? { arguments: args } : {}) });
  if (commandId !== undefined) return { kind: 'hold', call: forwarded, ruling, commandId, entry };
  return { kind: 'forward', call: forwarded, entry };
}

/** What masking a part of a call is told: the tool and arguments come from the forwarded record only; the session from the gateway's own state. */
export function maskContextFor(target: string, call: ForwardedCall, part: MaskContext['part'], sessionId?: string): MaskContext {
  return {
    target, part, method: call.method,
    ...(sessionId ? { sessionId } : {}),
    ...(call.tool !== undefined ? { tool: call.tool } : {}),
    ...(call.arguments !== undefined ? { arguments: call.arguments as Record<string, unknown> } : {}),
    ...(call.completing !== undefined ? { completing: call.completing } : {}),
  };
}

/** A result before masking: listings filtered to allowed tools, tables cut to the row limit. */
export function shapeResult(target: TargetConfig, call: ForwardedCall, result: Record<string, unknown>): { result: Record<string, unknown>; rows?: number } {
  let out = result;
  let rows: number | undefined;
  if (call.method === 'tools/list' && Array.isArray(out.tools)) {
    out = { ...out, tools: (out.tools as { name?: unknown }[]).filter((t) => typeof t.name === 'string' && toolAllowed(target, t.name)) };
  }
  if (call.method === 'tools/call') {
    const limited = limitRows(out, target.commands.rowLimit);
    out = limited.result;
    rows = limited.rows;
  }
  return { result: out, ...(rows !== undefined ? { rows } : {}) };
}

export type ResponseOutcome =
  | { kind: 'send'; entry: ResponseEntry }
  | { kind: 'withhold'; refusal: Refusal; entry: ResponseEntry };

/** Decides what becomes of an upstream answer once it was shaped and (maybe) masked. */
export function decideResponse(input: {
  sessionId: string;
  call: ForwardedCall;
  durationMs: number;
  answer: { result: unknown; rows?: number } | { error: { code: number; message: string } };
  /** The mask outcome's report; 'failed' when masking threw; undefined when the result needs none. */
  masked?: MaskSummary | 'failed';
}): ResponseOutcome {
  const base = { sessionId: input.sessionId, messageId: input.call.id, durationMs: input.durationMs };
  if (input.masked === 'failed') {
    const message = 'error' in input.answer
      ? 'the upstream answered with an error that could not be checked for PHI; it was withheld'
      : 'the response was withheld: PHI masking failed on it (nothing was returned unmasked)';
    return { kind: 'withhold', refusal: { code: GatewayErrorCode.Withheld, message }, entry: { ...base, outcome: 'withheld', error: { code: GatewayErrorCode.Withheld, message }, masked: [] } };
  }
  const masked = input.masked ? maskedEntries(input.masked) : [];
  if ('error' in input.answer) {
    return { kind: 'send', entry: { ...base, outcome: 'error', error: { code: input.answer.error.code, message: input.answer.error.message }, masked } };
  }
  return { kind: 'send', entry: { ...base, outcome: 'ok', result: input.answer.result, masked, ...(input.answer.rows !== undefined ? { rows: input.answer.rows } : {}) } };
}

export function progressTokenOf(request: JSONRPCRequest): string | number | undefined {
  const token = (request.params as { _meta?: { progressToken?: unknown } } | undefined)?._meta?.progressToken;
  return typeof token === 'string' || typeof token === 'number' ? token : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A deep, frozen copy of a call's arguments, the copy structuredClone gives: plain data (what
 * JSON.parse makes) copied member by member (a '__proto__' key stays a member, as structuredClone
 * keeps it); anything else (a hole, a class instance, a function) goes to structuredClone itself.
 */
function frozenCopy<T>(value: T): T {
  const copy = plainCopy(value, 0);
  return deepFreeze((copy === NOT_PLAIN ? structuredClone(value) : copy) as T);
}

const NOT_PLAIN = Symbol('not plain data');
/** Deeper than this, structuredClone copies. */
const MAX_COPY_DEPTH = 32;

function plainCopy(value: unknown, depth: number): unknown {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol')) return value;
  if (typeof value !== 'object' || depth >= MAX_COPY_DEPTH) return NOT_PLAIN;
  if (Array.isArray(value)) {
    // (an array with members besides its elements: structuredClone copies those too)
    if (Object.getPrototypeOf(value) !== Array.prototype || Object.keys(value).length !== value.length) return NOT_PLAIN;
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return NOT_PLAIN;
      const item = plainCopy(value[i], depth + 1);
      if (item === NOT_PLAIN) return NOT_PLAIN;
      out.push(item);
    }
    return out;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(value)) {
    const item = plainCopy((value as Record<string, unknown>)[name], depth + 1);
    if (item === NOT_PLAIN) return NOT_PLAIN;
    if (name === '__proto__') Object.defineProperty(out, name, { value: item, writable: true, enumerable: true, configurable: true });
    else out[name] = item;
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
