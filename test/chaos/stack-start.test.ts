// A bench stack whose part lost its port to another process between the probe and the bind is
// started again; any other failure to start is not retried.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRetryingTakenPorts } from '../../bench/chaos/stack-start';

describe('starting a bench stack', () => {
  const logFile = join(mkdtempSync(join(tmpdir(), 'gatehouse-stack-start-')), 'stack.log');

  test('a start that failed on a taken port is tried again', async () => {
    let attempts = 0;
    const said: string[] = [];
    const started = await startRetryingTakenPorts(async () => {
      attempts++;
      if (attempts === 1) {
        writeFileSync(logFile, '[api      ] gatehouse: listen EADDRINUSE: address already in use 127.0.0.1:38169\n');
        throw new Error('the dev stack exited with code 1 while starting');
      }
      writeFileSync(logFile, '[gatehouse] press Ctrl-C to stop\n');
      return 'stack';
    }, logFile, { log: (line) => said.push(line) });
    expect(started).toBe('stack');
    expect(attempts).toBe(2);
    expect(said[0]).toContain('EADDRINUSE');
  });

  test('any other failure, or a port taken every time, ends the run', async () => {
    let attempts = 0;
    await expect(startRetryingTakenPorts(async () => {
      attempts++;
      writeFileSync(logFile, '[worker   ] gatehouse: GATEHOUSE_CONFIG is invalid\n');
      throw new Error('the dev stack exited with code 3 while starting');
    }, logFile)).rejects.toThrow('code 3');
    expect(attempts).toBe(1);
    attempts = 0;
    await expect(startRetryingTakenPorts(async () => {
      attempts++;
      writeFileSync(logFile, 'listen EADDRINUSE\n');
      throw new Error('the dev stack exited with code 1 while starting');
    }, logFile, { tries: 3 })).rejects.toThrow('code 1');
    expect(attempts).toBe(3);
  });
});
