// npm run load -- [--grants 50] [--clients 200] [--legacy 20] [--people 2] [--duration 300] [--think 1000] [--open-at-once 8] [--requests 1000] [--in-flight 50] [--reconcile 20] [--gc-every 30]
// The load half of issue 19: MCP clients over grants through the gateway, then access requests
// through the REST API, with the gateway's, worker's and API's RSS and event-loop delay measured
// inside them; then everything revoked and checked for loss. Exit 1 on any violation.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { runLoad } from './load';
import { loadReport, loadViolations } from './report';

const whole = (min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`must be a whole number ≥ ${min}`);
  return n;
};

const program = new Command('load')
  .description('sustained MCP sessions and REST access requests across the whole dev stack, measured, then checked for loss')
  .option('--grants <n>', 'auto-approved grants the MCP clients share', whole(1), 50)
  .option('--clients <n>', 'MCP clients open at once', whole(1), 200)
  .option('--legacy <n>', 'how many of them speak 2025 (each holds a gateway session with its own stdio upstream, ~150 MB)', whole(0), 20)
  .option('--people <n>', 'people beside the agents: each asks in the local Slack, is approved there, signs in at the gateway with that grant and calls as the clients do (a 2025 session each)', whole(0), 2)
  .option('--duration <seconds>', 'how long the MCP clients call', whole(10), 300)
  .option('--think <ms>', 'pause between one client\'s calls', whole(0), 1000)
  .option('--open-at-once <n>', 'clients being opened at once (each may start an upstream process)', whole(1), 8)
  .option('--requests <n>', 'access requests through the REST API (auto-approved, each revoked once ACTIVE)', whole(0), 1000)
  .option('--in-flight <n>', 'access requests being asked at once', whole(1), 50)
  .option('--reconcile <seconds>', 'credential reconciliation interval', whole(5), 20)
  .option('--gc-every <seconds>', 'force a full GC in the gateway, worker and API this often and report the heap left after it (0: never)', whole(0), 30)
  .parse();
const o = program.opts<{ grants: number; clients: number; legacy: number; people: number; duration: number; think: number; openAtOnce: number; requests: number; inFlight: number; reconcile: number; gcEvery: number }>();
if (o.legacy > o.clients) program.error('--legacy cannot be more than --clients');

runLoad({ grants: o.grants, clients: o.clients, legacy: o.legacy, people: o.people, sessionSeconds: o.duration, thinkMs: o.think, openAtOnce: o.openAtOnce, requests: o.requests, inFlight: o.inFlight, reconcileSeconds: o.reconcile, gcEverySeconds: o.gcEvery })
  .then((result) => {
    const report = loadReport(result);
    process.stdout.write(`\n${report}`);
    writeFileSync(join(result.stateDir, 'load-report.md'), report);
    writeFileSync(join(result.stateDir, 'load-samples.json'), JSON.stringify({ samples: result.samples, system: result.system, phases: result.phases }));
    process.stdout.write(`report: ${join(result.stateDir, 'load-report.md')}\n`);
    process.exit(loadViolations(result) ? 1 : 0);
  }, (error: unknown) => {
    process.stderr.write(`load run failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(2);
  });
