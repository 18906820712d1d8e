import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { parseDuration } from '../../lib';
import { ACCESS_EXIT, CommandFailure, EXIT } from '../exit-codes';
import { ApiClient } from './api-client';
import { tokenSource } from './credentials';
import { Progress } from './progress';

// The access commands: request, status, list, approve, deny, revoke, extend. They talk to the
// REST API (GATEHOUSE_API_URL) with an OIDC bearer token (see credentials.ts).

export const DEFAULT_API_URL = 'http://127.0.0.1:8080';
const BASE = '/v1/access-requests';
const ANY_READ = ['access:request', 'access:approve', 'audit:read'];
const FINAL = ['DENIED', 'EXPIRED_UNAPPROVED', 'REVOKING', 'REVOKED', 'ARCHIVED', 'FAILED'];
const STATES = ['PENDING_APPROVAL', 'DENIED', 'EXPIRED_UNAPPROVED', 'APPROVED', 'ISSUING', 'ACTIVE', 'REVOKING', 'REVOKED', 'ARCHIVED', 'FAILED'];

interface Grant { mcpUrl: string; token: string; expiresAt: string; mcpConfig: { mcpServers: Record<string, unknown> } }
interface RequestView {
  id: string;
  state: string;
  target: string;
  requester: string;
  origin?: string;
  client?: { clientId: string; kind: string; name: string; nameVerified: boolean; verified: string; redirectOrigin: string; impersonates?: string };
  reason: string;
  ticket?: string;
  durationMs: number;
  requestedAt: string;
  decision?: { approved: boolean; by: string; at: string; reason?: string };
  expiresAt?: string;
  revocation?: { by: string; reason: string; at: string };
  failure?: string;
  approversNotAsked?: { at: string; reason: string };
  timeline: { at: string; type: string; actor?: string; detail?: string; client?: string }[];
  grant?: Grant;
}
interface MessageView { id: string; state: string; detail: string }

interface ConnectionOptions { apiUrl?: string; token?: string; json?: boolean }

function withConnection(command: Command): Command {
  return command
    .option('--api-url <url>', `the Gatehouse API (default GATEHOUSE_API_URL or ${DEFAULT_API_URL})`)
    .option('--token <token>', 'an OIDC access token (default GATEHOUSE_TOKEN, else the client-credentials grant from GATEHOUSE_OIDC_*)')
    .option('--json', 'print the API\'s JSON answer (for scripts)');
}

function clientFor(options: ConnectionOptions): ApiClient {
  const url = options.apiUrl ?? process.env.GATEHOUSE_API_URL ?? DEFAULT_API_URL;
  if (!URL.canParse(url)) throw new CommandFailure(EXIT.config, `the API URL "${url}" is not a URL`);
  return new ApiClient(url, tokenSource({ token: options.token, env: process.env }));
}

const out = (line = '') => process.stdout.write(`${line}\n`);
const printJson = (value: unknown) => out(JSON.stringify(value, null, 2));

function requestId(value: string): string {
  if (!/^req_[a-z0-9]{20}$/.test(value)) throw new CommandFailure(EXIT.usage, `"${value}" is not a request id (req_ followed by 20 letters and digits)`);
  return value;
}

function duration(value: string, what: string): number {
  try {
    return parseDuration(value, what);
  } catch (error) {
    throw new CommandFailure(EXIT.usage, (error as Error).message);
  }
}

const ORIGIN_WORDS: Record<string, string> = { slack: 'Slack', api: 'the REST API', oauth: 'OAuth sign-in from an MCP client' };

const describeState = (state: string) => state.toLowerCase().replace(/_/g, ' ');

function printGrant(view: RequestView, mcpConfigFile?: string): void {
  const grant = view.grant;
  if (!grant) return;
  out(`MCP endpoint  ${grant.mcpUrl}`);
  if (mcpConfigFile) {
    out(`MCP client configuration written to ${mcpConfigFile} (it holds the grant token)`);
  } else {
    out(`grant token   ${grant.token}`);
    out('send it as "Authorization: Bearer <token>", or use --mcp-config <file> to write a client configuration');
  }
  out(`expires       ${grant.expiresAt}`);
}

function printView(view: RequestView): void {
  out(`${view.id}  ${view.target}  ${view.state}`);
  out(`requester     ${view.requester}${view.origin ? ` (via ${ORIGIN_WORDS[view.origin] ?? view.origin})` : ''}`);
  if (view.client) {
    const c = view.client;
    out(`client        ${c.name} (${c.nameVerified ? 'verified name' : 'name claimed by the client, not verified'}), ${c.kind.replace('_', ' ')} client ${c.clientId}`);
    out(`              verified: ${c.verified}; returns to ${c.redirectOrigin}`);
    if (c.impersonates) out(`              WARNING: the name looks like ${c.impersonates}, which this client is not`);
  }
  out(`reason        ${view.reason}${view.ticket ? ` (${view.ticket})` : ''}`);
  if (view.decision) out(`decision      ${view.decision.approved ? 'approved' : 'denied'} by ${view.decision.by}${view.decision.reason ? `: ${view.decision.reason}` : ''}`);
  if (view.expiresAt && !view.grant) out(`expires       ${view.expiresAt}`);
  if (view.revocation) out(`revoked       by ${view.revocation.by}: ${view.revocation.reason}`);
  if (view.failure) out(`failure       ${view.failure}`);
  if (view.approversNotAsked) out(`warning       the approvers were not asked in Slack: ${view.approversNotAsked.reason}`);
  printGrant(view);
  out('timeline');
  for (const event of view.timeline) {
    out(`  ${event.at}  ${event.type}${event.actor ? ` ${event.actor}` : ''}${event.client ? ` [client ${event.client}]` : ''}${event.detail ? ` — ${event.detail}` : ''}`);
  }
}

/** Writes (or merges into) an MCP client configuration file, readable by its owner only. */
function writeMcpConfig(file: string, grant: Grant): string {
  const path = resolve(file);
  let existing: { mcpServers?: Record<string, unknown> } = {};
  if (existsSync(path)) {
    try {
      existing = JSON.parse(readFileSync(path, 'utf8')) as typeof existing;
    } catch {
      throw new CommandFailure(EXIT.failed, `${path} exists and is not JSON; choose another file`);
    }
  }
  const merged = { ...existing, mcpServers: { ...existing.mcpServers, ...grant.mcpConfig.mcpServers } };
  writeFileSync(path, `${JSON.stringify(merged, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

/** Long-polls the request until `done` holds or the time runs out. */
async function waitUntil(client: ApiClient, id: string, done: (view: RequestView) => boolean, timeoutMs: number, progress: Progress): Promise<RequestView> {
  const deadline = Date.now() + timeoutMs;
  let view = await client.call<RequestView>('GET', `${BASE}/${id}`, { scopes: ANY_READ });
  while (!done(view)) {
    progress.update(`${id}: ${describeState(view.state)}${view.state === 'PENDING_APPROVAL' ? ', waiting for an approver' : ''}`);
    const left = Math.ceil((deadline - Date.now()) / 1000);
    if (left <= 0) {
      progress.stop();
      throw new CommandFailure(ACCESS_EXIT.timeout, `gave up waiting after ${Math.round(timeoutMs / 1000)}s: ${id} is ${describeState(view.state)}; check again with: gatehouse status ${id}`);
    }
    view = await client.call<RequestView>('GET', `${BASE}/${id}?wait=${Math.min(30, left)}&since=${view.state}`, { scopes: ANY_READ });
  }
  progress.stop();
  return view;
}

function registerRequest(program: Command): void {
  withConnection(program.command('request'))
    .description('ask for time-boxed access to a target; with --wait, print the MCP endpoint and grant token once active')
    .requiredOption('--target <name>', 'the target (see gatehouse.yaml)')
    .requiredOption('--duration <duration>', 'how long, e.g. 30m or 1h')
    .requiredOption('--reason <text>', 'why; the approvers read it')
    .option('--ticket <id>', 'a ticket reference')
    .option('--wait', 'wait until the grant is active (or refused), showing progress')
    .option('--timeout <duration>', 'with --wait: give up after this long (exit 6)', '30m')
    .option('--mcp-config <file>', 'with --wait: write an MCP client configuration file (mode 0600) instead of printing the token')
    .option('--idempotency-key <key>', 'repeat a request safely: the same key returns the same request (default: a fresh key, reused for retries)')
    .action(async (options: ConnectionOptions & { target: string; duration: string; reason: string; ticket?: string; wait?: boolean; timeout: string; mcpConfig?: string; idempotencyKey?: string }) => {
      if (options.mcpConfig && !options.wait) throw new CommandFailure(EXIT.usage, '--mcp-config needs --wait (the token exists only once the grant is active)');
      const timeoutMs = duration(options.timeout, '--timeout');
      const client = clientFor(options);
      const key = options.idempotencyKey ?? randomUUID();
      const body = { target: options.target, duration: options.duration, reason: options.reason, ...(options.ticket ? { ticket: options.ticket } : {}) };
      let accepted: { id: string; state: string } | undefined;
      for (let attempt = 1; !accepted; attempt++) {
        try {
          accepted = await client.call<{ id: string; state: string }>('POST', BASE, { scopes: ['access:request'], body, headers: { 'Idempotency-Key': key } });
        } catch (error) {
          // The key makes a retry safe when the first answer was lost.
          if (!(error instanceof CommandFailure && error.exitCode === ACCESS_EXIT.unavailable && attempt < 3)) throw error;
          await new Promise((r) => setTimeout(r, 500 * attempt));
        }
      }
      if (!options.wait) {
        if (options.json) printJson(accepted);
        else {
          out(`${accepted.id}: ${describeState(accepted.state)}`);
          out(`follow it with: gatehouse status ${accepted.id} --wait 30`);
        }
        return;
      }
      const progress = new Progress(process.stderr);
      const view = await waitUntil(client, accepted.id, (v) => v.state === 'ACTIVE' || FINAL.includes(v.state) || (v.state === 'PENDING_APPROVAL' && !!v.approversNotAsked), timeoutMs, progress);
      if (view.state === 'PENDING_APPROVAL' && view.approversNotAsked) {
        // Nobody can approve it: waiting on would only reach its expiry.
        throw new CommandFailure(EXIT.failed, `${view.id}: the approvers were not asked in Slack (${view.approversNotAsked.reason}), so nobody can approve it; withdraw it with: gatehouse revoke ${view.id} --reason "…", then ask again`);
      }
      const written = view.state === 'ACTIVE' && view.grant && options.mcpConfig ? writeMcpConfig(options.mcpConfig, view.grant) : undefined;
      if (options.json) printJson(written ? { ...view, grant: { ...view.grant, token: undefined, mcpConfig: undefined, mcpConfigFile: written } } : view);
      else if (view.state === 'ACTIVE') {
        out(`${view.id}: access to ${view.target} is active`);
        printGrant(view, written);
      }
      if (view.state !== 'ACTIVE') {
        const why = view.decision && !view.decision.approved ? `denied by ${view.decision.by}${view.decision.reason ? `: ${view.decision.reason}` : ''}` : view.failure ?? describeState(view.state);
        throw new CommandFailure(EXIT.failed, `${view.id} ended without access: ${why}`);
      }
    });
}

function registerStatus(program: Command): void {
  withConnection(program.command('status'))
    .description('state and timeline of a request (and, for its requester while active, the MCP endpoint and token)')
    .argument('<id>', 'the request id (req_...)')
    .option('--wait <seconds>', 'wait up to this many seconds (at most 60) for the state to change', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 60) throw new CommandFailure(EXIT.usage, `--wait takes whole seconds from 0 to 60, got "${v}"`);
      return n;
    })
    .action(async (id: string, options: ConnectionOptions & { wait?: number }) => {
      requestId(id);
      const client = clientFor(options);
      const progress = new Progress(process.stderr, Boolean(options.wait));
      progress.update(`${id}: waiting for a change`);
      const view = await client.call<RequestView>('GET', `${BASE}/${requestId(id)}${options.wait ? `?wait=${options.wait}` : ''}`, { scopes: ANY_READ })
        .finally(() => progress.stop());
      if (options.json) printJson(view);
      else printView(view);
    });
}

function registerList(program: Command): void {
  withConnection(program.command('list'))
    .description('list access requests (your own; all of them with access:approve or audit:read)')
    .option('--target <name>')
    .option('--requester <subject>')
    .addOption(new Option('--state <state>').choices(STATES))
    .option('--from <time>', 'started at or after (RFC 3339)')
    .option('--to <time>', 'started before (RFC 3339)')
    .option('--limit <n>', 'at most this many (default 100)')
    .action(async (options: ConnectionOptions & { target?: string; requester?: string; state?: string; from?: string; to?: string; limit?: string }) => {
      const query = new URLSearchParams();
      for (const name of ['target', 'requester', 'state', 'from', 'to', 'limit'] as const) {
        if (options[name] !== undefined) query.set(name, options[name]!);
      }
      const { items } = await clientFor(options).call<{ items: { id: string; state?: string; target?: string; requester?: string; startedAt: string }[] }>(
        'GET', `${BASE}${query.size ? `?${query}` : ''}`, { scopes: ANY_READ });
      if (options.json) {
        printJson({ items });
        return;
      }
      if (items.length === 0) {
        out('no access requests match');
        return;
      }
      const rows = [['ID', 'STATE', 'TARGET', 'REQUESTER', 'STARTED'], ...items.map((i) => [i.id, i.state ?? '', i.target ?? '', i.requester ?? '', i.startedAt])];
      const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
      for (const row of rows) out(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
    });
}

function registerMessage(program: Command, name: string, description: string, scopes: string[], needsReason: boolean): void {
  const command = withConnection(program.command(name)).description(description).argument('<id>', 'the request id (req_...)');
  if (needsReason) command.requiredOption('--reason <text>', 'why (recorded in the timeline and the audit archive)');
  command.action(async (id: string, options: ConnectionOptions & { reason?: string }) => {
    requestId(id);
    const answer = await clientFor(options).call<MessageView>('POST', `${BASE}/${requestId(id)}/${name}`, { scopes, body: needsReason ? { reason: options.reason } : {} });
    if (options.json) printJson(answer);
    else out(`${answer.id}: ${answer.detail} (${describeState(answer.state)})`);
  });
}

function registerExtend(program: Command): void {
  withConnection(program.command('extend'))
    .description('ask for more time on an active grant (requester: --duration and --reason); approvers decide with --approve or --deny')
    .argument('<id>', 'the request id (req_...)')
    .option('--duration <duration>', 'how much longer, e.g. 30m')
    .option('--reason <text>', 'why')
    .option('--approve', 'approve the pending extension (approvers)')
    .option('--deny', 'deny the pending extension (approvers)')
    .action(async (id: string, options: ConnectionOptions & { duration?: string; reason?: string; approve?: boolean; deny?: boolean }) => {
      requestId(id);
      const client = clientFor(options);
      let answer: MessageView;
      if (options.approve || options.deny) {
        if (options.approve && options.deny) throw new CommandFailure(EXIT.usage, 'choose --approve or --deny, not both');
        if (options.duration) throw new CommandFailure(EXIT.usage, '--duration is for the requester; an approver decides with --approve or --deny');
        answer = await client.call<MessageView>('POST', `${BASE}/${requestId(id)}/extension-decision`, {
          scopes: ['access:approve'], body: { approved: Boolean(options.approve), ...(options.reason ? { reason: options.reason } : {}) },
        });
      } else {
        if (!options.duration || !options.reason) throw new CommandFailure(EXIT.usage, 'asking for an extension needs --duration and --reason');
        answer = await client.call<MessageView>('POST', `${BASE}/${requestId(id)}/extend`, { scopes: ['access:request'], body: { duration: options.duration, reason: options.reason } });
      }
      if (options.json) printJson(answer);
      else out(`${answer.id}: ${answer.detail} (${describeState(answer.state)})`);
    });
}

/** request, status, list, approve, deny, revoke, extend. */
export function registerAccessCommands(program: Command): void {
  registerRequest(program);
  registerStatus(program);
  registerList(program);
  registerMessage(program, 'approve', 'approve a pending request (approvers of its target; never your own)', ['access:approve'], false);
  registerMessage(program, 'deny', 'deny a pending request', ['access:approve'], true);
  registerMessage(program, 'revoke', 'revoke a grant now, or withdraw a pending request (its requester or an approver)', ['access:request', 'access:approve'], true);
  registerExtend(program);
}
