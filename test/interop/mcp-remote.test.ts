import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type CallToolResult } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { eventually } from '../support/eventually';
import { INTEROP_CALLS, startInteropStack, type InteropStack } from './support';

/** The desktop app: the v2 client in 2025 mode (initialize over stdio), as desktop apps speak to mcp-remote today. */
const DESKTOP = { versionNegotiation: { mode: 'legacy' as const } };

// mcp-remote (npm, pinned in package.json) as desktop clients run it: a stdio server the desktop
// app starts, bridging to the gateway over Streamable HTTP with the grant token from a header file
// (kept out of the process list). The "desktop" here is a stdio MCP client; everything it sees
// went through mcp-remote and the gateway.
const proxyScript = require.resolve('mcp-remote/dist/proxy.js');
const text = (r: unknown) => ((r as CallToolResult).content?.[0] as { text?: string } | undefined)?.text ?? '';

describe('mcp-remote through the gateway', () => {
  let stack: InteropStack;
  let dir: string;
  let client: Client;
  let stderr = '';
  beforeAll(async () => {
    stack = await startInteropStack();
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-mcp-remote-'));
    const headers = join(dir, 'headers.txt');
    writeFileSync(headers, `Authorization: Bearer ${stack.token}\n`, { mode: 0o600 });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [proxyScript, stack.url, '--header-file', headers, '--transport', 'http-only'],
      env: { PATH: process.env.PATH ?? '', HOME: dir, MCP_REMOTE_CONFIG_DIR: join(dir, 'auth') },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    client = new Client({ name: 'desktop-app', version: '1.0.0' }, DESKTOP);
    await client.connect(transport);
  }, 120_000);
  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('initialize and list through the bridge; a read comes back masked', async () => {
    expect(client.getServerVersion()?.name).toBe('mcp-servers/everything');
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('echo');
    const read = await client.callTool({ name: 'echo', arguments: { message: INTEROP_CALLS.read } });
    expect(read.isError).toBeFalsy();
    expect(text(read)).toBe("Echo: SELECT name FROM clinical.phi.patients WHERE mrn = '[MRN]'");
  });

  test('a held write without a progress token is answered at once with a tool result; with one, it waits for the approver', async () => {
    const held = await client.callTool({ name: 'echo', arguments: { message: INTEROP_CALLS.write } });
    expect(held.isError).toBe(true);
    expect(text(held)).toMatch(/^Held for approval: this echo call \(write\) was NOT run\.\nCommand cmd_\w+ waits for an approver of clinical/);
    const heldId = /command (cmd_\w+)/i.exec(text(held))![1]!;

    const progress: string[] = [];
    const waited = client.callTool({ name: 'echo', arguments: { message: INTEROP_CALLS.waitedWrite } }, {
      onprogress: (p) => { progress.push(p.message ?? ''); }, timeout: 120_000,
    });
    await stack.approveWaiting([heldId]);
    const ran = await waited;
    expect(ran.isError).toBeFalsy();
    expect(text(ran)).toBe("Echo: UPDATE clinical.phi.patients SET city = 'Salem' WHERE mrn = '[MRN]'");
    expect(await stack.pendingIds()).toContain(heldId);
  });

  test('a cancelled held call (notifications/cancelled through the bridge) is withdrawn; a late click is stale', async () => {
    const abort = new AbortController();
    const progress: string[] = [];
    const call = client.callTool({ name: 'echo', arguments: { message: INTEROP_CALLS.cancelledWrite } }, {
      onprogress: (p) => { progress.push(p.message ?? ''); }, signal: abort.signal, timeout: 120_000,
    }).then(() => 'answered', () => 'cancelled');
    await eventually(() => progress.length > 0, 'a progress notification for the held call');
    abort.abort('the user pressed Stop');
    expect(await call).toBe('cancelled');
    const withdrawn = await stack.withdrawn((reason) => /cancelled the call/.test(reason));
    await eventually(() => stack.h.notifier.notices.some((n) => n.kind === 'command_decided' && n.commandId === withdrawn.commandId), 'Slack told of the withdrawal');
    await expect(stack.h.access.decideCommand(stack.requestId, withdrawn.commandId, 'bob@example.org', true)).rejects.toThrow(/stale: it was withdrawn by the client/);
  });

  test('the token never reaches the bridge\'s output', () => {
    expect(stderr).not.toContain(stack.token);
  });

  test('a desktop restart: mcp-remote ends without DELETE, its sessions stay until they idle out; the relaunched bridge connects', async () => {
    const grantId = (await stack.h.access.status(stack.requestId)).grantId!;
    const live = () => stack.gw.gateway.liveSessions().filter((s) => s.grantId === grantId).length;
    const before = live();
    expect(before).toBeGreaterThanOrEqual(1);
    await client.close();
    // No DELETE came: the sessions are still there (the gateway's idle timeout and eviction deal with them).
    expect(live()).toBe(before);
    const relaunched = new Client({ name: 'desktop-app', version: '1.0.0' }, DESKTOP);
    await relaunched.connect(new StdioClientTransport({
      command: process.execPath,
      args: [proxyScript, stack.url, '--header-file', join(dir, 'headers.txt'), '--transport', 'http-only'],
      env: { PATH: process.env.PATH ?? '', HOME: dir, MCP_REMOTE_CONFIG_DIR: join(dir, 'auth') },
      stderr: 'pipe',
    }));
    expect(text(await relaunched.callTool({ name: 'echo', arguments: { message: INTEROP_CALLS.read } }))).toContain("'[MRN]'");
    expect(live()).toBeGreaterThan(before);
    await relaunched.close();
  });
});
