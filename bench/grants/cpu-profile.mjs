// Preloaded (--import) into the stack's worker by bench/grants/run.ts when BENCH_PROFILE_DIR is set
// (--cpu-prof is not allowed in NODE_OPTIONS): profiles the process from its start and writes
// <dir>/worker-<pid>.cpuprofile when it receives SIGUSR2 (open it in Chrome DevTools or speedscope).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import process from 'node:process';

const dir = process.env.BENCH_PROFILE_DIR;
if (dir && process.argv.includes('worker')) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 1000 }, () => session.post('Profiler.start')));
  process.on('SIGUSR2', () => {
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, `worker-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
