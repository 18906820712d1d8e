import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AccessStatus, CommandDecision, CommandReview, RequestState } from './types';

// The access workflow's interface. Updates (not signals) wherever the caller must learn
// whether its message was accepted: their validators reject with a reason.

export interface DecisionInput { approver: string; reason?: string }
export interface RevokeInput { by: string; reason: string }
export interface ExtendInput { by: string; durationMs: number; reason: string }
export interface ExtensionDecisionInput { approver: string; approved: boolean; reason?: string }
export interface CommandDecisionInput { commandId: string; approver: string; approved: boolean; reason?: string }
export interface MessageResult { state: RequestState; detail: string }
export interface SessionStartedInput { sessionId: string; client?: string }

export const approve = defineUpdate<MessageResult, [DecisionInput]>('approve');
export const deny = defineUpdate<MessageResult, [DecisionInput]>('deny');
export const revoke = defineUpdate<MessageResult, [RevokeInput]>('revoke');
export const extend = defineUpdate<MessageResult, [ExtendInput]>('extend');
export const decideExtension = defineUpdate<MessageResult, [ExtensionDecisionInput]>('decideExtension');
/** Called by the gateway for a held command; resolves when a human decides or the wait times out. */
export const reviewCommand = defineUpdate<CommandDecision, [CommandReview]>('reviewCommand');
export const decideCommand = defineUpdate<MessageResult, [CommandDecisionInput]>('decideCommand');
export const status = defineQuery<AccessStatus>('status');
/** The gateway's word that an MCP session opened on the active grant (a signal: it does not wait). */
export const sessionStarted = defineSignal<[SessionStartedInput]>('sessionStarted');
