import type { App } from '@slack/bolt';
import { requestableTargets } from '../../../policy';
import { Inputs, targetOptions } from '../../views';
import type { ListenerContext } from '../context';

export interface OptionsArgs {
  ack: (answer: { options: Array<Record<string, unknown>> }) => Promise<void>;
  body: { user: { id: string }; value?: string };
}

/**
 * The request form's searchable target picker (an external select, used past 100 targets):
 * the targets this person may request that match what they typed, at most 100. Someone Gatehouse
 * does not know gets no options, never someone else's.
 */
export const targetSuggestions = (ctx: ListenerContext) => async ({ ack, body }: OptionsArgs): Promise<void> => {
  let subject: string | undefined;
  try {
    const found = await ctx.identity.resolve(body.user.id);
    if (found.ok) subject = found.subject;
  } catch (error) {
    ctx.log.warn({ code: (error as { data?: { error?: string } }).data?.error ?? (error as Error).message }, 'users.info failed while suggesting targets');
  }
  if (!subject) return ack({ options: [] });
  await ack({ options: targetOptions(requestableTargets(ctx.config, subject), ctx.config, body.value ?? '') });
};

export function register(app: App, ctx: ListenerContext): void {
  const listener = targetSuggestions(ctx);
  app.options({ block_id: Inputs.target, action_id: 'value' }, (args) => listener(args as unknown as OptionsArgs));
}
