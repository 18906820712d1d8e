import type { AccessClient } from '../../access';
import type { Logger } from '../../lib';
import { SIGN_IN_TIMELINE_PREFIX, type SignInStep, type TimelineEvent } from '../../workflows';

/** One step of an OAuth sign-in, as the request's timeline keeps it. Nothing secret. */
export type TrailEvent = SignInStep;

/** Where the steps of a sign-in are recorded: the access request's own workflow (its timeline, hence its archive). */
export interface AuthorizationTrail {
  /**
   * Files the steps under the request. `required` steps (a code or token issued, a grant reused)
   * fail the step when they cannot be recorded: no access without a record. Others (refusals)
   * are logged when the request has already closed.
   */
  record(requestId: string, events: TrailEvent[], options?: { required?: boolean }): Promise<void>;
  /** The sign-in steps in the request's timeline. */
  read(requestId: string): Promise<TimelineEvent[]>;
}

/** The trail in the request workflow (the signInSteps signal), and in the log. */
export class WorkflowAuthorizationTrail implements AuthorizationTrail {
  constructor(private readonly access: Pick<AccessClient, 'signInSteps' | 'status'>, private readonly log: Logger) {}

  async record(requestId: string, events: TrailEvent[], options: { required?: boolean } = {}): Promise<void> {
    if (!events.length) return;
    for (const e of events) this.log.info({ requestId, oauth: e.type, actor: e.actor, clientId: e.clientId, detail: e.detail }, 'oauth sign-in step');
    try {
      await this.access.signInSteps(requestId, events);
    } catch (error) {
      if (options.required) throw error;
      this.log.warn({ requestId, steps: events.map((e) => e.type), err: (error as Error).message }, 'oauth sign-in steps not recorded on the request (it has closed); logged only');
    }
  }

  async read(requestId: string): Promise<TimelineEvent[]> {
    return (await this.access.status(requestId)).timeline.filter((e) => e.type.startsWith(SIGN_IN_TIMELINE_PREFIX));
  }
}
