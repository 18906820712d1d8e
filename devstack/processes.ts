import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * `preferred` when nothing listens on it (a stable address for people), else a free port.
 * GATEHOUSE_DEV_PORTS=any skips the preferred ones: stacks started at the same moment (tests,
 * two suites at once) would both find 8080 free and then both bind it.
 */
export function preferredPort(preferred: number): Promise<number> {
  if (process.env.GATEHOUSE_DEV_PORTS === 'any') return freePort();
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(freePort()));
    server.listen(preferred, '127.0.0.1', () => server.close(() => resolve(preferred)));
  });
}

export interface ManagedProcess {
  readonly name: string;
  /** The running child; a new one after each restart (see superviseChildProcesses). */
  readonly child: ChildProcess;
  /** How many times it was started again after it ended on its own. */
  readonly restarts: number;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
  /** The last lines it printed, for error messages. */
  tail(): string;
}

/** Live children, and whether each has a process group of its own. */
const running = new Map<ManagedProcess, boolean>();
let supervising = false;
let restartDelayMs: number | undefined;

/**
 * From now on every process started here gets its own process group, so a terminal's Ctrl-C
 * reaches only this process (the supervisor), which stops its children itself in dependency
 * order: without it Redis and Temporal got the same SIGINT as the gateway and stopped while the
 * gateway was still recording the end of its sessions. The supervisor must handle SIGINT/SIGTERM.
 * With `restartAfterMs`, a process that ends without being asked to (a crash, a kill) is started
 * again with the same command after that pause, as systemd or Kubernetes would: the chaos run
 * (bench/chaos) kills parts of the stack and counts on them coming back.
 */
export function superviseChildProcesses(options: { restartAfterMs?: number } = {}): void {
  supervising = true;
  restartDelayMs = options.restartAfterMs;
}

/** Signals a child, or its whole process group when it has one of its own (what it started goes too). */
function signal(child: ChildProcess, ownGroup: boolean, sig: NodeJS.Signals): void {
  try {
    if (ownGroup && child.pid) process.kill(-child.pid, sig);
    else child.kill(sig);
  } catch {
    // already gone
  }
}

/** Starts a child process that is stopped when this process exits, whatever the reason. */
export function startProcess(name: string, command: string, args: string[], options: SpawnOptions & { onLine?: (line: string) => void } = {}): ManagedProcess {
  const ownGroup = options.detached ?? supervising;
  const restartAfterMs = restartDelayMs;
  const lines: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      lines.push(line);
      if (lines.length > 40) lines.shift();
      options.onLine?.(line);
    }
  };
  let stopping = false;
  let restarts = 0;
  let child!: ChildProcess;
  let exited!: Promise<void>;
  const launch = () => {
    child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env, ...options, detached: ownGroup });
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (restartAfterMs === undefined) return;
    child.once('exit', (code, sig) => {
      if (stopping) return;
      options.onLine?.(`[supervisor] ${name} ended (${sig ?? `code ${code}`}); starting it again in ${restartAfterMs} ms`);
      setTimeout(() => {
        if (stopping) return;
        restarts++;
        launch();
      }, restartAfterMs).unref();
    });
  };
  launch();
  const managed: ManagedProcess = {
    name,
    get child() {
      return child;
    },
    get restarts() {
      return restarts;
    },
    tail: () => lines.join('\n'),
    async stop(sig = 'SIGTERM', graceMs = 5_000) {
      stopping = true;
      running.delete(managed);
      if (child.exitCode !== null || child.signalCode !== null) return;
      // The process itself is asked to stop (it ends what it started); only a hard kill takes its group.
      child.kill(sig);
      const timer = setTimeout(() => signal(child, ownGroup, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  running.set(managed, ownGroup);
  return managed;
}

// A process group of its own is not ended by a terminal: it ends when this process does, whatever the reason.
process.once('exit', () => {
  for (const [p, ownGroup] of running) signal(p.child, ownGroup, 'SIGKILL');
});

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, proc?: ManagedProcess): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (proc && proc.child.exitCode !== null) {
      throw new Error(`${proc.name} exited with code ${proc.child.exitCode} while ${what}:\n${proc.tail()}`);
    }
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms ${what}${lastError ? `: ${(lastError as Error).message}` : ''}${proc ? `\n${proc.tail()}` : ''}`);
}
