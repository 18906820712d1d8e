// The 2026-07-28 (stateless) client-facing path of the gateway: era detection, the per-request
// checkpoint, holds as multi-round-trip results, per-grant state in Redis.
export { classifyEra, decodeHeaderValue, MODERN_PROTOCOL_VERSIONS, ALL_PROTOCOL_VERSIONS, type Era } from './era';
export { ModernEndpoint, type ModernEndpointOptions } from './endpoint';
export { GrantState, type HoldHandle } from './grant-state';
export { APPROVAL_INPUT } from './holds';
