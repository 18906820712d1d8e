import type { AccessStatus } from '../workflows/types';
import type { LifecycleEvent } from './archive';

/**
 * The lifecycle events of a finished request, from the workflow's status: one `request` event
 * with what was asked and under which policy, every timeline entry in order, and one `outcome`
 * event with the decision, the credential's life, each held command and how the request ended.
 */
export function lifecycleEvents(status: AccessStatus, archivedAt: string): LifecycleEvent[] {
  const request: LifecycleEvent = {
    at: status.requestedAt,
    type: 'request',
    requestId: status.requestId,
    requester: status.requester,
    origin: status.origin,
    // An OAuth sign-in: which client, what Gatehouse verified about it and what it only claimed.
    ...(status.client ? { client: { ...status.client } } : {}),
    target: status.target,
    reason: status.reason,
    ...(status.ticket ? { ticket: status.ticket } : {}),
    durationMs: status.durationMs,
    policy: {
      approverChannel: status.policy.approverChannel,
      approvers: status.policy.approvers,
      maxDurationMs: status.policy.maxDurationMs,
      autoApproved: status.policy.autoApproved,
    },
  };
  const timeline: LifecycleEvent[] = status.timeline.map((e) => ({
    at: e.at,
    type: e.type,
    ...(e.actor ? { actor: e.actor } : {}),
    ...(e.client ? { client: e.client } : {}),
    ...(e.detail ? { detail: e.detail } : {}),
  }));
  const outcome: LifecycleEvent = {
    at: archivedAt,
    type: 'outcome',
    state: status.state,
    ...(status.decision ? { decision: status.decision } : {}),
    credential: status.principal
      ? {
          principal: status.principal,
          ...(status.grantId ? { grantId: status.grantId } : {}),
          ...(status.activeSince ? { activeSince: status.activeSince } : {}),
          ...(status.expiresAt ? { expiresAt: status.expiresAt } : {}),
          ...(status.revokedAt ? { revokedAt: status.revokedAt } : {}),
        }
      : null,
    ...(status.revocation ? { revocation: status.revocation } : {}),
    ...(status.failure ? { failure: status.failure } : {}),
    commands: status.commands.map((c) => ({ ...c })),
    extensions: status.extensions.map((e) => ({ ...e })),
  };
  return [request, ...timeline, outcome];
}

/** Fields where people type free text (a reason, a held command's summary, a failure). */
const FREE_TEXT_FIELDS = new Set(['reason', 'detail', 'summary', 'failure']);
// System-made values in those fields (timestamps, digests, state names) are not typed by people.
const SYSTEM_VALUE = /^(?:\d{4}-\d\d-\d\dT[\d:.]+Z|[0-9a-f]{64}|[A-Z_]+)$/;

/**
 * A copy of `value` with every free-text field passed through `mask` (the PHI engine): what a
 * requester or approver typed may name a patient; archives and evidence packs carry it masked.
 */
export function maskFreeTextFields<T>(value: T, mask: (text: string) => string, key?: string): T {
  if (typeof value === 'string') return (key !== undefined && FREE_TEXT_FIELDS.has(key) && !SYSTEM_VALUE.test(value) ? mask(value) : value) as T;
  if (Array.isArray(value)) return value.map((v) => maskFreeTextFields(v, mask)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskFreeTextFields(v, mask, k)])) as T;
  }
  return value;
}
