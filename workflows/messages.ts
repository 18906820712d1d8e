import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AccessStatus, CommandReview, HeldCommand, RequestState, SignInStep } from './types';

// The access workflow's interface. Updates (not signals) wherever the caller must learn
// whether its message was accepted: their validators reject with a reason.

export interface DecisionInput { approver: string; reason?: string }
export interface RevokeInput { by: string; reason: string }
export interface ExtendInput { by: string; durationMs: number; reason: string }
export interface ExtensionDecisionInput { approver: string; approved: boolean; reason?: string }
export interface CommandDecisionInput { commandId: string; approver: string; approved: boolean; reason?: string }
export interface MessageResult { state: RequestState; detail: string }
export interface WithdrawCommandInput { commandId: string; reason: string }
export interface SessionStartedInput { sessionId: string; client?: string }
export interface SignInStepsInput { steps: SignInStep[] }

export const approve = defineUpdate<MessageResult, [DecisionInput]>('approve');
export const deny = defineUpdate<MessageResult, [DecisionInput]>('deny');
export const revoke = defineUpdate<MessageResult, [RevokeInput]>('revoke');
export const extend = defineUpdate<MessageResult, [ExtendInput]>('extend');
export const decideExtension = defineUpdate<MessageResult, [ExtensionDecisionInput]>('decideExtension');
/**
 * Called by the gateway for a held command: registers it and answers at once (where, who, by
 * when). The decision reaches the gateway through Redis, never through a long-running Update:
 * Temporal caps in-flight Updates per workflow, and revoke must never queue behind holds.
 */
export const holdCommand = defineUpdate<HeldCommand, [CommandReview]>('holdCommand');
/** The client cancelled the call or ended its session: nobody waits for the command any more. */
export const withdrawCommand = defineUpdate<MessageResult, [WithdrawCommandInput]>('withdrawCommand');
export const decideCommand = defineUpdate<MessageResult, [CommandDecisionInput]>('decideCommand');
export const status = defineQuery<AccessStatus>('status');
/** The gateway's word that an MCP session opened on the active grant (a signal: it does not wait). */
export const sessionStarted = defineSignal<[SessionStartedInput]>('sessionStarted');
/**
 * The gateway's authorization server records the steps of an OAuth sign-in on the request it
 * belongs to (code issued, token issued, a grant reused from another client...). A signal: the
 * sign-in does not wait on it; the workflow keeps the steps in its timeline, hence the archive.
 */
export const signInSteps = defineSignal<[SignInStepsInput]>('signInSteps');
