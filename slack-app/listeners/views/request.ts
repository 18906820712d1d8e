import type { App } from '@slack/bolt';
import { decodeContext, readRequestForm, Views } from '../../views';
import { submission, type ListenerContext, type ViewArgs } from '../context';
import { failure, startedMessage, subjectOf, tellAfterModal } from '../support';

/** The `/access` form submitted: checked (errors go back into the form), then the request starts. */
export const requestSubmitted = (ctx: ListenerContext) => async ({ ack, view, body, client }: ViewArgs): Promise<void> => {
  const read = readRequestForm(view.state.values as never, ctx.config);
  if (!read.ok) return void (await ack({ response_action: 'errors', errors: read.errors }));
  await ack();
  const context = decodeContext(view.private_metadata);
  const refuse = (text: string) => tellAfterModal(ctx, client, body.user.id, context, text);
  const subject = await subjectOf(ctx, body.user.id, refuse);
  if (!subject) return;
  try {
    const started = await ctx.access.request({ requester: subject, origin: 'slack', ...read.form });
    await refuse(startedMessage(ctx, started.requestId, read.form.target, read.form.durationMs, subject));
  } catch (error) {
    await refuse(failure(ctx, error, 'start the request'));
  }
};

export function register(app: App, ctx: ListenerContext): void {
  app.view(Views.request, submission(requestSubmitted(ctx)));
}
