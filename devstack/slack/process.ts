import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess, waitFor, type ManagedProcess } from '../processes';
import { projectRoot } from '../../lib';

export interface LocalSlackProcess {
  url: string;
  apiUrl: string;
  /** Read from a private file the child wrote; never printed. */
  botToken: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/**
 * Runs the local Slack as its own process (devstack/slack/main.ts under tsx), for the dev
 * stack. In-process use (tests) should prefer startLocalSlack.
 */
export async function startLocalSlackProcess(options: { port?: number; seedFile?: string; timeoutMs?: number } = {}): Promise<LocalSlackProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-slack-'));
  const tokenFile = join(dir, 'bot-token');
  let ready: { url: string; apiUrl: string } | undefined;
  const args = [require.resolve('tsx/cli'), join(projectRoot, 'devstack/slack/main.ts'), '--port', String(options.port ?? 0), '--token-file', tokenFile];
  if (options.seedFile) args.push('--seed', options.seedFile);
  const proc = startProcess('local-slack', process.execPath, args, {
    cwd: projectRoot,
    onLine: (line) => {
      if (line.startsWith('{"url"')) ready = JSON.parse(line) as { url: string; apiUrl: string };
    },
  });
  try {
    const { url, apiUrl } = await waitFor('starting the local Slack', async () => ready, options.timeoutMs ?? 20_000, proc);
    const botToken = readFileSync(tokenFile, 'utf8').trim();
    rmSync(dir, { recursive: true, force: true });
    return { url, apiUrl, botToken, process: proc, stop: () => proc.stop() };
  } catch (error) {
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
