import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { AccessError, type AccessClient } from '../../access';
import { within, type ChangeWaiter, type GrantStore, type PushedStatus } from '../../lib';
import { normalizeSubject } from '../../policy';
import type { AccessStatus, MessageResult } from '../../workflows';
import { SCOPES, type Principal } from '../auth';
import { Problem } from '../problem';
import { defineRoute, type RouteGroup } from '../route';
import {
  acceptedResponse, approveBody, extendBody, extensionDecisionBody, idempotencyHeaders, listQuery, listResponse,
  messageResponse, newAccessRequestBody, reasonBody, requestIdParams, statusQuery, statusResponse,
} from './access-schemas';

export interface AccessRoutesOptions {
  access: AccessClient;
  /** Derives the grant token shown to the requester (the gateway's key). */
  grants: Pick<GrantStore, 'tokenFor'>;
  /** The MCP gateway's public base URL; a target's endpoint is `<gatewayUrl>/mcp/<target>`. */
  gatewayUrl: string;
  /**
   * Where long-polls learn that a request changed (the worker's events in Redis): a waiting
   * long-poll then reads the status once per change instead of querying the workflow over and over.
   */
  changes?: {
    watch(requestId: string): ChangeWaiter;
    /** Whether events carry the workflow's status (sealed), so a waiter answers from them. */
    readonly pushesStatus?: boolean;
    /** The request's latest pushed status (kept in Redis), if any. */
    latest?(requestId: string): Promise<PushedStatus | undefined>;
  };
  /** Without `changes` only: how often a long-poll re-reads the workflow's state. */
  pollIntervalMs?: number;
  /** With `changes`: how long a long-poll waits without news before it checks the state anyway (default 5 s). */
  safetyReadMs?: number;
}

const BASE = '/v1/access-requests';
/** States after which a request never changes (REVOKED is not one: ARCHIVED follows once its archive is written). */
const FINAL = new Set(['DENIED', 'EXPIRED_UNAPPROVED', 'ARCHIVED', 'FAILED']);

function linksFor(id: string): Record<string, string> {
  const self = `${BASE}/${id}`;
  return {
    self, wait: `${self}?wait=30`, approve: `${self}/approve`, deny: `${self}/deny`, revoke: `${self}/revoke`,
    extend: `${self}/extend`,
  };
}

/** A request id derived from the caller and their Idempotency-Key: the same pair names the same workflow. */
export function idempotentRequestId(subject: string, key: string): string {
  const digest = createHash('sha256').update(`gatehouse-idempotency\0${normalizeSubject(subject)}\0${key}`).digest();
  let n = BigInt(`0x${digest.toString('hex')}`);
  let out = '';
  for (let i = 0; i < 20; i++) {
    out += '0123456789abcdefghijklmnopqrstuvwxyz'[Number(n % 36n)];
    n /= 36n;
  }
  return `req_${out}`;
}

function canView(principal: Principal, status: AccessStatus): boolean {
  const subject = normalizeSubject(principal.subject);
  return status.requester === subject || status.policy.approvers.includes(subject) || principal.scopes.has(SCOPES.auditRead);
}

/**
 * Slack refused the approval request (and its reduced form): nobody was asked, and the request
 * will expire unless withdrawn. The workflow records it in the timeline (notification_failed,
 * "requested: …", Slack's error in it); the API states it as a field an agent can act on.
 */
function notAsked(status: AccessStatus): { at: string; reason: string } | undefined {
  if (status.thread) return undefined;
  const event = status.timeline.find((e) => e.type === 'notification_failed' && e.detail?.startsWith('requested:'));
  return event ? { at: event.at, reason: event.detail!.replace(/^requested:\s*(the approvers were not asked in Slack:\s*)?/, '') } : undefined;
}

/** Wakes every `intervalMs` as if something changed (the long-poll then re-reads the status). */
function pollingWaiter(requestId: string, intervalMs: number): ChangeWaiter {
  let closed = false;
  return {
    async next(timeoutMs) {
      if (closed || timeoutMs <= 0) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, timeoutMs)));
      return closed ? false : { requestId, state: '', kind: 'state' };
    },
    close() {
      closed = true;
    },
  };
}

/** A long-poll re-reads the state this often when no change event came (events can be lost). */
const SAFETY_READ_MS = 5_000;
/** How long a long-poll waits for the change feed's subscription before reading the state anyway. */
const SUBSCRIBED_WAIT_MS = 2_000;
/**
 * How long past its wait a long-poll may take for its last read. Temporal's describe and the
 * workflow's query can take tens of seconds on a loaded cluster (500 requests at once on the dev
 * stack: describes of 15-27 s): a long-poll then answers 503 naming Temporal by this time rather
 * than keeping its client past any timeout it set for the wait it asked.
 */
const LONG_POLL_GRACE_MS = 5_000;

/** The access-request routes: ask, watch, decide, revoke, extend, list. */
export function accessRoutes(options: AccessRoutesOptions): RouteGroup {
  const { access, grants } = options;
  const gatewayUrl = options.gatewayUrl.replace(/\/+$/, '');
  const pollIntervalMs = options.pollIntervalMs ?? 300;
  const safetyReadMs = options.safetyReadMs ?? SAFETY_READ_MS;
  // Without a change feed (callers that run no Redis subscriber), a waiter wakes on a timer instead.
  const watch = (requestId: string): ChangeWaiter => options.changes?.watch(requestId) ?? pollingWaiter(requestId, pollIntervalMs);

  /**
   * A requester long-polling from the state Temporal still shows: nothing to read until there is
   * news. Not from a pending state whose "approvers not asked" only the status tells, unless the
   * feed pushes statuses (that news then comes with its status). Anyone else, or any doubt, takes
   * the full read, which decides who may see the request.
   */
  const ownUnchanged = (known: { state?: string; requester?: string }, principal: Principal, since: string | undefined) => {
    if (!since || FINAL.has(since) || (since === 'PENDING_APPROVAL' && !options.changes?.pushesStatus)) return false;
    return known.requester !== undefined && known.requester === normalizeSubject(principal.subject) && known.state === since;
  };
  /** The latest status the workflow pushed (kept in Redis), or undefined when the push channel cannot say. */
  const kept = (id: string): Promise<PushedStatus | undefined> => options.changes?.latest?.(id) ?? Promise.resolve(undefined);

  const render = (status: AccessStatus, principal: Principal) => {
    const isRequester = status.requester === normalizeSubject(principal.subject);
    const grant = isRequester && status.state === 'ACTIVE' && status.grantId && status.expiresAt
      ? grantFor(status.target, grants.tokenFor(status.grantId), status.expiresAt)
      : undefined;
    return {
      id: status.requestId,
      state: status.state,
      target: status.target,
      requester: status.requester,
      origin: status.origin,
      ...(status.client ? { client: status.client } : {}),
      reason: status.reason,
      ...(status.ticket ? { ticket: status.ticket } : {}),
      durationMs: status.durationMs,
      requestedAt: status.requestedAt,
      ...(status.startedAt ? { startedAt: status.startedAt } : {}),
      ...(status.decision ? { decision: status.decision } : {}),
      ...(status.activeSince ? { activeSince: status.activeSince } : {}),
      ...(status.expiresAt ? { expiresAt: status.expiresAt } : {}),
      ...(status.revocation ? { revocation: status.revocation } : {}),
      ...(status.failure ? { failure: status.failure } : {}),
      ...(notAsked(status) ? { approversNotAsked: notAsked(status) } : {}),
      ...(status.archive ? { archive: status.archive } : {}),
      extensions: status.extensions.map(({ requestedBy, requestedAt, durationMs, reason, outcome }) => ({ requestedBy, requestedAt, durationMs, reason, outcome })),
      timeline: status.timeline,
      ...(grant ? { grant } : {}),
      links: linksFor(status.requestId),
    };
  };

  const grantFor = (target: string, token: string, expiresAt: string) => {
    const mcpUrl = `${gatewayUrl}/mcp/${encodeURIComponent(target)}`;
    return {
      mcpUrl,
      token,
      expiresAt,
      mcpConfig: { mcpServers: { [`gatehouse-${target}`]: { type: 'http', url: mcpUrl, headers: { Authorization: `Bearer ${token}` } } } },
    };
  };

  /** Reads a request the caller may see; others get the same 404 as an unknown id. */
  const visibleStatus = async (id: string, principal: Principal, signal?: AbortSignal): Promise<AccessStatus> => {
    const status = await access.status(id, signal);
    if (!canView(principal, status)) throw new AccessError('not_found', `no access request ${id}`);
    return status;
  };

  const message = (id: string, result: MessageResult) => ({ status: 200, body: { id, state: result.state, detail: result.detail } });

  const accepted = (id: string, target: string, replayed: boolean) => ({
    status: 202,
    headers: { Location: `${BASE}/${id}`, ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}) },
    body: { id, state: 'PENDING_APPROVAL', target, links: linksFor(id) },
  });

  return {
    name: 'access-requests',
    description: 'Ask for time-boxed access to a target, follow it, and decide on it',
    routes: [
      defineRoute({
        method: 'post',
        path: BASE,
        operationId: 'createAccessRequest',
        summary: 'Ask for access to a target',
        description: 'Policy is evaluated at once (403 with the reason when it refuses); approval then happens in Slack or through the approve route.',
        scopes: [SCOPES.request],
        body: newAccessRequestBody,
        headers: idempotencyHeaders,
        responses: {
          202: { description: 'The request was accepted and waits for approval', schema: acceptedResponse },
          409: { description: 'An access request with this id already exists' },
          422: { description: 'The Idempotency-Key was used before with a different body' },
        },
        async handler({ body, headers, principal }) {
          // The acceptance time is this API's clock at arrival; the body cannot carry one (the schema is strict).
          const acceptedAt = new Date();
          const subject = normalizeSubject(principal.subject);
          const key = headers['idempotency-key'];
          const ask = {
            requester: subject, origin: 'api' as const, target: body.target, durationMs: body.duration, reason: body.reason, ...(body.ticket ? { ticket: body.ticket } : {}), acceptedAt,
          };
          if (!key) {
            const { requestId } = await access.request(ask);
            return accepted(requestId, body.target, false);
          }
          const requestId = idempotentRequestId(subject, key);
          const replay = async () => {
            const earlier = await access.status(requestId);
            const same = earlier.requester === subject && earlier.target === ask.target && earlier.durationMs === ask.durationMs &&
              earlier.reason === ask.reason.trim() && (earlier.ticket ?? undefined) === (ask.ticket ?? undefined);
            if (!same) {
              throw new Problem(422, 'idempotency-key-reused', 'Idempotency-Key reused', `the Idempotency-Key "${key}" was already used for a different request (${requestId}); use a new key for a new request`);
            }
            return accepted(requestId, body.target, true);
          };
          try {
            return await replay();
          } catch (error) {
            if (!(error instanceof AccessError && error.code === 'not_found')) throw error;
          }
          try {
            await access.request({ ...ask, requestId });
            return accepted(requestId, body.target, false);
          } catch (error) {
            if (error instanceof WorkflowExecutionAlreadyStartedError) return replay();
            throw error;
          }
        },
      }),

      defineRoute({
        method: 'get',
        path: BASE,
        operationId: 'listAccessRequests',
        summary: 'List access requests (Temporal visibility)',
        description: 'Callers with access:approve or audit:read see every request; others see their own.',
        scopes: [SCOPES.request, SCOPES.approve, SCOPES.auditRead],
        query: listQuery,
        responses: { 200: { description: 'Matching requests, newest first', schema: listResponse } },
        async handler({ query, principal }) {
          const subject = normalizeSubject(principal.subject);
          const seesAll = principal.scopes.has(SCOPES.approve) || principal.scopes.has(SCOPES.auditRead);
          if (!seesAll && query.requester && normalizeSubject(query.requester) !== subject) {
            throw new Problem(403, 'forbidden', 'Not allowed', 'without access:approve or audit:read you can list only your own requests; drop the requester filter');
          }
          const rows = await access.list({
            ...(query.target ? { target: query.target } : {}),
            requester: seesAll ? query.requester : subject,
            ...(query.state ? { state: query.state } : {}),
            ...(query.from ? { from: new Date(query.from) } : {}),
            ...(query.to ? { to: new Date(query.to) } : {}),
            limit: query.limit ?? 100,
          });
          return {
            status: 200,
            body: {
              items: rows.map((row) => ({
                id: row.requestId, target: row.target, requester: row.requester, state: row.state,
                startedAt: row.startTime.toISOString(), links: { self: `${BASE}/${row.requestId}` },
              })),
            },
          };
        },
      }),

      defineRoute({
        method: 'get',
        path: `${BASE}/:id`,
        operationId: 'getAccessRequest',
        summary: 'State and timeline of a request; for its requester while active, the MCP endpoint and grant token',
        description: 'With ?wait=N the answer is held until the state changes (from `since`, default the current state), the approvers turn out not to have been asked (`approversNotAsked`), or N seconds pass.',
        scopes: [SCOPES.request, SCOPES.approve, SCOPES.auditRead],
        params: requestIdParams,
        query: statusQuery,
        responses: { 200: { description: 'The request', schema: statusResponse }, 404: { description: 'No such request (or not yours to see)' } },
        async handler({ params, query, principal, res }) {
          if (!query.wait) {
            // A one-off read: the workflow's own answer.
            const status = await visibleStatus(params.id, principal);
            return { status: 200, headers: { 'Cache-Control': 'no-store' }, body: render(status, principal) };
          }
          // Watching starts before the first read, so a change between the read and the wait still wakes it.
          const waiter = watch(params.id);
          const wait = query.wait;
          const deadline = Date.now() + wait * 1000;
          // Cancels what is still asking Temporal once the long-poll has answered (a read it stopped waiting for).
          const asking = new AbortController();
          const answer = async () => {
            // …and once the feed delivers events (an API just started, or just reconnected to Redis):
            // a read before that could miss a change whose event is then lost. Bounded: the safety re-read remains.
            if (waiter.ready) await waiter.ready(Math.min(wait * 1000, SUBSCRIBED_WAIT_MS));
            let status: AccessStatus | undefined;
            /** Whether a pushed status is newer than what this long-poll holds (the feed may deliver an older one late). */
            let isNewer: (pushed: PushedStatus) => boolean;
            const adopt = (pushed: PushedStatus) => {
              status = pushed.status as AccessStatus;
              isNewer = (later) => later.version > pushed.version;
            };
            // The one query a long-poll may need, when the push channel cannot say.
            const read = async () => {
              const read = await visibleStatus(params.id, principal, asking.signal);
              status = read;
              // A state change always adds to the timeline: a pushed status with no more entries is not newer.
              isNewer = (later) => (later.status as AccessStatus).timeline.length > read.timeline.length;
            };
            // What the workflow pushed last, when Temporal's copy of the state (describe: no worker runs it) agrees.
            const pushedNow = async () => {
              const [latest, known] = await Promise.all([kept(params.id), access.stateOf(params.id, asking.signal)]);
              const agrees = latest !== undefined && (latest.status as AccessStatus).state === known.state;
              return { latest: agrees ? latest : undefined, known };
            };
            // The kept status shows the state the caller waits from: wait from it, without asking
            // Temporal first (the safety checks compare it with Temporal's copy while waiting).
            const keptNow = query.since ? await kept(params.id) : undefined;
            const first = keptNow && (keptNow.status as AccessStatus).state === query.since
              ? { latest: keptNow, known: { state: query.since } as Awaited<ReturnType<typeof access.stateOf>> }
              : await pushedNow();
            if (first.latest) {
              if (!canView(principal, first.latest.status as AccessStatus)) throw new AccessError('not_found', `no access request ${params.id}`);
              adopt(first.latest);
            } else if (ownUnchanged(first.known, principal, query.since)) {
              // Nothing read: a status pushed after Temporal's copy is newer.
              const floor = (first.known.historyLength ?? 0) * 1000;
              isNewer = (later) => later.version >= floor;
            } else {
              await read();
            }
            const from = query.since ?? status?.state ?? first.known.state!;
            const stateNow = () => status?.state ?? from;
            const toldAlready = !!status && !!notAsked(status);
            let gone = false;
            res.once('close', () => {
              gone = true;
              waiter.close();
            });
            // Also answered when it turns out the approvers were never asked (nothing else would change for a while).
            while (stateNow() === from && !FINAL.has(from) && !gone && (toldAlready || !status || !notAsked(status))) {
              const left = deadline - Date.now();
              if (left <= 0) break;
              const change = await waiter.next(Math.min(left, safetyReadMs));
              if (gone) break;
              if (change && change.pushed) {
                // The workflow's own status, sealed: the answer, without a query.
                if (isNewer!(change.pushed) && canView(principal, change.pushed.status as AccessStatus)) adopt(change.pushed);
                continue;
              }
              // Pub/sub delivers at most once (a Redis or subscriber restart, a worker that announces
              // nothing): without news for a while the state is checked all the same, by Temporal's copy
              // of it and the kept status; the workflow is queried only when those disagree, or (without
              // pushed statuses) when only its status can tell an unannounced "approvers not asked".
              if (!change) {
                if (Date.now() >= deadline) continue;
                // Bounded by the wait: a Temporal slow to answer must not hold the answer past it.
                const again = await within(pushedNow(), deadline - Date.now());
                if (again === null) continue;
                if (again.latest && isNewer!(again.latest) && canView(principal, again.latest.status as AccessStatus)) {
                  adopt(again.latest);
                  continue;
                }
                const unsure = !options.changes?.pushesStatus && stateNow() === 'PENDING_APPROVAL' && !toldAlready && !status?.thread;
                if (unsure || again.known.state === undefined || again.known.state !== stateNow()) await read();
                continue;
              }
              // A bare event (an older worker's, the feed's reconnection, anyone's PUBLISH): a repeat of the
              // state held needs nothing; otherwise only the workflow can say.
              if (change.kind === 'state' && change.state === stateNow()) continue;
              await read();
            }
            if (!status) {
              // Nothing changed and nothing was read: the kept status if it still shows the state waited
              // from (nothing to confirm: the caller knew that state), else the push channel if it can
              // say, else one read.
              const unchanged = await kept(params.id);
              const shown = unchanged?.status as AccessStatus | undefined;
              if (shown && shown.state === from && canView(principal, shown)) return { status: 200, headers: { 'Cache-Control': 'no-store' }, body: render(shown, principal) };
              const last = await pushedNow();
              if (last.latest && canView(principal, last.latest.status as AccessStatus)) status = last.latest.status as AccessStatus;
              else await read();
            }
            return { status: 200, headers: { 'Cache-Control': 'no-store' }, body: render(status!, principal) };
          };
          try {
            const answered = await within(answer(), deadline - Date.now() + LONG_POLL_GRACE_MS);
            if (answered !== null) return answered;
            throw new AccessError('unavailable',
              `the workflow service (Temporal) did not answer the reads of ${params.id} within ${wait + LONG_POLL_GRACE_MS / 1000} s (its describe or the workflow's status query); nothing was changed, long-poll again shortly`, 'temporal');
          } finally {
            asking.abort();
            waiter.close();
          }
        },
      }),

      defineRoute({
        method: 'post',
        path: `${BASE}/:id/approve`,
        operationId: 'approveAccessRequest',
        summary: 'Approve a pending request (an approver of its target, never the requester)',
        scopes: [SCOPES.approve],
        params: requestIdParams,
        body: approveBody,
        responses: { 200: { description: 'Approved', schema: messageResponse }, 409: { description: 'The workflow refused, with the reason' } },
        async handler({ params, principal }) {
          return message(params.id, await access.approve(params.id, normalizeSubject(principal.subject)));
        },
      }),

      defineRoute({
        method: 'post',
        path: `${BASE}/:id/deny`,
        operationId: 'denyAccessRequest',
        summary: 'Deny a pending request, with a reason',
        scopes: [SCOPES.approve],
        params: requestIdParams,
        body: reasonBody,
        responses: { 200: { description: 'Denied', schema: messageResponse }, 409: { description: 'The workflow refused, with the reason' } },
        async handler({ params, body, principal }) {
          return message(params.id, await access.deny(params.id, normalizeSubject(principal.subject), body.reason));
        },
      }),

      defineRoute({
        method: 'post',
        path: `${BASE}/:id/revoke`,
        operationId: 'revokeAccessRequest',
        summary: 'Revoke a grant or withdraw a request (its requester or an approver)',
        scopes: [SCOPES.request, SCOPES.approve],
        params: requestIdParams,
        body: reasonBody,
        responses: { 200: { description: 'Revocation started (or already done)', schema: messageResponse }, 409: { description: 'The workflow refused, with the reason' } },
        async handler({ params, body, principal }) {
          return message(params.id, await access.revoke(params.id, normalizeSubject(principal.subject), body.reason));
        },
      }),

      defineRoute({
        method: 'post',
        path: `${BASE}/:id/extend`,
        operationId: 'extendAccessRequest',
        summary: 'Ask for more time on an active grant (the requester); an approver decides',
        scopes: [SCOPES.request],
        params: requestIdParams,
        body: extendBody,
        responses: { 200: { description: 'Extension requested', schema: messageResponse }, 409: { description: 'The workflow refused, with the reason' } },
        async handler({ params, body, principal }) {
          return message(params.id, await access.extend(params.id, normalizeSubject(principal.subject), body.duration, body.reason));
        },
      }),

      defineRoute({
        method: 'post',
        path: `${BASE}/:id/extension-decision`,
        operationId: 'decideExtension',
        summary: 'Approve or deny the pending extension (an approver of the target)',
        scopes: [SCOPES.approve],
        params: requestIdParams,
        body: extensionDecisionBody,
        responses: { 200: { description: 'Decided', schema: messageResponse }, 409: { description: 'The workflow refused, with the reason' } },
        async handler({ params, body, principal }) {
          return message(params.id, await access.decideExtension(params.id, normalizeSubject(principal.subject), body.approved, body.reason));
        },
      }),
    ],
  };
}
