import type { App } from '@slack/bolt';
import { SlackActions } from '../../../lib/slack';
import { approverRefusal, extendRefusal } from '../../rules';
import { extendModal } from '../../views';
import type { ActionArgs, ListenerContext } from '../context';
import { clickOn, failure, openModal } from '../support';

/** Extend (the requester): opens the form that asks how much more and why. */
export const extendClicked = (ctx: ListenerContext) => async (args: ActionArgs): Promise<void> => {
  await args.ack();
  const click = await clickOn(ctx, args, extendRefusal);
  if (!click) return;
  await openModal(ctx, args.client, args.body.trigger_id ?? '', extendModal(click.s, { channel: args.body.channel?.id ?? '' }), click.refuse);
};

/** An approver's Approve/Deny on a pending extension. */
export const extensionDecided = (ctx: ListenerContext, approved: boolean) => async (args: ActionArgs): Promise<void> => {
  await args.ack();
  const click = await clickOn(ctx, args, (s, subject) =>
    approverRefusal(s, subject, 'on extensions') ?? (s.extensions.some((e) => e.outcome === 'pending') ? undefined : 'No extension is waiting for a decision any more.'));
  if (!click) return;
  const { requestId, subject, refuse } = click;
  try {
    await ctx.access.decideExtension(requestId, subject, approved, approved ? undefined : 'denied in Slack');
  } catch (error) {
    await refuse(failure(ctx, error, `decide on the extension of ${requestId}`));
  }
};

export function register(app: App, ctx: ListenerContext): void {
  app.action(SlackActions.extend, extendClicked(ctx));
  app.action(SlackActions.approveExtension, extensionDecided(ctx, true));
  app.action(SlackActions.denyExtension, extensionDecided(ctx, false));
}
