// Preloaded (--import, through NODE_OPTIONS) into the dev stack's processes by bench/load/run.ts:
// the gateway, the worker and the API each append one line a second to
// <GATEHOUSE_LOAD_SAMPLES>/<role>-<pid>.jsonl with their RSS, heap, CPU used so far and the
// event-loop delay of that second (perf_hooks.monitorEventLoopDelay, 10 ms resolution), measured
// inside the process. Other node processes (the upstream MCP servers, tsx launchers) are left alone.
//
// With GATEHOUSE_LOAD_GC_EVERY=<seconds> the process also forces a full garbage collection that
// often and records the heap left after it (`heapAfterGcMb`): heapUsed between collections says
// how lazily V8 collects under CPU starvation, the heap after a full GC what is actually retained.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import process from 'node:process';
import { setInterval } from 'node:timers';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const dir = process.env.GATEHOUSE_LOAD_SAMPLES;
const at = process.argv.findIndex((a) => a.endsWith('gatehouse.js'));
const role = at >= 0 ? process.argv[at + 1] : undefined;

/** `gc()` without --expose-gc on the command line (NODE_OPTIONS reaches the upstreams' node too). */
function fullGc() {
  if (typeof globalThis.gc === 'function') return globalThis.gc;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc');
}

if (dir && (role === 'gateway' || role === 'worker' || role === 'api')) {
  const file = join(dir, `${role}-${process.pid}.jsonl`);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const ms = (ns) => Math.round(ns / 1e4) / 100;
  const mb = (bytes) => Math.round(bytes / 1e5) / 10;
  const gcEvery = Number(process.env.GATEHOUSE_LOAD_GC_EVERY ?? 0);
  const gc = gcEvery > 0 ? fullGc() : undefined;
  let tick = 0;
  const timer = setInterval(() => {
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    const line = {
      t: Date.now(), role, pid: process.pid,
      rssMb: mb(memory.rss), heapMb: mb(memory.heapUsed),
      cpuS: (cpu.user + cpu.system) / 1e6,
      loopP50Ms: ms(delay.percentile(50)), loopP99Ms: ms(delay.percentile(99)), loopMaxMs: ms(delay.max),
    };
    delay.reset();
    if (gc && ++tick % gcEvery === 0) {
      const started = process.hrtime.bigint();
      gc();
      line.gcMs = Number((process.hrtime.bigint() - started) / 1000n) / 1000;
      const after = process.memoryUsage();
      line.heapAfterGcMb = mb(after.heapUsed);
      line.rssAfterGcMb = mb(after.rss);
    }
    try {
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    } catch {
      /* the bench's folder is gone: nothing to report to */
    }
  }, 1_000);
  timer.unref();
}
