import type { App } from '@slack/bolt';
import { SlackActions } from '../../../lib/slack';
import { decisionRefusal } from '../../rules';
import { denyModal } from '../../views';
import type { ActionArgs, ListenerContext } from '../context';
import { clickOn, failure, openModal } from '../support';

/** Approve on the request: decided at once. */
export const approveClicked = (ctx: ListenerContext) => async (args: ActionArgs): Promise<void> => {
  await args.ack();
  const click = await clickOn(ctx, args, (s, subject) => decisionRefusal(s, subject, 'approve'));
  if (!click) return;
  const { requestId, subject, refuse } = click;
  try {
    await ctx.access.approve(requestId, subject);
  } catch (error) {
    await refuse(failure(ctx, error, `approve ${requestId}`));
  }
};

/** Deny on the request: opens the form that asks why. */
export const denyClicked = (ctx: ListenerContext) => async (args: ActionArgs): Promise<void> => {
  await args.ack();
  const click = await clickOn(ctx, args, (s, subject) => decisionRefusal(s, subject, 'deny'));
  if (!click) return;
  await openModal(ctx, args.client, args.body.trigger_id ?? '', denyModal(click.s, { channel: args.body.channel?.id ?? '' }), click.refuse);
};

export function register(app: App, ctx: ListenerContext): void {
  app.action(SlackActions.approve, approveClicked(ctx));
  app.action(SlackActions.deny, denyClicked(ctx));
}
