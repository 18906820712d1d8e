import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKey, stateDir } from '../lib';

const KEY_NAMES = ['GATEHOUSE_ENCRYPTION_KEY', 'GATEHOUSE_GRANT_TOKEN_KEY'] as const;

/**
 * Development keys, made once per checkout and kept in .gatehouse/keys/dev.env (mode 0600), so a
 * restarted dev stack can still read what it stored. Keys already in the environment win.
 */
export function developmentKeys(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const file = join(stateDir('keys'), 'dev.env');
  const stored: Record<string, string> = {};
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const match = /^([A-Z_]+)=(.+)$/.exec(line.trim());
      if (match) stored[match[1]!] = match[2]!;
    }
  }
  let changed = false;
  for (const name of KEY_NAMES) {
    if (!stored[name]) {
      stored[name] = generateKey();
      changed = true;
    }
  }
  if (changed) writeFileSync(file, `${Object.entries(stored).map(([k, v]) => `${k}=${v}`).join('\n')}\n`, { mode: 0o600 });
  return Object.fromEntries(KEY_NAMES.map((name) => [name, env[name] ?? stored[name]!]));
}
