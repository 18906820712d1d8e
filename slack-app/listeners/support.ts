import { AccessError } from '../../access';
import { formatDuration } from '../../lib';
import { parseButtonValue, subjectName } from '../../lib/slack';
import { evaluateRequest } from '../../policy';
import type { AccessStatus } from '../../workflows';
import { decodeContext, type ModalContext } from '../views';
import type { ActionArgs, ListenerClient, ListenerContext, RespondFn } from './context';

/** The help every listener shares: who someone is, refusals in words, modals, clicks. */

export const who = subjectName;

export type Refuse = (text: string) => Promise<void>;

/** A message only this person sees, for a command or a click (through the response_url). */
export async function tell(respond: RespondFn, text: string): Promise<void> {
  await respond({ response_type: 'ephemeral', replace_original: false, text });
}

/** After a modal closed there is no response_url: an ephemeral where they started, else a DM. */
export async function tellAfterModal(ctx: ListenerContext, client: ListenerClient, user: string, context: ModalContext, text: string): Promise<void> {
  if (context.channel) {
    try {
      await client.chat.postEphemeral({ channel: context.channel, user, text });
      return;
    } catch (error) {
      ctx.log.debug({ code: (error as { data?: { error?: string } }).data?.error }, 'ephemeral not possible there; sending a DM');
    }
  }
  await client.chat.postMessage({ channel: user, text });
}

/** What a person is told when something other than a rule went wrong. */
export function failure(ctx: ListenerContext, error: unknown, what: string): string {
  if (error instanceof AccessError) return sentence(error.message);
  ctx.log.error({ err: (error as Error)?.message ?? String(error), what }, 'slack app operation failed');
  return `Gatehouse could not ${what} just now (its workflow service did not answer). Nothing was changed; try again in a minute.`;
}

/** An error message as a sentence: a leading word capitalised (never an email), a full stop. */
export function sentence(message: string): string {
  const text = /^[a-z]+\s/.test(message) ? message.charAt(0).toUpperCase() + message.slice(1) : message;
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** The person behind a Slack user id, or an ephemeral refusal. */
export async function subjectOf(ctx: ListenerContext, userId: string, refuse: Refuse): Promise<string | undefined> {
  let found;
  try {
    found = await ctx.identity.resolve(userId);
  } catch (error) {
    ctx.log.warn({ code: (error as { data?: { error?: string } }).data?.error ?? (error as Error).message }, 'users.info failed');
    await refuse('Gatehouse could not look up your Slack account just now (users.info failed). Nothing was changed; try again in a minute.');
    return undefined;
  }
  if (found.ok) return found.subject;
  await refuse(`${found.reason} Gatehouse did nothing.`);
  return undefined;
}

/** Opens a modal on a trigger (valid for 3 s); a refusal says what to do when Slack says no. */
export async function openModal(ctx: ListenerContext, client: ListenerClient, triggerId: string, view: Record<string, unknown>, refuse: Refuse): Promise<void> {
  try {
    await client.views.open({ trigger_id: triggerId, view: view as never });
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error ?? (error as Error).message;
    ctx.log.warn({ code, messages: (error as { data?: { response_metadata?: { messages?: string[] } } }).data?.response_metadata?.messages }, 'could not open a modal');
    await refuse(`Slack did not let Gatehouse open the form (${code}); Slack allows 3 seconds for it. Please try again.`);
  }
}

export async function loadStatus(ctx: ListenerContext, requestId: string, refuse: Refuse): Promise<AccessStatus | undefined> {
  try {
    return await ctx.access.status(requestId);
  } catch (error) {
    await refuse(failure(ctx, error, `look up ${requestId}`));
    return undefined;
  }
}

/**
 * The common start of a button click, after the ack: who clicked (verified email), which request
 * (and item, for held commands), its current status, and whether `rule` lets this person act.
 * Anything that fails is answered to the clicker, and the click ends there.
 */
export async function clickOn(
  ctx: ListenerContext,
  { body, action, respond }: ActionArgs,
  rule: (s: AccessStatus, subject: string, item?: string) => string | undefined,
) {
  const refuse = (text: string) => tell(respond, text);
  const { requestId, item } = parseButtonValue((action as { value?: string }).value);
  const subject = await subjectOf(ctx, body.user.id, refuse);
  if (!subject) return undefined;
  const s = await loadStatus(ctx, requestId, refuse);
  if (!s) return undefined;
  const refusal = rule(s, subject, item);
  if (refusal) {
    await refuse(refusal);
    return undefined;
  }
  return { requestId, item, subject, s, refuse };
}

/**
 * The common end of a valid modal submission (after the ack): who submitted, which request the
 * modal was opened for, then `act`; a refusal is told where the modal was opened from.
 */
export async function actOnSubmission(
  ctx: ListenerContext, client: ListenerClient, userId: string, metadata: string | undefined, what: string,
  act: (requestId: string, subject: string) => Promise<unknown>,
): Promise<void> {
  const context = decodeContext(metadata);
  const refuse = (text: string) => tellAfterModal(ctx, client, userId, context, text);
  const subject = await subjectOf(ctx, userId, refuse);
  if (!subject || !context.requestId) return;
  try {
    await act(context.requestId, subject);
  } catch (error) {
    await refuse(failure(ctx, error, `${what} ${context.requestId}`));
  }
}

/** What the requester is told once the workflow has started. */
export function startedMessage(ctx: ListenerContext, requestId: string, target: string, durationMs: number, subject: string): string {
  const verdict = evaluateRequest(ctx.config, subject, target, durationMs);
  const next = verdict.allowed && verdict.policy.autoApproved
    ? 'is approved by policy; the credential is being issued'
    : 'is waiting for an approver';
  return `Request \`${requestId}\` for ${target} (${formatDuration(durationMs)}) ${next}. You will get a DM with a link to its thread.`;
}
