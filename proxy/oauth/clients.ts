import { z } from 'zod';
import { OAuthError } from './errors';
import { fetchClientMetadataDocument, metadataUrlProblem, type MetadataFetchLimits } from './client-metadata-document';
import { redirectUriProblem } from './redirect-uri';
import { randomToken, type OAuthStore } from './store';

/** A client this server knows, however it came to know it. Public clients only: PKCE, no secret. */
export interface OAuthClient {
  clientId: string;
  clientName: string;
  redirectUris: string[];
  kind: 'preregistered' | 'metadata_document' | 'dynamic';
  /** Dynamic clients: when and from which address they registered themselves. */
  registeredAt?: string;
  registeredFrom?: string;
  /** Metadata document clients: when the document was fetched. */
  fetchedAt?: string;
}

export interface RegistrationLimits {
  /** Dynamic registrations one address may make per hour. */
  perIpPerHour: number;
  /** A registration nobody used for this long is forgotten (each use renews it). */
  unusedExpiryMs: number;
  /** How long a fetched metadata document is trusted before it is fetched again. */
  documentCacheMs: number;
}

export const DEFAULT_REGISTRATION_LIMITS: RegistrationLimits = { perIpPerHour: 20, unusedExpiryMs: 7 * 24 * 3600_000, documentCacheMs: 5 * 60_000 };

const DYNAMIC_PREFIX = 'ghc_';

/**
 * Why a client name cannot be shown to approvers, or null. A name is the client's own claim and
 * lands in Slack, history and the archive: no control or bidirectional-override characters (which
 * reorder what a reader sees), nothing shaped like a grant token (the archive refuses those).
 */
export function clientNameProblem(name: string): string | null {
  if (/[\p{Cc}\p{Cf}\u2028\u2029]/u.test(name)) return 'client_name has control or invisible formatting characters (e.g. bidirectional overrides); use plain text';
  if (/ghg_/i.test(name)) return 'client_name may not contain "ghg_" (the grant token prefix)';
  return null;
}

/** RFC 7591 §2 metadata a registration may send; unknown members are ignored, as §3.1 allows. */
const registrationSchema = z.object({
  redirect_uris: z.array(z.string().max(2000)).min(1, 'at least one redirect URI is required').max(10),
  client_name: z.string().max(200).optional(),
  token_endpoint_auth_method: z.string().optional(),
  grant_types: z.array(z.string()).optional(),
  response_types: z.array(z.string()).optional(),
  scope: z.string().max(1000).optional(),
  client_uri: z.string().max(2000).optional(),
  software_id: z.string().max(200).optional(),
  software_version: z.string().max(200).optional(),
});

/**
 * Resolves a client_id in the MCP specification's order: clients pre-registered in
 * gatehouse.yaml, then Client ID Metadata Documents (a client_id that is an https URL), then
 * clients registered dynamically (RFC 7591) as a fallback for older clients.
 */
export class ClientRegistry {
  private readonly preregistered: Map<string, OAuthClient>;

  constructor(
    private readonly store: OAuthStore,
    preregistered: { clientId: string; name?: string; redirectUris: string[] }[],
    private readonly fetchLimits: MetadataFetchLimits,
    private readonly limits: RegistrationLimits = DEFAULT_REGISTRATION_LIMITS,
  ) {
    this.preregistered = new Map(preregistered.map((c) => [c.clientId, { clientId: c.clientId, clientName: c.name ?? c.clientId, redirectUris: c.redirectUris, kind: 'preregistered' }]));
  }

  /** The clients gatehouse.yaml names: their names are the only verified ones. */
  get known(): OAuthClient[] {
    return [...this.preregistered.values()];
  }

  async resolve(clientId: string | null): Promise<OAuthClient> {
    if (!clientId) throw new OAuthError('invalid_request', 'client_id is required');
    const known = this.preregistered.get(clientId);
    if (known) return known;
    if (/^https?:\/\//i.test(clientId)) return this.fromDocument(clientId);
    if (clientId.startsWith(DYNAMIC_PREFIX)) {
      const registered = await this.store.get<OAuthClient>('client', clientId);
      if (registered) {
        await this.store.touch('client', clientId, this.limits.unusedExpiryMs);
        return registered;
      }
    }
    throw new OAuthError('invalid_client', `unknown client_id ${JSON.stringify(clientId.slice(0, 200))}: not pre-registered, not a metadata document URL, and not registered here (unused registrations expire); register again`, 401);
  }

  private async fromDocument(clientId: string): Promise<OAuthClient> {
    const problem = metadataUrlProblem(clientId, this.fetchLimits);
    if (problem) throw new OAuthError('invalid_client', `client_id ${clientId.slice(0, 200)}: ${problem}`, 401);
    const cacheId = Buffer.from(clientId).toString('base64url');
    const cached = await this.store.get<OAuthClient>('document', cacheId);
    if (cached) return cached;
    const doc = await fetchClientMetadataDocument(clientId, this.fetchLimits);
    const nameProblem = doc.client_name ? clientNameProblem(doc.client_name) : null;
    if (nameProblem) throw new OAuthError('invalid_client', `client_id ${clientId.slice(0, 200)}: the metadata document's ${nameProblem}`, 401);
    const client: OAuthClient = { clientId, clientName: doc.client_name?.trim() || new URL(clientId).host, redirectUris: doc.redirect_uris, kind: 'metadata_document', fetchedAt: new Date().toISOString() };
    await this.store.put('document', cacheId, client, this.limits.documentCacheMs);
    return client;
  }

  /** RFC 7591 dynamic registration; answers the client information response. */
  async register(body: unknown, ip: string): Promise<Record<string, unknown>> {
    const count = await this.store.count('register-rate', ip, 3600_000);
    if (count > this.limits.perIpPerHour) {
      throw new OAuthError('slow_down', `too many registrations from this address (at most ${this.limits.perIpPerHour} per hour); reuse the client you registered, or use a client ID metadata document`, 429, { 'retry-after': '3600' });
    }
    const parsed = registrationSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const code = issue.path[0] === 'redirect_uris' ? 'invalid_redirect_uri' : 'invalid_client_metadata';
      throw new OAuthError(code, `${issue.path.join('.') || 'body'}: ${issue.message}`);
    }
    const meta = parsed.data;
    const nameProblem = meta.client_name ? clientNameProblem(meta.client_name) : null;
    if (nameProblem) throw new OAuthError('invalid_client_metadata', nameProblem);
    const badUri = meta.redirect_uris.map(redirectUriProblem).find(Boolean);
    if (badUri) throw new OAuthError('invalid_redirect_uri', badUri);
    const grants = meta.grant_types ?? ['authorization_code'];
    if (grants.some((g) => g !== 'authorization_code' && g !== 'refresh_token')) {
      throw new OAuthError('invalid_client_metadata', `grant_types ${grants.join(', ')}: only authorization_code is supported here (agents without a person use the REST API)`);
    }
    if ((meta.response_types ?? ['code']).some((t) => t !== 'code')) throw new OAuthError('invalid_client_metadata', 'response_types: only code is supported');
    const client: OAuthClient = {
      clientId: DYNAMIC_PREFIX + randomToken(18),
      clientName: meta.client_name?.trim() || 'unnamed MCP client',
      redirectUris: meta.redirect_uris,
      kind: 'dynamic',
      registeredAt: new Date().toISOString(),
      registeredFrom: ip,
    };
    await this.store.put('client', client.clientId, client, this.limits.unusedExpiryMs);
    // Public client: whatever authentication method was asked for, the answer is none (PKCE binds the code).
    return {
      client_id: client.clientId,
      client_id_issued_at: Math.floor(Date.now() / 1000),
      client_name: client.clientName,
      redirect_uris: client.redirectUris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
}
