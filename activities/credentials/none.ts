import type { CredentialProvider, CredentialRequest, IssuedCredential } from './provider';

/** The provider name of `credentials: none` in gatehouse.yaml. */
export const NO_CREDENTIALS = 'none';

/** How a grant without a credential names its holder: the grant itself, not an identity anywhere. */
export const GRANT_ONLY_PRINCIPAL = 'grant:';

/**
 * For targets whose upstream needs no credential (`credentials: none`): the grant is still
 * requested, approved, recorded and revoked, but no identity is minted anywhere and nothing is
 * stored in the vault. The reference names the request only; it never resolves to a secret.
 */
export class NoCredentialProvider implements CredentialProvider {
  readonly kind = NO_CREDENTIALS;

  constructor(readonly target: string) {}

  issue(request: CredentialRequest): Promise<IssuedCredential> {
    return Promise.resolve({ credentialRef: `none:${request.requestId}`, principal: `${GRANT_ONLY_PRINCIPAL}${request.requestId}` });
  }

  revoke(): Promise<void> {
    return Promise.resolve();
  }
}
