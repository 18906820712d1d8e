// The REST half of the load: auto-approved access requests through the API, followed to ACTIVE as a
// client is asked to (long-polls; after a 503 wait Retry-After and ask again), then revoked.
import { randomBytes } from 'node:crypto';
import { inParallel } from '../../lib';
import { ApiAgent, clientCredentialsToken, type ClientCredentials, type RequestView } from '../../devstack/demo/agent';

export const TARGET = 'clinical-readonly';
const WAITING = ['PENDING_APPROVAL', 'APPROVED', 'ISSUING'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the load asks of the REST API. */
export type Api = Pick<ApiAgent, 'call'>;

/**
 * The REST API with a client-credentials token taken again before it runs out (the local
 * provider's access tokens live 10 minutes; a load run lasts longer).
 */
export class RefreshingApi implements Api {
  private agent: Promise<ApiAgent> | undefined;
  private takenAt = 0;

  constructor(private readonly credentials: ClientCredentials, private readonly apiUrl: string, private readonly refreshMs = 4 * 60_000) {}

  async call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
    if (!this.agent || Date.now() - this.takenAt > this.refreshMs) {
      this.takenAt = Date.now();
      this.agent = clientCredentialsToken(this.credentials, 'access:request').then((token) => new ApiAgent(this.apiUrl, token));
      this.agent.catch(() => {
        this.agent = undefined;
      });
    }
    return (await this.agent).call<T>(method, path, body, headers);
  }
}

/** What a request's client waited out and asked again, by what it got: a 503, a 429, or no answer at all (timeout, reset). */
export interface WaitedOut { unavailable503: number; limited429: number; noAnswer: number }

export interface RequestOutcome { id?: string; acceptedMs?: number; activeMs?: number; state?: string; waited: WaitedOut; error?: string; /** REST calls this request took (POST, long-polls, revoke). */ httpCalls: number }

/** Asks for one grant; `acceptedMs` and `activeMs` are measured from `t0`. */
export async function askOne(api: Api, duration: string, reason: string, t0: number): Promise<RequestOutcome & { view?: RequestView }> {
  const out: RequestOutcome & { view?: RequestView } = { waited: { unavailable503: 0, limited429: 0, noAnswer: 0 }, httpCalls: 0 };
  const key = `load-${randomBytes(8).toString('hex')}`;
  try {
    for (;;) {
      out.httpCalls++;
      const asked = await api.call<{ id?: string }>('POST', '/v1/access-requests', { target: TARGET, duration, reason }, { 'Idempotency-Key': key });
      if (asked.status === 503 || asked.status === 429) {
        if (asked.status === 503) out.waited.unavailable503++;
        else out.waited.limited429++;
        await sleep(5_000);
        continue;
      }
      if (asked.status !== 202 || !asked.body.id) throw new Error(`POST /v1/access-requests answered ${asked.status}: ${JSON.stringify(asked.body).slice(0, 200)}`);
      out.id = asked.body.id;
      out.acceptedMs = Date.now() - t0;
      break;
    }
    let view: RequestView | undefined;
    const deadline = Date.now() + 900_000;
    while (Date.now() < deadline) {
      const query = view ? `?wait=20&since=${view.state}` : '';
      out.httpCalls++;
      // An API starved of CPU may not answer a long-poll in time: ask again, as a client would.
      const answer = await api.call<RequestView>('GET', `/v1/access-requests/${out.id}${query}`).catch(() => ({ status: 0, body: undefined as unknown as RequestView }));
      if (answer.status === 0) {
        out.waited.noAnswer++;
        continue;
      }
      if (answer.status === 503) {
        out.waited.unavailable503++;
        await sleep(5_000);
        continue;
      }
      if (answer.status !== 200) throw new Error(`GET answered ${answer.status}`);
      view = answer.body;
      if (!WAITING.includes(view.state)) break;
    }
    out.state = view?.state;
    if (view?.state === 'ACTIVE') {
      out.activeMs = Date.now() - t0;
      out.view = view;
    } else {
      throw new Error(`ended ${view?.state ?? 'unknown'}`);
    }
  } catch (error) {
    out.error = (error as Error).message.replace(/req_[a-z0-9]+/g, 'req_…').slice(0, 200);
  }
  return out;
}

/** Revokes a grant, waiting out 503s (a revoke must get through). */
export async function revoke(api: Api, id: string, reason: string): Promise<number> {
  for (let attempt = 0; attempt < 60; attempt++) {
    const answer = await api.call('POST', `/v1/access-requests/${id}/revoke`, { reason }).catch(() => ({ status: 0 }));
    if (answer.status === 503 || answer.status === 0) {
      await sleep(2_000);
      continue;
    }
    return answer.status;
  }
  return 503;
}

/** `n` requests with at most `inFlight` being asked at once; each is revoked once ACTIVE. */
export async function askMany(api: Api, n: number, inFlight: number, duration: string): Promise<{ outcomes: RequestOutcome[]; t0: number }> {
  const t0 = Date.now();
  const outcomes = await inParallel(Array.from({ length: n }, (_, i) => i), inFlight, async (i) => {
    const { view, ...outcome } = await askOne(api, duration, `load bench request ${i}`, t0);
    if (view && outcome.id) {
      await revoke(api, outcome.id, 'load bench: done');
      outcome.httpCalls++;
    }
    return outcome;
  });
  return { outcomes, t0 };
}
