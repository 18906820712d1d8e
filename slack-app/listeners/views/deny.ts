import type { App } from '@slack/bolt';
import { readReason, Views } from '../../views';
import { submission, type ListenerContext, type ViewArgs } from '../context';
import { actOnSubmission } from '../support';

/** The deny form submitted: a reason is required, then the workflow records the denial. */
export const denySubmitted = (ctx: ListenerContext) => async ({ ack, view, body, client }: ViewArgs): Promise<void> => {
  const read = readReason(view.state.values as never);
  if (!read.ok) return void (await ack({ response_action: 'errors', errors: read.errors }));
  await ack();
  await actOnSubmission(ctx, client, body.user.id, view.private_metadata, 'deny', (requestId, subject) => ctx.access.deny(requestId, subject, read.reason));
};

export function register(app: App, ctx: ListenerContext): void {
  app.view(Views.deny, submission(denySubmitted(ctx)));
}
