import type { JSONRPCErrorResponse, RequestId } from '@modelcontextprotocol/server';

/**
 * Every JSON-RPC error code the gateway answers with, one meaning each, in both eras (2025
 * sessions and 2026-07-28 stateless requests answer the same refusal with the same code). Where
 * the codes sit follows the 2026-07-28 revision ("Error Codes" in the base protocol):
 *
 * - JSON-RPC 2.0's own codes (-32700, -32600…-32603) for messages the gateway cannot take;
 * - the MCP specification's own (-32020 HeaderMismatch, -32021 MissingRequiredClientCapability,
 *   -32022 UnsupportedProtocolVersion), only with the meaning the specification gives them: the
 *   range -32020…-32099 is the specification's alone, and -32000…-32019 is legacy that new
 *   implementations should not use;
 * - Gatehouse's own refusals outside JSON-RPC's reserved range (-32768…-32000), where the revision
 *   puts application-defined codes: -31010…-31061. Until this revision they were -32010…-32061;
 *   the last two digits are unchanged (-32030 is now -31030), so a client can accept both while it
 *   moves (docs/error-codes.md).
 *
 * `http` is the status the refusal comes with when it answers the HTTP request itself ('—' when it
 * travels inside a stream or a session's 200).
 */
export const GATEWAY_ERRORS = {
  // ---- JSON-RPC 2.0 -------------------------------------------------------------------------
  ParseError: { code: -32700, http: '400', meaning: 'the body is not JSON' },
  InvalidRequest: { code: -32600, http: '400', meaning: 'not a JSON-RPC request the gateway takes (a batch, no method, a null id, a session id on a 2026-07-28 request)' },
  MethodNotFound: { code: -32601, http: '404 / —', meaning: 'the method is not one the gateway or the upstream serves' },
  InvalidParams: { code: -32602, http: '400 / —', meaning: 'bad params; in 2026-07-28 also a requestState of another grant, forged, used already or for other arguments' },
  // ---- the MCP specification (2026-07-28) ------------------------------------------------------
  HeaderMismatch: { code: -32020, http: '400', meaning: 'Mcp-Method / Mcp-Name / MCP-Protocol-Version missing, malformed or disagreeing with the body (2026-07-28)' },
  MissingClientCapability: { code: -32021, http: '400', meaning: 'the request needs a client capability it did not declare (2026-07-28)' },
  UnsupportedProtocolVersion: { code: -32022, http: '400', meaning: 'a protocol version the gateway does not speak; data.supported lists those it does (2026-07-28)' },
  // ---- Gatehouse: the door -------------------------------------------------------------------
  GrantRequired: { code: -31010, http: '401', meaning: 'no or a malformed Authorization header (with WWW-Authenticate: Bearer resource_metadata=...)' },
  GrantInactive: { code: -31011, http: '401', meaning: 'the grant token is unknown, expired or revoked' },
  WrongTarget: { code: -31012, http: '401', meaning: 'the grant is for another target' },
  SessionMismatch: { code: -31013, http: '403', meaning: 'the session was started with another grant (2025 sessions)' },
  SessionNotFound: { code: -31014, http: '404', meaning: 'no session with that Mcp-Session-Id: never existed, ended (with the reason), or the gateway restarted (2025 sessions)' },
  SessionEnded: { code: -31015, http: '—', meaning: 'the grant was revoked or ended while a call was in flight' },
  ForeignOrigin: { code: -31016, http: '403', meaning: 'the Host or Origin is not one the gateway answers to (DNS-rebinding protection)' },
  // ---- Gatehouse: its own parts --------------------------------------------------------------
  Unavailable: { code: -31020, http: '503 / —', meaning: 'a part the gateway must consult (Redis, the recording, the workflow) did not answer: refused, nothing forwarded' },
  // ---- Gatehouse: decisions ------------------------------------------------------------------
  DeniedByPolicy: { code: -31030, http: '—', meaning: 'policy refuses the tool or the SQL class' },
  DeniedByApprover: { code: -31031, http: '—', meaning: 'an approver denied the held command (who, when, why); in 2026-07-28 also a retry of a hold already used' },
  ApprovalTimedOut: { code: -31032, http: '—', meaning: 'no approver decided on the held command in time' },
  TooManyHolds: { code: -31033, http: '—', meaning: 'the grant already has commands.maxHeld held commands waiting' },
  Withheld: { code: -31040, http: '—', meaning: 'masking failed, or the answer would record a masking plan beyond the session\'s limits (maskingPlansPerSession, maskingPlanBytesPerSession): the response is withheld' },
  // ---- Gatehouse: limits ---------------------------------------------------------------------
  RateLimited: { code: -31050, http: '429', meaning: 'too many messages for the grant (message rate)' },
  TooManySessions: { code: -31051, http: '429', meaning: 'the grant has as many live sessions as it may' },
  BodyTooLarge: { code: -31052, http: '413', meaning: 'the request body is larger than the gateway takes' },
  // ---- Gatehouse: the upstream ---------------------------------------------------------------
  UpstreamTimeout: { code: -31060, http: '—', meaning: 'the upstream MCP server did not answer in time' },
  UpstreamFailed: { code: -31061, http: '502 / —', meaning: 'the upstream MCP server could not be started or reached, went away, or answered what the gateway cannot pass on; in 2026-07-28 also an input round whose gateway replica is gone (it cannot be resumed)' },
} as const satisfies Record<string, { code: number; http: string; meaning: string }>;

type GatewayErrors = typeof GATEWAY_ERRORS;

/** The codes by name (`GatewayErrorCode.DeniedByPolicy`), for the code that refuses. */
export const GatewayErrorCode = Object.fromEntries(Object.entries(GATEWAY_ERRORS).map(([name, { code }]) => [name, code])) as { readonly [K in keyof GatewayErrors]: GatewayErrors[K]['code'] };
export type GatewayErrorCode = GatewayErrors[keyof GatewayErrors]['code'];

/** The codes the 2026-07-28 specification defines (its "Error Codes" table); the gateway uses them with that meaning only. */
export const SPEC_ERROR_CODES = { HeaderMismatch: -32020, MissingRequiredClientCapability: -32021, UnsupportedProtocolVersion: -32022 } as const;

/** Where a code may sit, per the 2026-07-28 revision: JSON-RPC's, the specification's, or outside JSON-RPC's reserved range. */
export function codeRange(code: number): 'json-rpc' | 'mcp-specification' | 'mcp-legacy' | 'mcp-reserved' | 'json-rpc-reserved' | 'application' {
  if ([-32700, -32600, -32601, -32602, -32603].includes(code)) return 'json-rpc';
  if ((Object.values(SPEC_ERROR_CODES) as number[]).includes(code)) return 'mcp-specification';
  if (code <= -32000 && code >= -32019) return 'mcp-legacy';
  if (code <= -32020 && code >= -32099) return 'mcp-reserved';
  if (code <= -32000 && code >= -32768) return 'json-rpc-reserved';
  return 'application';
}

/** A refusal the gateway turns into an HTTP status and a JSON-RPC error body. */
export class GatewayError extends Error {
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    readonly httpStatus = 400,
    readonly headers: Record<string, string> = {},
    /** The JSON-RPC id of the refused request, when it could be read. */
    readonly id: RequestId | null = null,
    /** Structured error data (e.g. the supported protocol versions). */
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

export function jsonRpcError(id: RequestId | null | undefined, code: number, message: string, data?: unknown): JSONRPCErrorResponse {
  return { jsonrpc: '2.0', id: id ?? null, error: { code, message, ...(data === undefined ? {} : { data }) } } as JSONRPCErrorResponse;
}
