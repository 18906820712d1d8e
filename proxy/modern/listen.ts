import { SERVER_INFO_META_KEY, SUBSCRIPTION_ID_META_KEY, type JSONRPCNotification, type JSONRPCRequest, type RequestId } from '@modelcontextprotocol/server';
import type { GrantRecord, Logger } from '../../lib';
import type { TargetConfig } from '../../policy';
import { GatewayErrorCode } from '../errors';
import { maskedEntries, mergeSummaries, type MaskContext, type MaskSummary } from '../masking';
import type { GatewayRecorder } from '../recording';
import type { AnswerStream } from './answer-stream';
import { grantExpired, type ChangeWatcher, type UpstreamLink } from './grant-upstreams';
import { GATEWAY_INFO, isObject } from './wire';

/** The notification filter of `subscriptions/listen`, as the client asked and as the gateway honours it. */
export interface SubscriptionFilter {
  toolsListChanged?: boolean;
  promptsListChanged?: boolean;
  resourcesListChanged?: boolean;
  resourceSubscriptions?: string[];
}

const MAX_URIS = 100;
const MAX_URI_LENGTH = 2_048;
const LIST_CHANGED: Readonly<Record<string, keyof SubscriptionFilter>> = {
  'notifications/tools/list_changed': 'toolsListChanged',
  'notifications/prompts/list_changed': 'promptsListChanged',
  'notifications/resources/list_changed': 'resourcesListChanged',
};

export type ListenAnswer = { jsonrpc: '2.0'; id: RequestId; result: Record<string, unknown> } | { jsonrpc: '2.0'; id: RequestId; error: { code: number; message: string } };

export interface ListenDeps {
  target: TargetConfig;
  grant: GrantRecord;
  recorder: GatewayRecorder;
  log: Logger;
  sessionId: string;
  link: UpstreamLink;
  stream: Pick<AnswerStream, 'notify' | 'open' | 'cancelled'>;
  /** Aborts when the grant ends (revoked, or the gateway stops): the reason says which. */
  ended: AbortSignal;
  timeoutMs: number;
  mask<T>(value: T, context: MaskContext): Promise<{ masked: T; report: MaskSummary } | undefined>;
  since(): number;
}

/** Reads the client's filter; a string when it is not one (the client is told what is wrong). */
export function readFilter(params: unknown): SubscriptionFilter | string {
  const notifications = isObject(params) ? params.notifications : undefined;
  if (!isObject(notifications)) return 'subscriptions/listen needs params.notifications, an object saying which notifications to send (toolsListChanged, promptsListChanged, resourcesListChanged, resourceSubscriptions)';
  const filter: SubscriptionFilter = {};
  for (const key of ['toolsListChanged', 'promptsListChanged', 'resourcesListChanged'] as const) {
    const value = notifications[key];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') return `params.notifications.${key} must be true or false`;
    filter[key] = value;
  }
  const uris = notifications.resourceSubscriptions;
  if (uris !== undefined) {
    if (!Array.isArray(uris) || uris.some((u) => typeof u !== 'string' || u.length === 0 || u.length > MAX_URI_LENGTH)) {
      return `params.notifications.resourceSubscriptions must be a list of resource URIs (each 1 to ${MAX_URI_LENGTH} characters)`;
    }
    if (uris.length > MAX_URIS) return `params.notifications.resourceSubscriptions names ${uris.length} resources; at most ${MAX_URIS} per subscription`;
    filter.resourceSubscriptions = [...new Set(uris as string[])];
  }
  return filter;
}

/**
 * One client's `subscriptions/listen` stream, from its acknowledgement to its end: the upstream's
 * change notifications the client asked for and the upstream can send (a 2025-era upstream's
 * list_changed, and resources/updated after resources/subscribe), masked like any message a
 * server sends, each stamped with the subscription's id. It ends when the client closes it, the
 * grant ends (revoked or expired: fail closed, at once), the upstream goes away, or the gateway
 * stops; its end is recorded with what was delivered.
 */
export async function runListen(deps: ListenDeps, request: JSONRPCRequest, filter: SubscriptionFilter): Promise<ListenAnswer> {
  const { stream, ended } = deps;
  const id = request.id;
  let honoured: SubscriptionFilter = {};
  const stamp = (params: Record<string, unknown> = {}) => ({ ...params, _meta: { ...(isObject(params._meta) ? params._meta : {}), [SUBSCRIPTION_ID_META_KEY]: id } });
  const delivered: Record<string, number> = {};
  const reports: MaskSummary[] = [];
  let relaying: Promise<void> = Promise.resolve();

  let finish!: (why: { kind: 'client' | 'ended' | 'gone'; reason: string }) => void;
  const done = new Promise<{ kind: 'client' | 'ended' | 'gone'; reason: string }>((resolve) => {
    finish = resolve;
  });
  const reasonOf = (signal: AbortSignal) => (signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'ended'));
  const onClient = () => finish({ kind: 'client', reason: reasonOf(stream.cancelled) });
  const onEnded = () => finish({ kind: 'ended', reason: reasonOf(ended) });
  stream.cancelled.addEventListener('abort', onClient, { once: true });
  ended.addEventListener('abort', onEnded, { once: true });
  if (stream.cancelled.aborted) onClient();
  if (ended.aborted) onEnded();

  const watcher: ChangeWatcher = {
    onChange: (notification) => {
      if (!wanted(honoured, notification)) return;
      relaying = relaying.then(async () => {
        if (!stream.open || ended.aborted) return;
        // A URI names what changed, and a server can put a patient in it: masked like any notification.
        const masked = notification.params ? await deps.mask(notification.params, { target: deps.target.name, part: 'notification', method: notification.method }) : { masked: undefined, report: undefined };
        if (!masked || ended.aborted) return;
        if (masked.report) reports.push(masked.report);
        delivered[notification.method] = (delivered[notification.method] ?? 0) + 1;
        stream.notify({ jsonrpc: '2.0', method: notification.method, params: stamp(masked.masked ?? {}) } as JSONRPCNotification);
      }).catch((error: unknown) => deps.log.error({ err: (error as Error).message }, 'could not relay a change notification; dropped'));
    },
    onGone: (why) => {
      // The grant's end closes its upstream link on its own timer (grant-upstreams.ts), which can
      // fire before the stream's (and a millisecond before the clock reads the expiry): at or past
      // the grant's end, or when that timer says so, it is the grant that ended it.
      if (ended.aborted) return onEnded();
      const expired = grantExpired(deps.grant);
      if (why === expired || Date.now() >= Date.parse(deps.grant.expiresAt)) return finish({ kind: 'ended', reason: expired });
      finish({ kind: 'gone', reason: why });
    },
  };
  const upstream = await honour(deps, filter, watcher);
  honoured = upstream.honoured;
  if (!ended.aborted && !stream.cancelled.aborted) {
    stream.notify({ jsonrpc: '2.0', method: 'notifications/subscriptions/acknowledged', params: stamp({ notifications: honoured }) } as JSONRPCNotification);
  }

  const end = await done;
  upstream.stop();
  stream.cancelled.removeEventListener('abort', onClient);
  ended.removeEventListener('abort', onEnded);
  await relaying;
  const revoked = end.kind === 'ended' && /revoked|expired|no longer active/.test(end.reason);
  // The client closing its stream, or the gateway stopping, ends it gracefully; a grant's end or a lost upstream does not.
  const graceful = end.kind === 'client' || (end.kind === 'ended' && !revoked);
  const error = graceful ? undefined : { code: revoked ? GatewayErrorCode.GrantInactive : GatewayErrorCode.UpstreamFailed, message: `the subscription ended: ${end.reason}` };
  const answer: ListenAnswer = error
    ? { jsonrpc: '2.0', id, error }
    : { jsonrpc: '2.0', id, result: { resultType: 'complete', _meta: { [SUBSCRIPTION_ID_META_KEY]: id, [SERVER_INFO_META_KEY]: GATEWAY_INFO } } };
  const summary = mergeSummaries(...reports);
  await deps.recorder.response(deps.grant.requestId, {
    sessionId: deps.sessionId, messageId: id, outcome: !error ? 'ok' : revoked ? 'denied' : 'error',
    ...(error ? { error } : { result: { delivered, ended: end.reason } }),
    masked: maskedEntries(summary), durationMs: deps.since(),
  }).catch((e: unknown) => deps.log.error({ err: (e as Error).message }, 'could not record the end of a subscription'));
  return answer;
}

/**
 * The part of the filter the gateway can keep, and where its notifications come from. A 2026-07-28
 * upstream is asked with its own subscriptions/listen (what it acknowledges, within what the client
 * asked, is honoured; if it refuses, nothing is, as the revision lets a server say). A 2025-era
 * upstream sends changes unasked: what it announces is honoured, and resources are subscribed
 * upstream one by one (one it refuses is left out). stop() undoes what was asked upstream for this
 * stream (best effort: the upstream may be gone).
 */
async function honour(deps: ListenDeps, filter: SubscriptionFilter, watcher: ChangeWatcher): Promise<{ honoured: SubscriptionFilter; stop(): void }> {
  const { link } = deps;
  if (link.era === 'modern') {
    const subscription = await link.subscribe({ ...filter }, watcher, deps.timeoutMs);
    if ('error' in subscription) {
      deps.log.warn({ target: deps.target.name, why: subscription.error }, 'the upstream did not open subscriptions/listen; nothing honoured');
      return { honoured: {}, stop: () => undefined };
    }
    return { honoured: within(filter, subscription.honoured), stop: subscription.close };
  }
  const unwatch = link.watch(watcher);
  const capabilities = isObject(deps.link.initialized.capabilities) ? deps.link.initialized.capabilities : {};
  const announces = (kind: string, flag: string) => isObject(capabilities[kind]) && (capabilities[kind] as Record<string, unknown>)[flag] === true;
  const honoured: SubscriptionFilter = {};
  if (filter.toolsListChanged && announces('tools', 'listChanged')) honoured.toolsListChanged = true;
  if (filter.promptsListChanged && announces('prompts', 'listChanged')) honoured.promptsListChanged = true;
  if (filter.resourcesListChanged && announces('resources', 'listChanged')) honoured.resourcesListChanged = true;
  if (filter.resourceSubscriptions?.length && announces('resources', 'subscribe')) {
    const subscribed: string[] = [];
    for (const uri of filter.resourceSubscriptions) {
      const answer = await deps.link.call('resources/subscribe', { uri }, { timeoutMs: deps.timeoutMs });
      if ('result' in answer) subscribed.push(uri);
    }
    if (subscribed.length) honoured.resourceSubscriptions = subscribed;
  }
  return {
    honoured,
    stop: () => {
      unwatch();
      for (const uri of honoured.resourceSubscriptions ?? []) void link.call('resources/unsubscribe', { uri }, { timeoutMs: deps.timeoutMs }).catch(() => undefined);
    },
  };
}

/** What an upstream acknowledged, kept only where the client asked for it (an upstream may not widen a filter). */
function within(asked: SubscriptionFilter, acknowledged: Record<string, unknown>): SubscriptionFilter {
  const out: SubscriptionFilter = {};
  for (const key of ['toolsListChanged', 'promptsListChanged', 'resourcesListChanged'] as const) {
    if (asked[key] && acknowledged[key] === true) out[key] = true;
  }
  const uris = Array.isArray(acknowledged.resourceSubscriptions) ? acknowledged.resourceSubscriptions : [];
  const kept = (asked.resourceSubscriptions ?? []).filter((u) => uris.includes(u));
  if (kept.length) out.resourceSubscriptions = kept;
  return out;
}

function wanted(filter: SubscriptionFilter, notification: JSONRPCNotification): boolean {
  const flag = LIST_CHANGED[notification.method];
  if (flag) return filter[flag] === true;
  if (notification.method !== 'notifications/resources/updated') return false;
  const uri = isObject(notification.params) ? notification.params.uri : undefined;
  return typeof uri === 'string' && (filter.resourceSubscriptions ?? []).includes(uri);
}
