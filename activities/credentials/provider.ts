/**
 * A credential provider mints and removes the short-lived identity behind one access request.
 * Implementations must be idempotent: Temporal retries activities, so issuing twice for one
 * request yields one identity, and revoking an identity that is already gone is success.
 */
export interface CredentialRequest {
  /** The access request id (also the Temporal workflow id). Validated by the provider. */
  requestId: string;
  /** Target name from gatehouse.yaml. */
  target: string;
  /** When the grant ends (ISO 8601). Providers may set a backstop expiry from it. */
  expiresAt: string;
}

export interface IssuedCredential {
  /** Opaque reference to the encrypted secret in the vault; safe for workflow history. */
  credentialRef: string;
  /** The identity's name on the data platform (e.g. the Snowflake user), safe to log. */
  principal: string;
}

export interface RevokeRequest {
  requestId: string;
  target: string;
  credentialRef?: string;
}

export interface CredentialProvider {
  readonly kind: string;
  issue(request: CredentialRequest): Promise<IssuedCredential>;
  revoke(request: RevokeRequest): Promise<void>;
  /**
   * Optional: revoke every identity this provider made whose request is no longer active
   * (`isActive` says), so a lost revocation cannot leave a live credential. `isActive` is told
   * what the identity itself records of its grant (its end as issued) where the platform keeps it.
   */
  reconcile?(isActive: (requestId: string, identity?: IdentityRecord) => Promise<boolean>): Promise<ReconcileReport>;
  /**
   * Optional: runs `work` with a reader holding the target's role (for PHI catalog discovery),
   * minted for the occasion and removed after; providers without it cannot discover a catalog.
   */
  readCatalog?<T>(work: (query: (sql: string) => Promise<{ columns: string[]; rows: unknown[][] }>) => Promise<T>): Promise<T>;
  /**
   * Optional: what in the platform's setup keeps this provider from issuing (each problem names
   * the target and the fix), checked as the worker starts.
   */
  setupProblems?(): Promise<string[]>;
}

/** What an issued identity records on the platform about its grant (nothing secret). */
export interface IdentityRecord {
  /** The grant's end as it was when the identity was issued (an extension moves the grant, not this). */
  grantEndedAt?: number;
}

/** What one provider's reconciliation found; principals only, never secrets. */
export interface ReconcileReport {
  target: string;
  /** Identities the provider made that it found on the platform. */
  checked: number;
  /** Identities revoked because their request is no longer active. */
  revoked: string[];
}

/**
 * Where providers keep the secret half of a credential for the gateway. Values are encrypted
 * at rest (AES-256-GCM); only the gateway reads them back.
 */
export interface SecretVault {
  put(ref: string, secret: string, ttlMs: number): Promise<void>;
  get(ref: string): Promise<string | null>;
  delete(ref: string): Promise<void>;
}

/** Runs catalog discovery as a reader with the target's role (CredentialProvider.readCatalog bound to one target). */
export type CatalogReader = <T>(work: (query: (sql: string) => Promise<{ columns: string[]; rows: unknown[][] }>) => Promise<T>) => Promise<T>;
