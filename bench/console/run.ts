/**
 * npx tsx bench/console/run.ts [-- --requests 10000 --quick] — how fast the audit console's find
 * page reads 10,000 requests from Temporal visibility (a private dev server, fresh SQLite file).
 * The requests are access-request workflows started with their search attributes (requester,
 * target, state, findings) on a queue no worker polls: visibility is what is measured, not the
 * workflow. A third of them (every third, newest first) are then closed, so the list mixes open
 * and closed requests and their close order differs from their start order (the list is newest
 * first by start time: a scan of each, merged). Timed: the first page with its count and HTML, a
 * filtered page, and paging through 20 pages with the list's page links; then again after a bulk
 * termination (all but the newest 10 closed, the oldest last). Baseline, in the same run on the same data: reading
 * every matching request at once (what a console that loads everything would do). Prints the
 * ratios; no assertion on time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { findPage, parseFindQuery } from '../../api/console';
import { RequestIndex, type RequestFilters } from '../../audit';
import { startTemporalServer } from '../../devstack';
import { inParallel, newRequestId } from '../../lib';
import { findingsKey, requesterKey, stateKey, targetKey } from '../../workflows';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const REQUESTS = arg('requests', 10_000);
const REPEAT = process.argv.includes('--quick') ? 3 : 10;
const PAGE_SIZE = 50;
const REQUESTERS = ['carol@example.org', 'dana@example.org', 'agent:claims-etl', 'agent:ci-nightly', 'erin@example.org'];
const TARGETS = ['clinical-readonly', 'claims', 'billing'];
const STATES = ['ARCHIVED', 'ARCHIVED', 'ARCHIVED', 'DENIED', 'EXPIRED_UNAPPROVED'];

async function time<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await run();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

async function median(times: number, run: () => Promise<unknown>): Promise<number> {
  await run(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < times; i++) ms.push((await time(run)).ms);
  return ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)]!;
}

const ids: string[] = [];

/** Closes every third request, newest first: close order is then the reverse of start order. */
async function closeAThird(client: Client): Promise<number> {
  const chosen = ids.filter((_, i) => i % 3 === 0).reverse();
  await inParallel(chosen, 16, (id) => client.workflow.getHandle(id).terminate('bench: closed'));
  return chosen.length;
}

/**
 * Closes every request still open but the newest `keep`, newest first, as a bulk termination
 * would: fewer than a page stays open and close order says nothing about start order.
 */
async function closeTheRest(client: Client, keep: number): Promise<number> {
  const chosen = ids.filter((_, i) => i % 3 !== 0).slice(0, -keep).reverse();
  // A loaded dev server may refuse a terminate now and then: each is tried again a few times.
  const terminate = async (id: string) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await client.workflow.getHandle(id).terminate('bench: bulk termination');
      } catch (error) {
        if (attempt >= 5) throw error;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  };
  await inParallel(chosen, 16, terminate);
  return chosen.length;
}

async function seed(client: Client): Promise<void> {
  const started = Date.now();
  await inParallel(Array.from({ length: REQUESTS }, (_, i) => i), 16, async (i) => {
    const findings = [i % 7 === 0 ? 'held' : '', i % 11 === 0 ? 'denied' : '', i % 3 === 0 ? 'masked' : ''].filter(Boolean);
    const workflowId = newRequestId();
    ids[i] = workflowId;
    await client.workflow.start('accessRequest', {
      taskQueue: 'bench-console-nobody-polls', workflowId, args: [],
      typedSearchAttributes: [
        { key: requesterKey, value: REQUESTERS[i % REQUESTERS.length]! },
        { key: targetKey, value: TARGETS[i % TARGETS.length]! },
        { key: stateKey, value: STATES[i % STATES.length]! },
        ...(findings.length ? [{ key: findingsKey, value: findings }] : []),
      ],
    });
    if ((i + 1) % 2000 === 0) process.stdout.write(`  seeded ${i + 1} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-console-'));
  const temporal = await startTemporalServer({ dbFile: join(dir, 'temporal.db'), fresh: true });
  const connection = await Connection.connect({ address: temporal.address });
  try {
    const client = new Client({ connection, namespace: temporal.namespace });
    process.stdout.write(`seeding ${REQUESTS} access requests into visibility\n`);
    await seed(client);
    const closed = await closeAThird(client);
    process.stdout.write(`  closed ${closed} of them, newest first\n`);
    const index = new RequestIndex(client);
    const all: RequestFilters = {};
    const count = async (query: string) => Number((await client.workflowService.countWorkflowExecutions({ namespace: temporal.namespace, query })).count ?? 0);
    await (async () => {
      for (let i = 0; i < 120; i++) {
        if ((await index.count(all)) >= REQUESTS && (await count("WorkflowType = 'accessRequest' AND ExecutionStatus != 'Running'")) >= closed) return;
        await new Promise((r) => setTimeout(r, 500));
      }
      throw new Error('visibility did not list every seeded and closed request within a minute');
    })();

    const firstPage = async (query: Record<string, string>) => {
      const { form, filters } = parseFindQuery(query);
      const [page, total] = await Promise.all([index.find(filters, { pageSize: PAGE_SIZE }), index.count(filters)]);
      return findPage({ form, targets: TARGETS, page, total, pageSize: PAGE_SIZE }).value.length;
    };
    const walk = async (pages: number) => {
      let token: string | undefined;
      let rows = 0;
      for (let i = 0; i < pages; i++) {
        const page = await index.find(all, { pageSize: PAGE_SIZE, ...(token ? { page: token } : {}) });
        rows += page.rows.length;
        token = page.next;
        if (!token) break;
      }
      return rows;
    };
    const loadAll = async () => {
      let rows = 0;
      for await (const wf of client.workflow.list({ query: "WorkflowType = 'accessRequest'" })) rows += wf.workflowId ? 1 : 0;
      return rows;
    };

    const baseline = await median(Math.max(2, Math.floor(REPEAT / 3)), loadAll);
    const results = {
      'first page, no filter (50 rows + count + HTML)': await median(REPEAT, () => firstPage({})),
      'first page, requester + had held commands': await median(REPEAT, () => firstPage({ requester: 'carol@example.org', held: '1' })),
      'first page, target + state + had masking': await median(REPEAT, () => firstPage({ target: 'claims', state: 'ARCHIVED', masked: '1' })),
      '20 pages through page tokens (1,000 rows)': await median(REPEAT, () => walk(20)),
    };
    process.stdout.write(`\n${REQUESTS} requests in visibility; medians of ${REPEAT} runs (the machine is shared: compare ratios, not milliseconds)\n`);
    process.stdout.write(`  baseline: every request at once (${REQUESTS} rows)   ${baseline.toFixed(1)} ms\n`);
    for (const [name, ms] of Object.entries(results)) {
      process.stdout.write(`  ${name.padEnd(52)} ${ms.toFixed(1).padStart(8)} ms   ${(ms / baseline).toFixed(3)} of the baseline\n`);
    }

    // A bulk termination: all but 10 closed, the oldest last.
    const bulk = await closeTheRest(client, 10);
    process.stdout.write(`\nbulk termination: ${bulk} more closed, newest first; 10 stay open\n`);
    for (let i = 0; i < 240 && (await count("WorkflowType = 'accessRequest' AND ExecutionStatus = 'Running'")) > 10; i++) await new Promise((r) => setTimeout(r, 500));
    const afterBulk = {
      'first page, no filter (50 rows + count + HTML)': await median(REPEAT, () => firstPage({})),
      '20 pages through page tokens (1,000 rows)': await median(REPEAT, () => walk(20)),
    };
    for (const [name, ms] of Object.entries(afterBulk)) {
      process.stdout.write(`  ${name.padEnd(52)} ${ms.toFixed(1).padStart(8)} ms   ${(ms / baseline).toFixed(3)} of the baseline\n`);
    }
  } finally {
    await connection.close();
    await temporal.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
