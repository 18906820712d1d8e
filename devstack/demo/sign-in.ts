// The demo's MCP client that knows nothing but the gateway's URL: the official SDK's OAuth
// client provider, a loopback redirect receiver (RFC 8252), and the person's browser, played as
// a browser without script plays it: follow redirects, keep cookies, submit the page's forms.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthClientProvider, OAuthDiscoveryState, OAuthTokens } from '@modelcontextprotocol/client';
import { secret } from './narrator';

/** What a desktop MCP client keeps per server, in memory. Tokens are registered as secrets (never printed). */
export class DemoOAuthProvider implements OAuthClientProvider {
  info?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  authorizationUrl?: URL;
  private verifier = '';
  private discovery?: OAuthDiscoveryState;
  constructor(private readonly redirect: string, private readonly name: string) {}
  get redirectUrl() { return this.redirect; }
  get clientMetadata(): OAuthClientMetadata {
    return { client_name: this.name, redirect_uris: [this.redirect], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'none' };
  }
  state() { return randomBytes(16).toString('base64url'); }
  clientInformation() { return this.info; }
  saveClientInformation(info: OAuthClientInformationMixed) { this.info = info; }
  tokens() { return this.saved; }
  saveTokens(tokens: OAuthTokens) {
    secret(tokens.access_token);
    if (tokens.refresh_token) secret(tokens.refresh_token);
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) { this.authorizationUrl = url; }
  saveCodeVerifier(verifier: string) { this.verifier = secret(verifier); }
  codeVerifier() { return this.verifier; }
  /** Which authorization server the redirect was for, so the callback is checked against it (SEP-2352). */
  saveDiscoveryState(state: OAuthDiscoveryState) { this.discovery = state; }
  discoveryState() { return this.discovery; }
}

/** The loopback redirect URI: the one redirect of the sign-in lands here. */
export async function startRedirectReceiver(): Promise<{ url: string; next(timeoutMs: number): Promise<URLSearchParams>; close(): Promise<void> }> {
  const received: URLSearchParams[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') return void res.writeHead(404).end();
    const code = url.searchParams.get('code');
    if (code) secret(code);
    received.push(url.searchParams);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('Signed in. You can close this window.');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`,
    async next(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!received.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      const got = received.shift();
      if (!got) throw new Error(`nothing reached the redirect URI within ${timeoutMs / 1000} s`);
      return got;
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export interface Page { url: string; status: number; html: string }

const decode = (value: string) => value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** A browser without script: cookies per origin, redirects followed, forms submitted as typed. */
export class ScriptedBrowser {
  private readonly jar = new Map<string, Map<string, string>>();

  async open(url: string, init: { method?: string; form?: URLSearchParams; origin?: string } = {}): Promise<Page> {
    let current = url;
    let method = init.method ?? 'GET';
    let body: string | undefined = init.form?.toString();
    for (let hop = 0; hop < 20; hop++) {
      const origin = new URL(current).origin;
      const cookies = [...(this.jar.get(origin) ?? new Map<string, string>()).entries()].map(([k, v]) => `${k}=${v}`).join('; ');
      const response = await fetch(current, {
        method, redirect: 'manual', signal: AbortSignal.timeout(20_000),
        headers: {
          accept: 'text/html', ...(cookies ? { cookie: cookies } : {}),
          ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded', origin: init.origin ?? origin } : {}),
        },
        ...(body !== undefined ? { body } : {}),
      });
      this.keep(origin, response.headers.getSetCookie());
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        current = new URL(location, current).href;
        method = 'GET';
        body = undefined;
        continue;
      }
      return { url: current, status: response.status, html: await response.text() };
    }
    throw new Error(`more than 20 redirects from ${url}`);
  }

  /** Submits the page's form that `pick` chooses (its hidden fields as sent, `fields` as typed). */
  async submit(page: Page, fields: Record<string, string>, pick: (form: string) => boolean = () => true): Promise<Page> {
    const forms = [...page.html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)];
    const form = forms.find((f) => pick(f[0]));
    if (!form) throw new Error(`no such form on ${page.url} (status ${page.status}): ${page.html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 300)}`);
    const action = decode(/action="([^"]*)"/i.exec(form[1]!)?.[1] ?? page.url);
    const data = new URLSearchParams();
    for (const input of form[2]!.matchAll(/<input\b([^>]*)>/gi)) {
      const name = /name="([^"]*)"/i.exec(input[1]!)?.[1];
      const value = /value="([^"]*)"/i.exec(input[1]!)?.[1];
      if (name && value !== undefined) data.set(decode(name), decode(value));
    }
    for (const [k, v] of Object.entries(fields)) data.set(k, v);
    return this.open(new URL(action, page.url).href, { method: 'POST', form: data });
  }

  private keep(origin: string, setCookies: string[]): void {
    const jar = this.jar.get(origin) ?? new Map<string, string>();
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      const gone = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()));
      if (gone || !value) jar.delete(name);
      else jar.set(name, value);
    }
    this.jar.set(origin, jar);
  }
}

/** The text a person reads on a page. */
export function pageText(page: Page): string {
  return decode(page.html.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ' ').replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
}
