import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { GrantRecord } from '../lib';
import type { TargetConfig } from '../policy';

/**
 * The environment a stdio upstream starts with: a minimal base (PATH, HOME, ... from the SDK,
 * never the gateway's own environment and its keys), the target's configured variables, and the
 * grant's ephemeral credential. For the snowflake provider the connection settings are spelled
 * the way mcp-servers/snowflake reads them.
 */
export function upstreamEnvironment(target: TargetConfig, grant: GrantRecord, credential: string): Record<string, string> {
  const env: Record<string, string> = { ...(target.upstream.type === 'stdio' ? target.upstream.env : {}) };
  env.GATEHOUSE_TARGET = target.name;
  env.GATEHOUSE_PRINCIPAL = grant.principal;
  env.GATEHOUSE_ROW_LIMIT = String(target.commands.rowLimit);
  if (target.credentials.provider === 'snowflake') {
    const s = target.credentials.settings as Record<string, unknown>;
    const put = (name: string, value: unknown) => { if (typeof value === 'string' && value) env[name] = value; };
    put('SNOWFLAKE_ACCOUNT', s.account);
    put('SNOWFLAKE_ACCESS_URL', s.accessUrl);
    put('SNOWFLAKE_ROLE', target.scope?.role ?? s.targetRole);
    put('SNOWFLAKE_WAREHOUSE', s.warehouse);
    put('SNOWFLAKE_DATABASE', s.database);
    put('SNOWFLAKE_SCHEMA', s.schema);
    env.SNOWFLAKE_USER = grant.principal;
    env.SNOWFLAKE_PRIVATE_KEY = credential;
    env.SNOWFLAKE_ROW_LIMIT = String(target.commands.rowLimit);
  } else {
    env.GATEHOUSE_CREDENTIAL = credential;
  }
  return env;
}

export interface UpstreamHandle {
  transport: Transport;
  /** Process id of a stdio upstream (for tests and ops). */
  pid(): number | null;
}

/** Opens the target's upstream for one session; the credential goes only there. */
export function openUpstream(target: TargetConfig, grant: GrantRecord, credential: string, onStderr?: (chunk: string) => void): UpstreamHandle {
  const upstream = target.upstream;
  if (upstream.type === 'stdio') {
    const transport = new StdioClientTransport({
      command: upstream.command,
      args: upstream.args,
      env: upstreamEnvironment(target, grant, credential),
      stderr: 'pipe',
    });
    // Drain stderr so a chatty server never blocks; what it says may only reach debug logs.
    transport.stderr?.on('data', (chunk: Buffer) => onStderr?.(chunk.toString('utf8')));
    return { transport, pid: () => transport.pid };
  }
  const transport = new StreamableHTTPClientTransport(new URL(upstream.url), {
    requestInit: { headers: { [upstream.credentialHeader]: credential, 'X-Gatehouse-Principal': grant.principal } },
  });
  return { transport, pid: () => null };
}
