import { callFingerprint, type GrantRecord, type HeldCall } from '../../lib';
import type { TargetConfig } from '../../policy';
import type { ToolCallRuling } from '../command-policy';
import type { ForwardedCall } from '../decisions';
import { GatewayErrorCode } from '../errors';
import { heldCallOf, recallHeld, submitHold, useDecision, withdrawHold } from '../held-calls';
import { deniedResult, heldResult, threadLink, type AnnouncedDecision, type CommandReviewer, type DecisionBoard, type HeldCommand } from '../held-commands';
import { GrantState, type HoldHandle } from './grant-state';
import { canElicit, inputRequiredResult, isObject, type ClientEnvelope } from './wire';

/** The key of the approval input request in `inputRequests` (and of its answer in `inputResponses`). */
export const APPROVAL_INPUT = 'gatehouse_approval';

/**
 * What becomes of a held tools/call in the 2026 era. The same hold as in a 2025 session, by the
 * same code (held-calls.ts: the workflow's holdCommand, the decision board, an approval usable
 * once); a different encoding:
 * the answer is an `input_required` result that tells the client's human who decides, where
 * and until when, and the client's retry (its `requestState`) picks the decision up.
 */
export type ModernHoldOutcome =
  | { kind: 'run'; commandId: string }
  /** The approved command's upstream asked for input; the client answered: its run goes on (no new approval). */
  | { kind: 'continue'; commandId: string; upstreamState?: string }
  | { kind: 'answer'; commandId: string; result: Record<string, unknown>; note: string }
  | { kind: 'refuse'; commandId?: string; code: number; message: string };

export interface ModernHoldDeps {
  target: TargetConfig;
  grant: GrantRecord;
  reviewer?: CommandReviewer;
  board?: DecisionBoard;
  state: GrantState;
  /** Masks the approvers' summary (undefined when masking failed: nothing is sent for approval then). */
  maskSummary(text: string): Promise<string | undefined>;
}

export interface HoldRequest {
  call: ForwardedCall;
  ruling: ToolCallRuling;
  /** The id a new hold gets. */
  commandId: string;
  envelope: ClientEnvelope;
  retry: { requestState?: string; inputResponses?: Record<string, unknown> };
}

export async function planModernHold(deps: ModernHoldDeps, request: HoldRequest): Promise<ModernHoldOutcome> {
  const { board, reviewer } = deps;
  if (!board || !reviewer) {
    return { kind: 'refuse', code: GatewayErrorCode.DeniedByPolicy, message: `held for approval (${request.ruling.reason}), but this gateway has no connection to the access workflow; ask an operator to configure TEMPORAL_ADDRESS` };
  }
  const heldCall = heldCallOf(deps.grant.grantId, request.call);
  if (GrantState.isRoundState(request.retry.requestState)) return continued(deps, request.retry.requestState, heldCall);
  if (GrantState.isHoldState(request.retry.requestState)) return retried(deps, board, reviewer, request, heldCall);

  // No requestState: the identical call may already be held (a client without elicitation calls again, as in 2025).
  const recalled = await recallHeld(board, heldCall);
  if (recalled.kind === 'waiting') return askToComeBack(deps, request, recalled.commandId, undefined, true);
  if (recalled.kind === 'run') return { kind: 'run', commandId: recalled.commandId };
  if (recalled.kind === 'denied') return { kind: 'answer', commandId: recalled.commandId, result: deniedResult(recalled.decision) as Record<string, unknown>, note: `denied by ${recalled.decision.decidedBy}` };
  const submitted = await submitHold({ reviewer, board, grant: deps.grant, call: heldCall, ruling: request.ruling, commandId: request.commandId, maskSummary: deps.maskSummary });
  if ('refusal' in submitted) return { kind: 'refuse', ...submitted.refusal };
  return askToComeBack(deps, request, request.commandId, submitted.held, false);
}

/**
 * The client answered the input round of an approved command's run (gh2.): only its own grant's
 * round of this exact call, once. The approval was used when the run began; this carries it on.
 */
async function continued(deps: ModernHoldDeps, requestState: string, heldCall: HeldCall): Promise<ModernHoldOutcome> {
  const round = await deps.state.round(requestState);
  if (!round) {
    return { kind: 'refuse', code: GatewayErrorCode.InvalidParams, message: 'requestState names no input round of an approved command here (it was used already, expired with the grant, or was never handed out); nothing was run. Call the tool again to have it held anew' };
  }
  if (round.grantId !== deps.grant.grantId) {
    return { kind: 'refuse', code: GatewayErrorCode.InvalidParams, message: 'requestState belongs to a command of another grant; a grant can only continue its own commands. Nothing was run' };
  }
  if (round.fingerprint !== callFingerprint(heldCall)) {
    return { kind: 'refuse', commandId: round.commandId, code: GatewayErrorCode.InvalidParams, message: `the answer to command ${round.commandId}'s input round must repeat the approved ${round.tool} call exactly (same tool, same arguments); nothing was run` };
  }
  if (!await deps.state.useRound(requestState)) {
    return { kind: 'refuse', commandId: round.commandId, code: GatewayErrorCode.DeniedByApprover, message: `the input round of command ${round.commandId} was answered already: the approved command runs once. Call the tool again to have it held anew` };
  }
  return { kind: 'continue', commandId: round.commandId, ...(round.upstreamState !== undefined ? { upstreamState: round.upstreamState } : {}) };
}

/** The client came back with a `requestState`: only its own grant's hold of this exact call counts. */
async function retried(deps: ModernHoldDeps, board: DecisionBoard, reviewer: CommandReviewer, request: HoldRequest, heldCall: HeldCall): Promise<ModernHoldOutcome> {
  const handle = await deps.state.hold(request.retry.requestState!);
  if (!handle) {
    return { kind: 'refuse', code: GatewayErrorCode.InvalidParams, message: 'requestState is not one this gateway handed out (or it expired with the grant); nothing was run. Call the tool again without it to have the command held for approval' };
  }
  if (handle.grantId !== deps.grant.grantId) {
    return { kind: 'refuse', code: GatewayErrorCode.InvalidParams, message: 'requestState belongs to a command held for another grant; a grant can only pick up its own holds. Nothing was run' };
  }
  if (handle.fingerprint !== callFingerprint(heldCall)) {
    return { kind: 'refuse', commandId: handle.commandId, code: GatewayErrorCode.InvalidParams, message: `the retry of held command ${handle.commandId} must repeat the held ${handle.tool} call exactly (same tool, same arguments); nothing was run` };
  }
  const commandId = handle.commandId;
  const decision = await board.decision(commandId);
  if (!decision) {
    const answer = isObject(request.retry.inputResponses?.[APPROVAL_INPUT]) ? request.retry.inputResponses[APPROVAL_INPUT] : undefined;
    if (answer && (answer.action === 'decline' || answer.action === 'cancel')) {
      await withdrawHold(reviewer, board, deps.grant, heldCall, commandId, `withdrawn by the client (it answered ${String(answer.action)} to the approval request)`).catch(() => undefined);
      return { kind: 'answer', commandId, result: { content: [{ type: 'text', text: `Withdrawn: command ${commandId} was not run (the approval request was answered with ${String(answer.action)}).` }], isError: true }, note: 'withdrawn by the client' };
    }
    return askToComeBack(deps, request, commandId, undefined, true, request.retry.requestState);
  }
  switch (await useDecision(board, heldCall, commandId, decision)) {
    case 'run': return { kind: 'run', commandId };
    case 'expired': return { kind: 'answer', commandId, result: textResult(`Expired: the approval of command ${commandId} by ${decision.decidedBy} was valid until ${decision.validUntil}; it was not run. Call the tool again to have it held anew.`), note: 'approval expired' };
    case 'used': return { kind: 'refuse', commandId, code: GatewayErrorCode.DeniedByApprover, message: `command ${commandId} was approved, but that approval was already used: it runs once. Call the tool again to have it held anew` };
    case 'against': return { kind: 'answer', commandId, result: decidedAgainst(decision), note: `${decision.outcome} (${decision.decidedBy})` };
  }
}

/**
 * The answer that asks the client to come back: URL-mode elicitation pointing at the Slack
 * thread when the client declared it, form-mode (a message to acknowledge) otherwise, and for a
 * client with no elicitation at all the 2025 tool-result text (call again once decided).
 */
async function askToComeBack(deps: ModernHoldDeps, request: HoldRequest, commandId: string, known: HeldCommand | undefined, again: boolean, requestState?: string): Promise<ModernHoldOutcome> {
  let held = known;
  if (!held) {
    // Held before (maybe through another replica): the workflow says again who decides, where, until when.
    try {
      held = await deps.reviewer!.holdCommand(deps.grant.requestId, { commandId, tool: request.ruling.tool, summary: '', classes: request.ruling.classes, risk: request.ruling.risk });
    } catch (error) {
      return { kind: 'refuse', commandId, code: GatewayErrorCode.Unavailable, message: `command ${commandId} is held, but the access workflow did not say where it is decided: ${(error as Error).message}` };
    }
  }
  const tool = heldResult({ held, tool: request.ruling.tool, classes: request.ruling.classes, target: deps.target.name, again });
  const url = threadLink(held);
  const byUrl = canElicit(request.envelope, 'url') && /^https:\/\//.test(url);
  if (!byUrl && !canElicit(request.envelope, 'form')) return { kind: 'answer', commandId, result: tool as Record<string, unknown>, note: again ? 'still held' : 'held' };
  const fingerprint = callFingerprint(heldCallOf(deps.grant.grantId, request.call));
  const handle: HoldHandle = { grantId: deps.grant.grantId, commandId, tool: request.call.tool ?? '', fingerprint };
  const state = requestState ?? await deps.state.putHold(handle, deps.grant);
  const text = (tool.content[0] as { text: string }).text;
  const message = text.replace(/Once it is approved, call the same tool again[^\n]*/, 'Once an approver has decided, continue: the gateway then runs the call once if it was approved, or says who denied it and why.');
  const params = byUrl
    // 2026-07-28 URL mode has no elicitationId (the revision removed it with notifications/elicitation/complete).
    ? { mode: 'url', url, message }
    : { mode: 'form', message, requestedSchema: { type: 'object', properties: {} } };
  return { kind: 'answer', commandId, result: inputRequiredResult({ [APPROVAL_INPUT]: { method: 'elicitation/create', params } }, state), note: again ? 'still held' : 'held' };
}

function decidedAgainst(decision: AnnouncedDecision): Record<string, unknown> {
  if (decision.outcome === 'timed_out') return textResult(`Expired: no approver decided on command ${decision.commandId} in time; it was not run. Ask in the request's Slack thread and call the tool again.`);
  if (decision.outcome === 'withdrawn') return textResult(`Withdrawn: command ${decision.commandId} was withdrawn (${decision.decidedBy}${decision.reason ? `: ${decision.reason}` : ''}); it was not run.`);
  return deniedResult(decision) as Record<string, unknown>;
}

function textResult(text: string): Record<string, unknown> {
  return { content: [{ type: 'text', text }], isError: true };
}
