export { startOidcProvider, API_SCOPES, type OidcClient, type OidcPerson, type OidcRelyingParty, type TestOidcProvider } from './provider';
export { developmentClients, writeClientEnvFiles, clientEnvFile } from './dev-clients';
