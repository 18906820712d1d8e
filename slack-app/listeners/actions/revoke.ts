import type { App } from '@slack/bolt';
import { SlackActions } from '../../../lib/slack';
import { revokeRefusal } from '../../rules';
import type { ActionArgs, ListenerContext } from '../context';
import { clickOn, failure } from '../support';

/** Revoke now (requester or approver). */
export const revokeClicked = (ctx: ListenerContext) => async (args: ActionArgs): Promise<void> => {
  await args.ack();
  const click = await clickOn(ctx, args, revokeRefusal);
  if (!click) return;
  const { requestId, subject, refuse } = click;
  try {
    await ctx.access.revoke(requestId, subject, 'Revoke now, clicked in Slack');
    await refuse(`Revoking \`${requestId}\`; the thread confirms when access is gone.`);
  } catch (error) {
    await refuse(failure(ctx, error, `revoke ${requestId}`));
  }
};

export function register(app: App, ctx: ListenerContext): void {
  app.action(SlackActions.revoke, revokeClicked(ctx));
}
