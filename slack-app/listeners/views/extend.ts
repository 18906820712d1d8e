import type { App } from '@slack/bolt';
import { readExtension, Views } from '../../views';
import { submission, type ListenerContext, type ViewArgs } from '../context';
import { actOnSubmission } from '../support';

/** The extend form submitted: how much more and why; approvers decide in the thread. */
export const extendSubmitted = (ctx: ListenerContext) => async ({ ack, view, body, client }: ViewArgs): Promise<void> => {
  const read = readExtension(view.state.values as never);
  if (!read.ok) return void (await ack({ response_action: 'errors', errors: read.errors }));
  await ack();
  await actOnSubmission(ctx, client, body.user.id, view.private_metadata, 'extend', (requestId, subject) => ctx.access.extend(requestId, subject, read.durationMs, read.reason));
};

export function register(app: App, ctx: ListenerContext): void {
  app.view(Views.extend, submission(extendSubmitted(ctx)));
}
