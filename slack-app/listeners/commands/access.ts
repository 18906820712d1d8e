import type { App } from '@slack/bolt';
import { findTarget, requestableTargets } from '../../../policy';
import { invalidMessage, parseAccessCommand, usage } from '../../commands';
import { revokeRefusal, statusRefusal } from '../../rules';
import { requestModal, statusList, statusText } from '../../views';
import type { ListenerClient, ListenerContext, RespondFn } from '../context';
import { failure, loadStatus, openModal, startedMessage, subjectOf, tell, who } from '../support';

export interface CommandArgs {
  command: { text?: string; user_id: string; channel_id: string; trigger_id: string };
  ack: (response?: { response_type: 'ephemeral'; text: string }) => Promise<void>;
  respond: RespondFn;
  client: ListenerClient;
}

/** `/access`: a request, the form, status, revoke or help. */
export const accessCommand = (ctx: ListenerContext) => async ({ command, ack, respond, client }: CommandArgs): Promise<void> => {
  const { access, config } = ctx;
  const parsed = parseAccessCommand(command.text ?? '');
  if (parsed.kind === 'invalid') return void (await ack({ response_type: 'ephemeral', text: invalidMessage(parsed) }));
  if (parsed.kind === 'help') return void (await ack({ response_type: 'ephemeral', text: usage() }));
  await ack();
  const refuse = (text: string) => tell(respond, text);
  const subject = await subjectOf(ctx, command.user_id, refuse);
  if (!subject) return;

  switch (parsed.kind) {
    case 'modal': {
      const targets = requestableTargets(config, subject);
      if (targets.length === 0) return refuse(`You (${subject}) may not request any target. Ask the Gatehouse owners to add you to a target's requesters.`);
      return openModal(ctx, client, command.trigger_id, requestModal(targets, config, { channel: command.channel_id }), refuse);
    }
    case 'request': {
      if (!findTarget(config, parsed.target)) {
        const mine = requestableTargets(config, subject).map((t) => t.name);
        return refuse(`There is no target "${parsed.target}". ${mine.length ? `You may request: ${mine.join(', ')}.` : 'You may not request any target.'}\nUse: \`/access <target> <duration> <reason…>\``);
      }
      try {
        const started = await access.request({
          requester: subject, origin: 'slack', target: parsed.target, durationMs: parsed.durationMs, reason: parsed.reason,
          ...(parsed.ticket ? { ticket: parsed.ticket } : {}),
        });
        return tell(respond, startedMessage(ctx, started.requestId, parsed.target, parsed.durationMs, subject));
      } catch (error) {
        return refuse(failure(ctx, error, 'start the request'));
      }
    }
    case 'status': {
      if (!parsed.requestId) {
        try {
          return tell(respond, statusList(await access.list({ requester: subject, limit: 10 })));
        } catch (error) {
          return refuse(failure(ctx, error, 'list your requests'));
        }
      }
      const s = await loadStatus(ctx, parsed.requestId, refuse);
      if (!s) return;
      return tell(respond, statusRefusal(s, subject) ?? statusText(s, who));
    }
    case 'revoke': {
      const s = await loadStatus(ctx, parsed.requestId, refuse);
      if (!s) return;
      const refusal = revokeRefusal(s, subject);
      if (refusal) return refuse(refusal);
      try {
        await access.revoke(parsed.requestId, subject, parsed.reason ?? `revoked with /access revoke by ${subject}`);
        return tell(respond, `Revoking \`${parsed.requestId}\`; its thread confirms when access is gone.`);
      } catch (error) {
        return refuse(failure(ctx, error, `revoke ${parsed.requestId}`));
      }
    }
  }
};

export function register(app: App, ctx: ListenerContext): void {
  app.command(ctx.command, accessCommand(ctx));
}
