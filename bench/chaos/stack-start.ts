// The bench's stacks start on ports found free a moment before their parts bind them; on a machine
// where other stacks start at the same time, one of those ports can be taken in between and the
// part exits with EADDRINUSE (the load run of 30 Nov, 08:23: the API's port). Such a start is tried
// again, on new free ports; any other failure is not.
import { existsSync, readFileSync } from 'node:fs';

/** Runs `start` until it succeeds, at most `tries` times, again only after a port was taken (EADDRINUSE in `logFile`). */
export async function startRetryingTakenPorts<T>(start: () => Promise<T>, logFile: string, options: { tries?: number; log?: (line: string) => void } = {}): Promise<T> {
  const tries = options.tries ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      const said = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
      const taken = /EADDRINUSE/.exec(said) ? said.split('\n').find((l) => l.includes('EADDRINUSE')) : undefined;
      if (!taken || attempt >= tries) throw error;
      options.log?.(`the stack did not start (${taken.trim().slice(0, 160)}); starting it again on other ports`);
    }
  }
}
