// A person using a grant approved in Slack through the gateway, as README "Connect Claude / VS
// Code / Cursor" has it: an MCP client given only the target's URL is sent to sign in (the
// gateway's own authorization server, the local OpenID provider's login page), and the gateway's
// page offers "Use my active access <request>" for the grant the person already holds. The client's
// token is then the grant itself.
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import { DemoOAuthProvider, pageText, ScriptedBrowser, startRedirectReceiver } from '../../devstack/demo/sign-in';

export type Connection = { client: Client; transport: StreamableHTTPClientTransport };

async function connect(mcpUrl: string, provider: DemoOAuthProvider, timeoutMs: number): Promise<Connection | 'sign-in needed'> {
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
  // The v2 client in 2025 mode, as the agents connect.
  const client = new Client({ name: 'chaos-person', version: '1.0.0' }, { versionNegotiation: { mode: 'legacy' } });
  try {
    // A person's first session starts its own upstream process: tens of seconds on a loaded machine.
    await client.connect(transport, { timeout: timeoutMs });
    return { client, transport };
  } catch (error) {
    await client.close().catch(() => undefined);
    if (error instanceof UnauthorizedError) return 'sign-in needed';
    throw error;
  }
}

/**
 * Signs `email` in from a new MCP client and picks the active access `requestId` on the gateway's
 * page. Throws when the page does not offer it (the grant ended, or a part is down) or the sign-in
 * does not come back with a code. `connectMs`: how long the signed-in client waits for its session
 * (its upstream process starts then: minutes on a machine at load 40, and every try starts another).
 */
export async function signInReusing(mcpUrl: string, email: string, requestId: string, connectMs = 30_000): Promise<Connection> {
  const receiver = await startRedirectReceiver();
  try {
    const provider = new DemoOAuthProvider(receiver.url, 'Chaos person (MCP client)');
    const first = await connect(mcpUrl, provider, connectMs);
    if (first !== 'sign-in needed') return first;
    if (!provider.authorizationUrl) throw new Error('the client was not sent to sign in');
    const browser = new ScriptedBrowser();
    let page = await browser.open(provider.authorizationUrl.href);
    page = await browser.submit(page, { login: email, password: 'any password' }, (f) => /name="login"/.test(f));
    if (/name="prompt" value="consent"/.test(page.html)) page = await browser.submit(page, {}, (f) => /value="consent"/.test(f));
    if (!page.html.includes(`value="${requestId}"`)) throw new Error(`the gateway's page offers no "Use my active access" for the request (status ${page.status}): ${pageText(page).slice(0, 160)}`);
    const chosen = await browser.submit(page, {}, (f) => /name="action" value="reuse"/.test(f) && f.includes(`value="${requestId}"`));
    // A reused active grant sends the browser straight back with a code; the redirect reached the receiver.
    const back = await receiver.next(chosen.url.startsWith(receiver.url) ? 5_000 : 1).catch(() => {
      throw new Error(`the browser was not sent back with a code (at ${new URL(chosen.url).pathname}, status ${chosen.status}): ${pageText(chosen).slice(0, 160)}`);
    });
    if (!back.get('code')) throw new Error(`the sign-in came back without a code: ${back.get('error') ?? ''} ${back.get('error_description') ?? ''}`);
    await new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider }).finishAuth(back);
    const connected = await connect(mcpUrl, provider, connectMs);
    if (connected === 'sign-in needed') throw new Error('still asked to sign in with the token it received');
    return connected;
  } finally {
    await receiver.close();
  }
}
