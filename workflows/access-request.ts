import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import {
  approve, decideCommand, decideExtension, deny, extend, holdCommand, revoke, sessionStarted, signInSteps, status, withdrawCommand,
  type MessageResult, type RevokeInput,
} from './messages';
import { announceChange } from './request-changes';
import { shareStatus } from './status-snapshots';
import { approverKey, findingsKey, stateKey } from './search-attributes';
import { acceptanceTime, expiringSoonLeadMs, START_DELAY_SHOWN_MS } from './timing';
import {
  SIGN_IN_TIMELINE_PREFIX, signInStepTypes,
  type AccessActivities, type AccessRequestInput, type AccessStatus, type ArchiveOrder, type CommandDecision, type CommandRecord, type HeldCommand, type NoticeKind,
  type NoticeResult, type RequestState, type SignInStep,
} from './types';

/** Held commands one grant may have waiting at once, when the policy does not say. */
export const DEFAULT_MAX_HELD_COMMANDS = 3;
/** How long an approval stays usable by the client's call (the waiting call, or an identical re-call). */
const APPROVAL_VALIDITY_MS = 10 * 60_000;

/** How long a denied or expired OAuth sign-in's request waits for the refusal its browser is sent, before archiving. */
const SIGN_IN_REFUSAL_WAIT_MS = 30_000;
/** Sign-in steps one request keeps at most (each reuse of its grant by a sign-in adds a few). */
const MAX_SIGN_IN_STEPS = 200;

/**
 * How often, at most, the thread's session reply is updated while sessions keep starting on a
 * grant (the first session is told at once). Slack allows about one post a second per channel.
 */
export const SESSION_NOTICE_INTERVAL_MS = 5_000;
/** Workflows started before sessions were told in one reply per grant keep one reply per session. */
const COALESCED_SESSION_NOTICES = 'coalesced-session-notices';

const CLOSED_BEFORE_ACCESS: RequestState[] = ['DENIED', 'EXPIRED_UNAPPROVED'];
const AFTER_REVOCATION: RequestState[] = ['REVOKING', 'REVOKED', 'ARCHIVED'];

// Notifications are best effort: a Slack outage must not block access decisions made elsewhere.
const { notify } = proxyActivities<AccessActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '20s', maximumAttempts: 6 },
});
/**
 * A notice first gets one quick try as a local activity, run in the workflow task that orders it:
 * no activity task and no workflow task of its own (a server round trip each, and six history
 * events fewer per notice). A local activity holds its workflow task (and a worker's task slot)
 * while it runs, so the try never waits: one attempt, no Retry-After sleep, a short timeout, and
 * none while this worker's quick tries keep failing (activities/notify/quick-notices.ts). A try
 * that gives up hands the notice to `notify` above, with its retries, told the try may have posted.
 */
const quickNotice = proxyLocalActivities<AccessActivities>({
  startToCloseTimeout: '5s',
  retry: { maximumAttempts: 1 },
});
/**
 * Workflows started with this marker try their notices locally (above) and have every change
 * whose patch id is a PatchBeforeLocalNotices, with this one marker in their history instead
 * of one per change: each patch marker is two history events (Temporal's SDK adds a search
 * attribute upsert to every marker) and a visibility write. Workflows started earlier (no marker)
 * ask each change's own patched() as before, and keep sending notices as activities. A change
 * made after this one needs its own patched() id: never add it to that type.
 */
const LOCAL_NOTICES = 'local-notices';
type PatchBeforeLocalNotices =
  | 'coalesced-session-notices' | 'held-finding' | 'local-grant-store' | 'grant-time-from-activation' | 'orders-by-id' | 'fewer-notices'
  | 'drop-beside-cut' | 'archive-findings' | 'expiring-soon-lead';
/**
 * Workflows started with this marker show APPROVED in the GatehouseState search attribute only
 * when the workflow task that approved ends in it: approval is followed by ISSUING (or REVOKING)
 * in the same task, so its upsert was overwritten before anyone could read it (one history event
 * and one visibility write per grant). It is asked before LOCAL_NOTICES and stands for it and
 * every change before it, so a new workflow still records one patch marker.
 */
const STATE_SHOWN_ONCE_PER_TASK = 'state-shown-once-per-task';
/**
 * Workflows started with this marker issue the credential and store its grant in one activity
 * (issueGrant): storing it is no local activity of its own, so one activation and one local
 * activity fewer per grant. The grant's time box still starts when it is stored, now at the end of
 * issuing. The grant id is chosen before issuing (a retry stores the same grant), so a cancellation
 * while issuing cuts it in the grant store, whose revoked mark refuses the activity's late store.
 * Asked before STATE_SHOWN_ONCE_PER_TASK and stands for it and every change before it (one marker per grant).
 */
const GRANT_STORED_WITH_ISSUANCE = 'grant-stored-with-issuance';
/**
 * Workflows started with this marker have the archive's activity try the 'archived' notice right
 * after writing the archive (ArchiveOrder.notice): no local activity of its own, one activation and
 * one local activity fewer per request. A try that did not tell Slack leaves the notice to safeNotify,
 * as before. Asked first: it stands for GRANT_STORED_WITH_ISSUANCE and every change before it.
 */
const ARCHIVED_NOTICE_WITH_ARCHIVE = 'archived-notice-with-archive';
// Issuing gives up after a few attempts and the request fails (then everything is cleaned up).
const { activateGrant, extendGrant } = proxyActivities<AccessActivities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 5 },
});
// Issuing and revoking a credential heartbeat (activities/credentials): a worker that dies while
// running one is noticed within HEARTBEAT_TIMEOUT and the work retried on another worker, not
// after the 2 minutes of startToCloseTimeout (the chaos run saw a revoked identity live that long).
const HEARTBEAT_TIMEOUT = '10s';
const { issueCredential, issueGrant } = proxyActivities<AccessActivities>({
  startToCloseTimeout: '2m',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 5 },
});
// The gateway waits on this announcement: short, retried quickly and for as long as the command can matter.
const { announceCommandDecision } = proxyActivities<AccessActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '5s', maximumAttempts: 30 },
});
// Revocation and archival retry until they succeed: no maximumAttempts.
const { deactivateGrant, archiveRequest } = proxyActivities<AccessActivities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});
const { revokeCredential } = proxyActivities<AccessActivities>({
  startToCloseTimeout: '2m',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s' },
});
// The grant store's writes are one fast, idempotent Redis script each: local activities, run in the
// workflow task that orders them (no activity task round trip through Temporal), retried the same way.
const localActivation = proxyLocalActivities<AccessActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 5 },
});
const localRevocation = proxyLocalActivities<AccessActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '1m' },
});
/** Histories from before the grant store's writes ran as local activities replay them as activities. */
const LOCAL_GRANT_STORE = 'local-grant-store';
/**
 * Histories from before a grant's time box started when the grant was stored fixed its end before
 * issuing (a slow issuance could leave a short grant ending in the past, and the request failed).
 */
const GRANT_TIME_FROM_ACTIVATION = 'grant-time-from-activation';
/** Histories from before notices and the archive were ordered by request id carry the whole status in each. */
const ORDERS_BY_ID = 'orders-by-id';
/** Workflows started before an auto-approved request's first two notices, and 'issued' with 'active', went out as one each. */
const FEWER_NOTICES = 'fewer-notices';
/**
 * Histories from before revocation dropped the identity beside the Redis cut, not after it: a Redis
 * outage at the grant's end held the drop for the outage plus the cut's backoff (issue 19).
 */
const DROP_BESIDE_CUT = 'drop-beside-cut';

/**
 * One access request, from the ask to the archive. Durations come from the input (the policy
 * snapshot), so tests run in seconds and production in hours.
 */
export async function accessRequest(input: AccessRequestInput): Promise<AccessStatus> {
  // Asked first, in the first workflow task, so a replay finds it where it was recorded.
  const noticeWithArchive = patched(ARCHIVED_NOTICE_WITH_ARCHIVE);
  const storedWithIssuance = noticeWithArchive || patched(GRANT_STORED_WITH_ISSUANCE);
  const latest = storedWithIssuance || patched(STATE_SHOWN_ONCE_PER_TASK);
  const current = latest || patched(LOCAL_NOTICES);
  const has = (change: PatchBeforeLocalNotices) => current || patched(change);
  const now = () => new Date().toISOString();
  const startedAt = now();
  const requestedAt = acceptanceTime(input.acceptedAt, workflowInfo().startTime, startedAt);
  const s: AccessStatus = {
    requestId: input.requestId,
    requester: input.requester,
    origin: input.origin,
    ...(input.signIn ? { client: input.signIn.client } : {}),
    target: input.target,
    reason: input.reason,
    ticket: input.ticket,
    durationMs: input.durationMs,
    policy: input.policy,
    state: 'PENDING_APPROVAL',
    requestedAt,
    startedAt,
    extensions: [],
    commands: [],
    timeline: [],
  };
  const record = (type: string, actor?: string, detail?: string) => {
    s.timeline.push({ at: now(), type, ...(actor ? { actor } : {}), ...(detail ? { detail } : {}) });
  };
  // An OAuth sign-in's first steps (client identified, signed in, request started) came before the request.
  let signInStepCount = 0;
  const recordSignIn = (steps: SignInStep[]) => {
    for (const step of steps.filter(isSignInStep)) {
      if (signInStepCount >= MAX_SIGN_IN_STEPS) return;
      signInStepCount += 1;
      s.timeline.push({
        at: step.at, type: SIGN_IN_TIMELINE_PREFIX + step.type, client: step.clientId.slice(0, 300),
        ...(step.actor ? { actor: step.actor.slice(0, 200) } : {}), ...(step.detail ? { detail: step.detail.slice(0, 500) } : {}),
      });
    }
  };
  recordSignIn(input.signIn?.steps ?? []);
  s.timeline.push({ at: requestedAt, type: 'requested', actor: input.requester, ...(input.reason ? { detail: input.reason } : {}) });
  // A busy worker can start the workflow well after the request was accepted: the auditor sees both.
  const startDelayMs = Date.parse(startedAt) - Date.parse(requestedAt);
  if (startDelayMs >= START_DELAY_SHOWN_MS) record('started', undefined, `${(startDelayMs / 1000).toFixed(1)}s after the request was accepted`);
  // Announcements so far: with the history length they order this request's pushed statuses.
  let announced = 0;
  const announce = (kind: 'state' | 'approvers_not_asked') => announceChange({ requestId: s.requestId, state: s.state, kind }, s, ++announced);
  // A state set with `shownLater` reaches the search attribute only if the workflow task could end
  // in it (showState, before a step that leaves the task); the next state set in the same task replaces it.
  let stateUnshown = false;
  const showState = () => {
    if (!stateUnshown) return;
    stateUnshown = false;
    upsertSearchAttributes([{ key: stateKey, value: s.state }]);
  };
  const setState = (state: RequestState, shownLater = false) => {
    s.state = state;
    record('state', undefined, state);
    stateUnshown = true;
    if (!shownLater) showState();
    announce('state');
  };
  // Status snapshots handed to the worker so far (see safeNotify and archive).
  let snapshots = 0;
  // Notices held back to go out with the next one, in one activity (FEWER_NOTICES).
  const owed: NoticeKind[] = [];
  // `tried`: an activity already tried this notice (and may have posted it): straight to `notify`, told to look first.
  const safeNotify = async (kind: NoticeKind, commandId?: string, tried = false): Promise<NoticeResult> => {
    const earlier = owed.splice(0);
    try {
      if (!has(ORDERS_BY_ID)) return await notify({ kind, status: s, ...(commandId ? { commandId } : {}) });
      shareStatus(s, ++snapshots);
      const order = { kind, requestId: s.requestId, seq: snapshots, ...(commandId ? { commandId } : {}), ...(earlier.length ? { earlier } : {}) };
      if (!current) return await notify(order);
      if (!tried) {
        try {
          return await quickNotice.notify(order);
        } catch (error) {
          // Slack's refusal (invalid_blocks, channel_not_found...) is final: retrying would only repeat it.
          if (isCancellation(error) || refusedForGood(error)) throw error;
        }
      }
      // The activity ends this workflow task: the state it ends in is the one Temporal shows.
      showState();
      return await notify({ ...order, afterQuickTry: true });
    } catch (error) {
      if (isCancellation(error)) throw error;
      // Slack's answer (e.g. invalid_blocks) is kept, so the status and the API say why nobody was told.
      record('notification_failed', undefined, `${[...earlier, kind].join('+')}: ${(error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message}`);
      if (kind === 'requested' || earlier.includes('requested')) announce('approvers_not_asked');
      return {};
    }
  };
  const norm = (subject: string) => subject.trim().toLowerCase();
  const isApprover = (subject: string) => input.policy.approvers.includes(norm(subject));
  const assertApprover = (subject: string, what: string) => {
    if (!subject?.trim()) throw new Error('the approver is missing');
    if (norm(subject) === norm(input.requester)) throw new Error(`you cannot ${what} your own request`);
    if (!isApprover(subject)) throw new Error(`${subject} is not an approver of ${input.target}`);
  };

  let revocationAsked: RevokeInput | undefined;
  let extensionToApply = false;
  let grantId: string | undefined;
  let credentialRef: string | undefined;
  let credentialAttempted = false;

  setHandler(status, () => s);

  // --- approval ---------------------------------------------------------------------------
  setHandler(
    approve,
    (d): MessageResult => {
      if (!s.decision) {
        s.decision = { approved: true, by: norm(d.approver), at: now() };
        record('approved', norm(d.approver));
        upsertSearchAttributes([{ key: approverKey, value: norm(d.approver) }]);
      }
      return { state: s.state, detail: `approved by ${s.decision.by}` };
    },
    {
      validator: (d) => {
        assertApprover(d.approver, 'approve');
        if (s.decision && !s.decision.approved) throw new Error(`the request was already denied by ${s.decision.by}`);
        if (!s.decision && s.state !== 'PENDING_APPROVAL') throw new Error(`the request is ${describe(s.state)}; it can no longer be approved`);
      },
    },
  );
  setHandler(
    deny,
    (d): MessageResult => {
      if (!s.decision) {
        s.decision = { approved: false, by: norm(d.approver), at: now(), reason: d.reason };
        record('denied', norm(d.approver), d.reason);
        upsertSearchAttributes([{ key: approverKey, value: norm(d.approver) }]);
      }
      return { state: s.state, detail: `denied by ${s.decision.by}` };
    },
    {
      validator: (d) => {
        assertApprover(d.approver, 'deny');
        if (!d.reason?.trim()) throw new Error('a denial needs a reason');
        if (s.decision?.approved) throw new Error(`the request was already approved by ${s.decision.by}`);
        if (!s.decision && s.state !== 'PENDING_APPROVAL') throw new Error(`the request is ${describe(s.state)}; it can no longer be denied`);
      },
    },
  );

  // --- revocation -------------------------------------------------------------------------
  setHandler(
    revoke,
    (r): MessageResult => {
      if (!revocationAsked && !AFTER_REVOCATION.includes(s.state)) {
        revocationAsked = { by: norm(r.by), reason: r.reason };
        record('revocation_requested', norm(r.by), r.reason);
        return { state: s.state, detail: 'revocation started' };
      }
      return { state: s.state, detail: 'already revoked or being revoked' };
    },
    {
      validator: (r) => {
        if (!r.by?.trim()) throw new Error('who revokes is missing');
        if (!r.reason?.trim()) throw new Error('a revocation needs a reason');
        const allowed = norm(r.by) === norm(input.requester) || isApprover(r.by) || r.by.startsWith('system:');
        if (!allowed) throw new Error(`${r.by} may not revoke this request (only the requester and the approvers of ${input.target})`);
        if (CLOSED_BEFORE_ACCESS.includes(s.state) || s.state === 'FAILED') {
          throw new Error(`the request is ${describe(s.state)}; there is nothing to revoke`);
        }
      },
    },
  );

  // --- extension --------------------------------------------------------------------------
  const pendingExtension = () => s.extensions.find((e) => e.outcome === 'pending');
  setHandler(
    extend,
    async (e): Promise<MessageResult> => {
      s.extensions.push({ requestedBy: norm(e.by), requestedAt: now(), durationMs: e.durationMs, reason: e.reason, outcome: 'pending' });
      record('extension_requested', norm(e.by), `${Math.round(e.durationMs / 1000)}s: ${e.reason}`);
      await safeNotify('extension_requested');
      return { state: s.state, detail: 'extension requested; an approver must decide' };
    },
    {
      validator: (e) => {
        if (norm(e.by ?? '') !== norm(input.requester)) throw new Error('only the requester can ask for an extension');
        if (s.state !== 'ACTIVE') throw new Error(`the request is ${describe(s.state)}; only an active grant can be extended`);
        if (!(e.durationMs > 0)) throw new Error('the extension must be a positive duration');
        if (!e.reason?.trim()) throw new Error('an extension needs a reason');
        if (pendingExtension()) throw new Error('an extension is already waiting for a decision');
        const used = Date.parse(s.expiresAt!) - Date.parse(s.activeSince!);
        const room = input.policy.maxDurationMs - used;
        if (e.durationMs > room) {
          throw new Error(`${input.target} allows at most ${Math.round(input.policy.maxDurationMs / 1000)}s in all; at most ${Math.max(0, Math.floor(room / 1000))}s more can be asked`);
        }
      },
    },
  );
  setHandler(
    decideExtension,
    async (d): Promise<MessageResult> => {
      const ext = pendingExtension()!;
      ext.outcome = d.approved ? 'approved' : 'denied';
      ext.decidedBy = norm(d.approver);
      ext.decidedAt = now();
      record(d.approved ? 'extension_approved' : 'extension_denied', norm(d.approver), d.reason);
      if (d.approved) {
        s.expiresAt = new Date(Date.parse(s.expiresAt!) + ext.durationMs).toISOString();
        extensionToApply = true;
      } else {
        await safeNotify('extension_decided');
      }
      return { state: s.state, detail: d.approved ? `extended until ${s.expiresAt}` : 'extension denied' };
    },
    {
      validator: (d) => {
        assertApprover(d.approver, 'decide on');
        if (s.state !== 'ACTIVE') throw new Error(`the request is ${describe(s.state)}; nothing to extend`);
        if (!pendingExtension()) throw new Error('no extension is waiting for a decision');
      },
    },
  );

  // --- held commands (the gateway asks, an approver decides) -------------------------------
  // holdCommand answers at once; the decision goes to the gateway through Redis (announce), so a
  // held command never occupies an in-flight Update slot that revoke, approve or extend needs.
  const maxHeld = input.policy.maxHeldCommands ?? DEFAULT_MAX_HELD_COMMANDS;
  const pendingCommands = () => s.commands.filter((c) => c.outcome === 'pending');
  const decideBy = (command: CommandRecord) => new Date(Date.parse(command.heldAt) + input.policy.commandApprovalTimeoutMs).toISOString();
  const heldCommand = (command: CommandRecord): HeldCommand => ({
    commandId: command.commandId, heldAt: command.heldAt, decideBy: decideBy(command),
    approvers: input.policy.approvers, channel: input.policy.approverChannel, ...(s.thread ? { thread: s.thread } : {}),
  });
  const watchCommand = async (held: CommandRecord) => {
    void safeNotify('command_held', held.commandId);
    const left = Math.max(0, Date.parse(decideBy(held)) - Date.now());
    const decided = await condition(() => held.outcome !== 'pending' || s.state !== 'ACTIVE', left);
    if (held.outcome === 'pending') {
      held.outcome = decided ? 'denied' : 'timed_out';
      held.decidedBy = 'gatehouse';
      held.decidedAt = now();
      held.reason = decided ? `the grant is ${describe(s.state)}` : 'no approver decided in time';
      record(`command_${held.outcome}`, 'gatehouse', held.reason);
      if (s.state === 'ACTIVE') void safeNotify('command_decided', held.commandId);
    }
    const validUntil = new Date(Math.min(Date.now() + APPROVAL_VALIDITY_MS, Date.parse(s.expiresAt ?? now()))).toISOString();
    try {
      await announceCommandDecision({ ...commandDecision(held), requestId: s.requestId, validUntil });
    } catch (error) {
      if (!isCancellation(error)) record('announcement_failed', undefined, held.commandId);
    }
  };
  setHandler(
    holdCommand,
    (review): HeldCommand => {
      const existing = s.commands.find((c) => c.commandId === review.commandId);
      if (existing) return heldCommand(existing);
      const command: CommandRecord = { ...review, heldAt: now(), outcome: 'pending' };
      s.commands.push(command);
      // Findable while the grant is live; the archive sets the full findings at the end.
      if (s.commands.length === 1 && has('held-finding')) upsertSearchAttributes([{ key: findingsKey, value: ['held'] }]);
      record('command_held', input.requester, `${review.tool} (${review.classes.join(', ')})`);
      void watchCommand(command);
      return heldCommand(command);
    },
    {
      validator: (review) => {
        if (s.state !== 'ACTIVE') throw new Error(`the request is ${describe(s.state)}; no command can run`);
        if (!review?.commandId || !review.tool) throw new Error('a held command needs an id and a tool');
        if (s.commands.some((c) => c.commandId === review.commandId)) return;
        const waiting = pendingCommands();
        if (waiting.length >= maxHeld) {
          throw new Error(`${waiting.length} commands of this grant already wait for an approver (at most ${maxHeld} on ${input.target}): ${waiting.map((c) => c.commandId).join(', ')}; wait for a decision, or cancel one of those calls`);
        }
      },
    },
  );
  setHandler(
    withdrawCommand,
    (w): MessageResult => {
      const command = s.commands.find((c) => c.commandId === w.commandId)!;
      if (command.outcome === 'pending') {
        command.outcome = 'withdrawn';
        command.decidedBy = 'client';
        command.decidedAt = now();
        command.reason = w.reason;
        record('command_withdrawn', input.requester, w.reason);
        void safeNotify('command_decided', command.commandId);
      }
      return { state: s.state, detail: `command ${command.outcome.replace('_', ' ')}` };
    },
    {
      validator: (w) => {
        if (!w?.commandId || !w.reason?.trim()) throw new Error('a withdrawal needs a command id and a reason');
        if (!s.commands.some((c) => c.commandId === w.commandId)) throw new Error(`no held command ${w.commandId} on this request`);
      },
    },
  );
  setHandler(
    decideCommand,
    (d): MessageResult => {
      const command = s.commands.find((c) => c.commandId === d.commandId)!;
      if (command.outcome === 'pending') {
        command.outcome = d.approved ? 'approved' : 'denied';
        command.decidedBy = norm(d.approver);
        command.decidedAt = now();
        command.reason = d.reason;
        record(`command_${command.outcome}`, norm(d.approver), d.reason);
        void safeNotify('command_decided', command.commandId);
      }
      return { state: s.state, detail: `command ${command.outcome} by ${command.decidedBy}` };
    },
    {
      validator: (d) => {
        assertApprover(d.approver, 'approve commands of');
        const command = s.commands.find((c) => c.commandId === d.commandId);
        if (!command) throw new Error(`no held command ${d.commandId} on this request`);
        if (command.outcome === 'withdrawn') throw new Error(`this command is stale: it was withdrawn by the client at ${command.decidedAt}; nobody waits for it`);
        if (command.outcome !== 'pending' && command.decidedBy !== norm(d.approver)) {
          throw new Error(`the command was already ${command.outcome.replace('_', ' ')}${command.decidedBy ? ` by ${command.decidedBy}` : ''}`);
        }
      },
    },
  );

  // --- sessions (the gateway says one opened; the thread hears of it, in one reply per grant) ---
  // The first session is told at once; later ones update that reply, at most once per interval,
  // with the count so far. One announcer runs at a time and reads the latest count when it sends,
  // so a client reconnecting in a loop costs a chat.update every few seconds, not a post each.
  let sessionsShown = 0;
  let announcingSessions = false;
  const announceSessions = async () => {
    if (announcingSessions) return;
    announcingSessions = true;
    try {
      while (s.sessions && s.sessions.count > sessionsShown) {
        const first = !s.sessions.reply && sessionsShown === 0;
        // Revocation cuts the wait short: the final count is shown without delaying anything.
        if (!first) await condition(() => s.state !== 'ACTIVE', SESSION_NOTICE_INTERVAL_MS);
        const count = s.sessions.count;
        const { posted } = await safeNotify(first ? 'session_started' : 'sessions_updated');
        if (posted) s.sessions.reply = posted;
        sessionsShown = count;
      }
    } finally {
      announcingSessions = false;
    }
  };
  setHandler(sessionStarted, async (session) => {
    if (s.state !== 'ACTIVE' || !session?.sessionId) return;
    const detail = `${session.sessionId}${session.client ? ` (${session.client})` : ''}`;
    record('session_started', input.requester, detail);
    if (!has(COALESCED_SESSION_NOTICES)) {
      await safeNotify('session_started');
      return;
    }
    const at = now();
    s.sessions = { ...s.sessions, count: (s.sessions?.count ?? 0) + 1, firstAt: s.sessions?.firstAt ?? at, lastAt: at, last: detail };
    await announceSessions();
  });

  // --- OAuth sign-in steps (the gateway's authorization server reports them) ---------------
  setHandler(signInSteps, async (message) => {
    if (!Array.isArray(message?.steps)) return;
    const before = signInStepCount;
    recordSignIn(message.steps.slice(0, 20));
    // A person handed this live grant to another MCP client: the approvers' thread hears of it.
    const added = s.timeline.filter((e) => e.type.startsWith(SIGN_IN_TIMELINE_PREFIX)).slice(before);
    if (s.state === 'ACTIVE' && added.some((e) => e.type === `${SIGN_IN_TIMELINE_PREFIX}grant_reused`)) await safeNotify('grant_reused');
  });

  // --- the lifecycle -----------------------------------------------------------------------
  const revokeEverything = async (by: string, reason: string) => {
    setState('REVOKING');
    const cutGrant = async () => {
      if (!grantId) return;
      const cut = has(LOCAL_GRANT_STORE) ? localRevocation.deactivateGrant : deactivateGrant;
      await cut({ grantId, requestId: s.requestId, target: s.target, reason, at: now() });
    };
    const dropIdentity = async () => {
      if (credentialAttempted) await revokeCredential({ requestId: s.requestId, target: s.target, ...(credentialRef ? { credentialRef } : {}) });
    };
    // Each is retried until it succeeds; neither waits for the other (Redis down must not keep the identity).
    if (has(DROP_BESIDE_CUT)) await Promise.all([cutGrant(), dropIdentity()]);
    else {
      await cutGrant();
      await dropIdentity();
    }
    s.revocation = { by, reason, at: now() };
    s.revokedAt = now();
    setState('REVOKED');
    await safeNotify('revoked');
  };
  const archive = async () => {
    let order: AccessStatus | ArchiveOrder = s;
    if (has(ORDERS_BY_ID)) {
      shareStatus(s, ++snapshots);
      // Notices still owed go with the next safeNotify, in order: then the archive tells nobody.
      order = { requestId: s.requestId, seq: snapshots, ...(noticeWithArchive && owed.length === 0 ? { notice: 'archived' as const } : {}) };
    }
    const archived = await archiveRequest(order);
    s.archive = { digest: archived.digest, location: archived.location };
    if (archived.findings?.length && has('archive-findings')) upsertSearchAttributes([{ key: findingsKey, value: archived.findings }]);
    record('archived', undefined, s.archive.digest);
    if (s.state === 'REVOKED') setState('ARCHIVED');
    if (!archived.told) await safeNotify('archived', undefined, archived.told === false);
  };

  const lifecycle = async () => {
    // Notices that can wait a moment for the next one go with it: an auto-approved request is posted
    // already approved, and 'issued' goes with 'active' (or whatever comes next).
    const fewerNotices = has(FEWER_NOTICES);
    if (fewerNotices && input.policy.autoApproved) {
      owed.push('requested');
    } else {
      const { thread } = await safeNotify('requested');
      if (thread) s.thread = thread;
    }

    if (input.policy.autoApproved) {
      s.decision = { approved: true, by: 'policy:auto-approve', at: now() };
      record('approved', 'policy:auto-approve');
    } else {
      const decided = await condition(() => s.decision !== undefined || revocationAsked !== undefined, input.policy.approvalTimeoutMs);
      if (!decided) {
        setState('EXPIRED_UNAPPROVED');
        await safeNotify('expired_unapproved');
        return;
      }
    }
    if (!s.decision) {
      // Withdrawn by the requester (or an approver) before anyone decided.
      s.revocation = { by: revocationAsked!.by, reason: revocationAsked!.reason, at: now() };
      setState('REVOKED');
      await safeNotify('revoked');
      return;
    }
    if (!s.decision.approved) {
      setState('DENIED');
      await safeNotify('decided');
      return;
    }
    // Followed in this workflow task by ISSUING or REVOKING, unless the notice has to leave it.
    setState('APPROVED', latest);
    const told = await safeNotify('decided');
    if (told.thread) s.thread = told.thread;
    if (revocationAsked) return revokeEverything(revocationAsked.by, revocationAsked.reason);

    setState('ISSUING');
    const timeFromActivation = has(GRANT_TIME_FROM_ACTIVATION);
    // The provider's backstop (the identity's comment, the vault's first TTL); the grant's own end
    // is set when it is stored, so the approved duration is what the requester gets.
    const expiresAt = new Date(Date.now() + input.durationMs).toISOString();
    // Undefined in histories from before the activity answered; false only when a cut came first.
    let stored: boolean | undefined;
    try {
      credentialAttempted = true;
      if (storedWithIssuance) {
        // Chosen before issuing: the activity's retries store the same grant, and a cancellation cuts it.
        grantId = `grt_${uuid4().replace(/-/g, '')}`;
        const issued = await issueGrant({ requestId: s.requestId, target: s.target, expiresAt, grant: { grantId, subject: s.requester, durationMs: input.durationMs } });
        credentialRef = issued.credentialRef;
        s.principal = issued.principal;
        owed.push('issued');
        s.grantId = grantId;
        stored = issued.started.stored;
        if (issued.started.stored) {
          s.activeSince = issued.started.issuedAt;
          s.expiresAt = issued.started.expiresAt;
        }
      } else {
        const issued = await issueCredential({ requestId: s.requestId, target: s.target, expiresAt });
        credentialRef = issued.credentialRef;
        s.principal = issued.principal;
        if (fewerNotices) owed.push('issued');
        else await safeNotify('issued');
        grantId = `grt_${uuid4().replace(/-/g, '')}`;
        s.grantId = grantId;
        const grant = { grantId, requestId: s.requestId, target: s.target, subject: s.requester, principal: issued.principal, credentialRef: issued.credentialRef };
        if (timeFromActivation) {
          const started = await localActivation.startGrant({ ...grant, durationMs: input.durationMs });
          stored = started.stored;
          if (started.stored) {
            s.activeSince = started.issuedAt;
            s.expiresAt = started.expiresAt;
          }
        } else {
          s.activeSince = now();
          s.expiresAt = expiresAt;
          const activate = has(LOCAL_GRANT_STORE) ? localActivation.activateGrant : activateGrant;
          stored = (await activate({ ...grant, issuedAt: s.activeSince, expiresAt })) ?? undefined;
        }
      }
    } catch (error) {
      if (isCancellation(error)) throw error;
      s.failure = `credential issuance failed: ${rootMessage(error)}`;
      await CancellationScope.nonCancellable(() => revokeEverything('system:gatehouse', s.failure!));
      setState('FAILED');
      await safeNotify('failed');
      return;
    }
    if (stored === false) {
      // The request was revoked in the grant store before its grant could be stored (revocation's
      // fast path; its message to this workflow may still be on its way, or lost): never active.
      record('activation_refused', 'gatehouse', 'the request was revoked in the grant store before its grant was stored');
      revocationAsked ??= { by: 'system:gatehouse', reason: 'revoked in the grant store before the grant was stored' };
    } else {
      setState('ACTIVE');
      await safeNotify('active');
    }

    let warned = false;
    for (;;) {
      if (revocationAsked) break;
      if (extensionToApply) {
        extensionToApply = false;
        warned = false;
        await (has(LOCAL_GRANT_STORE) ? localActivation.extendGrant : extendGrant)({ grantId, credentialRef: credentialRef!, expiresAt: s.expiresAt! });
        await safeNotify('extension_decided');
        continue;
      }
      const end = Date.parse(s.expiresAt!);
      // Histories from before the rule warned at the policy's lead whatever the grant's length.
      const lead = has('expiring-soon-lead') ? expiringSoonLeadMs(end - Date.parse(s.activeSince!), input.policy.expiringSoonWarningMs) : input.policy.expiringSoonWarningMs;
      const warnAt = end - lead;
      const current = Date.now();
      if (current >= end) break;
      if (!warned && current >= warnAt) {
        warned = true;
        record('expiring_soon', undefined, s.expiresAt);
        await safeNotify('expiring_soon');
        continue;
      }
      const wakeAt = !warned && warnAt > current ? warnAt : end;
      await condition(() => revocationAsked !== undefined || extensionToApply, wakeAt - current);
    }
    const asked = revocationAsked as RevokeInput | undefined;
    await CancellationScope.nonCancellable(() =>
      asked ? revokeEverything(asked.by, asked.reason) : revokeEverything('system:expiry', 'the grant reached its end'),
    );
  };

  try {
    await lifecycle();
  } catch (error) {
    if (!isCancellation(error)) throw error;
    // Cancelling the workflow must never leave access behind.
    await CancellationScope.nonCancellable(async () => {
      record('cancelled', undefined, 'the workflow was cancelled');
      if (!AFTER_REVOCATION.includes(s.state) && !CLOSED_BEFORE_ACCESS.includes(s.state)) {
        await revokeEverything('system:cancellation', 'the workflow was cancelled');
      }
    });
  }
  await CancellationScope.nonCancellable(async () => {
    // A sign-in's browser learns of a denial or expiry on its next poll (about a second): the
    // refusal it is sent is worth a short wait, so the archive holds the sign-in to its end.
    if (input.origin === 'oauth' && CLOSED_BEFORE_ACCESS.includes(s.state)) {
      await condition(() => s.timeline.some((e) => e.type === `${SIGN_IN_TIMELINE_PREFIX}refused`), SIGN_IN_REFUSAL_WAIT_MS);
    }
    await archive();
    await condition(allHandlersFinished);
  });
  return s;
}

/** A well-formed sign-in step (the signal comes from the gateway; its shape is checked, not trusted). */
function isSignInStep(step: SignInStep): boolean {
  return typeof step === 'object' && step !== null && (signInStepTypes as readonly string[]).includes(step.type)
    && typeof step.at === 'string' && !Number.isNaN(Date.parse(step.at)) && typeof step.clientId === 'string' && step.clientId.length > 0
    && (step.actor === undefined || typeof step.actor === 'string') && (step.detail === undefined || typeof step.detail === 'string');
}

/**
 * An activity that failed with a non-retryable application failure (the notifier's permanent
 * refusal). A local activity's failure reaches the workflow as that failure itself, an activity's
 * as its cause.
 */
function refusedForGood(error: unknown): boolean {
  const failure = error instanceof ActivityFailure ? error.cause : error;
  return failure instanceof ApplicationFailure && failure.nonRetryable === true;
}

function commandDecision(command: CommandRecord): CommandDecision {
  return {
    commandId: command.commandId,
    approved: command.outcome === 'approved',
    ...(command.outcome !== 'pending' ? { outcome: command.outcome } : {}),
    decidedBy: command.decidedBy ?? 'gatehouse',
    decidedAt: command.decidedAt ?? '',
    ...(command.reason ? { reason: command.reason } : {}),
  };
}

function describe(state: RequestState): string {
  return state.toLowerCase().replace(/_/g, ' ');
}

function rootMessage(error: unknown): string {
  let current = error as { message?: string; cause?: unknown } | undefined;
  while (current?.cause) current = current.cause as typeof current;
  return current?.message ?? String(error);
}
