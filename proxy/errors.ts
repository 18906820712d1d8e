import type { JSONRPCErrorResponse, RequestId } from '@modelcontextprotocol/sdk/types.js';

/**
 * JSON-RPC error codes the gateway answers with (the -32000..-32099 range is reserved for
 * implementation-defined server errors). Each says what went wrong; the message says what to do.
 */
export const GatewayErrorCode = {
  /** No, or a malformed, Authorization header. */
  GrantRequired: -32010,
  /** The grant token is unknown, expired or revoked. */
  GrantInactive: -32011,
  /** The grant is for another target. */
  WrongTarget: -32012,
  /** The session was started with another grant token. */
  SessionMismatch: -32013,
  /** No session with that Mcp-Session-Id (never existed, ended, or the gateway restarted). */
  SessionNotFound: -32014,
  /** The session was cut because its grant was revoked or ended. */
  SessionEnded: -32015,
  /** The request's Host or Origin is not one the gateway answers to (DNS-rebinding protection): 403. */
  ForeignOrigin: -32016,
  /** A component the gateway must consult (Redis, the recording, the workflow) did not answer. */
  Unavailable: -32020,
  /** Policy refuses the tool or the SQL class. */
  DeniedByPolicy: -32030,
  /** An approver denied the held command. */
  DeniedByApprover: -32031,
  /** No approver decided on the held command in time. */
  ApprovalTimedOut: -32032,
  /** The grant already has as many held commands waiting as its target allows. */
  TooManyHolds: -32033,
  /** Masking failed: the response is withheld. */
  Withheld: -32040,
  RateLimited: -32050,
  TooManySessions: -32051,
  BodyTooLarge: -32052,
  UpstreamTimeout: -32060,
  UpstreamFailed: -32061,
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  // The 2026-07-28 revision's own codes (proxy/modern). HeaderMismatch shares -32020 with
  // Unavailable: the spec took it; the HTTP status (400 against 503) tells them apart.
  /** Mcp-Method / Mcp-Name / MCP-Protocol-Version headers missing or disagreeing with the body. */
  HeaderMismatch: -32020,
  /** A modern request needs a client capability it did not declare. */
  MissingClientCapability: -32021,
  /** A protocol version the gateway does not speak (the error data lists those it does). */
  UnsupportedProtocolVersion: -32022,
} as const;
export type GatewayErrorCode = (typeof GatewayErrorCode)[keyof typeof GatewayErrorCode];

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
