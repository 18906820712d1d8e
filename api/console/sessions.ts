// Console sessions live in Redis under the SHA-256 of their id, so neither a Redis dump nor a
// log holds a cookie that works. The cookie carries only the random id.
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { safeEqual, sha256Hex, type Redis } from '../../lib';
import type { SignInChecks, SignedInPerson } from './sign-in';

export interface ConsoleSession extends SignedInPerson {
  /** Sent back with every form that changes something (sign-out). */
  csrf: string;
  signedInAt: string;
  /** The absolute end, whatever happens. */
  expiresAt: string;
  /** The last page read; the session ends when it is older than the idle timeout. */
  lastSeenAt: string;
  /** The provider's ID token, kept only as id_token_hint for ending the provider's session at sign-out (never shown or logged). */
  idTokenHint?: string;
}

interface PendingSignIn extends SignInChecks {
  /** Where to go after signing in (a /console path). */
  returnTo: string;
}

const SESSION_KEY = (id: string) => `gatehouse:console:session:${sha256Hex(id)}`;
const PENDING_KEY = (state: string) => `gatehouse:console:sign-in:${sha256Hex(state)}`;
/** A sign-in not completed by then must start again. */
const PENDING_TTL_S = 600;
/** The idle clock is moved at most this often (one Redis write per session per period, not per page). */
const TOUCH_EVERY_MS = 15_000;

export interface CookieNames { session: string; signIn: string }

export function cookieNames(secure: boolean): CookieNames {
  // __Host-: the browser takes it only with Secure, Path=/ and no Domain, so no sibling host can plant one.
  return secure ? { session: '__Host-gatehouse-console', signIn: '__Host-gatehouse-console-sign-in' } : { session: 'gatehouse-console', signIn: 'gatehouse-console-sign-in' };
}

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    if (part.slice(0, at).trim() === name) {
      const value = part.slice(at + 1).trim();
      return /^[A-Za-z0-9_-]{16,200}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

export class ConsoleSessions {
  readonly cookies: CookieNames;

  constructor(private readonly redis: Redis, private readonly options: { ttlMs: number; idleMs: number; secure: boolean; now?: () => number }) {
    this.cookies = cookieNames(options.secure);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private setCookie(res: Response, name: string, value: string, maxAgeMs: number): void {
    res.cookie(name, value, { httpOnly: true, secure: this.options.secure, sameSite: 'lax', path: '/', maxAge: maxAgeMs });
  }

  private clearCookie(res: Response, name: string): void {
    res.clearCookie(name, { httpOnly: true, secure: this.options.secure, sameSite: 'lax', path: '/' });
  }

  /** Remembers a sign-in in flight; its state also goes in a cookie, so only this browser can complete it. */
  async begin(res: Response, checks: SignInChecks, returnTo: string): Promise<void> {
    await this.redis.set(PENDING_KEY(checks.state), JSON.stringify({ ...checks, returnTo } satisfies PendingSignIn), 'EX', PENDING_TTL_S);
    this.setCookie(res, this.cookies.signIn, checks.state, PENDING_TTL_S * 1000);
  }

  /** The sign-in this browser started with this state, once (a second use finds nothing). */
  async take(req: Request, res: Response, state: string | undefined): Promise<PendingSignIn | undefined> {
    const cookie = readCookie(req, this.cookies.signIn);
    this.clearCookie(res, this.cookies.signIn);
    if (!state || !cookie || !safeEqual(cookie, state)) return undefined;
    const raw = await this.redis.getdel(PENDING_KEY(state));
    return raw ? (JSON.parse(raw) as PendingSignIn) : undefined;
  }

  async create(res: Response, person: SignedInPerson, idTokenHint?: string): Promise<ConsoleSession> {
    const id = randomBytes(32).toString('base64url');
    const now = this.now();
    const session: ConsoleSession = {
      ...person, csrf: randomBytes(24).toString('base64url'), signedInAt: new Date(now).toISOString(), expiresAt: new Date(now + this.options.ttlMs).toISOString(),
      lastSeenAt: new Date(now).toISOString(), ...(idTokenHint ? { idTokenHint } : {}),
    };
    await this.store(id, session, now);
    this.setCookie(res, this.cookies.session, id, this.options.ttlMs);
    return session;
  }

  /** Kept in Redis until the sooner of its idle end and its absolute end. */
  private async store(id: string, session: ConsoleSession, now: number): Promise<void> {
    const ttl = Math.min(this.options.idleMs, Date.parse(session.expiresAt) - now);
    if (ttl > 0) await this.redis.set(SESSION_KEY(id), JSON.stringify(session), 'PX', ttl);
  }

  /** The browser's live session, or undefined (none, unknown, expired, or idle too long); reading it counts as activity. */
  async current(req: Request): Promise<ConsoleSession | undefined> {
    const id = readCookie(req, this.cookies.session);
    if (!id) return undefined;
    const raw = await this.redis.get(SESSION_KEY(id));
    if (!raw) return undefined;
    const session = JSON.parse(raw) as ConsoleSession;
    const now = this.now();
    const lastSeen = Date.parse(session.lastSeenAt ?? session.signedInAt);
    if (!(Date.parse(session.expiresAt) > now) || !(now - lastSeen < this.options.idleMs)) {
      await this.redis.del(SESSION_KEY(id));
      return undefined;
    }
    if (now - lastSeen >= TOUCH_EVERY_MS) {
      session.lastSeenAt = new Date(now).toISOString();
      await this.store(id, session, now);
    }
    return session;
  }

  async end(req: Request, res: Response): Promise<void> {
    const id = readCookie(req, this.cookies.session);
    if (id) await this.redis.del(SESSION_KEY(id));
    this.clearCookie(res, this.cookies.session);
  }
}
