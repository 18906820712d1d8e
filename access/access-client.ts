import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { evaluateRequest, findTarget, isPrincipal, normalizeSubject, type GatehouseConfig } from '../policy';
import {
  accessRequest, approve, decideCommand, decideExtension, deny, extend, holdCommand, requesterKey, revoke, withdrawCommand,
  sessionStarted, signInSteps, stateKey, status, targetKey, type AccessRequestInput, type AccessStatus, type CommandDecision, type CommandReview, type HeldCommand, type MessageResult,
  type RequestState, type SignInStep,
} from '../workflows';
import { newRequestId, isRequestId, PerKeyLimit, type AcceptedStatusKeeper, type GrantRecord, type GrantRevocations, type Logger } from '../lib';
import { statusAtAcceptance } from './accepted-status';

export type AccessErrorCode = 'invalid' | 'forbidden' | 'not_found' | 'rejected' | 'unavailable';

/** Which part of Gatehouse failed to answer (code `unavailable`), so the message blames the right one. */
export type UnavailableComponent = 'worker' | 'grant-store' | 'temporal';

/** Why an access operation did not happen, in words a requester or approver can act on. */
export class AccessError extends Error {
  constructor(readonly code: AccessErrorCode, message: string, readonly component?: UnavailableComponent) {
    super(message);
    this.name = 'AccessError';
  }
}

/** gRPC's DEADLINE_EXCEEDED: on a query, Temporal answered that no worker processed it in time. */
const GRPC_DEADLINE_EXCEEDED = 4;

/**
 * A request as Slack or the API asks it: the workflow's input without the policy, which is
 * evaluated here. `requestId` lets a caller choose the id (e.g. derived from an idempotency key).
 */
export type NewAccessRequest = Omit<AccessRequestInput, 'requestId' | 'policy' | 'acceptedAt'> & {
  requestId?: string;
  /** When the entry point accepted the request (its own clock, never the requester's word); default now. */
  acceptedAt?: Date;
};

export interface RequestFilter {
  target?: string;
  requester?: string;
  state?: RequestState;
  from?: Date;
  to?: Date;
  limit?: number;
}

/**
 * What Slack, the API and the gateway call to start and steer access workflows. Policy is
 * evaluated here first so a refused request gets an immediate, precise answer.
 */
export interface AccessClientOptions {
  /**
   * Cuts grants in Redis directly (fast path of revoke). Every entry point that revokes (API,
   * Slack app) passes it; without it a revoke takes effect when the workflow's activity runs.
   */
  revocations?: Pick<GrantRevocations, 'grantOf' | 'cut'>;
  /** Once the grant is cut, how long a revoke waits for the workflow's answer before answering itself (default 1 s). */
  revokeAnswerWithinMs?: number;
  /** Waits between re-sends of a revocation the workflow did not take (default REVOKE_RESEND_AFTER_MS). */
  revokeResendAfterMs?: readonly number[];
  /** Where a revocation that could not be handed to the workflow is reported. */
  log?: Pick<Logger, 'warn' | 'error'>;
  /**
   * Keeps each request's status as accepted where long-polls read the kept status (Redis:
   * AcceptedStatusKeeper), so a long-poll on a fresh request waits from it without asking Temporal
   * while the workflow has not run yet. Without it (or when Redis fails) the long-poll asks Temporal.
   */
  keptStatus?: Pick<AcceptedStatusKeeper, 'keep'>;
}

/** DESIGN.md: nothing may delay a revoke by more than a second. */
const REVOKE_ANSWER_WITHIN_MS = 1_000;

/**
 * A revoke answered before the workflow took it is re-sent when sending it failed for a passing
 * reason (Temporal or the worker busy or down): about ten minutes of tries. Without it the cut in
 * Redis held but the workflow stayed ACTIVE, and its Snowflake identity lived to the grant's end.
 */
const REVOKE_RESEND_AFTER_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000, ...Array<number>(18).fill(30_000)];

/**
 * The gateway's Updates about held commands (hold, withdraw) go to one request's workflow at most
 * this many at a time; the rest wait here. Temporal admits 10 in-flight Updates per workflow and
 * refuses the rest (RESOURCE_EXHAUSTED, retried with back-off for about half a minute, then
 * failed): a flood of held commands, from a hostile agent or many sessions, would otherwise take
 * every slot that a revoke, an approval or an extension needs, and under load its own excess
 * failed as "could not be put to an approver".
 */
export const HOLD_UPDATES_IN_FLIGHT_PER_REQUEST = 4;

const delay = (ms: number) => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms).unref());

export class AccessClient {
  private readonly holdLane = new PerKeyLimit(HOLD_UPDATES_IN_FLIGHT_PER_REQUEST);

  constructor(
    private readonly client: Client,
    private readonly config: GatehouseConfig,
    private readonly taskQueue: string,
    private readonly options: AccessClientOptions = {},
  ) {}

  async request(ask: NewAccessRequest): Promise<{ requestId: string; state: RequestState }> {
    if (!ask.reason?.trim()) throw new AccessError('invalid', 'a reason is required');
    const requester = normalizeSubject(ask.requester);
    const verdict = evaluateRequest(this.config, requester, ask.target, ask.durationMs);
    if (!verdict.allowed) throw new AccessError('forbidden', verdict.reason);
    const requestId = ask.requestId ?? newRequestId();
    if (!isRequestId(requestId)) throw new AccessError('invalid', `"${requestId}" is not a request id`);
    const acceptedAt = ask.acceptedAt ?? new Date();
    if (!(acceptedAt instanceof Date) || Number.isNaN(acceptedAt.getTime())) throw new AccessError('invalid', 'the acceptance time is not a date');
    const input = {
      requestId, requester, origin: ask.origin, target: ask.target, durationMs: ask.durationMs,
      reason: ask.reason.trim(), ...(ask.ticket ? { ticket: ask.ticket } : {}), policy: verdict.policy,
      ...(ask.origin === 'oauth' && ask.signIn ? { signIn: ask.signIn } : {}),
      acceptedAt: acceptedAt.toISOString(),
    };
    await this.client.workflow.start(accessRequest, {
      workflowId: requestId,
      taskQueue: this.taskQueue,
      args: [input],
      typedSearchAttributes: [
        { key: requesterKey, value: requester },
        { key: targetKey, value: ask.target },
        { key: stateKey, value: 'PENDING_APPROVAL' },
      ],
    });
    // Only once this start made the workflow (not for one that exists already), so kept under anything it pushes.
    if (this.options.keptStatus) {
      await this.options.keptStatus.keep(requestId, statusAtAcceptance(input)).catch((error: Error) => {
        this.options.log?.warn({ requestId, err: error.message }, 'the accepted status could not be kept in Redis; a long-poll on this request asks Temporal until the workflow pushes its status');
      });
    }
    return { requestId, state: 'PENDING_APPROVAL' };
  }

  approve(requestId: string, approver: string): Promise<MessageResult> {
    return this.update(requestId, (h) => h.executeUpdate(approve, { args: [{ approver }] }));
  }

  deny(requestId: string, approver: string, reason: string): Promise<MessageResult> {
    return this.update(requestId, (h) => h.executeUpdate(deny, { args: [{ approver, reason }] }));
  }

  /**
   * Revoking a request that has already ended is harmless; it answers with the final state.
   *
   * Revocation always wins, so it does not wait for the workflow: the grant is cut in Redis first
   * (when the caller may revoke it by the policy in force: its requester, an approver of its
   * target, or the system), then the workflow is told (the durable path: Snowflake user, Slack,
   * archive), then the grant is cut again, covering a grant the workflow activated meanwhile and a
   * caller only the workflow's policy snapshot knows. When this returns, the token is refused.
   * A cut that Redis refused is reported (`unavailable`) even though the workflow accepted.
   */
  async revoke(requestId: string, by: string, reason: string): Promise<MessageResult> {
    this.handle(requestId);
    if (!by?.trim()) throw new AccessError('invalid', 'who revokes is missing');
    if (!reason?.trim()) throw new AccessError('invalid', 'a revocation needs a reason');
    const revocations = this.options.revocations;
    const why = `revoked by ${normalizeSubject(by)}: ${reason.trim()}`;
    let cutFailure: Error | undefined;
    let cutFirst = false;
    if (revocations) {
      try {
        const grant = await revocations.grantOf(requestId);
        if (grant && this.mayRevoke(grant, by)) {
          await revocations.cut(requestId, why);
          cutFirst = true;
        }
      } catch (error) {
        cutFailure = error as Error;
      }
    }
    const tell = () => this.update(requestId, (h) => h.executeUpdate(revoke, { args: [{ by, reason }] }), (finished) => {
      if (['REVOKED', 'ARCHIVED'].includes(finished.state)) return { state: finished.state, detail: 'already revoked' };
      return undefined;
    });
    const told = tell();
    // Revocation always wins, also over a busy worker or a Temporal that does not take the message:
    // once the grant is cut, the caller does not wait long for the workflow; the revocation is
    // handed to it in the background (re-sent while sending fails) and it completes it when it runs.
    let answer: MessageResult | undefined;
    if (cutFirst) {
      const first = await Promise.race([told.then((result) => ({ result }), (error: unknown) => ({ error })), delay(this.options.revokeAnswerWithinMs ?? REVOKE_ANSWER_WITHIN_MS)]);
      if (first && 'error' in first && !passing(first.error)) throw first.error;
      answer = first && 'result' in first ? first.result : undefined;
    } else {
      answer = await told;
    }
    if (answer === undefined) {
      void this.deliverRevocation(requestId, told, tell, why);
      return { state: 'REVOKING', detail: 'the grant is cut: its token is refused from now on; the workflow, busy, completes the revocation (Snowflake user, Slack thread, archive)' };
    }
    if (revocations) {
      try {
        await revocations.cut(requestId, why);
        cutFailure = undefined;
      } catch (error) {
        cutFailure = error as Error;
      }
    }
    if (cutFailure) {
      throw new AccessError('unavailable', `the revocation of ${requestId} was accepted and the workflow completes it, but the grant could not be cut at once (the grant store did not answer: ${cutFailure.message}); the token may keep working until the workflow cuts it`, 'grant-store');
    }
    return answer;
  }

  /**
   * Follows a revocation the caller was already answered for until the workflow has it, re-sending
   * it while sending fails for a passing reason; a refusal (the workflow's rule, a closed request)
   * ends it. Once delivered the grant is cut again (a grant the workflow activated meanwhile).
   */
  private async deliverRevocation(requestId: string, first: Promise<MessageResult>, resend: () => Promise<MessageResult>, why: string): Promise<void> {
    const waits = this.options.revokeResendAfterMs ?? REVOKE_RESEND_AFTER_MS;
    let attempt = first;
    for (let tries = 0; ; tries++) {
      try {
        await attempt;
        break;
      } catch (error) {
        if (!passing(error)) return;
        const wait = waits[tries];
        if (wait === undefined) {
          this.options.log?.error({ requestId, tries: tries + 1, err: (error as Error)?.message ?? String(error) }, 'a revocation could not be handed to its workflow: the grant is cut in Redis, but the workflow stays ACTIVE until its end');
          return;
        }
        this.options.log?.warn({ requestId, tries: tries + 1, err: (error as Error)?.message ?? String(error) }, 'a revocation was not taken by its workflow; sending it again');
        await delay(wait);
        attempt = resend();
      }
    }
    await this.options.revocations?.cut(requestId, why).catch(() => undefined);
  }

  /** The workflow's own rule (requester, approver, system), by the policy in force. */
  private mayRevoke(grant: GrantRecord, by: string): boolean {
    const who = normalizeSubject(by);
    if (who.startsWith('system:') || who === normalizeSubject(grant.subject)) return true;
    const target = findTarget(this.config, grant.target);
    return target !== undefined && isPrincipal(this.config, who, target.approvers.members);
  }

  extend(requestId: string, by: string, durationMs: number, reason: string): Promise<MessageResult> {
    return this.update(requestId, (h) => h.executeUpdate(extend, { args: [{ by, durationMs, reason }] }));
  }

  decideExtension(requestId: string, approver: string, approved: boolean, reason?: string): Promise<MessageResult> {
    return this.update(requestId, (h) => h.executeUpdate(decideExtension, { args: [{ approver, approved, reason }] }));
  }

  /** The gateway's call for a held command: registered at once; the decision comes through Redis (CommandBoard). */
  holdCommand(requestId: string, review: CommandReview): Promise<HeldCommand> {
    return this.holdLane.run(requestId, () => this.update(requestId, (h) => h.executeUpdate(holdCommand, { args: [review], updateId: review.commandId })));
  }

  /** The client cancelled the held call or ended its session. */
  withdrawCommand(requestId: string, commandId: string, reason: string): Promise<MessageResult> {
    return this.holdLane.run(requestId, () => this.update(requestId, (h) => h.executeUpdate(withdrawCommand, { args: [{ commandId, reason }] })));
  }

  /** Holds a command and waits for its decision by reading the workflow's status (for callers without Redis). */
  async reviewCommand(requestId: string, review: CommandReview, pollMs = 250): Promise<CommandDecision> {
    await this.holdCommand(requestId, review);
    for (;;) {
      const command = (await this.status(requestId)).commands.find((c) => c.commandId === review.commandId);
      if (command && command.outcome !== 'pending') {
        return {
          commandId: command.commandId, approved: command.outcome === 'approved', outcome: command.outcome,
          decidedBy: command.decidedBy ?? 'gatehouse', decidedAt: command.decidedAt ?? '', ...(command.reason ? { reason: command.reason } : {}),
        };
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  decideCommand(requestId: string, commandId: string, approver: string, approved: boolean, reason?: string): Promise<MessageResult> {
    return this.update(requestId, (h) => h.executeUpdate(decideCommand, { args: [{ commandId, approver, approved, reason }] }));
  }

  /** The gateway's word that an MCP session opened on the grant; the request's Slack thread says so. */
  async sessionStarted(requestId: string, session: { sessionId: string; client?: string }): Promise<void> {
    try {
      await this.handle(requestId).signal(sessionStarted, session);
    } catch (error) {
      throw translate(error, requestId);
    }
  }

  /** The gateway's authorization server: steps of an OAuth sign-in, kept in the request's timeline (and so its archive). */
  async signInSteps(requestId: string, steps: SignInStep[]): Promise<void> {
    try {
      await this.handle(requestId).signal(signInSteps, { steps });
    } catch (error) {
      throw translate(error, requestId);
    }
  }

  /** `signal` cancels the call (a long-poll that answered without it): nothing goes on asking Temporal. */
  async status(requestId: string, signal?: AbortSignal): Promise<AccessStatus> {
    try {
      return await this.cancellable(signal, () => this.handle(requestId).query(status));
    } catch (error) {
      throw translateQueryError(error, requestId);
    }
  }

  /**
   * The request's state and requester as Temporal itself keeps them (the GatehouseState and
   * GatehouseRequester search attributes: the state set with each change, the requester at the
   * start), read without a query: no worker runs anything for it; and the history's length then. Either is undefined when the
   * workflow does not carry it. For a cheap "has anything changed, and is it the caller's own?";
   * what the request says (timeline, grant, approvers) still comes from `status`.
   */
  async stateOf(requestId: string, signal?: AbortSignal): Promise<{ state?: RequestState; requester?: string; historyLength?: number }> {
    try {
      const described = await this.cancellable(signal, () => this.handle(requestId).describe());
      const attributes = described.typedSearchAttributes;
      return { state: attributes.get(stateKey) as RequestState | undefined, requester: attributes.get(requesterKey), historyLength: described.historyLength };
    } catch (error) {
      throw translate(error, requestId);
    }
  }

  /** Waits for the workflow to finish and returns its final status. */
  async result(requestId: string): Promise<AccessStatus> {
    try {
      return (await this.handle(requestId).result()) as AccessStatus;
    } catch (error) {
      throw translate(error, requestId);
    }
  }

  async list(filter: RequestFilter = {}): Promise<{ requestId: string; target?: string; requester?: string; state?: string; startTime: Date }[]> {
    const clauses = [`WorkflowType = 'accessRequest'`];
    const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    if (filter.target) clauses.push(`GatehouseTarget = ${quote(filter.target)}`);
    if (filter.requester) clauses.push(`GatehouseRequester = ${quote(normalizeSubject(filter.requester))}`);
    if (filter.state) clauses.push(`GatehouseState = ${quote(filter.state)}`);
    if (filter.from) clauses.push(`StartTime >= ${quote(filter.from.toISOString())}`);
    if (filter.to) clauses.push(`StartTime < ${quote(filter.to.toISOString())}`);
    const out = [];
    for await (const wf of this.client.workflow.list({ query: clauses.join(' AND ') })) {
      out.push({
        requestId: wf.workflowId,
        target: wf.typedSearchAttributes.get(targetKey),
        requester: wf.typedSearchAttributes.get(requesterKey),
        state: wf.typedSearchAttributes.get(stateKey),
        startTime: wf.startTime,
      });
      if (out.length >= (filter.limit ?? 100)) break;
    }
    return out;
  }

  private handle(requestId: string): WorkflowHandle<typeof accessRequest> {
    if (!isRequestId(requestId)) throw new AccessError('invalid', `"${requestId}" is not a request id (they look like req_ followed by 20 letters and digits)`);
    return this.client.workflow.getHandle<typeof accessRequest>(requestId);
  }

  private cancellable<T>(signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> {
    return signal ? this.client.connection.withAbortSignal(signal, call) : call();
  }

  private async update<T>(
    requestId: string,
    send: (handle: WorkflowHandle<typeof accessRequest>) => Promise<T>,
    onClosed?: (finished: AccessStatus) => T | undefined,
  ): Promise<T> {
    const handle = this.handle(requestId);
    try {
      return await send(handle);
    } catch (error) {
      const translated = translate(error, requestId);
      if (translated instanceof AccessError && translated.code === 'not_found') {
        // Updates cannot reach a finished workflow; its status still can be read.
        const finished = await handle.query(status).catch(() => undefined);
        if (finished) {
          const answer = onClosed?.(finished);
          if (answer !== undefined) return answer;
          // Who decided, when someone did: a workflow that finished fast answers like one still open.
          const decided = finished.decision ? `; it was already ${finished.decision.approved ? 'approved' : 'denied'} by ${finished.decision.by}` : '';
          throw new AccessError('rejected', `access request ${requestId} is closed (${finished.state.toLowerCase().replace(/_/g, ' ')})${decided}`);
        }
      }
      throw translated;
    }
  }
}

/** A failure to hand a message to a workflow that sending it again may cure (not a refusal, not a closed request). */
function passing(error: unknown): boolean {
  return !(error instanceof AccessError) || error.code === 'unavailable';
}

/**
 * Temporal answers a query it could not get a worker to process with DEADLINE_EXCEEDED: Temporal
 * is up, the workers are busy (or none runs). That is not "Temporal did not answer".
 */
function translateQueryError(error: unknown, requestId: string): Error {
  const cause = (error as { name?: string; cause?: { code?: number } })?.name === 'ServiceError' ? (error as { cause?: { code?: number } }).cause : undefined;
  if (cause?.code === GRPC_DEADLINE_EXCEEDED) {
    return new AccessError('unavailable',
      `the Gatehouse worker did not answer a status query about ${requestId} in time (Temporal is up and holds the request; the workers are busy or none is running); nothing was changed, try again shortly`, 'worker');
  }
  return translate(error, requestId);
}

function translate(error: unknown, requestId: string): Error {
  if (error instanceof AccessError) return error;
  if (error instanceof WorkflowNotFoundError || (error as { name?: string })?.name === 'WorkflowNotFoundError') {
    return new AccessError('not_found', `no access request ${requestId}`);
  }
  if (error instanceof WorkflowUpdateFailedError) {
    const cause = error.cause as { message?: string } | undefined;
    return new AccessError('rejected', cause?.message ?? error.message);
  }
  const message = (error as Error)?.message ?? String(error);
  if (/workflow execution already completed/i.test(message)) {
    return new AccessError('rejected', `access request ${requestId} is closed`);
  }
  return error as Error;
}
