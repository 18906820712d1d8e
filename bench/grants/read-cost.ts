/**
 * npx tsx bench/grants/read-cost.ts [--reads 300] [--rounds 3] — what one read of a running request's
 * state costs the worker and the Temporal server: a status query (the worker runs the workflow's
 * query handler) against a describe (Temporal answers from its own copy of the GatehouseState search
 * attribute; no worker runs anything). The API's long-polls used to re-read by query every 5 s
 * without news; they now describe. One grant is made ACTIVE on a private dev stack, then queries and
 * describes alternate in rounds on it, 8 in flight, and the CPU seconds per read of the worker and of
 * the Temporal server are printed per round: the same run, the same load, the same workflow.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { ApiAgent, clientCredentialsToken, readClientEnv } from '../../devstack/demo/agent';
import { startStack } from '../../devstack/demo/stack';
import { clientEnvFile } from '../../devstack/oidc/dev-clients';
import { projectRoot } from '../../lib';
import { cpuSeconds, stackProcesses } from './processes';

const option = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};

async function main(): Promise<void> {
  const reads = option('--reads', 300);
  const rounds = option('--rounds', 3);
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-reads-'));
  process.env.GATEHOUSE_DEV_PORTS = 'any';
  process.env.GATEHOUSE_LOG_FORMAT ??= 'json';
  const stack = await startStack(dir, join(projectRoot, 'gatehouse.example.yaml'));
  try {
    const agent = new ApiAgent(stack.api, await clientCredentialsToken(readClientEnv(clientEnvFile(join(dir, 'oidc'), 'agent:claims-etl')), 'access:request'));
    const created = await agent.call<{ id: string }>('POST', '/v1/access-requests', { target: 'clinical-readonly', duration: '30m', reason: 'read cost bench' });
    if (created.status !== 202) throw new Error(`POST answered ${created.status}`);
    const id = created.body.id;
    for (let state = ''; state !== 'ACTIVE';) {
      const answer = await agent.call<{ state: string }>('GET', `/v1/access-requests/${id}?wait=20${state ? `&since=${state}` : ''}`);
      state = answer.body.state;
      if (['FAILED', 'REVOKED', 'ARCHIVED'].includes(state)) throw new Error(`the grant ended ${state}`);
    }
    const pids = stackProcesses(dir);
    const connection = await Connection.connect({ address: stack.temporal });
    const namespace = 'default';
    const execution = { workflowId: id };
    const kinds = {
      query: () => connection.workflowService.queryWorkflow({ namespace, execution, query: { queryType: 'status' } }),
      describe: () => connection.workflowService.describeWorkflowExecution({ namespace, execution }),
    };
    console.log(`# read cost — ${new Date().toISOString()}, ${reads} reads per kind and round, 8 in flight, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log('| round | read | worker CPU ms/read | Temporal CPU ms/read | rest of the stack CPU ms/read | wall ms/read | load (1 min) |');
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (let round = 1; round <= rounds; round++) {
      for (const [kind, read] of Object.entries(kinds)) {
        const before = { worker: cpuSeconds(pids.worker), temporal: cpuSeconds(pids.temporal), rest: cpuSeconds(pids.rest) };
        const started = Date.now();
        let next = 0;
        await Promise.all(Array.from({ length: 8 }, async () => {
          while (next < reads) {
            next += 1;
            await read();
          }
        }));
        const ms = (pid: number[], from: number) => ((cpuSeconds(pid) - from) * 1000 / reads).toFixed(2);
        console.log(`| ${round} | ${kind} | ${ms(pids.worker, before.worker)} | ${ms(pids.temporal, before.temporal)} | ${ms(pids.rest, before.rest)} | ${((Date.now() - started) / reads).toFixed(2)} | ${loadavg()[0]!.toFixed(2)} |`);
      }
    }
    await connection.close();
    await agent.call('POST', `/v1/access-requests/${id}/revoke`, { reason: 'bench over' });
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
