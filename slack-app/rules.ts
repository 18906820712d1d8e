import { normalizeSubject } from '../policy';
import type { AccessStatus, RequestState } from '../workflows';

/**
 * The rules the app checks before it asks the workflow, so a person learns at once why their
 * click does nothing. The workflow's validators enforce the same rules again: these answers
 * are for people, not the line of defence. Each returns a refusal in words, or undefined.
 */

function describe(state: RequestState): string {
  return state.toLowerCase().replace(/_/g, ' ');
}

/** Why this request takes no decision any more, for someone who just clicked Approve or Deny. */
function closedExplanation(s: AccessStatus, subject: string, verb: 'approve' | 'deny'): string | undefined {
  const d = s.decision;
  if (d && d.by === subject && d.approved === (verb === 'approve')) {
    return `You already ${verb === 'approve' ? 'approved' : 'denied'} ${s.requestId}; nothing more to do.`;
  }
  if (d && !d.approved) return `${s.requestId} was already denied by ${d.by}. Nothing was changed.`;
  if (d) return `${s.requestId} was already approved by ${d.by}; it is ${describe(s.state)} now. Nothing was changed.`;
  if (s.state === 'EXPIRED_UNAPPROVED') return `${s.requestId} expired without a decision; the requester can ask again. Nothing was changed.`;
  if (s.state !== 'PENDING_APPROVAL') return `${s.requestId} is ${describe(s.state)}; it takes no decision any more.`;
  return undefined;
}

/** May `subject` approve or deny this request? */
export function decisionRefusal(s: AccessStatus, subject: string, verb: 'approve' | 'deny'): string | undefined {
  const me = normalizeSubject(subject);
  if (me === normalizeSubject(s.requester)) {
    return `You asked for this access, so you cannot ${verb} it yourself: another approver of ${s.target} must decide.`;
  }
  if (!s.policy.approvers.includes(me)) {
    return `Only the approvers of ${s.target} decide on its requests, and ${me} is not one of them.`;
  }
  return closedExplanation(s, me, verb);
}

/** May `subject` decide a held command or an extension of this request? */
export function approverRefusal(s: AccessStatus, subject: string, what: string): string | undefined {
  const me = normalizeSubject(subject);
  if (me === normalizeSubject(s.requester)) return `This is your own access, so you cannot decide ${what}: another approver of ${s.target} must.`;
  if (!s.policy.approvers.includes(me)) return `Only the approvers of ${s.target} decide ${what}, and ${me} is not one of them.`;
  if (s.state !== 'ACTIVE') return `${s.requestId} is ${describe(s.state)}; there is nothing to decide any more.`;
  return undefined;
}

/** May `subject` revoke (or withdraw) this request now? */
export function revokeRefusal(s: AccessStatus, subject: string): string | undefined {
  const me = normalizeSubject(subject);
  if (me !== normalizeSubject(s.requester) && !s.policy.approvers.includes(me)) {
    return `Only the requester and the approvers of ${s.target} can revoke ${s.requestId}.`;
  }
  if (['REVOKING', 'REVOKED', 'ARCHIVED'].includes(s.state)) return `${s.requestId} is already ${describe(s.state)}.`;
  if (['DENIED', 'EXPIRED_UNAPPROVED', 'FAILED'].includes(s.state)) return `${s.requestId} is ${describe(s.state)}; no access was granted, so there is nothing to revoke.`;
  return undefined;
}

/** May `subject` ask for more time? */
export function extendRefusal(s: AccessStatus, subject: string): string | undefined {
  if (normalizeSubject(subject) !== normalizeSubject(s.requester)) return `Only the requester (${s.requester}) can ask to extend ${s.requestId}.`;
  if (s.state !== 'ACTIVE') return `${s.requestId} is ${describe(s.state)}; only active access can be extended.`;
  if (s.extensions.some((e) => e.outcome === 'pending')) return 'An extension is already waiting for an approver.';
  return undefined;
}

/** May `subject` read this request's status? The requester and its approvers may. */
export function statusRefusal(s: AccessStatus, subject: string): string | undefined {
  const me = normalizeSubject(subject);
  if (me === normalizeSubject(s.requester) || s.policy.approvers.includes(me)) return undefined;
  return `${s.requestId} is not yours: only its requester and the approvers of ${s.target} can see it.`;
}
