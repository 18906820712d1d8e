import type { App } from '@slack/bolt';
import { SlackActions } from '../../../lib/slack';
import { approverRefusal } from '../../rules';
import type { ActionArgs, ListenerContext } from '../context';
import { clickOn, failure } from '../support';

/** An approver's Approve/Deny on a command the gateway holds (it waits on this decision). */
export const commandDecided = (ctx: ListenerContext, approved: boolean) => async (args: ActionArgs): Promise<void> => {
  await args.ack();
  const click = await clickOn(ctx, args, (s, subject, commandId) => {
    if (!commandId) return 'That button does not name a held command; nothing was changed.';
    const command = s.commands.find((c) => c.commandId === commandId);
    if (!command) return `There is no held command ${commandId} on ${s.requestId}.`;
    if (command.outcome !== 'pending') {
      const by = command.decidedBy && command.decidedBy !== 'gatehouse' ? ` by ${command.decidedBy}` : '';
      return `That command was already ${command.outcome.replace('_', ' ')}${by}; nothing was changed.`;
    }
    return approverRefusal(s, subject, 'on held commands');
  });
  if (!click?.item) return;
  const { requestId, item: commandId, subject, refuse } = click;
  try {
    await ctx.access.decideCommand(requestId, commandId, subject, approved, approved ? undefined : 'denied in Slack');
  } catch (error) {
    await refuse(failure(ctx, error, `decide on command ${commandId}`));
  }
};

export function register(app: App, ctx: ListenerContext): void {
  app.action(SlackActions.approveCommand, commandDecided(ctx, true));
  app.action(SlackActions.denyCommand, commandDecided(ctx, false));
}
