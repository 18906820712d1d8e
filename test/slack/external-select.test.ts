import { waitForEphemeral, type SlackView } from '../../devstack/slack';
import { Inputs, Views } from '../../slack-app';
import { eventually } from '../support/eventually';
import { startSlackStack, type SlackStack } from './stack';

/**
 * Issue 23: the `/access` modal past 100 requestable targets, end to end. The real Bolt app over
 * signed HTTP: the modal's searchable external select, its `block_suggestion` requests signed and
 * sent into Bolt by the local Slack, answered with what this person may request that matches what
 * they typed (at most 100, each a valid option), and a submitted value that was never offered
 * (forged, unknown, or a target this person may not request) refused.
 */

const WARDS = 130;
const ward = (i: number) => `ward-${String(i).padStart(3, '0')}`;
const target = (name: string, description: string, requesters: string) => `
  - name: ${name}
    description: ${JSON.stringify(description)}
    upstream: { type: stdio, command: node, args: [server.js] }
    credentials: { provider: fake }
    maxDuration: 40s
    requesters: [${requesters}]
    approvers: { channel: phi-approvers, members: [group:phi-approvers] }`;
const CONFIG = `
version: 1
defaults:
  maxDuration: 1h
  approvalTimeout: 30s
groups:
  phi-approvers: [alice@example.org, bob@example.org]
  analysts: [carol@example.org, alice@example.org, eve@example.org]
targets:${Array.from({ length: WARDS }, (_, i) => target(ward(i), i % 10 === 3 ? `Cardiology & oncology notes, ward ${i}` : `Ward ${i} notes`, 'group:analysts')).join('')}${target('payroll', 'Payroll & compensation (not PHI)', 'dave@example.org')}
`;

describe('the request modal past 100 targets: a searchable external select through Bolt', () => {
  let stack: SlackStack;
  let modal: SlackView;

  beforeAll(async () => {
    stack = await startSlackStack({ configYaml: CONFIG });
    const opened = await stack.driver.command({ user: 'carol', channel: 'general', text: '' });
    expect(opened.status).toBe(200);
    modal = await eventually(() => stack.slack.workspace.latestView(stack.slack.workspace.requireUser('carol').id), "carol's request modal");
  });
  afterAll(async () => {
    await stack?.close();
  });

  const valuesOf = (options: Array<Record<string, unknown>>) => options.map((o) => String(o.value));
  const suggest = (value: string, user = 'carol') => stack.driver.suggestOptions({ user, blockId: Inputs.target, value, viewId: modal.id });

  test('the modal (valid for Slack, or views.open would have refused it) has an external select instead of dropping targets', () => {
    expect(modal.callbackId).toBe(Views.request);
    const picker = (modal.definition.blocks as Array<{ block_id?: string; element?: Record<string, unknown> }>).find((b) => b.block_id === Inputs.target)!.element!;
    expect(picker).toMatchObject({ type: 'external_select', action_id: 'value', min_query_length: 0 });
    expect(picker.options).toBeUndefined();
  });

  test('nothing typed: the first 100 of the 130 carol may request, each a valid option (the driver checks them as Slack does)', async () => {
    const { delivery, options } = await suggest('');
    expect(delivery.status).toBe(200);
    expect(delivery.ackWithinLimit).toBe(true);
    expect(options).toHaveLength(100);
    expect(valuesOf(options)).toEqual(Array.from({ length: 100 }, (_, i) => ward(i)));
    expect(options[3]).toEqual({
      text: { type: 'plain_text', text: 'ward-003', emoji: false },
      value: 'ward-003',
      // plain_text as written: the approver reads "&", not "&amp;".
      description: { type: 'plain_text', text: 'Cardiology & oncology notes, ward 3; up to 40 seconds', emoji: false },
    });
  });

  test('what carol types filters: names first, then descriptions, case-insensitive; past the first 100 too', async () => {
    expect(valuesOf((await suggest('WARD-12')).options)).toEqual(Array.from({ length: 10 }, (_, i) => ward(120 + i)));
    expect(valuesOf((await suggest('ward-129')).options)).toEqual(['ward-129']);
    expect(valuesOf((await suggest('cardiology')).options)).toEqual(Array.from({ length: 13 }, (_, i) => ward(i * 10 + 3)));
    expect((await suggest('no such thing')).options).toEqual([]);
  });

  test('a target carol may not request is never offered, even typed exactly; someone Gatehouse does not know gets nothing', async () => {
    expect((await suggest('payroll')).options).toEqual([]);
    expect((await suggest('compensation')).options).toEqual([]);
    expect(valuesOf((await stack.driver.suggestOptions({ user: 'dave', blockId: Inputs.target, value: 'pay', viewId: modal.id })).options)).toEqual(['payroll']);
    expect((await stack.driver.suggestOptions({ user: 'noemail', blockId: Inputs.target, value: '', viewId: modal.id })).options).toEqual([]);
  });

  test('an options request with a forged signature is refused by Bolt and answers nothing', async () => {
    const { delivery, options } = await stack.driver.suggestOptions({ user: 'carol', blockId: Inputs.target, value: 'ward', viewId: modal.id }, { forgeSignature: true });
    expect(delivery.status).toBe(401);
    expect(options).toEqual([]);
  });

  test('submitting a value that was never offered: an unknown target is an error in the form; a target carol may not request starts nothing', async () => {
    const forged = await stack.driver.submitView({ user: 'carol', viewId: modal.id, values: { target: 'ward-999<!channel>', duration: '20s', reason: 'forged pick' } });
    expect(forged.status).toBe(200);
    expect(forged.json).toEqual({ response_action: 'errors', errors: { [Inputs.target]: '"ward-999<!channel>" is not a target any more; pick another.' } });
    expect(stack.slack.workspace.views.get(modal.id)?.closed).toBe(false);

    const started = () => stack.slack.workspace.calls.filter((c) => c.method === 'chat.postMessage' && String(c.args.metadata).includes(':requested"'));
    const before = started().length;
    const notAllowed = await stack.driver.submitView({ user: 'carol', viewId: modal.id, values: { target: 'payroll', duration: '20s', reason: 'crafted value for a target not offered to me' } });
    expect(notAllowed.status).toBe(200);
    const refusal = await waitForEphemeral(stack.slack.workspace, 'carol', /payroll/);
    expect(refusal.text).toMatch(/not allowed|may not|cannot request/i);
    expect(refusal.text).not.toMatch(/req_[a-z0-9]{20}/);
    expect(started().length).toBe(before);
  });

  test('an offered target submitted as picked starts the request', async () => {
    await stack.driver.command({ user: 'carol', channel: 'general', text: '' });
    const fresh = await eventually(() => {
      const v = stack.slack.workspace.latestView(stack.slack.workspace.requireUser('carol').id);
      return v && v.id !== modal.id && v;
    }, 'a new request modal');
    const [picked] = (await stack.driver.suggestOptions({ user: 'carol', blockId: Inputs.target, value: 'ward-127', viewId: fresh.id })).options;
    const submitted = await stack.driver.submitView({ user: 'carol', viewId: fresh.id, values: { target: String(picked!.value), duration: '20s', reason: 'chart review' } });
    expect(submitted.status).toBe(200);
    const answer = await waitForEphemeral(stack.slack.workspace, 'carol', /Request `req_[a-z0-9]{20}` for ward-127/);
    const requestId = /req_[a-z0-9]{20}/.exec(answer.text)![0];
    expect((await stack.access.status(requestId)).target).toBe('ward-127');
    await stack.access.revoke(requestId, 'carol@example.org', 'test over');
  });
});
