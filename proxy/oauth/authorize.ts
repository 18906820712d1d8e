import type { IncomingMessage, ServerResponse } from 'node:http';
import { AccessError, type AccessClient } from '../../access';
import { formatDuration, parseDuration, safeEqual, within, type GrantRecord, type Logger } from '../../lib';
import { findTarget, type GatehouseConfig } from '../../policy';
import type { AccessStatus } from '../../workflows';
import type { ClientRegistry, OAuthClient } from './clients';
import { signInClient } from './client-identity';
import { OAuthError } from './errors';
import { cookies, readForm, redirect } from './http';
import { canonicalResource, OAUTH_PATHS } from './metadata';
import { errorPage, progressPage, requestPage } from './pages';
import { cookieName, responseUrl, sha256, type Completion, type IssuedCode, type PendingAuthorization } from './pending';
import { matchRedirectUri } from './redirect-uri';
import type { SignIn } from './sign-in';
import { randomToken, type OAuthStore } from './store';
import type { AuthorizationTrail, TrailEvent } from './trail';

/** What the flow needs of the access workflow: the same client Slack and the API use. */
export type AccessPort = Pick<AccessClient, 'request' | 'status' | 'list' | 'signInSteps'>;
export interface GrantPort {
  get(grantId: string): Promise<GrantRecord | null>;
  tokenFor(grantId: string): string;
}

export interface FlowDeps {
  config: GatehouseConfig;
  store: OAuthStore;
  clients: ClientRegistry;
  signIn: SignIn;
  access: AccessPort;
  grants: GrantPort;
  trail: AuthorizationTrail;
  log: Logger;
  /** How long a pending authorization lives: sign-in plus the approval wait. */
  pendingTtlMs: number;
  codeTtlMs: number;
}

const DURATIONS = ['15m', '30m', '1h', '2h', '4h', '8h'];
const PAGE_PATH = /^\/oauth\/authorize\/([A-Za-z0-9_-]{20,64})(\/progress)?$/;

export class AuthorizationFlow {
  constructor(private readonly d: FlowDeps) {}

  static pagePath(pathname: string): { id: string; progress: boolean } | null {
    const m = PAGE_PATH.exec(pathname);
    return m ? { id: m[1]!, progress: Boolean(m[2]) } : null;
  }

  /** GET /oauth/authorize: checks the request, then sends the person to sign in. */
  async start(req: IncomingMessage, res: ServerResponse, issuer: string, url: URL): Promise<void> {
    const q = url.searchParams;
    for (const name of new Set(q.keys())) {
      if (q.getAll(name).length > 1) return errorPage(res, 400, 'Invalid authorization request', `parameter ${name} is repeated`);
    }
    // Until client and redirect URI are known good, errors are shown here, never redirected (open redirects).
    let client: OAuthClient;
    try {
      client = await this.d.clients.resolve(q.get('client_id'));
    } catch (error) {
      if (error instanceof OAuthError) return errorPage(res, 400, 'Unknown application', `${error.error}: ${error.description}`);
      throw error;
    }
    const redirectUri = q.get('redirect_uri');
    if (!redirectUri) return errorPage(res, 400, 'Invalid authorization request', 'redirect_uri is required');
    if (!matchRedirectUri(redirectUri, client.redirectUris)) {
      return errorPage(res, 400, 'Unregistered redirect URI', `invalid_request: ${redirectUri.slice(0, 300)} is not a redirect URI registered for ${client.clientId}`);
    }
    const state = q.get('state') ?? undefined;
    const back = (error: string, description: string) => redirect(res, responseUrl({ redirectUri, state, issuer }, { error, error_description: description }));
    if (q.get('response_type') !== 'code') return back('unsupported_response_type', 'only response_type=code is supported');
    const challenge = q.get('code_challenge');
    if (!challenge) return back('invalid_request', 'code_challenge is required (PKCE with S256)');
    if (q.get('code_challenge_method') !== 'S256') return back('invalid_request', 'code_challenge_method must be S256');
    if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) return back('invalid_request', 'code_challenge is not a base64url SHA-256 value');
    const resource = q.get('resource');
    if (!resource) return back('invalid_target', 'resource is required (RFC 8707): the MCP endpoint URL of the target, e.g. ' + `${issuer}/mcp/<target>`);
    const canonical = canonicalResource(resource);
    if (!canonical) return back('invalid_target', `${resource.slice(0, 300)} is not a resource indicator: an absolute https (or loopback http) URI without a fragment or credentials, e.g. ${issuer}/mcp/<target> (RFC 8707)`);
    const target = targetOf(canonical, issuer, this.d.config);
    if (!target) return back('invalid_target', `${resource.slice(0, 300)} is not an MCP endpoint of this gateway (${this.d.config.targets.map((t) => `${issuer}/mcp/${t.name}`).join(', ')})`);

    const browserSecret = randomToken();
    const { url: signInUrl, checks } = await this.d.signIn.start(issuer + OAUTH_PATHS.callback);
    const identity = signInClient(client, redirectUri, this.d.clients.known);
    const pending: PendingAuthorization = {
      id: randomToken(24), issuer, client: { id: client.clientId, name: client.clientName, kind: client.kind }, identity,
      redirectUri, ...(state !== undefined ? { state } : {}), codeChallenge: challenge, resource: canonical, target,
      browserHash: sha256(browserSecret), csrf: randomToken(), signIn: checks, trail: [], createdAt: new Date().toISOString(),
    };
    pending.trail.push(this.event('client_identified', pending, identityLine(identity)));
    pending.trail.push(this.event('authorization_started', pending, `for ${target}, returning to ${identity.redirectOrigin}`));
    await this.d.store.put('pending', pending.id, pending, this.d.pendingTtlMs);
    await this.d.store.put('signin', checks.state, pending.id, this.d.pendingTtlMs);
    redirect(res, signInUrl, { 'set-cookie': this.cookie(pending, browserSecret) });
  }

  /** GET /oauth/callback: the person is back from the OpenID provider. */
  async callback(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const rpState = url.searchParams.get('state') ?? '';
    const pendingId = rpState ? await this.d.store.take<string>('signin', rpState) : null;
    const pending = pendingId ? await this.d.store.get<PendingAuthorization>('pending', pendingId) : null;
    if (!pending?.signIn) return errorPage(res, 400, 'Sign-in expired', 'this sign-in is unknown, was already completed, or took too long; start again from your MCP client');
    if (!this.sameBrowser(req, pending)) return errorPage(res, 403, 'Different browser', 'this sign-in was started in another browser (or its cookie was lost); start again from your MCP client');
    let who: { subject: string };
    try {
      who = await this.d.signIn.finish(url, pending.signIn);
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      await this.d.store.delete('pending', pending.id);
      this.d.log.info({ clientId: pending.client.id, error: error.error }, 'oauth sign-in failed');
      return redirect(res, responseUrl(pending, { error: error.error, error_description: error.description }));
    }
    delete pending.signIn;
    pending.subject = who.subject;
    pending.trail.push(this.event('signed_in', pending, `at the OpenID provider, from client ${pending.client.id}`));
    await this.d.store.update('pending', pending.id, pending);
    redirect(res, `${pending.issuer}${OAUTH_PATHS.authorize}/${pending.id}`);
  }

  /** GET /oauth/authorize/<id>: the request form, or the progress of the request made. */
  async page(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const pending = await this.signedIn(req, res, id);
    if (!pending) return;
    if (pending.requestId) {
      const progress = await this.progressOf(pending);
      if (progress.next) return redirect(res, progress.next);
      return progressPage(res, { target: pending.target, requestId: pending.requestId, lines: progress.lines, progressUrl: `${OAUTH_PATHS.authorize}/${pending.id}/progress` });
    }
    await this.form(res, pending);
  }

  /** GET /oauth/authorize/<id>/progress: what the progress page polls. */
  async progress(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const pending = await this.d.store.get<PendingAuthorization>('pending', id);
    if (!pending || !this.sameBrowser(req, pending) || !pending.requestId) {
      res.writeHead(404, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ lines: ['This sign-in is no longer pending; start again from your MCP client.'] }));
      return;
    }
    const progress = await this.progressOf(pending);
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(progress));
  }

  /** POST /oauth/authorize/<id>: request access, reuse an active grant, or cancel. */
  async act(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const pending = await this.signedIn(req, res, id);
    if (!pending) {
      req.resume();
      return;
    }
    const origin = req.headers.origin;
    if (origin && origin !== new URL(pending.issuer).origin) return errorPage(res, 403, 'Refused', `a form from ${origin} may not act on this sign-in`);
    const form = await readForm(req);
    const csrf = form.get('csrf') ?? '';
    if (!csrf || !safeEqual(csrf, pending.csrf)) return errorPage(res, 403, 'Refused', 'the form is stale or did not come from this page; reload it and try again');
    if (pending.requestId) return redirect(res, `${OAUTH_PATHS.authorize}/${pending.id}`);
    const action = form.get('action');
    if (action === 'cancel') {
      await this.d.store.delete('pending', pending.id);
      this.d.log.info({ clientId: pending.client.id, actor: pending.subject }, 'oauth sign-in cancelled');
      return redirect(res, responseUrl(pending, { error: 'access_denied', error_description: `${pending.subject} cancelled the request` }));
    }
    if (action === 'reuse') {
      const requestId = form.get('request') ?? '';
      const status = await this.d.access.status(requestId).catch(() => null);
      if (!status || status.requester !== pending.subject || status.target !== pending.target || status.state !== 'ACTIVE') {
        return this.form(res, pending, `${requestId.slice(0, 40)} is not an active access of yours to ${pending.target}`);
      }
      return this.attach(res, pending, requestId, [...pending.trail, this.event('grant_reused', pending, `reuses ${requestId}, active until ${status.expiresAt}; ${identityLine(pending.identity)}`)]);
    }
    if (action !== 'request') return errorPage(res, 400, 'Invalid form', 'unknown action');
    const values = { duration: form.get('duration') ?? '', reason: (form.get('reason') ?? '').trim(), ticket: (form.get('ticket') ?? '').trim() };
    let durationMs: number;
    try {
      durationMs = parseDuration(values.duration);
    } catch (error) {
      return this.form(res, pending, `duration: ${(error as Error).message}`, values);
    }
    if (values.reason.length > 500 || values.ticket.length > 100) return this.form(res, pending, 'the reason (500) or ticket (100 characters) is too long', values);
    try {
      // The sign-in's steps so far travel in the request itself: the workflow's timeline begins with them.
      const steps = [...pending.trail, this.event('request_started', pending, `${formatDuration(durationMs)} asked through ${pending.client.name} (${pending.client.id})`)];
      const started = await this.d.access.request({
        requester: pending.subject!, origin: 'oauth', target: pending.target, durationMs, reason: values.reason, ...(values.ticket ? { ticket: values.ticket } : {}),
        signIn: { client: pending.identity, steps },
      });
      return this.attach(res, pending, started.requestId);
    } catch (error) {
      if (error instanceof AccessError) return this.form(res, pending, error.message, values);
      throw error;
    }
  }

  /** The sign-in now follows `requestId`; `steps` not yet filed (a reused grant's request) are recorded on it first. */
  private async attach(res: ServerResponse, pending: PendingAuthorization, requestId: string, steps: TrailEvent[] = []): Promise<void> {
    if (steps.length) await this.d.trail.record(requestId, steps, { required: true });
    pending.requestId = requestId;
    pending.trail = [];
    await this.d.store.update('pending', pending.id, pending);
    redirect(res, `${OAUTH_PATHS.authorize}/${pending.id}`);
  }

  private async form(res: ServerResponse, pending: PendingAuthorization, error?: string, values?: { duration?: string; reason?: string; ticket?: string }): Promise<void> {
    const target = findTarget(this.d.config, pending.target)!;
    const max = target.maxDuration ?? this.d.config.defaults.maxDuration;
    const durations = DURATIONS.map((v) => ({ v, ms: parseDuration(v) })).filter((x) => x.ms <= max);
    if (!durations.some((x) => x.ms === max)) durations.push({ v: formatDuration(max), ms: max });
    const active = await within(this.d.access.list({ target: pending.target, requester: pending.subject!, state: 'ACTIVE', limit: 10 }), 3_000).catch(() => null) ?? [];
    // Each offer is checked against the workflow and this gateway's grant store; a workflow that does not answer is not offered.
    const checked = await Promise.all(active.map(async (a) => {
      const s = await within(this.d.access.status(a.requestId), 2_000).catch(() => null);
      const live = s?.grantId ? await this.d.grants.get(s.grantId).catch(() => null) : null;
      return s?.state === 'ACTIVE' && s.requester === pending.subject && s.expiresAt && live ? { requestId: a.requestId, expiresAt: s.expiresAt } : null;
    }));
    const activeGrants = checked.filter((g): g is { requestId: string; expiresAt: string } => g !== null);
    requestPage(res, {
      action: `${OAUTH_PATHS.authorize}/${pending.id}`, csrf: pending.csrf,
      target: { name: target.name, description: target.description },
      client: {
        name: pending.client.name, id: pending.client.id, redirectHost: new URL(pending.redirectUri).origin, kind: pending.client.kind,
        nameVerified: pending.identity.nameVerified, verified: pending.identity.verified, ...(pending.identity.impersonates ? { impersonates: pending.identity.impersonates } : {}),
      },
      subject: pending.subject!,
      durations: durations.map((x) => ({ value: x.v, label: formatDuration(x.ms) })),
      activeGrants,
      ...(error ? { error } : {}),
      ...(values ? { values } : { values: { duration: durations.find((x) => x.v === '1h')?.v ?? durations[0]?.v } }),
    });
  }

  /** Where the request stands, in words; once it is decided, where the browser goes (a code, or the OAuth error). */
  private async progressOf(pending: PendingAuthorization): Promise<Completion> {
    const done = await this.d.store.get<Completion>('completion', pending.id);
    if (done) return done;
    const status = await this.d.access.status(pending.requestId!);
    const lines = describe(status);
    const outcome = await this.outcome(pending, status);
    if (!outcome) return { next: '', lines };
    const completion: Completion = { next: outcome.next, lines: [...lines, outcome.line] };
    // One code per authorization, however many pages poll at once.
    if (!(await this.d.store.put('completion', pending.id, completion, this.d.pendingTtlMs, { onlyNew: true }))) {
      if (outcome.code) await this.d.store.delete('code', sha256(outcome.code));
      return (await this.d.store.get<Completion>('completion', pending.id)) ?? completion;
    }
    try {
      await this.d.trail.record(pending.requestId!, [this.event(outcome.code ? 'code_issued' : 'refused', pending, outcome.line)], { required: Boolean(outcome.code) });
    } catch (error) {
      // No code without a record: the code is withdrawn and the page polls again.
      await this.d.store.delete('code', sha256(outcome.code!));
      await this.d.store.delete('completion', pending.id);
      throw error;
    }
    return completion;
  }

  private async outcome(pending: PendingAuthorization, status: AccessStatus): Promise<{ next: string; line: string; code?: string } | null> {
    const refuse = (reason: string) => ({ next: responseUrl(pending, { error: 'access_denied', error_description: reason }), line: reason });
    switch (status.state) {
      case 'ACTIVE': {
        const grant = status.grantId ? await this.d.grants.get(status.grantId) : null;
        if (!grant) return null;
        const code = randomToken();
        const issued: IssuedCode = {
          clientId: pending.client.id, redirectUri: pending.redirectUri, codeChallenge: pending.codeChallenge, resource: pending.resource,
          target: pending.target, requestId: status.requestId, grantId: grant.grantId, subject: pending.subject!,
        };
        await this.d.store.put('code', sha256(code), issued, this.d.codeTtlMs);
        return { code, next: responseUrl(pending, { code }), line: `Returning you to ${pending.client.name} at ${pending.identity.redirectOrigin}.` };
      }
      case 'DENIED':
        return refuse(`request ${status.requestId} was denied by ${status.decision?.by ?? 'an approver'}${status.decision?.reason ? `: ${status.decision.reason}` : ''}`);
      case 'EXPIRED_UNAPPROVED':
        return refuse(`request ${status.requestId} expired: nobody approved it within ${formatDuration(status.policy.approvalTimeoutMs)}`);
      case 'FAILED':
        return refuse(`request ${status.requestId} failed: ${status.failure ?? 'credentials could not be issued'}`);
      case 'REVOKING': case 'REVOKED': case 'ARCHIVED':
        return refuse(`request ${status.requestId} has ended${status.revocation ? ` (revoked by ${status.revocation.by}: ${status.revocation.reason})` : ''}`);
      default:
        return null;
    }
  }

  private async signedIn(req: IncomingMessage, res: ServerResponse, id: string): Promise<PendingAuthorization | null> {
    const pending = await this.d.store.get<PendingAuthorization>('pending', id);
    if (!pending) {
      errorPage(res, 404, 'Sign-in expired', 'this authorization is unknown or took too long; start again from your MCP client');
      return null;
    }
    if (!this.sameBrowser(req, pending)) {
      errorPage(res, 403, 'Different browser', 'this authorization was started in another browser; start again from your MCP client');
      return null;
    }
    if (!pending.subject) {
      errorPage(res, 403, 'Not signed in', 'sign in at the OpenID provider first; start again from your MCP client');
      return null;
    }
    return pending;
  }

  private sameBrowser(req: IncomingMessage, pending: PendingAuthorization): boolean {
    const secret = cookies(req).get(cookieName(pending.id));
    return Boolean(secret) && safeEqual(sha256(secret!), pending.browserHash);
  }

  private cookie(pending: PendingAuthorization, secret: string): string {
    const secure = pending.issuer.startsWith('https:') ? '; Secure' : '';
    return `${cookieName(pending.id)}=${secret}; Path=/oauth; HttpOnly; SameSite=Lax; Max-Age=${Math.ceil(this.d.pendingTtlMs / 1000)}${secure}`;
  }

  private event(type: TrailEvent['type'], pending: PendingAuthorization, detail?: string): TrailEvent {
    return { at: new Date().toISOString(), type, clientId: pending.client.id, ...(pending.subject ? { actor: pending.subject } : {}), ...(detail ? { detail } : {}) };
  }
}

/** The client as the timeline says it: name (verified or claimed), kind, what was checked. */
function identityLine(c: PendingAuthorization['identity']): string {
  const name = c.nameVerified ? `"${c.name}" (verified name)` : `"${c.name}" (name claimed by the client, not verified)`;
  return `${name}, ${c.kind.replace('_', ' ')} client ${c.clientId}; verified: ${c.verified}${c.impersonates ? `; WARNING: the name looks like ${c.impersonates}, which this client is not` : ''}`;
}

/** The target a canonical resource indicator names on this gateway (issuer compared in canonical form too). */
function targetOf(resource: string, issuer: string, config: GatehouseConfig): string | null {
  const prefix = `${canonicalResource(issuer) ?? issuer}/mcp/`;
  if (!resource.startsWith(prefix)) return null;
  const name = resource.slice(prefix.length);
  return config.targets.some((t) => t.name === name) ? name : null;
}

/** The request's progress in words, as the page shows it. */
export function describe(s: AccessStatus): string[] {
  const lines = [`Requested ${formatDuration(s.durationMs)} of access to ${s.target} for "${s.reason}".`];
  if (s.state === 'PENDING_APPROVAL') {
    lines.push(s.policy.autoApproved ? 'Approved automatically by policy.' : `Waiting for approval in #${s.policy.approverChannel.replace(/^#/, '')} (approvers: ${s.policy.approvers.join(', ')}).`);
  }
  if (s.decision) lines.push(s.decision.approved ? `Approved by ${s.decision.by}.` : `Denied by ${s.decision.by}${s.decision.reason ? `: ${s.decision.reason}` : ''}.`);
  if (['APPROVED', 'ISSUING'].includes(s.state)) lines.push('Issuing credentials…');
  if (s.state === 'ACTIVE') lines.push(`Credentials issued; access is active until ${s.expiresAt}.`);
  return lines;
}
