import type { GrantRecord, HeldCall } from '../lib';
import type { ToolCallRuling } from './command-policy';
import { GatewayErrorCode } from './errors';
import type { AnnouncedDecision, CommandReviewer, DecisionBoard, HeldCommand } from './held-commands';
import type { PhiAwareRuling } from './phi-predicates';

/**
 * The hold logic both eras share (a 2025 session in session.ts, a 2026-07-28 request in
 * modern/holds.ts): finding the identical call held already when it comes again, putting a new
 * hold to the approvers, using an approver's decision once, and withdrawing. What the client is
 * told is each era's own encoding (progress and an error or a tool result; an input round).
 */

/** How much of a held command's SQL the approvers see. */
const SUMMARY_LIMIT = 2_000;

/** A tool call as the decision board knows it: the grant, the tool, the arguments. */
export function heldCallOf(grantId: string, call: { tool?: string; arguments?: Record<string, unknown> }): HeldCall {
  return { grantId, tool: call.tool ?? '', arguments: call.arguments ?? {} };
}

/** What an identical held call of the same grant came to, when the call comes again. */
export type Recall =
  /** Nothing held (or its decision is spent): hold it anew. */
  | { kind: 'new' }
  /** Held, no decision yet. */
  | { kind: 'waiting'; commandId: string }
  /** Approved and unused: its approval is used now, and it runs once. */
  | { kind: 'run'; commandId: string; decision: AnnouncedDecision }
  | { kind: 'denied'; commandId: string; decision: AnnouncedDecision };

/**
 * Whether this exact call (grant, tool, arguments) is held already: approved and unused (its
 * approval is used here: it runs now, once), denied, still waiting, or new (a decision that is
 * spent, expired, timed out or withdrawn holds it anew).
 */
export async function recallHeld(board: DecisionBoard, call: HeldCall): Promise<Recall> {
  const prior = await board.heldCall(call);
  if (!prior) return { kind: 'new' };
  const decision = await board.decision(prior);
  if (!decision) return { kind: 'waiting', commandId: prior };
  await board.forgetCall(call, prior);
  if (decision.approved && Date.parse(decision.validUntil) > Date.now() && await board.useApproval(prior, decision.validUntil)) {
    return { kind: 'run', commandId: prior, decision };
  }
  if (!decision.approved && decision.outcome === 'denied') return { kind: 'denied', commandId: prior, decision };
  return { kind: 'new' };
}

export interface HoldSubmission {
  reviewer: CommandReviewer;
  board: DecisionBoard;
  grant: GrantRecord;
  call: HeldCall;
  ruling: ToolCallRuling;
  commandId: string;
  /** Masks the approvers' summary; undefined when masking failed (nothing is sent for approval then). */
  maskSummary(text: string): Promise<string | undefined>;
}

/**
 * Puts a new held command to the approvers (the workflow's holdCommand) with its SQL, masked, as
 * the summary, and remembers the call so that the same call coming again finds it. A refusal says
 * why it could not be held (masking failed, too many holds waiting, the workflow unreachable).
 */
export async function submitHold(input: HoldSubmission): Promise<{ held: HeldCommand } | { refusal: { code: number; message: string } }> {
  const phiColumns = (input.ruling as PhiAwareRuling).phiColumns;
  const summary = await input.maskSummary(`${phiColumns?.length ? `PHI in predicates: ${phiColumns.join(', ')}\n` : ''}${input.ruling.sql.join(';\n')}`.slice(0, SUMMARY_LIMIT));
  if (summary === undefined) return { refusal: { code: GatewayErrorCode.Withheld, message: 'the held command could not be masked for the approvers, so it was not sent for approval' } };
  let held: HeldCommand;
  try {
    held = await input.reviewer.holdCommand(input.grant.requestId, { commandId: input.commandId, tool: input.ruling.tool, summary, classes: input.ruling.classes, risk: input.ruling.risk });
  } catch (error) {
    const message = (error as Error).message;
    const full = /already wait for an approver/.test(message);
    return { refusal: { code: full ? GatewayErrorCode.TooManyHolds : GatewayErrorCode.Unavailable, message: full ? message : `the command was held for approval but could not be put to an approver: ${message}` } };
  }
  await input.board.rememberCall(input.call, input.commandId, held.decideBy).catch(() => undefined);
  return { held };
}

/**
 * An approver's decision on a held command, used by the call that waited for it or came back for
 * it: `run` (its approval used now: it runs once), `used` (another call used it), `expired` (the
 * approval's time ran out), `against` (denied, timed out or withdrawn).
 */
export async function useDecision(board: DecisionBoard, call: HeldCall, commandId: string, decision: AnnouncedDecision): Promise<'run' | 'used' | 'expired' | 'against'> {
  await board.forgetCall(call, commandId).catch(() => undefined);
  if (!decision.approved) return 'against';
  if (Date.parse(decision.validUntil) <= Date.now()) return 'expired';
  return await board.useApproval(commandId, decision.validUntil) ? 'run' : 'used';
}

/** The client gave up on a held command: the call is forgotten, the workflow records the withdrawal (Slack says so). */
export async function withdrawHold(reviewer: CommandReviewer | undefined, board: DecisionBoard | undefined, grant: GrantRecord, call: HeldCall | undefined, commandId: string, reason: string): Promise<void> {
  if (call) await board?.forgetCall(call, commandId).catch(() => undefined);
  await reviewer?.withdrawCommand(grant.requestId, commandId, reason);
}
