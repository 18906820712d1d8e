// `npm run demo`: the whole story against the embedded stack, narrated. Exit 0 only when every
// step behaved as described.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopOnSignals } from '../bootstrap/signals';
import { currentStep, DemoFailure, say, scrubbed } from './narrator';
import { startStack, type DemoStack } from './stack';
import { tellStory } from './story';

export const DEMO_CONFIG = join(__dirname, 'gatehouse.demo.yaml');
/** The story takes a minute or two (most of it waiting for the 45 s grant to expire, then the OAuth sign-in of step 13). */
const STORY_DEADLINE_MS = 300_000;
const START_TIMEOUT_MS = 180_000;

/** Fails with the step that was running when the time ran out, rather than hanging. */
async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new DemoFailure(`step ${currentStep()}: did not finish; the demo gave up after ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

export async function runDemo(_args: string[]): Promise<number> {
  const stateDir = mkdtempSync(join(tmpdir(), 'gatehouse-demo-'));
  let stack: DemoStack | undefined;
  let interrupted: NodeJS.Signals | undefined;
  // Ctrl-C reaches this process twice (from the terminal and forwarded by run.js): say it once.
  const release = stopOnSignals((signal) => {
    if (!interrupted) say(`${signal}: stopping the stack`);
    interrupted = signal;
    void stack?.stop();
  });
  let failed = false;
  try {
    say('Starting the embedded stack (Temporal, Redis, local Snowflake, local Slack, OpenID provider, worker, Slack app, REST API, MCP gateway)');
    say(`with the demo policy ${DEMO_CONFIG} and a fresh state folder ${stateDir}.`);
    try {
      stack = await startStack(stateDir, DEMO_CONFIG, START_TIMEOUT_MS, () => interrupted !== undefined);
    } catch (error) {
      // Another stack may have taken a port between the check and the listen: one more try.
      if (interrupted) throw error;
      say(`The stack did not start (${(error as Error).message.split('\n')[0]}); trying once more.`);
      rmSync(stateDir, { recursive: true, force: true });
      mkdirSync(stateDir, { recursive: true });
      stack = await startStack(stateDir, DEMO_CONFIG, START_TIMEOUT_MS, () => interrupted !== undefined);
    }
    say(`The stack is up: REST API ${stack.api}, MCP gateway ${stack.mcp}, local Slack ${stack.localSlack}/channels/phi-access-approvals.`);
    if (interrupted) throw new DemoFailure(`interrupted by ${interrupted}`);
    await withDeadline(tellStory(stack, stateDir), STORY_DEADLINE_MS);
    say('Every step behaved as described.');
  } catch (error) {
    failed = true;
    if (interrupted) {
      process.stderr.write(`[demo] interrupted by ${interrupted} during step ${currentStep()}\n`);
    } else {
      const message = error instanceof DemoFailure ? error.message : `step ${currentStep()}: ${(error as Error)?.stack ?? String(error)}`;
      process.stderr.write(`${scrubbed(`[demo] FAILED ${message}`)}\n`);
      if (stack) {
        const tail = readFileSync(stack.logFile, 'utf8').split('\n').slice(-60).join('\n');
        process.stderr.write(`[demo] the stack's last lines (full log: ${stack.logFile}):\n${scrubbed(tail)}\n`);
      }
    }
  } finally {
    if (stack) {
      say('Stopping the stack.');
      const code = await stack.stop();
      if (code !== 0 && !interrupted) {
        failed = true;
        process.stderr.write(`[demo] FAILED the stack exited with code ${code} when stopped\n`);
      }
    }
    release();
  }
  if (interrupted) {
    rmSync(stateDir, { recursive: true, force: true });
    return 130;
  }
  if (failed) {
    say(`The state folder is kept for a look: ${stateDir}`);
    return 1;
  }
  rmSync(stateDir, { recursive: true, force: true });
  say('Demo complete.');
  return 0;
}
