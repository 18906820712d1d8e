import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The project root (this file lives in devstack/). */
export const projectRoot = resolve(__dirname, '..');

/** Per-checkout state: databases, logs, development keys. Ignored by git. */
export function stateDir(...parts: string[]): string {
  const dir = join(process.env.GATEHOUSE_STATE_DIR ?? join(projectRoot, '.gatehouse'), ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Per-machine cache shared by every checkout (the Temporal CLI build). */
export function toolsDir(): string {
  const base = process.env.GATEHOUSE_TOOLS_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'gatehouse', 'tools');
  mkdirSync(base, { recursive: true });
  return base;
}
