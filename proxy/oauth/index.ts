// The gateway's OAuth 2.1 authorization server: MCP clients sign in with nothing but the URL,
// and the sign-in becomes an access request (see README.md beside this file).
export { AuthorizationServer, type AuthorizationServerOptions } from './server';
export { OAuthError, type OAuthErrorCode } from './errors';
export { authorizationServerMetadata, canonicalResource, resourceFor, sameResource, OAUTH_PATHS } from './metadata';
export { matchRedirectUri, redirectUriProblem } from './redirect-uri';
export { fetchClientMetadataDocument, addressProblem, DEFAULT_METADATA_FETCH, type MetadataFetchLimits } from './client-metadata-document';
export type { SignInSettings } from './sign-in';
export { WorkflowAuthorizationTrail, type AuthorizationTrail, type TrailEvent } from './trail';
export { signInClient, skeleton } from './client-identity';
export type { AccessPort, GrantPort } from './authorize';
export { oauthFromEnvironment, type OAuthEnvironment } from './settings';
