import { join } from 'node:path';
import { buildGoClient, followGoSteps, goToolchain, interopConfig, INTEROP_CALLS, runGoClient, startInteropStack, type InteropStack } from './support';

// The official Go SDK v1.8 (test/interop/go-modern-client) at 2026-07-28, as in go-modern, against
// a 2025-era upstream that asks its client for its roots (roots/list, without params) in the middle
// of tools/list and of every tools/call (fixtures/roots-upstream.js): what server-everything does
// once, 350 ms after it starts, into whichever call runs then. The go-modern suite failed in CI when
// that question landed in its approved write: 'held write: calling "tools/call": unexpected end of
// JSON input' (the input request had no params, which the Go SDK cannot decode). In a tools/call it
// is an input round the client answers (its roots, none) before the call finishes, the approved
// write included (the approval carries on: no second hold); in tools/list, whose result cannot ask
// for input in the revision, the upstream is told no and the list comes back.
const go = goToolchain();
if (!go) process.stderr.write('[interop] SKIPPED: no Go toolchain (GO, /usr/local/go/bin/go or go on PATH); the Go SDK client cannot be built\n');
const describeWithGo = go ? describe : describe.skip;

const fixture = join(__dirname, '../proxy/fixtures/roots-upstream.js');

describeWithGo('the official Go MCP SDK v1.8 at 2026-07-28 when a 2025 upstream asks for roots in the middle of its calls', () => {
  let stack: InteropStack;
  let binary: string;
  beforeAll(async () => {
    binary = buildGoClient(go!, 'go-modern-client');
    stack = await startInteropStack(interopConfig(`{ type: stdio, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(fixture)}] }`));
  }, 400_000);
  afterAll(async () => { await stack?.close(); });

  test('tools/list comes back; the read and the approved write each answer a roots round and finish; the denied write is not run', async () => {
    const run = runGoClient(binary, stack);
    const { exited, stderr } = run;
    // The first held command is approved, the second denied, each once its approval request reached the client.
    const { steps, decided } = await followGoSteps(run, stack, 'no writes today');
    process.stderr.write(`[interop go-sdk modern roots] ${JSON.stringify(steps)}\n`);
    expect({ code: await exited, stderr: stderr(), failed: steps.find((s) => s.step === 'failed') }).toEqual({ code: 0, stderr: '', failed: undefined });
    const by = (name: string) => steps.find((s) => s.step === name);
    expect(by('connected')).toMatchObject({ protocol: '2026-07-28', session: false });
    expect(by('list')?.tools).toEqual(['echo']);
    // The Go client declares roots and has none: the upstream heard an empty list each time.
    expect(by('read')).toMatchObject({ isError: false, text: "Echo: SELECT name FROM clinical.phi.patients WHERE mrn = '[MRN]' (roots: 0)" });
    expect(by('approved')).toMatchObject({ isError: false, text: "Echo: UPDATE clinical.phi.patients SET city = 'Boston' WHERE mrn = '[MRN]' (roots: 0)" });
    expect(by('denied')).toMatchObject({ isError: true, text: expect.stringMatching(/^Denied: command cmd_\w+ was denied by bob@example\.org/) });
    // Two commands held, one decision each: the roots round of the approved run asked for no second approval.
    expect(decided.size).toBe(2);
    const commands = (await stack.h.access.status(stack.requestId)).commands;
    expect(commands.map((c) => c.outcome).sort()).toEqual(['approved', 'denied']);
    // The approved write reached the upstream once; the denied one never did.
    const responses = stack.gw.recorder.of(stack.requestId).filter((e) => e.type === 'response');
    expect(responses.filter((e) => JSON.stringify(e).includes("SET city = 'Boston'") && JSON.stringify(e).includes('roots: 0')).length).toBe(1);
    expect(JSON.stringify(responses)).not.toContain("SET city = 'Salem'");
    expect(INTEROP_CALLS.waitedWrite).toContain("SET city = 'Salem'");
  }, 240_000);
});
