import { SIGN_IN_TIMELINE_PREFIX, signInStepTypes, type AccessRequestInput, type AccessStatus, type SignInStep } from '../workflows';

/** Sign-in steps the workflow keeps at most (workflows/access-request.ts, MAX_SIGN_IN_STEPS); a start carries far fewer. */
const MAX_SIGN_IN_STEPS = 200;

/**
 * The request's status as accepted, before its workflow first runs: what the workflow's status
 * shows then, without what only its run adds (startedAt, a 'started' entry when it ran late).
 * Kept for long-polls (AcceptedStatusKeeper) until the workflow pushes its own.
 * test/access/accepted-status checks it against the workflow's first status.
 */
export function statusAtAcceptance(input: AccessRequestInput & { acceptedAt: string }): AccessStatus {
  const steps = (input.signIn?.steps ?? []).filter(isSignInStep).slice(0, MAX_SIGN_IN_STEPS);
  return {
    requestId: input.requestId,
    requester: input.requester,
    origin: input.origin,
    ...(input.signIn ? { client: input.signIn.client } : {}),
    target: input.target,
    reason: input.reason,
    ...(input.ticket !== undefined ? { ticket: input.ticket } : {}),
    durationMs: input.durationMs,
    policy: input.policy,
    state: 'PENDING_APPROVAL',
    requestedAt: input.acceptedAt,
    extensions: [],
    commands: [],
    timeline: [
      ...steps.map((step) => ({
        at: step.at, type: SIGN_IN_TIMELINE_PREFIX + step.type, client: step.clientId.slice(0, 300),
        ...(step.actor ? { actor: step.actor.slice(0, 200) } : {}), ...(step.detail ? { detail: step.detail.slice(0, 500) } : {}),
      })),
      { at: input.acceptedAt, type: 'requested', actor: input.requester, ...(input.reason ? { detail: input.reason } : {}) },
    ],
  };
}

/** The workflow's check of a sign-in step's shape (workflows/access-request.ts isSignInStep). */
function isSignInStep(step: SignInStep): boolean {
  return typeof step === 'object' && step !== null && (signInStepTypes as readonly string[]).includes(step.type)
    && typeof step.at === 'string' && !Number.isNaN(Date.parse(step.at)) && typeof step.clientId === 'string' && step.clientId.length > 0
    && (step.actor === undefined || typeof step.actor === 'string') && (step.detail === undefined || typeof step.detail === 'string');
}
