import type { Logger, Redis } from '../../lib';

/** One step of an OAuth sign-in, as the request's audit trail keeps it. Nothing secret. */
export interface TrailEvent {
  at: string;
  type: 'authorization_started' | 'signed_in' | 'request_started' | 'grant_reused' | 'code_issued' | 'token_issued' | 'refused' | 'cancelled';
  /** Who: the signed-in person, once known. */
  actor?: string;
  clientId: string;
  detail?: string;
}

const TRAIL = 'gatehouse:oauth:trail:';
const KEEP_MS = 400 * 24 * 3600_000;

/** Where the steps of a sign-in are recorded, per access request. */
export interface AuthorizationTrail {
  record(requestId: string, events: TrailEvent[]): Promise<void>;
  read(requestId: string): Promise<TrailEvent[]>;
}

/** The trail in Redis (a list per request, kept past the archive's reach) and in the log. */
export class RedisAuthorizationTrail implements AuthorizationTrail {
  constructor(private readonly redis: Redis, private readonly log: Logger) {}

  async record(requestId: string, events: TrailEvent[]): Promise<void> {
    if (!events.length) return;
    for (const e of events) this.log.info({ requestId, oauth: e.type, actor: e.actor, clientId: e.clientId, detail: e.detail }, 'oauth sign-in step');
    await this.redis.multi().rpush(TRAIL + requestId, ...events.map((e) => JSON.stringify(e))).pexpire(TRAIL + requestId, KEEP_MS).exec();
  }

  async read(requestId: string): Promise<TrailEvent[]> {
    return (await this.redis.lrange(TRAIL + requestId, 0, -1)).map((raw) => JSON.parse(raw) as TrailEvent);
  }
}
