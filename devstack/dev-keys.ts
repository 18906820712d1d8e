import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKey, generatePayloadKey, stateDir } from '../lib';

const KEY_NAMES = ['GATEHOUSE_ENCRYPTION_KEY', 'GATEHOUSE_GRANT_TOKEN_KEY', 'GATEHOUSE_PAYLOAD_KEYS'] as const;
/** How each key is made; the payload codec's keys carry a key id (keyId:base64key). */
const MAKE: Record<(typeof KEY_NAMES)[number], () => string> = {
  GATEHOUSE_ENCRYPTION_KEY: generateKey,
  GATEHOUSE_GRANT_TOKEN_KEY: generateKey,
  GATEHOUSE_PAYLOAD_KEYS: () => generatePayloadKey('dev1'),
};

/**
 * Development keys, made once per checkout and kept in .gatehouse/keys/dev.env (mode 0600), so a
 * restarted dev stack can still read what it stored. Keys already in the environment win.
 */
export function developmentKeys(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const file = join(stateDir('keys'), 'dev.env');
  const stored = readStored(file);
  let changed = false;
  for (const name of KEY_NAMES) {
    if (!stored[name]) {
      stored[name] = MAKE[name]();
      changed = true;
    }
  }
  if (changed) writeFileSync(file, `${Object.entries(stored).map(([k, v]) => `${k}=${v}`).join('\n')}\n`, { mode: 0o600 });
  return Object.fromEntries(KEY_NAMES.map((name) => [name, env[name] ?? stored[name]!]));
}

function readStored(file: string): Record<string, string> {
  const stored: Record<string, string> = {};
  if (!existsSync(file)) return stored;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z_]+)=(.+)$/.exec(line.trim());
    if (match) stored[match[1]!] = match[2]!;
  }
  return stored;
}

/** A key a dev stack with state folder `stateFolder` stored, for commands run beside it (the demo's `gatehouse audit`). */
export function storedDevelopmentKey(stateFolder: string, name: (typeof KEY_NAMES)[number]): string | undefined {
  return readStored(join(stateFolder, 'keys', 'dev.env'))[name];
}
