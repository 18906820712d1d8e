import { AccessError, type AccessClient } from '../../access';
import { createLogger } from '../../lib';
import { SlackActions } from '../../lib/slack';
import { parseConfig } from '../../policy';
import {
  accessCommand, approveClicked, commandDecided, denyClicked, denySubmitted, SlackIdentity, targetSuggestions, type ListenerClient, type ListenerContext,
} from '../../slack-app';
import type { AccessStatus } from '../../workflows';

/** Each listener called alone, with a fake ack, respond and client: no Bolt, no Slack, no Temporal. */

const config = parseConfig(`
version: 1
groups:
  analysts: [carol@example.org]
targets:
  - name: clinical
    upstream: { type: stdio, command: node, args: [server.js] }
    credentials: { provider: fake }
    requesters: [group:analysts]
    approvers: { channel: phi-approvers, members: [bob@example.org] }
`, 'listeners-test.yaml');
const people: Record<string, string> = { U_BOB: 'bob@example.org', U_CAROL: 'carol@example.org' };
const usersInfo = {
  users: { info: async ({ user }: { user: string }) => ({ user: { is_email_confirmed: true, profile: { email: people[user] } } }) },
};

const pending: AccessStatus = {
  requestId: 'req_abcdefghij0123456789', requester: 'carol@example.org', origin: 'slack', target: 'clinical', reason: 'r', durationMs: 1000,
  policy: { target: 'clinical', approverChannel: 'phi-approvers', approvers: ['bob@example.org'], maxDurationMs: 60_000, autoApproved: false, approvalTimeoutMs: 1, commandApprovalTimeoutMs: 1, expiringSoonWarningMs: 1 },
  state: 'PENDING_APPROVAL', requestedAt: '', extensions: [], commands: [], timeline: [],
};

function fakes(status: AccessStatus = pending) {
  const calls: string[] = [];
  const access = {
    status: async () => status,
    approve: async (id: string, by: string) => { calls.push(`approve ${id} ${by}`); },
    deny: async (id: string, by: string, reason: string) => { calls.push(`deny ${id} ${by} ${reason}`); },
    decideCommand: async () => { throw new AccessError('not_found', 'no such command any more'); },
    request: async () => ({ requestId: 'req_new', state: 'PENDING_APPROVAL' }),
  } as unknown as AccessClient;
  const said: string[] = [];
  const opened: Array<Record<string, unknown>> = [];
  const client: ListenerClient = {
    chat: {
      postEphemeral: async ({ text }) => { said.push(text); },
      postMessage: async ({ text }) => { said.push(text); },
    },
    views: { open: async ({ view }) => { opened.push(view as Record<string, unknown>); } },
  };
  const ctx: ListenerContext = { access, config, identity: new SlackIdentity(usersInfo), log: createLogger('test', 'silent'), command: '/access' };
  const respond = async ({ text }: { text: string }) => { said.push(text); };
  let acked = 0;
  const ack = async () => { acked++; };
  return { ctx, client, calls, said, opened, respond, ack, acks: () => acked };
}

const click = (f: ReturnType<typeof fakes>, user: string, value: string) => ({
  ack: f.ack, respond: f.respond, client: f.client, body: { user: { id: user }, trigger_id: 'T1', channel: { id: 'C1' } }, action: { value },
});

test('Approve by an approver acks and approves', async () => {
  const f = fakes();
  await approveClicked(f.ctx)(click(f, 'U_BOB', pending.requestId));
  expect(f.acks()).toBe(1);
  expect(f.calls).toEqual([`approve ${pending.requestId} bob@example.org`]);
  expect(f.said).toEqual([]);
});

test('the requester cannot approve their own request: told why, nothing asked of the workflow', async () => {
  const f = fakes();
  await approveClicked(f.ctx)(click(f, 'U_CAROL', pending.requestId));
  expect(f.calls).toEqual([]);
  expect(f.said.join()).toMatch(/cannot approve it yourself/);
});

test('Deny opens the deny form; its submission denies with the reason', async () => {
  const f = fakes();
  await denyClicked(f.ctx)(click(f, 'U_BOB', pending.requestId));
  expect(f.opened).toHaveLength(1);
  const view = f.opened[0] as { private_metadata: string };
  await denySubmitted(f.ctx)({
    ack: f.ack, client: f.client, body: { user: { id: 'U_BOB' } },
    view: { private_metadata: view.private_metadata, state: { values: { reason: { value: { value: 'not now' } } } } },
  });
  expect(f.calls).toEqual([`deny ${pending.requestId} bob@example.org not now`]);
});

test('a deny form without a reason goes back with the error under its field', async () => {
  const f = fakes();
  let answer: unknown;
  await denySubmitted(f.ctx)({
    ack: async (r) => { answer = r; }, client: f.client, body: { user: { id: 'U_BOB' } },
    view: { private_metadata: '{}', state: { values: { reason: { value: { value: '  ' } } } } },
  });
  expect(answer).toEqual({ response_action: 'errors', errors: { reason: 'A reason is required.' } });
  expect(f.calls).toEqual([]);
});

test('a held-command decision the workflow refuses is explained to the clicker', async () => {
  const f = fakes({ ...pending, state: 'ACTIVE', commands: [{ commandId: 'cmd_1', tool: 'query', classes: ['write'], risk: 'high', summary: 'x', heldAt: '', outcome: 'pending' } as never] });
  await commandDecided(f.ctx, true)(click(f, 'U_BOB', `${pending.requestId}/cmd_1`));
  expect(f.said).toEqual(['No such command any more.']);
  expect(SlackActions.approveCommand).toBe('gatehouse_command_approve');
});

test('/access help answers in the ack; bad text says what was wrong', async () => {
  const f = fakes();
  const answers: unknown[] = [];
  const ack = async (r?: unknown) => { answers.push(r); };
  await accessCommand(f.ctx)({ command: { text: 'help', user_id: 'U_CAROL', channel_id: 'C1', trigger_id: 'T' }, ack, respond: f.respond, client: f.client });
  await accessCommand(f.ctx)({ command: { text: 'DROP TABLE', user_id: 'U_CAROL', channel_id: 'C1', trigger_id: 'T' }, ack, respond: f.respond, client: f.client });
  expect(answers).toHaveLength(2);
  expect(JSON.stringify(answers[1])).toMatch(/neither a command/);
});

test('the target picker past 100 targets: only what this person may request, matching what they typed, at most 100', async () => {
  const many = parseConfig(`
version: 1
groups:
  analysts: [carol@example.org]
targets:
${Array.from({ length: 150 }, (_, i) => `  - name: ward-${String(i).padStart(3, '0')}
    description: ${i % 2 ? 'oncology' : 'cardiology'} notes
    upstream: { type: stdio, command: node, args: [server.js] }
    credentials: { provider: fake }
    requesters: [${i === 149 ? 'bob@example.org' : 'group:analysts'}]
    approvers: { channel: phi-approvers, members: [bob@example.org] }`).join('\n')}
`, 'many.yaml');
  const f = fakes();
  const ctx = { ...f.ctx, config: many };
  const answers: Array<{ options: Array<{ value: string }> }> = [];
  const ack = async (a: { options: Array<Record<string, unknown>> }) => { answers.push(a as never); };
  await targetSuggestions(ctx)({ ack, body: { user: { id: 'U_CAROL' }, value: '' } });
  await targetSuggestions(ctx)({ ack, body: { user: { id: 'U_CAROL' }, value: 'ward-14' } });
  await targetSuggestions(ctx)({ ack, body: { user: { id: 'U_NOBODY' }, value: 'ward' } });
  expect(answers[0]!.options).toHaveLength(100);
  expect(answers[1]!.options.map((o) => o.value)).toEqual(['ward-140', 'ward-141', 'ward-142', 'ward-143', 'ward-144', 'ward-145', 'ward-146', 'ward-147', 'ward-148']);
  expect(answers[2]!.options).toEqual([]);
});
