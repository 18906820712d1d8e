// Preloaded (--import, through NODE_OPTIONS) into the dev stack's processes by bench/load/run.ts:
// the gateway, the worker and the API each append one line a second to
// <GATEHOUSE_LOAD_SAMPLES>/<role>-<pid>.jsonl with their RSS, heap, CPU used so far and the
// event-loop delay of that second (perf_hooks.monitorEventLoopDelay, 10 ms resolution), measured
// inside the process. Other node processes (the upstream MCP servers, tsx launchers) are left alone.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import process from 'node:process';
import { setInterval } from 'node:timers';

const dir = process.env.GATEHOUSE_LOAD_SAMPLES;
const at = process.argv.findIndex((a) => a.endsWith('gatehouse.js'));
const role = at >= 0 ? process.argv[at + 1] : undefined;

if (dir && (role === 'gateway' || role === 'worker' || role === 'api')) {
  const file = join(dir, `${role}-${process.pid}.jsonl`);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const ms = (ns) => Math.round(ns / 1e4) / 100;
  const timer = setInterval(() => {
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    const line = {
      t: Date.now(), role, pid: process.pid,
      rssMb: Math.round(memory.rss / 1e5) / 10, heapMb: Math.round(memory.heapUsed / 1e5) / 10,
      cpuS: (cpu.user + cpu.system) / 1e6,
      loopP50Ms: ms(delay.percentile(50)), loopP99Ms: ms(delay.percentile(99)), loopMaxMs: ms(delay.max),
    };
    delay.reset();
    try {
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    } catch {
      /* the bench's folder is gone: nothing to report to */
    }
  }, 1_000);
  timer.unref();
}
