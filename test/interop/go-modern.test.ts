import { createInterface } from 'node:readline';
import { buildGoClient, goToolchain, runGoClient, startInteropStack, type InteropStack } from './support';

// The official Go SDK v1.8 (test/interop/go-modern-client) through the gateway without pinning a
// version: it opens with server/discover at 2026-07-28 and, offered that revision, speaks it
// statelessly (no initialize, no Mcp-Session-Id, the version on every request); list and a masked
// read follow. Before issue 24 its probe got 400 and it fell back to initialize. Only a machine
// without any Go toolchain skips, and says so.
const go = goToolchain();
if (!go) process.stderr.write('[interop] SKIPPED: no Go toolchain (GO, /usr/local/go/bin/go or go on PATH); the Go SDK client cannot be built\n');
const describeWithGo = go ? describe : describe.skip;

interface Step { step: string; [k: string]: unknown }

describeWithGo('the official Go MCP SDK v1.8 negotiating 2026-07-28 through the gateway', () => {
  let stack: InteropStack;
  let binary: string;
  beforeAll(async () => {
    binary = buildGoClient(go!, 'go-modern-client');
    stack = await startInteropStack();
  }, 400_000);
  afterAll(async () => { await stack?.close(); });

  test('discover at 2026-07-28, stateless list and masked read, nothing of a session', async () => {
    const { child, exited, stderr } = runGoClient(binary, stack);
    const steps: Step[] = [];
    for await (const line of createInterface({ input: child.stdout })) steps.push(JSON.parse(line) as Step);
    process.stderr.write(`[interop go-sdk modern] ${JSON.stringify(steps)}\n`);
    expect({ code: await exited, stderr: stderr(), failed: steps.find((s) => s.step === 'failed') }).toEqual({ code: 0, stderr: '', failed: undefined });
    const by = (name: string) => steps.find((s) => s.step === name);

    expect(by('connected')).toMatchObject({ protocol: '2026-07-28', session: false });
    expect(by('connected')?.requests).toEqual(['POST server/discover 2026-07-28']);
    expect(by('list')?.tools).toEqual(expect.arrayContaining(['echo']));
    expect(by('read')).toMatchObject({ isError: false, text: "Echo: SELECT name FROM clinical.phi.patients WHERE mrn = '[MRN]'" });
    expect(String(by('read')?.text)).not.toContain('MRN-0012345');
    // Every request after the discover is a POST at 2026-07-28: no initialize, no GET stream, no DELETE.
    const requests = by('closed')?.requests as string[];
    expect(requests.every((r) => /^POST \S+ 2026-07-28$/.test(r))).toBe(true);
    expect(requests.some((r) => r.includes('initialize'))).toBe(false);
    // The gateway recorded the calls under the grant, with the read's arguments masked.
    const recorded = stack.gw.recorder.of(stack.requestId).filter((e) => e.type === 'request');
    expect(JSON.stringify(recorded)).toContain('tools/call');
    expect(JSON.stringify(recorded)).not.toContain('MRN-0012345');
  }, 180_000);
});
