import type { Transport } from '@modelcontextprotocol/client';
import type { GrantRecord } from '../lib';
import type { TargetConfig } from '../policy';
import { NodeHttpClientTransport } from './http-upstream';
import { StdioUpstreamTransport } from './stdio-upstream';
import type { UpstreamEra } from './upstream-era';
import { UpstreamSessionTransport } from './upstream-session';

/**
 * The environment a stdio upstream starts with: a minimal base (PATH, HOME, ... from the SDK,
 * never the gateway's own environment and its keys), the target's configured variables, and the
 * grant's ephemeral credential where `credentials.delivery` says (`{ env: NAME }`). Without a
 * delivery: the snowflake provider's login as the connection variables mcp-servers/snowflake
 * reads, any other provider's credential as GATEHOUSE_CREDENTIAL; `credentials: none`: nothing.
 */
export function upstreamEnvironment(target: TargetConfig, grant: GrantRecord, credential: string | undefined): Record<string, string> {
  const env: Record<string, string> = { ...(target.upstream.type === 'stdio' ? target.upstream.env : {}) };
  env.GATEHOUSE_TARGET = target.name;
  env.GATEHOUSE_PRINCIPAL = grant.principal;
  env.GATEHOUSE_ROW_LIMIT = String(target.commands.rowLimit);
  const delivery = target.credentials.delivery;
  if (credential === undefined || target.credentials.provider === 'none') return env;
  if (delivery && 'env' in delivery) {
    env[delivery.env] = credential;
  } else if (target.credentials.provider === 'snowflake') {
    const s = target.credentials.settings as Record<string, unknown>;
    const login = snowflakeLogin(credential);
    const put = (name: string, ...values: unknown[]) => {
      const value = values.find((v) => typeof v === 'string' && v.length > 0);
      if (typeof value === 'string') env[name] = value;
    };
    put('SNOWFLAKE_ACCOUNT', login.account, s.account);
    put('SNOWFLAKE_ACCESS_URL', login.accessUrl, s.accessUrl);
    put('SNOWFLAKE_ROLE', login.role, target.scope?.role, s.targetRole);
    put('SNOWFLAKE_WAREHOUSE', login.warehouse, s.warehouse);
    put('SNOWFLAKE_DATABASE', login.database, s.database);
    put('SNOWFLAKE_SCHEMA', login.schema, s.schema);
    env.SNOWFLAKE_USER = login.username ?? grant.principal;
    // The issued user's secret, whichever kind the target's broker made (settings.credential).
    if (login.token !== undefined) env.SNOWFLAKE_TOKEN = login.token;
    else env.SNOWFLAKE_PRIVATE_KEY = login.privateKey!;
    env.SNOWFLAKE_ROW_LIMIT = String(target.commands.rowLimit);
  } else {
    env.GATEHOUSE_CREDENTIAL = credential;
  }
  return env;
}

interface SnowflakeLogin {
  /** Credential `keyPair`: the PEM private key. */
  privateKey?: string;
  /** Credential `pat`: the programmatic access token's secret. */
  token?: string;
  username?: string;
  account?: string;
  accessUrl?: string;
  role?: string;
  warehouse?: string;
  database?: string;
  schema?: string;
}

/**
 * What the Snowflake broker (activities/credentials/snowflake) stores in the vault: a JSON
 * login (kind "snowflake", username, privateKey or token, account, role, ...). A bare PEM key is
 * accepted too (then the grant's principal is the user).
 */
export function snowflakeLogin(credential: string): SnowflakeLogin {
  const text = credential.trim();
  if (!text.startsWith('{')) return { privateKey: credential };
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error('the stored Snowflake credential is not valid JSON');
  }
  if (parsed.kind !== 'snowflake' || (typeof parsed.privateKey !== 'string' && typeof parsed.token !== 'string')) throw new Error('the stored credential is not a Snowflake login');
  const pick = (k: string) => (typeof parsed[k] === 'string' ? { [k]: parsed[k] as string } : {});
  return {
    ...(typeof parsed.token === 'string' ? { token: parsed.token } : { privateKey: parsed.privateKey as string }), ...pick('username'), ...pick('account'), ...pick('accessUrl'), ...pick('role'),
    ...pick('warehouse'), ...pick('database'), ...pick('schema'),
  };
}

export interface UpstreamHandle {
  /** The upstream as a 2025-era session speaks to it, whatever era it speaks itself (upstream-session.ts). */
  transport: Transport;
  /** Process id of a stdio upstream (for tests and ops). */
  pid(): number | null;
  /** The upstream's era once the session's `initialize` decided it. */
  era(): UpstreamEra | undefined;
  /** Calls back with the SSE reconnection delay an HTTP upstream asked for (`retry:`), each time it changes. */
  onRetry(listener: (ms: number) => void): void;
  /** Why the gateway closed the upstream itself (it changed under the session, or sent an answer past upstream.maxAnswerSize), if it did. */
  endedBecause?(): string | undefined;
}

/**
 * The headers an HTTP upstream gets: the credential in the one header `credentials.delivery`
 * names, in its format; nothing when the target says no delivery (or has credentials: none).
 * The configuration refuses a Snowflake login over HTTP unless the target says sendCredential.
 */
export function upstreamHeaders(target: TargetConfig, credential: string | undefined): Record<string, string> {
  const delivery = target.credentials.delivery;
  if (credential === undefined || target.credentials.provider === 'none' || !delivery || !('header' in delivery)) return {};
  if (target.credentials.provider === 'snowflake' && !delivery.sendCredential) return {};
  return { [delivery.header]: delivery.format.replace('{credential}', () => credential) };
}

/** Opens the target's upstream for one session; the credential goes only there, only as configured. */
export function openUpstream(target: TargetConfig, grant: GrantRecord, credential: string | undefined, onStderr?: (chunk: string) => void): UpstreamHandle {
  const channel = openChannel(target, grant, credential, onStderr);
  const transport = new UpstreamSessionTransport(channel.transport, { target: target.name, transport: target.upstream.type, config: target });
  return { transport, pid: channel.pid, era: () => transport.era, onRetry: channel.onRetry, endedBecause: () => transport.endedBecause ?? channel.endedBecause?.() };
}

/**
 * The raw channel to the target's upstream, era-blind: stdio (a process with the credential in its
 * environment) or Streamable HTTP (the credential in its one header). For callers that speak
 * either era themselves (upstream-caller.ts) and for the session transport above.
 */
export function openChannel(target: TargetConfig, grant: GrantRecord, credential: string | undefined, onStderr?: (chunk: string) => void): Omit<UpstreamHandle, 'era'> {
  const upstream = target.upstream;
  if (upstream.type === 'stdio') {
    const transport = new StdioUpstreamTransport({
      command: upstream.command,
      args: upstream.args,
      env: upstreamEnvironment(target, grant, credential),
      stderr: 'pipe',
    }, upstream.maxAnswerSize);
    // Drain stderr so a chatty server never blocks; what it says may only reach debug logs.
    transport.stderr?.on('data', (chunk: Buffer) => onStderr?.(chunk.toString('utf8')));
    return { transport, pid: () => transport.pid, onRetry: () => undefined, endedBecause: () => transport.endedBecause };
  }
  const transport = new NodeHttpClientTransport(new URL(upstream.url), upstreamHeaders(target, credential), { ...(upstream.maxAnswerSize !== undefined ? { maxAnswerBytes: upstream.maxAnswerSize } : {}) });
  return {
    transport, pid: () => null,
    onRetry: (listener) => {
      transport.onretry = listener;
    },
  };
}
