// The agent's side: an OIDC client-credentials token from the local provider, then the REST API.
import { readFileSync } from 'node:fs';
import { secret } from './narrator';

export interface ClientCredentials { clientId: string; clientSecret: string; issuer: string; audience: string; apiUrl: string }

/** Reads `<state>/oidc/clients/<subject>.env` (export NAME='value' lines). */
export function readClientEnv(file: string): ClientCredentials {
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^export ([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]!] = match[2]!.replace(/^'(.*)'$/, '$1');
  }
  const need = (name: string) => {
    const value = env[name];
    if (!value) throw new Error(`${file} has no ${name}`);
    return value;
  };
  return {
    clientId: need('GATEHOUSE_OIDC_CLIENT_ID'), clientSecret: secret(need('GATEHOUSE_OIDC_CLIENT_SECRET')),
    issuer: need('GATEHOUSE_OIDC_ISSUER'), audience: need('GATEHOUSE_OIDC_AUDIENCE'), apiUrl: need('GATEHOUSE_API_URL'),
  };
}

/** The client-credentials grant, as any OAuth client sends it (client_secret_basic, RFC 8707 resource). */
export async function clientCredentialsToken(c: ClientCredentials, scope: string): Promise<string> {
  const discovery = (await (await fetch(`${c.issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(15_000) })).json()) as { token_endpoint: string };
  const basic = Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`).toString('base64');
  const response = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope, resource: c.audience }),
    signal: AbortSignal.timeout(15_000),
  });
  const json = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
  if (!json.access_token) throw new Error(`the OpenID provider refused the client-credentials grant for ${c.clientId}: ${json.error}: ${json.error_description}`);
  return secret(json.access_token);
}

export interface Grant { mcpUrl: string; token: string; expiresAt: string; mcpConfig: unknown }
export interface RequestView {
  id: string;
  state: string;
  target: string;
  requester: string;
  origin: string;
  client?: { clientId: string; kind: string; name: string; nameVerified: boolean; verified: string; redirectOrigin: string; impersonates?: string };
  decision?: { approved: boolean; by: string; at: string };
  expiresAt?: string;
  revocation?: { by: string; reason: string; at: string };
  failure?: string;
  archive?: { digest: string; location: string };
  timeline: { at: string; type: string; actor?: string; detail?: string; client?: string }[];
  grant?: Grant;
}

export class ApiAgent {
  constructor(private readonly apiUrl: string, private readonly token: string) {}

  async call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
      // A long-poll waits at most 20 s: an answer later than this means the API is stuck.
      signal: AbortSignal.timeout(45_000),
    }).catch((error: unknown) => {
      throw new Error(`${method} ${path}: the REST API did not answer (${(error as Error).message})`);
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: response.status, body: parsed as T };
  }

  async view(id: string, waitSec?: number, since?: string): Promise<RequestView> {
    const query = waitSec ? `?wait=${waitSec}${since ? `&since=${since}` : ''}` : '';
    const answer = await this.call<RequestView>('GET', `/v1/access-requests/${id}${query}`);
    if (answer.status !== 200) throw new Error(`GET /v1/access-requests/${id} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    if (answer.body.grant) secret(answer.body.grant.token);
    return answer.body;
  }

  /** Long-polls until `done` holds (or the time is up: then the last view). */
  async waitFor(id: string, done: (v: RequestView) => boolean, timeoutMs: number): Promise<RequestView> {
    const deadline = Date.now() + timeoutMs;
    let view = await this.view(id);
    while (!done(view) && Date.now() < deadline) {
      const left = Math.max(1, Math.min(20, Math.ceil((deadline - Date.now()) / 1000)));
      view = await this.view(id, left, view.state);
    }
    return view;
  }
}
