// The MCP gateway: Streamable HTTP per target, a grant check on every request, policy and
// approval holds on tools/call, row limits, masking and a recording of every exchange.
export { Gateway, DEFAULT_LIMITS, type GatewayOptions, type GatewayLimits, type GrantLookup, type CredentialSource } from './gateway';
export { GatewaySession, type SessionLimits } from './session';
export { DecisionWaiter, heldResult, deniedResult, threadLink, type CommandReviewer, type HeldCommand, type AnnouncedDecision, type DecisionBoard } from './held-commands';
export { GatewayError, GatewayErrorCode, jsonRpcError } from './errors';
export { decideToolCall, toolAllowed, DEFAULT_SQL_VERDICTS, type ToolCallRuling } from './command-policy';
export { decideRequest, decideResponse, shapeResult, maskContextFor, type ForwardedCall, type RequestOutcome, type ResponseOutcome, type RequestFacts } from './decisions';
export { emptyMaskSummary, maskedEntries, mergeSummaries, type ResponseMasker, type MaskOutcome, type MaskSummary, type MaskContext } from './masking';
export type { GatewayRecorder, RequestEntry, ResponseEntry, SessionStartEntry, SessionEndEntry, MaskedCount } from './recording';
export { limitRows } from './row-limit';
export { upstreamEnvironment, openUpstream, snowflakeLogin } from './upstream';
export { PhiMasker, CATALOG_TOOLS, MASKING_META_KEY, type CatalogSource, type PhiMaskerOptions } from './phi-masker';
export { RedisCatalogStore } from './catalog-store';
export { withPhiPredicates, type PhiAwareRuling } from './phi-predicates';
export { startGatewayProcess, runGateway, DEFAULT_GATEWAY_PORT, type RunGatewayOptions, type RunningGateway } from './run';
export { NodeHttpClientTransport } from './http-upstream';
