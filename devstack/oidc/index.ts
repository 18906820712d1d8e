export { startOidcProvider, API_SCOPES, type OidcClient, type OidcPerson, type OidcRelyingParty, type TestOidcProvider } from './provider';
export { developmentClients, developmentPeople, writeClientEnvFiles, clientEnvFile } from './dev-clients';
