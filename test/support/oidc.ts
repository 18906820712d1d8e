export { startOidcProvider, API_SCOPES, type OidcClient, type TestOidcProvider } from '../../devstack/oidc';
