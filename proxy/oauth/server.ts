import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLogger, type Logger, type Redis } from '../../lib';
import type { GatehouseConfig } from '../../policy';
import { AuthorizationFlow, type AccessPort, type GrantPort } from './authorize';
import { DEFAULT_METADATA_FETCH, type MetadataFetchLimits } from './client-metadata-document';
import { ClientRegistry, DEFAULT_REGISTRATION_LIMITS, type RegistrationLimits } from './clients';
import { OAuthError } from './errors';
import { clientIp, readBody, readForm, sendJson, sendOAuthError } from './http';
import { authorizationServerMetadata, OAUTH_PATHS } from './metadata';
import { errorPage } from './pages';
import { SignIn, type SignInSettings } from './sign-in';
import { OAuthStore } from './store';
import { exchangeCode } from './token';
import { WorkflowAuthorizationTrail, type AuthorizationTrail } from './trail';

export interface AuthorizationServerOptions {
  config: GatehouseConfig;
  redis: Redis;
  /** The access workflow client Slack and the API use: same policy, approvers, auto-approval. */
  access: AccessPort;
  grants: GrantPort;
  /** The organisation's OpenID provider, where people sign in. */
  signIn: SignInSettings;
  /** Clients known in advance (gatehouse.yaml `oauth.clients`). */
  clients?: { clientId: string; name?: string; redirectUris: string[] }[];
  /** Development: client metadata documents on loopback (and over http) are accepted. */
  development?: boolean;
  metadataFetch?: Partial<MetadataFetchLimits>;
  registration?: Partial<RegistrationLimits>;
  /** Trust X-Forwarded-For for the registration rate limit (behind a load balancer). */
  trustProxy?: boolean;
  codeTtlMs?: number;
  trail?: AuthorizationTrail;
  log?: Logger;
}

/**
 * Gatehouse's OAuth 2.1 authorization server for its MCP endpoints (MCP authorization,
 * 2025-11-25): RFC 8414 metadata, client ID metadata documents, RFC 7591 registration, the
 * authorization endpoint (sign-in, then an access request) and the token endpoint (the grant token).
 * The gateway hands it every request first; it answers the ones on its paths.
 */
export class AuthorizationServer {
  private readonly flow: AuthorizationFlow;
  private readonly clients: ClientRegistry;
  private readonly store: OAuthStore;
  private readonly trail: AuthorizationTrail;
  private readonly log: Logger;

  constructor(private readonly options: AuthorizationServerOptions) {
    this.log = options.log ?? createLogger('oauth');
    this.store = new OAuthStore(options.redis);
    const dev = options.development === true;
    this.clients = new ClientRegistry(
      this.store,
      options.clients ?? [],
      { ...DEFAULT_METADATA_FETCH, allowHttp: dev, allowLoopback: dev, ...options.metadataFetch },
      { ...DEFAULT_REGISTRATION_LIMITS, ...options.registration },
    );
    this.trail = options.trail ?? new WorkflowAuthorizationTrail(options.access, this.log);
    const config = options.config;
    this.flow = new AuthorizationFlow({
      config, store: this.store, clients: this.clients, signIn: new SignIn(options.signIn), access: options.access, grants: options.grants,
      trail: this.trail, log: this.log,
      pendingTtlMs: config.defaults.approvalTimeout + 15 * 60_000,
      codeTtlMs: options.codeTtlMs ?? 60_000,
    });
  }

  /** The steps of OAuth sign-ins recorded for a request (from its workflow's timeline). */
  trailOf(requestId: string) {
    return this.trail.read(requestId);
  }

  /** Answers the request when it is for the authorization server; false otherwise. `issuer` is the gateway's public base URL. */
  async handle(req: IncomingMessage, res: ServerResponse, issuer: string): Promise<boolean> {
    const url = new URL(req.url ?? '/', issuer);
    const path = url.pathname;
    const page = AuthorizationFlow.pagePath(path);
    const ours = page || (Object.values(OAUTH_PATHS) as string[]).includes(path) || path.startsWith(`${OAUTH_PATHS.metadata}/`);
    if (!ours) return false;
    try {
      await this.route(req, res, issuer, url, page);
    } catch (error) {
      req.resume();
      if (res.headersSent) {
        res.end();
      } else if (error instanceof OAuthError) {
        if (path === OAUTH_PATHS.token || path === OAUTH_PATHS.register) sendOAuthError(res, error);
        else errorPage(res, error.status, 'Sign-in failed', `${error.error}: ${error.description}`);
      } else {
        this.log.error({ path, err: (error as Error).message }, 'authorization server error');
        const failure = new OAuthError('server_error', 'the authorization server failed on this request; nothing was issued', 500);
        if (path === OAUTH_PATHS.token || path === OAUTH_PATHS.register) sendOAuthError(res, failure);
        else errorPage(res, 500, 'Sign-in failed', failure.description);
      }
    }
    return true;
  }

  private async route(req: IncomingMessage, res: ServerResponse, issuer: string, url: URL, page: { id: string; progress: boolean } | null): Promise<void> {
    const method = req.method ?? 'GET';
    const only = (allowed: string) => {
      if (method !== allowed) throw new OAuthError('invalid_request', `use ${allowed} here`, 405, { allow: allowed });
    };
    if (page) {
      if (page.progress) return only('GET'), this.flow.progress(req, res, page.id);
      if (method === 'POST') return this.flow.act(req, res, page.id);
      return only('GET'), this.flow.page(req, res, page.id);
    }
    switch (url.pathname) {
      case OAUTH_PATHS.metadata:
        only('GET');
        return sendJson(res, 200, authorizationServerMetadata(issuer), { 'cache-control': 'max-age=300' });
      case OAUTH_PATHS.authorize:
        only('GET');
        return this.flow.start(req, res, issuer, url);
      case OAUTH_PATHS.callback:
        only('GET');
        return this.flow.callback(req, res, url);
      case OAUTH_PATHS.register: {
        only('POST');
        if (!/^application\/json\b/i.test(String(req.headers['content-type'] ?? ''))) throw new OAuthError('invalid_client_metadata', 'send the client metadata as application/json');
        let body: unknown;
        try {
          body = JSON.parse(await readBody(req, 16 * 1024));
        } catch (error) {
          if (error instanceof OAuthError) throw error;
          throw new OAuthError('invalid_client_metadata', 'the body is not JSON');
        }
        const registered = await this.clients.register(body, clientIp(req, this.options.trustProxy === true));
        this.log.info({ clientId: registered.client_id, clientName: registered.client_name }, 'oauth client registered');
        return sendJson(res, 201, registered);
      }
      case OAUTH_PATHS.token: {
        only('POST');
        const form = await readForm(req);
        const answer = await exchangeCode(form, { store: this.store, clients: this.clients, grants: this.options.grants, trail: this.trail, usedCodeMemoryMs: 15 * 60_000 });
        return sendJson(res, 200, answer);
      }
      default:
        // Path-suffixed metadata (/.well-known/oauth-authorization-server/...) names an issuer this server is not.
        throw new OAuthError('invalid_request', `nothing at ${url.pathname}; the authorization server metadata is at ${issuer}${OAUTH_PATHS.metadata}`, 404);
    }
  }
}
