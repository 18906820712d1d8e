import { createInterface } from 'node:readline';
import { buildGoClient, goToolchain, runGoClient, startInteropStack, type InteropStack } from './support';

// mcp-go (github.com/mark3labs/mcp-go, test/interop/mcp-go-client) through the gateway, as it
// behaves: initialize, list, a masked read, a held write in both styles; a cancelled call only
// closes its HTTP request (mcp-go sends no notifications/cancelled over HTTP), and its DELETE goes
// out WITHOUT the Authorization header, which the gateway honours from the address that started
// the session and which withdraws the holds the session still waits on. Only a machine without any
// Go toolchain skips, and says so.
const go = goToolchain();
if (!go) process.stderr.write('[interop] SKIPPED: no Go toolchain (GO, /usr/local/go/bin/go or go on PATH); the mcp-go client cannot be built\n');
const describeWithGo = go ? describe : describe.skip;

interface Step { step: string; [k: string]: unknown }

describeWithGo('mcp-go (github.com/mark3labs/mcp-go) through the gateway', () => {
  let stack: InteropStack;
  let binary: string;
  beforeAll(async () => {
    binary = buildGoClient(go!, 'mcp-go-client');
    stack = await startInteropStack();
  }, 400_000);
  afterAll(async () => { await stack?.close(); });

  test('initialize, list, masked read, both hold styles; its token-less DELETE ends the session and withdraws what it waited on', async () => {
    const { child, exited, stderr } = runGoClient(binary, stack);
    const steps: Step[] = [];
    const reactions: Promise<unknown>[] = [];
    let heldId = '';
    let approvedId = '';
    let beforeClose: { commandId: string; outcome: string }[] = [];
    for await (const line of createInterface({ input: child.stdout })) {
      const step = JSON.parse(line) as Step;
      steps.push(step);
      if (step.step === 'held') heldId = /command (cmd_\w+)/i.exec(String(step.text))?.[1] ?? '';
      if (step.step === 'waiting') reactions.push(stack.approveWaiting([heldId]).then((id) => { approvedId = id; }));
      if (step.step === 'cancelled') {
        reactions.push(stack.h.access.status(stack.requestId).then((s) => {
          beforeClose = s.commands.map((c) => ({ commandId: c.commandId, outcome: c.outcome }));
        }).finally(() => child.stdin.end('close\n')));
      }
    }
    expect({ code: await exited, stderr: stderr() }).toEqual({ code: 0, stderr: '' });
    await Promise.all(reactions);
    process.stderr.write(`[interop mcp-go] ${JSON.stringify(steps)}\n`);
    const by = (name: string) => steps.find((s) => s.step === name);

    expect(by('initialize')).toMatchObject({ server: 'mcp-servers/everything', protocol: '2025-06-18' });
    expect(by('list')?.tools).toEqual(expect.arrayContaining(['echo']));
    expect(by('read')).toMatchObject({ isError: false, text: "Echo: SELECT name FROM clinical.phi.patients WHERE mrn = '[MRN]'" });
    expect(by('held')).toMatchObject({ isError: true, text: expect.stringMatching(/^Held for approval: this echo call \(write\) was NOT run\./) });
    expect(by('waited')).toMatchObject({ isError: false, text: "Echo: UPDATE clinical.phi.patients SET city = 'Salem' WHERE mrn = '[MRN]'" });
    expect(String(by('cancelling')?.progress)).toMatch(/held for approval/);
    expect(approvedId).toMatch(/^cmd_/);

    // The DELETE came without Authorization from the session's own address: honoured, recorded as closed.
    const withdrawn = await stack.withdrawn((reason) => /DELETE/.test(reason));
    expect(withdrawn.commandId).not.toBe(heldId);
    // Before the DELETE the cancelled call's hold was still pending: in the 2025 protocol a closed
    // HTTP stream is not a cancellation (the client may resume it), so only the DELETE withdraws it.
    expect(beforeClose.find((c) => c.commandId === withdrawn.commandId)?.outcome).toBe('pending');
    // The hold answered at once belongs to the grant, not the session: still pending for an approver.
    expect(await stack.pendingIds()).toContain(heldId);
    expect(stack.gw.recorder.of(stack.requestId).filter((e) => e.type === 'session_end').map((e) => [e.reason, e.detail])).toEqual([
      ['closed', expect.stringMatching(/DELETE without a grant token, from the address that started it/)],
    ]);
  }, 180_000);
});
