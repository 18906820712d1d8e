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
