import { createInterface } from 'node:readline';
import { eventually } from '../support/eventually';
import { buildGoClient, goToolchain, runGoClient, startInteropStack, type InteropStack } from './support';

// The official Go SDK (github.com/modelcontextprotocol/go-sdk, test/interop/go-client) through the
// gateway: initialize, list, a masked read, a held write in both styles (answered at once without
// a progress token; waiting with one until an approver decides), a cancelled hold withdrawn, and
// DELETE with the Authorization header ending the session. CI has Go; only a machine without any
// Go toolchain skips, and says so.
const go = goToolchain();
if (!go) process.stderr.write('[interop] SKIPPED: no Go toolchain (GO, /usr/local/go/bin/go or go on PATH); the Go SDK client cannot be built\n');
const describeWithGo = go ? describe : describe.skip;

interface Step { step: string; [k: string]: unknown }

describeWithGo('the official Go MCP SDK through the gateway', () => {
  let stack: InteropStack;
  let binary: string;
  beforeAll(async () => {
    binary = buildGoClient(go!);
    stack = await startInteropStack();
  }, 400_000);
  afterAll(async () => { await stack?.close(); });

  test('initialize, list, masked read, both hold styles, cancel withdraws, DELETE ends the session', async () => {
    const { child, exited, stderr } = runGoClient(binary, stack);
    const steps: Step[] = [];
    const reactions: Promise<unknown>[] = [];
    let heldId = '';
    for await (const line of createInterface({ input: child.stdout })) {
      const step = JSON.parse(line) as Step;
      steps.push(step);
      if (step.step === 'held') heldId = /command (cmd_\w+)/i.exec(String(step.text))?.[1] ?? '';
      // The approver decides on the hold the client now waits on (not the one answered at once).
      if (step.step === 'waiting') reactions.push(stack.approveWaiting([heldId]));
      // The cancelled hold is withdrawn by the client's notifications/cancelled; then the client may close.
      if (step.step === 'cancelled') {
        reactions.push(stack.withdrawn((reason) => /cancelled the call/.test(reason)).then((w) => { child.stdin.end('close\n'); return w; }, (error: Error) => { child.stdin.end('close\n'); throw error; }));
      }
    }
    expect({ code: await exited, stderr: stderr() }).toEqual({ code: 0, stderr: '' });
    process.stderr.write(`[interop go-sdk] ${JSON.stringify(steps)}\n`);
    const [, withdrawn] = (await Promise.all(reactions)) as [string, { commandId: string; reason: string }];
    const by = (name: string) => steps.find((s) => s.step === name);

    expect(by('initialize')).toMatchObject({ protocol: '2025-06-18', session: true });
    expect(by('list')?.tools).toEqual(expect.arrayContaining(['echo']));
    expect(by('read')).toMatchObject({ isError: false, text: "Echo: SELECT name FROM clinical.phi.patients WHERE mrn = '[MRN]'" });
    expect(String(by('read')?.text)).not.toContain('MRN-0012345');

    // Style 1, no progress token: a tool result at once, the command not run.
    expect(by('held')).toMatchObject({ isError: true, text: expect.stringMatching(/^Held for approval: this echo call \(write\) was NOT run\./) });
    expect(heldId).toMatch(/^cmd_/);
    // Style 2, a progress token: the call waited for bob's approval, then ran (masked).
    expect(by('waited')).toMatchObject({ isError: false, text: "Echo: UPDATE clinical.phi.patients SET city = 'Salem' WHERE mrn = '[MRN]'" });

    // The cancelled call was held (a progress notification came) and is now withdrawn by the client.
    expect(String(by('cancelling')?.progress)).not.toBe('');
    expect(withdrawn.reason).toBe('withdrawn by the client (it cancelled the call)');
    await eventually(() => stack.h.notifier.notices.some((n) => n.kind === 'command_decided' && n.commandId === withdrawn.commandId), 'Slack told of the withdrawal');
    await expect(stack.h.access.decideCommand(stack.requestId, withdrawn.commandId, 'bob@example.org', true)).rejects.toThrow(/stale: it was withdrawn by the client/);

    // Close sent DELETE with the token: the gateway ended the session (recorded), nothing refused.
    expect(by('closed')).toBeDefined();
    await eventually(() => stack.gw.recorder.of(stack.requestId).some((e) => e.type === 'session_end'), 'the session ended by DELETE');
    expect(stack.gw.recorder.of(stack.requestId).filter((e) => e.type === 'session_end').map((e) => e.reason)).toEqual(['closed']);
    // The hold answered at once is still pending for an approver (it belongs to the grant, not the session).
    expect(await stack.pendingIds()).toContain(heldId);
  }, 180_000);
});
