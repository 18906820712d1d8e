import { GRANT_TOKEN_PREFIX } from '../lib';

const SECRET_PATTERNS: { name: string; pattern: RegExp }[] = [
  { name: 'PEM private key', pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/ },
  { name: 'grant token', pattern: new RegExp(`(?:^|[^A-Za-z0-9])${GRANT_TOKEN_PREFIX}[A-Za-z0-9_-]{8,}`) },
];

/**
 * What each secret above contains character for character in JSON text (JSON escapes none of
 * these characters, in values or in keys): a JSON text without any of them carries no secret.
 */
const SECRET_HINTS: { literal: string; pattern: RegExp }[] = [
  { literal: '-----BEGIN ', pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/ },
  { literal: GRANT_TOKEN_PREFIX, pattern: new RegExp(`${GRANT_TOKEN_PREFIX}[A-Za-z0-9_-]{8,}`) },
];

/**
 * False when `json` (JSON.stringify or canonical JSON of a value) cannot hold a secret; true means: walk it with assertNoSecrets.
 * Each hint's pattern begins with its literal, so a text without the literal cannot match it: the
 * plain substring search (far cheaper over a 10 KB result than the regex) decides most texts.
 */
export function mayHoldSecrets(json: string): boolean {
  return SECRET_HINTS.some((hint) => json.includes(hint.literal) && hint.pattern.test(json));
}

/**
 * `text` with whatever looks like a secret replaced by its kind: for messages that may quote what
 * they refuse (a schema naming an unrecognized key, a mismatch naming a value) and then reach logs
 * and the client.
 */
export function withoutSecrets(text: string): string {
  if (!mayHoldSecrets(text)) return text;
  return text
    .replace(new RegExp(`${GRANT_TOKEN_PREFIX}[A-Za-z0-9_-]{8,}`, 'g'), '[a grant token, left out]')
    // The key's body follows its header: everything to its end marker, or to the end of the text.
    .replace(/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g, '[a PEM private key, left out]');
}

/** Refuses a record that carries a value looking like a secret; fails closed. */
export class ArchiveSecretError extends Error {
  readonly code = 'ARCHIVE_SECRET_DETECTED';
  constructor(readonly kind: string, readonly path: string, readonly seq: number) {
    super(`refusing to archive record ${seq}: the value at ${path} looks like a ${kind}; secrets never enter an archive — remove or mask it at the source`);
    this.name = 'ArchiveSecretError';
  }
}

/** Throws ArchiveSecretError naming the record and the JSON path (never the value). */
export function assertNoSecrets(value: unknown, seq: number, path = '$'): void {
  if (typeof value === 'string') {
    for (const { name, pattern } of SECRET_PATTERNS) if (pattern.test(value)) throw new ArchiveSecretError(name, path, seq);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => assertNoSecrets(v, seq, `${path}[${i}]`));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      assertNoSecrets(k, seq, `${path} (key)`);
      assertNoSecrets(v, seq, `${path}.${k}`);
    }
  }
}
