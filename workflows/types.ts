// Shapes that cross the workflow boundary. Nothing secret may appear in any of them:
// they are all stored in Temporal history.
import type { GrantRecord, GrantStart, RevocationEvent, StartedGrant } from '../lib';

export const requestStates = [
  'PENDING_APPROVAL', 'DENIED', 'EXPIRED_UNAPPROVED', 'APPROVED', 'ISSUING', 'ACTIVE',
  'REVOKING', 'REVOKED', 'ARCHIVED', 'FAILED',
] as const;
export type RequestState = (typeof requestStates)[number];

/** The rules that govern one request, fixed when it is made (see policy/evaluate.ts). */
export interface RequestPolicy {
  target: string;
  approverChannel: string;
  /** Subjects who may decide; never includes the requester. */
  approvers: string[];
  maxDurationMs: number;
  autoApproved: boolean;
  approvalTimeoutMs: number;
  commandApprovalTimeoutMs: number;
  expiringSoonWarningMs: number;
  /** Commands of this grant that may wait for an approver at once (default 3). */
  maxHeldCommands?: number;
}

/** Where a request was asked: Slack, the REST API, or an OAuth sign-in from an MCP client at the gateway. */
export type RequestOrigin = 'slack' | 'api' | 'oauth';

/**
 * The MCP client a person signed in with (origin 'oauth'), as the approvers must read it: what
 * Gatehouse checked itself apart from what the client merely claims about itself.
 */
export interface SignInClient {
  clientId: string;
  /** How the gateway knows the client. Only 'preregistered' names were set by Gatehouse's owners. */
  kind: 'preregistered' | 'metadata_document' | 'dynamic';
  /** The client's name: set in gatehouse.yaml when preregistered; otherwise only what the client claims. */
  name: string;
  nameVerified: boolean;
  /** What Gatehouse itself checked about the client, in words (e.g. the host its metadata document came from). */
  verified: string;
  /** Where the authorization code went back to (the redirect URI's origin). */
  redirectOrigin: string;
  /** Set when the claimed name looks like a preregistered client's name but the client is not that one. */
  impersonates?: string;
}

/** One step of an OAuth sign-in at the gateway. Nothing secret: no code, token, state or verifier. */
export interface SignInStep {
  at: string;
  type: SignInStepType;
  actor?: string;
  clientId: string;
  detail?: string;
}
export const signInStepTypes = [
  'client_identified', 'authorization_started', 'signed_in', 'request_started', 'grant_reused', 'code_issued', 'token_issued', 'token_refreshed', 'token_refused', 'refused', 'cancelled',
] as const;
export type SignInStepType = (typeof signInStepTypes)[number];
/** Timeline entries of sign-in steps are named `oauth_<step>`. */
export const SIGN_IN_TIMELINE_PREFIX = 'oauth_';

export interface AccessRequestInput {
  requestId: string;
  /** The policy subject (verified email or OIDC subject). */
  requester: string;
  origin: RequestOrigin;
  target: string;
  durationMs: number;
  reason: string;
  ticket?: string;
  policy: RequestPolicy;
  /** origin 'oauth': the client signed in with and the sign-in's steps so far (they precede the request). */
  signIn?: { client: SignInClient; steps: SignInStep[] };
  /**
   * When the API, the Slack app or the gateway accepted the request (ISO 8601), stamped by
   * AccessClient, never taken from the requester. It is what `requestedAt` means; missing in
   * histories from before it existed (then the workflow's start counts).
   */
  acceptedAt?: string;
}

export interface ThreadRef {
  channel: string;
  ts: string;
}

export interface TimelineEvent {
  at: string;
  type: string;
  actor?: string;
  detail?: string;
  /** Sign-in steps (`oauth_*`): the OAuth client_id they were taken with. */
  client?: string;
}

export interface CommandReview {
  commandId: string;
  tool: string;
  /** What the approver is shown: the SQL or arguments, already masked by the gateway. */
  summary: string;
  classes: string[];
  risk: 'low' | 'high';
}

export type CommandOutcome = 'pending' | 'approved' | 'denied' | 'timed_out' | 'withdrawn';

export interface CommandRecord extends CommandReview {
  heldAt: string;
  outcome: CommandOutcome;
  decidedBy?: string;
  decidedAt?: string;
  reason?: string;
}

/** The workflow's answer to holdCommand: where and by when an approver decides. */
export interface HeldCommand {
  commandId: string;
  heldAt: string;
  /** Without a decision by then, the command is refused (timed_out). */
  decideBy: string;
  /** Who may decide (never the requester). */
  approvers: string[];
  /** The request's Slack thread, where the approvers are asked. */
  thread?: ThreadRef;
  channel: string;
}

/** An approver's (or Gatehouse's) decision on one held command. */
export interface CommandDecision {
  commandId: string;
  approved: boolean;
  outcome?: Exclude<CommandOutcome, 'pending'>;
  decidedBy: string;
  decidedAt: string;
  reason?: string;
}

/** A decision as the workflow announces it to the gateway (Redis), valid until validUntil. */
export interface AnnouncedDecision extends CommandDecision {
  requestId: string;
  validUntil: string;
}

export interface ExtensionRecord {
  requestedBy: string;
  requestedAt: string;
  durationMs: number;
  reason: string;
  outcome: 'pending' | 'approved' | 'denied';
  decidedBy?: string;
  decidedAt?: string;
}

export interface AccessStatus {
  requestId: string;
  requester: string;
  origin: RequestOrigin;
  /** origin 'oauth': the MCP client the requester signed in with. */
  client?: SignInClient;
  target: string;
  reason: string;
  ticket?: string;
  durationMs: number;
  policy: RequestPolicy;
  state: RequestState;
  /** When the request was accepted (the 202 of the API, the Slack app's answer). */
  requestedAt: string;
  /** When the workflow first ran; a busy worker can make it later than requestedAt. */
  startedAt?: string;
  decision?: { approved: boolean; by: string; at: string; reason?: string };
  grantId?: string;
  principal?: string;
  activeSince?: string;
  expiresAt?: string;
  revocation?: { by: string; reason: string; at: string };
  revokedAt?: string;
  archive?: { digest: string; location: string };
  failure?: string;
  thread?: ThreadRef;
  /** The MCP sessions opened on the grant, which the thread shows in one reply kept up to date. */
  sessions?: SessionsSummary;
  extensions: ExtensionRecord[];
  commands: CommandRecord[];
  timeline: TimelineEvent[];
}

/**
 * How many MCP sessions the gateway opened on a grant, and the latest. Each one is also in the
 * timeline; this is what the thread's one session reply shows (a client reconnecting a dozen
 * times is one reply saying 12, not twelve replies).
 */
export interface SessionsSummary {
  count: number;
  firstAt: string;
  lastAt: string;
  /** The latest session: its id and client, as the gateway reported them. */
  last: string;
  /** The thread reply that shows them, once posted (it is updated in place). */
  reply?: ThreadRef;
}

export type NoticeKind =
  | 'requested' | 'decided' | 'expired_unapproved' | 'issued' | 'active' | 'command_held'
  | 'command_decided' | 'expiring_soon' | 'extension_requested' | 'extension_decided'
  | 'revoked' | 'archived' | 'failed' | 'session_started' | 'sessions_updated' | 'grant_reused';

export interface Notice {
  kind: NoticeKind;
  status: AccessStatus;
  commandId?: string;
  /** An earlier try may have delivered it (a quick try that gave up): look for it before posting again. */
  mayAlreadyExist?: boolean;
  /**
   * The request message (the thread's parent) was posted a moment ago by this same delivery, from
   * this same status (an auto-approved request's 'requested' with its 'decided'): it shows this
   * status already, so re-rendering it would send the same message again. A retried delivery
   * (`mayAlreadyExist`, a later activity attempt) may have found an older post and refreshes it.
   */
  parentCurrent?: boolean;
}

/**
 * A notice as the workflow orders it: which request, what happened. The activity reads the status
 * where it lives (the worker's latest snapshot, else the workflow's status query), so the whole
 * status with its timeline is not copied into history once per notice.
 */
export interface NoticeOrder {
  kind: NoticeKind;
  requestId: string;
  /** Which of the workflow's status snapshots this order follows (a worker's snapshot counts only when it is that one). */
  seq: number;
  commandId?: string;
  /**
   * Notices owed from just before, delivered first and in order in the same activity (an
   * auto-approved request's 'requested' with its 'decided'; 'issued' with 'active'): one activity
   * and one workflow task per grant fewer each. The result merges theirs ('requested' gives the thread).
   */
  earlier?: NoticeKind[];
  /**
   * The notice's quick try (a local activity, the 'local-notices' patch) gave up: it may have posted
   * before it did, so this delivery looks for what it would post first.
   */
  afterQuickTry?: boolean;
}

/** The archive as the workflow orders it: the activity reads the status as a notice does. */
export interface ArchiveOrder {
  requestId: string;
  seq: number;
  /**
   * The 'archived' notice, tried once by the archive's activity right after the archive is written
   * (as a quick notice is): no local activity of its own. `told` in the result says whether it went;
   * if not, the workflow sends it as before.
   */
  notice?: 'archived';
}

export interface NoticeResult {
  /** Set by the 'requested' notice: where the rest of the conversation happens. */
  thread?: ThreadRef;
  /** Set by a notice whose message is later updated in place (the session reply): where it is. */
  posted?: ThreadRef;
}

/** The grant record and the revocation event are the grant store's (lib/grant-store.ts): the gateway reads what the workflow writes. */
export type { GrantRecord, GrantStart, RevocationEvent, StartedGrant };

/** A credential to issue and the grant to store once it is issued, in one activity task. */
export interface GrantIssue {
  requestId: string;
  target: string;
  /** The provider's backstop (CredentialRequest.expiresAt); the grant's own end is set when it is stored. */
  expiresAt: string;
  grant: { grantId: string; subject: string; durationMs: number };
}

/** The issued credential (its reference and user, nothing secret) and what storing its grant did. */
export interface IssuedGrant {
  credentialRef: string;
  principal: string;
  started: StartedGrant;
}

export interface ArchiveResult {
  /** SHA-256 chain head of the archive, kept in history so later edits are detectable. */
  digest: string;
  location: string;
  /** What the archived session held, for finding it (the GatehouseFindings search attribute); not kept in the status. */
  findings?: ArchiveFinding[];
  /** The order's notice went out (ArchiveOrder.notice). */
  told?: boolean;
}

export const archiveFindings = ['held', 'denied', 'masked'] as const;
export type ArchiveFinding = (typeof archiveFindings)[number];

/** The side effects the access workflow orders; implemented in activities/. */
export interface AccessActivities {
  /** A Notice carrying the whole status comes from histories recorded before notices were ordered by id. */
  notify(notice: NoticeOrder | Notice): Promise<NoticeResult>;
  issueCredential(request: { requestId: string; target: string; expiresAt: string }): Promise<{ credentialRef: string; principal: string }>;
  /**
   * issueCredential, then startGrant with the issued user, in one activity task: no local activity
   * (and workflow activation) of its own for storing the grant. Stores nothing when the request was
   * revoked in the grant store first (`started.stored` false), as startGrant.
   */
  issueGrant(order: GrantIssue): Promise<IssuedGrant>;
  revokeCredential(request: { requestId: string; target: string; credentialRef?: string }): Promise<void>;
  /** False: the request was revoked in the grant store first (revocation's fast path), nothing was stored. */
  activateGrant(grant: GrantRecord): Promise<boolean>;
  /** Stores the grant with its time box counted from that moment (the approved duration is what the requester gets). */
  startGrant(grant: GrantStart): Promise<StartedGrant>;
  extendGrant(change: { grantId: string; credentialRef: string; expiresAt: string }): Promise<boolean>;
  deactivateGrant(revocation: RevocationEvent): Promise<void>;
  /** Tells the gateway (through Redis) how a held command was decided; it waits on nothing else. */
  announceCommandDecision(decision: AnnouncedDecision): Promise<void>;
  /** The whole status comes from histories recorded before the archive was ordered by id. */
  archiveRequest(order: ArchiveOrder | AccessStatus): Promise<ArchiveResult>;
}

/** What one credential provider's reconciliation found (principals only, never secrets). */
export interface ReconcileReport {
  target: string;
  checked: number;
  revoked: string[];
}
