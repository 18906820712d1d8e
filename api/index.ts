// The REST API for agents and ops. Other folders import only from here.
export { createApiApp, type ApiAppOptions } from './app';
export {
  createOidcVerifier, authenticate, requireScope, principalOf, invalidToken, SCOPES, DEFAULT_ALGORITHMS,
  type OidcSettings, type Principal, type Scope, type TokenVerifier,
} from './auth';
export { defineRoute, mountRoute, type RouteDefinition, type RouteGroup, type HandlerInput, type HandlerResult } from './route';
export { Problem, problemSchema, PROBLEM_CONTENT_TYPE, type FieldError } from './problem';
export { buildOpenApiDocument } from './openapi';
export { accessRoutes, idempotentRequestId, type AccessRoutesOptions } from './routes/access';
export { auditRoutes, auditRoutesFromEnv, auditReaderFromEnv, type AuditRoutesOptions } from './routes/audit';
export { createConsoleRouter, consoleSettings, ConsoleSettingsError, type ConsoleOptions, type ConsoleSettings } from './console';
export { codecRoutes, codecMiddleware, codecCorsOrigins, type CodecRoutesOptions } from './routes/codec';
export { apiSettings, ApiSettingsError, DEFAULT_API_PORT, DEFAULT_GATEWAY_URL, type ApiSettings } from './settings';
export { runApi, listen, type RunningApi } from './server';
