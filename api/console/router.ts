// The audit console's routes: sign-in with the organisation's OpenID provider, then server-rendered
// pages for auditors (find, one request, export). Every page is HTML with one script and one
// stylesheet from this origin, under a CSP that allows nothing else.
import type { KeyObject } from 'node:crypto';
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { buildEvidencePack, evidencePackZip, HistoryError, PageTokenError, type AuditReader, type EvidencePack, type RequestIndex } from '../../audit';
import { isRequestId, safeEqual, type Logger, type Redis } from '../../lib';
import { mayReadAudit, sqlArgumentsFor, type GatehouseConfig } from '../../policy';
import { CONSOLE_CSS, CONSOLE_SCRIPT } from './assets';
import { EMPTY_FIND_QUERY, FilterError, parseFindQuery } from './filters';
import { consoleHref, layout, type Html } from './html';
import { exportPage } from './pages/export';
import { findPage } from './pages/find';
import { messagePage, refusedPage } from './pages/messages';
import { requestPage } from './pages/request';
import { ConsoleSessions, type ConsoleSession } from './sessions';
import type { ConsoleSettings } from './settings';
import { ConsoleSignIn, SignInError } from './sign-in';

export interface ConsoleOptions {
  settings: ConsoleSettings;
  redis: Redis;
  config: Pick<GatehouseConfig, 'audit' | 'groups' | 'targets'>;
  reader: AuditReader;
  index: RequestIndex;
  /** Signs evidence packs when the API holds the archive key. */
  signingKey?: () => KeyObject | undefined;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Requests per page of the find list (default 50). */
  pageSize?: number;
  /** Longest period one export may cover (default 366 days). */
  maxExportMs?: number;
  now?: () => number;
}

export const CONSOLE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * The console's CSP. The sign-out form's answer redirects to the provider's end_session_endpoint,
 * and browsers hold a form's redirects to form-action too: the provider's origin is allowed there, nothing else.
 */
export function consoleCsp(providerOrigin?: string): string {
  return providerOrigin ? CONSOLE_CSP.replace("form-action 'self'", `form-action 'self' ${providerOrigin}`) : CONSOLE_CSP;
}

const RETURN_PATH = /^\/console(?:\/[A-Za-z0-9_/-]*)?(?:\?[A-Za-z0-9_.~%&=+:@-]*)?$/;
/** Where to go after signing in: only a path of this console, never another site. */
export function safeReturnPath(value: unknown): string {
  return typeof value === 'string' && value.length <= 2000 && RETURN_PATH.test(value) && !value.startsWith('//') ? value : '/console';
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The browser says this request came from a page of another site (Fetch Metadata); typed URLs, bookmarks and the console's own pages do not. */
const startedElsewhere = (req: Request) => ['cross-site', 'same-site'].includes(String(req.headers['sec-fetch-site'] ?? ''));

export function createConsoleRouter(options: ConsoleOptions): Router {
  const { settings, config, reader, index, log } = options;
  const pageSize = options.pageSize ?? 50;
  const maxExportMs = options.maxExportMs ?? 366 * 86_400_000;
  const sessions = new ConsoleSessions(options.redis, { ttlMs: settings.sessionTtlMs, idleMs: settings.idleTimeoutMs, secure: settings.secureCookies, ...(options.now ? { now: options.now } : {}) });
  const signIn = new ConsoleSignIn(settings);
  const targets = config.targets.map((t) => t.name);
  const router = express.Router({ caseSensitive: true, strict: false });
  const csp = consoleCsp(new URL(settings.issuer).origin);

  router.use('/console', (_req, res, next) => {
    res.set({
      'content-security-policy': csp, 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY',
      'referrer-policy': 'same-origin', 'cache-control': 'no-store', 'cross-origin-opener-policy': 'same-origin',
    });
    next();
  });

  const send = (res: Response, status: number, title: string, body: Html, session?: ConsoleSession, section?: 'find' | 'export') => {
    res.status(status).type('html').send(layout({ title, body, ...(session ? { who: session } : {}), ...(section ? { section } : {}) }));
  };
  const fail = (res: Response, status: number, title: string, lines: string[], session?: ConsoleSession) => send(res, status, title, messagePage(lines, { href: '/console', text: 'Back to the console' }), session);

  /** Signed in and an auditor: the page runs; otherwise to the sign-in, or the refusal. */
  const auditor = (handler: (req: Request, res: Response, session: ConsoleSession) => Promise<void>): RequestHandler => async (req, res, next: NextFunction) => {
    try {
      const session = await sessions.current(req);
      if (!session) {
        res.redirect(303, consoleHref('/console/sign-in', { return: safeReturnPath(req.originalUrl) }));
        return;
      }
      if (!mayReadAudit(config, session)) {
        log.warn({ subject: session.subject }, 'console: refused a signed-in person who is not an audit reader');
        send(res, 403, 'Not an auditor', refusedPage(session.subject, session.groups), session);
        return;
      }
      await handler(req, res, session);
    } catch (error) {
      next(error);
    }
  };

  router.get('/console/console.css', (_req, res) => {
    res.type('text/css').send(CONSOLE_CSS);
  });
  router.get('/console/console.js', (_req, res) => {
    res.type('text/javascript').send(CONSOLE_SCRIPT);
  });

  router.get('/console/sign-in', async (req, res) => {
    try {
      const { url, checks } = await signIn.start();
      await sessions.begin(res, checks, safeReturnPath(req.query.return));
      res.redirect(303, url);
    } catch (error) {
      if (!(error instanceof SignInError)) throw error;
      fail(res, error.status, 'Sign-in unavailable', [error.message]);
    }
  });

  router.get('/console/callback', async (req, res) => {
    const state = typeof req.query.state === 'string' ? req.query.state : undefined;
    const pending = await sessions.take(req, res, state);
    if (typeof req.query.error === 'string') {
      const detail = typeof req.query.error_description === 'string' ? req.query.error_description.slice(0, 300) : req.query.error.slice(0, 100);
      send(res, 403, 'Sign-in refused', messagePage([`The identity provider refused the sign-in: ${detail}`], { href: '/console/sign-in', text: 'Try again' }));
      return;
    }
    if (!pending) {
      send(res, 400, 'Sign-in expired', messagePage(['This sign-in was not started in this browser, was already used, or took longer than 10 minutes.'], { href: '/console/sign-in', text: 'Sign in again' }));
      return;
    }
    try {
      const { idToken, ...person } = await signIn.finish(new URL(req.originalUrl, settings.publicUrl), pending);
      await sessions.create(res, person, idToken);
      log.info({ subject: person.subject, auditor: mayReadAudit(config, person) }, 'console: signed in');
      res.redirect(303, pending.returnTo);
    } catch (error) {
      if (!(error instanceof SignInError)) throw error;
      send(res, error.status, 'Sign-in failed', messagePage([error.message], { href: '/console/sign-in', text: 'Sign in again' }));
    }
  });

  router.post('/console/sign-out', express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 5 }), async (req, res) => {
    const session = await sessions.current(req);
    const csrf = (req.body as Record<string, unknown> | undefined)?.csrf;
    const origin = req.headers.origin;
    if (!session || typeof csrf !== 'string' || !safeEqual(csrf, session.csrf) || (origin !== undefined && origin !== settings.publicUrl)) {
      fail(res, 403, 'Not signed out', ['This sign-out did not come from a console page of your session, so nothing was done. Use the Sign out button.'], session);
      return;
    }
    await sessions.end(req, res);
    // Then at the provider too, when it offers that: else its single sign-on would sign the browser straight back in.
    const atProvider = await signIn.endSessionUrl(session.idTokenHint);
    log.info({ subject: session.subject, atProvider: Boolean(atProvider) }, 'console: signed out');
    res.redirect(303, atProvider ?? '/console/signed-out');
  });

  router.get('/console/signed-out', (_req, res) => {
    send(res, 200, 'Signed out', messagePage(['You are signed out of the audit console.'], { href: '/console/sign-in', text: 'Sign in again' }));
  });

  router.get('/console', auditor(async (req, res, session) => {
    let parsed;
    try {
      parsed = parseFindQuery(req.query as Record<string, unknown>);
    } catch (error) {
      if (!(error instanceof FilterError)) throw error;
      send(res, 400, 'Find requests', findPage({ form: { ...EMPTY_FIND_QUERY }, targets, problems: error.problems, pageSize }), session, 'find');
      return;
    }
    try {
      const [page, total] = await Promise.all([
        index.find(parsed.filters, { pageSize, ...(parsed.form.page ? { page: parsed.form.page } : {}) }),
        index.count(parsed.filters).catch(() => undefined),
      ]);
      send(res, 200, 'Find requests', findPage({ form: parsed.form, targets, page, ...(total !== undefined ? { total } : {}), pageSize }), session, 'find');
    } catch (error) {
      if (!(error instanceof PageTokenError)) throw error;
      send(res, 400, 'Find requests', findPage({ form: { ...parsed.form, page: '' }, targets, problems: [error.message], pageSize }), session, 'find');
    }
  }));

  const evidenceOf = async (res: Response, session: ConsoleSession, id: string) => {
    const shown = id.slice(0, 80);
    if (!isRequestId(id)) {
      fail(res, 400, 'Not a request id', [`"${shown}" is not a request id: they look like req_ followed by 20 letters and digits.`], session);
      return undefined;
    }
    try {
      return await reader.evidence(id);
    } catch (error) {
      if (error instanceof HistoryError && error.code === 'NOT_FOUND') {
        fail(res, 404, 'No such request', [`There is no access request ${id}.`], session);
        return undefined;
      }
      if (error instanceof HistoryError && error.code === 'UNREADABLE') {
        const v = error.visible;
        log.warn({ requestId: id, err: error.message }, 'console: a request cannot be read');
        fail(res, 503, 'Request cannot be read', [
          `The status of ${id} cannot be read now: ${error.message.slice(0, 300)}.`,
          ...(v ? [`Temporal visibility holds: ${v.workflowStatus}, started ${v.startTime.toISOString()}, requester ${v.requester ?? '?'}, target ${v.target ?? '?'}, state ${v.state ?? '?'}.`] : []),
          'Its evidence pack and the period export list it as unreadable. Try again when its worker runs.',
        ], session);
        return undefined;
      }
      throw error;
    }
  };

  router.get('/console/requests/:id', auditor(async (req, res, session) => {
    const id = String(req.params.id);
    const item = await evidenceOf(res, session, id);
    if (!item) return;
    log.info({ subject: session.subject, requestId: id }, 'console: request read');
    const target = config.targets.find((t) => t.name === item.history.status.target);
    send(res, 200, `Request ${id}`, requestPage(item, target ? (tool) => sqlArgumentsFor(target, tool) : undefined), session);
  }));

  router.get('/console/requests/:id/evidence', auditor(async (req, res, session) => {
    const id = String(req.params.id);
    const item = await evidenceOf(res, session, id);
    if (!item) return;
    const start = item.history.startTime;
    const pack = buildEvidencePack({ from: start, to: new Date(start.getTime() + 1), items: [item], ...(signingKeyOf() ? { signingKey: signingKeyOf()! } : {}) });
    log.info({ subject: session.subject, requestId: id }, 'console: evidence pack of a request downloaded');
    sendZip(res, pack, `gatehouse-evidence-${id}`);
  }));

  /** The pack as a zip download whose files sit in a folder of the same name. */
  const sendZip = (res: Response, pack: EvidencePack, name: string) => {
    res.status(200).type('application/zip').attachment(`${name}.zip`).send(evidencePackZip(pack, name));
  };

  const signingKeyOf = () => {
    try {
      return options.signingKey?.();
    } catch {
      return undefined;
    }
  };

  router.get('/console/export', auditor(async (_req, res, session) => {
    const now = options.now?.() ?? Date.now();
    send(res, 200, 'Export evidence', exportPage({ from: day(new Date(now - 30 * 86_400_000)), to: day(new Date(now)), maxDays: Math.round(maxExportMs / 86_400_000) }), session, 'export');
  }));

  router.get('/console/export/pack', auditor(async (req, res, session) => {
    const problems: string[] = [];
    const read = (name: 'from' | 'to') => {
      const value = req.query[name];
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
        problems.push(`"${name}" must be a day such as 2026-01-31`);
        return undefined;
      }
      return new Date(`${value}T00:00:00.000Z`);
    };
    const from = read('from');
    const toDay = read('to');
    const to = toDay && new Date(toDay.getTime() + 86_400_000);
    if (from && to && to <= from) problems.push('"to" must be on or after "from"');
    if (from && to && to.getTime() - from.getTime() > maxExportMs) problems.push(`one pack covers at most ${Math.round(maxExportMs / 86_400_000)} days; split the period`);
    if (problems.length || !from || !to) {
      const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 40) : '');
      send(res, 400, 'Export evidence', exportPage({ from: text(req.query.from), to: text(req.query.to), problems, maxDays: Math.round(maxExportMs / 86_400_000) }), session, 'export');
      return;
    }
    // A link on another site (or one an agent posted) would make an auditor's browser run a period's
    // export, the costliest read there is: it gets the form filled in instead, and the auditor decides.
    if (startedElsewhere(req)) {
      log.warn({ subject: session.subject, site: req.headers['sec-fetch-site'] }, 'console: an export link followed from another site was not run');
      send(res, 200, 'Export evidence', exportPage({ from: day(from), to: day(toDay!), notice: 'This export was asked for by a link from another site, so it was not started. Check the period and download it here if you want it.', maxDays: Math.round(maxExportMs / 86_400_000) }), session, 'export');
      return;
    }
    const pack = await reader.export(from, to, signingKeyOf());
    if (pack.summary.unreadable > 0) log.warn({ subject: session.subject, unreadable: pack.summary.unreadable }, 'console: exported a pack listing requests whose status could not be read');
    log.info({ subject: session.subject, from: from.toISOString(), to: to.toISOString(), requests: pack.summary.requests }, 'console: evidence pack exported');
    sendZip(res, pack, `gatehouse-evidence-${day(from)}-to-${day(toDay!)}`);
  }));

  router.use('/console', (req, res) => {
    fail(res, 404, 'Not found', [`There is no console page ${req.path.slice(0, 100)}.`]);
  });

  // A failure in a console page is shown as a page, never as a stack trace; the log has the detail.
  router.use('/console', (error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    log.error({ err: (error as Error)?.message, code: (error as { code?: unknown })?.code, path: req.path }, 'console: page failed');
    fail(res, 503, 'Something failed', ['The console could not read what it needed (Temporal, Redis or the archive store). Try again shortly; if it persists, the API log has the detail.']);
  });

  return router;
}
