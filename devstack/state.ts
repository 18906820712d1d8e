import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Per-machine cache shared by every checkout (the Temporal CLI build). */
export function toolsDir(): string {
  const base = process.env.GATEHOUSE_TOOLS_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'gatehouse', 'tools');
  mkdirSync(base, { recursive: true });
  return base;
}
