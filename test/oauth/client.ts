// The client side of the sign-in, as an MCP application has it: the official (v2) SDK's
// OAuthClientProvider, a loopback redirect receiver, an https server for a client ID metadata
// document, and a headless browser for the person.
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import * as x509 from '@peculiar/x509';
import {
  Client, StreamableHTTPClientTransport, UnauthorizedError, type OAuthClientInformationMixed, type OAuthClientMetadata, type OAuthClientProvider, type OAuthTokens,
} from '@modelcontextprotocol/client';
import type { Locator, Page } from 'playwright-core';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** An in-memory OAuthClientProvider, as a desktop MCP client keeps one per server. */
export class TestOAuthProvider implements OAuthClientProvider {
  info?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  verifier = '';
  authorizationUrl?: URL;
  lastState?: string;
  constructor(private readonly redirect: string, readonly clientMetadataUrl?: string, private readonly name = 'Gatehouse test client') {}
  get redirectUrl() { return this.redirect; }
  get clientMetadata(): OAuthClientMetadata {
    return { client_name: this.name, redirect_uris: [this.redirect], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' };
  }
  state() {
    this.lastState = randomBytes(16).toString('base64url');
    return this.lastState;
  }
  clientInformation() { return this.info; }
  saveClientInformation(info: OAuthClientInformationMixed) { this.info = info; }
  tokens() { return this.saved; }
  saveTokens(tokens: OAuthTokens) { this.saved = tokens; }
  redirectToAuthorization(url: URL) { this.authorizationUrl = url; }
  saveCodeVerifier(verifier: string) { this.verifier = verifier; }
  codeVerifier() { return this.verifier; }
  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery') {
    if (scope === 'all' || scope === 'client') this.info = undefined;
    if (scope === 'all' || scope === 'tokens') this.saved = undefined;
  }
}

export type McpConnection = { client: Client; transport: StreamableHTTPClientTransport };

/** Connects knowing only the URL. Answers the connection, or 'redirect' when a person must sign in first. */
export async function connectWithOAuth(url: string, provider: TestOAuthProvider): Promise<McpConnection | 'redirect'> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
  // The v2 client in 2025 mode: the sign-in ends in a session, as these tests were written for.
  const client = new Client({ name: 'oauth-test', version: '1.0.0' }, { versionNegotiation: { mode: 'legacy' } });
  try {
    await client.connect(transport);
    return { client, transport };
  } catch (error) {
    if (error instanceof UnauthorizedError) {
      await transport.close().catch(() => undefined);
      return 'redirect';
    }
    throw error;
  }
}

/**
 * After the browser came back with a code: the SDK exchanges it (finishAuth), then connects again.
 * The v2 SDK takes the whole callback and checks its `iss` against the issuer it discovered
 * (RFC 9207; the gateway's authorization server advertises it) before it redeems the code.
 */
export async function finishSignIn(url: string, provider: TestOAuthProvider, callback: URLSearchParams): Promise<McpConnection> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
  await transport.finishAuth(callback);
  const connected = await connectWithOAuth(url, provider);
  if (connected === 'redirect') throw new Error('still asked to sign in after finishAuth');
  return connected;
}

/** A loopback redirect receiver (RFC 8252 §7.3): records every redirect that reaches it. */
export async function startRedirectReceiver(): Promise<{ url: string; received: URLSearchParams[]; close(): Promise<void> }> {
  const received: URLSearchParams[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    // Only the redirect itself (the browser also asks this origin for /favicon.ico).
    if (url.pathname !== '/callback') return void res.writeHead(404).end();
    received.push(url.searchParams);
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>done</title><p id="done">You can close this window.</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`, received, close: () => closeServer(server) };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A self-signed certificate for 127.0.0.1, trusted by the authorization server through `ca`. */
async function loopbackCertificate(): Promise<{ cert: string; key: string }> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01' + randomBytes(8).toString('hex'), name: 'CN=127.0.0.1', keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'], signingAlgorithm: alg,
    notBefore: new Date(Date.now() - 86_400_000), notAfter: new Date(Date.now() + 86_400_000),
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }]), new x509.BasicConstraintsExtension(false)],
  });
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { cert: cert.toString('pem'), key: `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n` };
}

/**
 * Client ID metadata documents over https on loopback. `/good/<name>` serves a document whose
 * client_id is its own URL; `/slow/...` never answers, `/huge/...` is too big, `/moved/...` redirects.
 */
export async function startMetadataDocumentServer(redirectUris: () => string[]): Promise<{ ca: string; url(path: string): string; fetches: string[]; close(): Promise<void> }> {
  const { cert, key } = await loopbackCertificate();
  const fetches: string[] = [];
  let base = '';
  const server = createHttpsServer({ cert, key }, (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    fetches.push(path);
    const doc = { client_id: base + path, client_name: 'Metadata document client', redirect_uris: redirectUris(), token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], response_types: ['code'] };
    if (path.startsWith('/slow/')) return; // never answers
    if (path.startsWith('/huge/')) return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...doc, padding: 'x'.repeat(64 * 1024) }));
    if (path.startsWith('/moved/')) return res.writeHead(302, { location: base + path.replace('/moved/', '/good/') }).end();
    if (path.startsWith('/other-id/')) return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...doc, client_id: 'https://elsewhere.example/client' }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { ca: cert, url: (path) => base + path, fetches, close: () => closeServer(server as unknown as Server) };
}

/** The person: signs in at the OpenID provider's login page (and its consent page, when shown). */
export async function signInAtProvider(page: Page, login: string): Promise<void> {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.locator('input[name="password"]').press('Enter');
  await page.waitForLoadState('domcontentloaded');
  const consent = page.locator('button:has-text("Continue")');
  if (await consent.count()) {
    await consent.focus();
    await page.keyboard.press('Enter');
    await page.waitForLoadState('domcontentloaded');
  }
}

/**
 * The request page's button that reuses `requestId`'s active grant. The page offers only grants
 * it confirmed within a few seconds (visibility list, then the workflow and the grant store); on
 * a loaded CI machine a just-activated grant can miss that window, so the page is loaded again
 * until the offer appears (the product's choice: an unconfirmed grant is not offered).
 */
export async function activeAccessButton(page: Page, requestId: string, timeoutMs = 60_000): Promise<Locator> {
  const button = page.locator('button', { hasText: `Use my active access ${requestId}` });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await button.waitFor({ timeout: 5_000 });
      return button;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`the request page never offered "Use my active access ${requestId}" within ${timeoutMs} ms: ${(error as Error).message}`, { cause: error });
      await page.reload({ waitUntil: 'domcontentloaded' });
    }
  }
}

/** Fills the request form with the keyboard alone: Tab from field to field, Enter on the button. */
export async function askWithKeyboard(page: Page, ask: { duration?: string; reason: string; ticket?: string }): Promise<void> {
  if (ask.duration) await page.locator('#duration').selectOption(ask.duration);
  await page.locator('#reason').focus();
  await page.keyboard.type(ask.reason);
  await page.keyboard.press('Tab');
  if (ask.ticket) await page.keyboard.type(ask.ticket);
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => (globalThis as unknown as { document: { activeElement?: { textContent?: string } } }).document.activeElement?.textContent ?? '');
  if (focused !== 'Request access') throw new Error(`Tab after the ticket reached "${focused}", not the Request access button`);
  await page.keyboard.press('Enter');
  await page.waitForLoadState('domcontentloaded');
}
