// The MCP half of the load: many clients over a few grants, each sending marked reads through the
// gateway with the official clients (the v1 SDK's 2025 session, or the v2 SDK pinned to 2026-07-28),
// until a deadline. Every read's marker is kept with its request id, so the archives can be checked.
import { randomBytes } from 'node:crypto';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

export type Era = '2025' | '2026-07-28';

export interface SessionGrant { requestId: string; mcpUrl: string; token: string }

export interface SessionStats {
  /** Clients open by era, and people's clients (signed in at the gateway, a 2025 session each). */
  opened: { '2025': number; '2026-07-28': number; person: number };
  openFailed: number;
  calls: { sent: number; answered: number; failed: number };
  /** The people's share of `calls`. */
  personCalls: { sent: number; answered: number; failed: number };
  /** Call latencies (ms) of answered calls. */
  latencies: number[];
  /** Marker -> request id of every read sent; `answered` holds those whose result came back. */
  markers: Map<string, string>;
  answered: Set<string>;
  errors: Map<string, number>;
}

export function emptySessionStats(): SessionStats {
  return { opened: { '2025': 0, '2026-07-28': 0, person: 0 }, openFailed: 0, calls: { sent: 0, answered: 0, failed: 0 }, personCalls: { sent: 0, answered: 0, failed: 0 }, latencies: [], markers: new Map(), answered: new Set(), errors: new Map() };
}

function countError(stats: SessionStats, what: string, error: unknown): void {
  const message = `${what}: ${((error as Error)?.message ?? String(error)).replace(/req_[a-z0-9]+/g, 'req_…').replace(/\d+/g, 'N').slice(0, 160)}`;
  stats.errors.set(message, (stats.errors.get(message) ?? 0) + 1);
}

export interface Caller { call(statement: string): Promise<{ isError?: boolean }>; close(): Promise<void> }

async function open(grant: SessionGrant, era: Era, name: string): Promise<Caller> {
  const headers = { Authorization: `Bearer ${grant.token}` };
  if (era === '2025') {
    const transport = new StreamableHTTPClientTransport(new URL(grant.mcpUrl), { requestInit: { headers } });
    // The v2 client pinned to the 2025 era: initialize, a session.
    const client = new Client({ name, version: '1.0.0' }, { versionNegotiation: { mode: 'legacy' } });
    await client.connect(transport, { timeout: OPEN_TIMEOUT_MS }).catch(async (error: unknown) => {
      await client.close().catch(() => undefined);
      throw error;
    });
    return {
      call: async (statement) => (await client.callTool({ name: 'run_snowflake_query', arguments: { statement } }, { timeout: 60_000 })) as { isError?: boolean },
      close: async () => {
        await transport.terminateSession().catch(() => undefined);
        await client.close().catch(() => undefined);
      },
    };
  }
  const transport = new StreamableHTTPClientTransport(new URL(grant.mcpUrl), { requestInit: { headers } });
  const client = new Client({ name, version: '2.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(transport, { timeout: OPEN_TIMEOUT_MS }).catch(async (error: unknown) => {
    await client.close().catch(() => undefined);
    throw error;
  });
  return {
    call: async (statement) => (await client.callTool({ name: 'run_snowflake_query', arguments: { statement } }, { timeout: 60_000 })) as { isError?: boolean },
    close: () => client.close().catch(() => undefined),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Opening may start an upstream process (a 2025 session's own, or a grant's first): slow on a busy machine. */
export const OPEN_TIMEOUT_MS = 300_000;

/** `work(0…n-1)`, at most `atOnce` at a time, results in order. */
async function inBatches<T>(n: number, atOnce: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array<T>(n);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(atOnce, n) }, async () => {
    while (next < n) {
      const i = next++;
      out[i] = await work(i);
    }
  }));
  return out;
}

/**
 * `clients` clients spread over `grants` (client i uses grant i mod grants; the first `legacy`
 * speak 2025 and hold a gateway session each, the rest 2026-07-28). All are opened first; then,
 * for `durationMs`, each sends a marked read and waits `thinkMs`, again and again. Returns when
 * the calling began and ended (what the figures are measured over) and how long opening took.
 */
export async function driveSessions(options: {
  grants: SessionGrant[]; clients: number; legacy: number; thinkMs: number; durationMs: number; openAtOnce: number; stats: SessionStats;
  /**
   * People's clients (bench/load/people.ts), signing in while the agents' clients open: awaited once
   * those are open, then they call beside the agents' and are closed with them.
   */
  people?: Promise<{ requestId: string; caller: Caller }[]>;
}): Promise<{ openMs: number; from: number; to: number }> {
  const { stats } = options;
  const opening = Date.now();
  const agents = await inBatches(options.clients, options.openAtOnce, async (i) => {
    const grant = options.grants[i % options.grants.length]!;
    const era: Era = i < options.legacy ? '2025' : '2026-07-28';
    try {
      const caller = await open(grant, era, `load-${i}`);
      stats.opened[era]++;
      return { caller, requestId: grant.requestId, era: era as Era | 'person' };
    } catch (error) {
      stats.openFailed++;
      countError(stats, `open ${era}`, error);
      return undefined;
    }
  });
  const people = ((await options.people) ?? []).map((p) => ({ ...p, era: 'person' as const }));
  stats.opened.person += people.length;
  const callers = [...agents, ...people];
  const from = Date.now();
  const until = from + options.durationMs;
  await Promise.all(callers.map(async (c, i) => {
    if (!c) return;
    await sleep((i * 37) % Math.max(1, options.thinkMs));
    try {
      while (Date.now() < until) {
        const marker = `LOAD_${randomBytes(6).toString('hex').toUpperCase()}`;
        stats.markers.set(marker, c.requestId);
        const counts = c.era === 'person' ? [stats.calls, stats.personCalls] : [stats.calls];
        counts.forEach((n) => n.sent++);
        const started = Date.now();
        try {
          const result = await c.caller.call(`SELECT COUNT(*) AS ${marker} FROM CLINICAL.PHI.ENCOUNTERS`);
          if (result.isError) throw new Error('the tool answered with an error');
          counts.forEach((n) => n.answered++);
          stats.answered.add(marker);
          stats.latencies.push(Date.now() - started);
        } catch (error) {
          counts.forEach((n) => n.failed++);
          countError(stats, `call ${c.era}`, error);
        }
        await sleep(options.thinkMs);
      }
    } finally {
      await c.caller.close();
    }
  }));
  return { openMs: from - opening, from, to: Date.now() };
}
