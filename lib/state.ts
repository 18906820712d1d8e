import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The project root (this file lives in lib/). */
export const projectRoot = resolve(__dirname, '..');

/** Per-checkout state: databases, logs, development keys, the default archive folder. Ignored by git. */
export function stateDir(...parts: string[]): string {
  const dir = join(process.env.GATEHOUSE_STATE_DIR ?? join(projectRoot, '.gatehouse'), ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}
