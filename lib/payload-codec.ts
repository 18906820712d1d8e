import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

/**
 * Client-side encryption of every Temporal payload (workflow inputs and results, signals,
 * updates, queries, activity arguments and results, memos): Temporal stores and shows only
 * ciphertext. Search attributes never pass a codec; they stay plaintext by Temporal's design.
 *
 * Format (the one Temporal's encryption samples use, so their codec servers and tools agree):
 * metadata `encoding: binary/encrypted`, `encryption-cipher: AES-256-GCM`,
 * `encryption-key-id: <id>`; data = 12-byte IV || ciphertext || 16-byte tag, where the plaintext
 * is the original Payload serialized as protobuf. The key id and cipher are bound in as
 * additional authenticated data, so relabelling a payload with another key id fails.
 */

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const PAYLOAD_CIPHER = 'AES-256-GCM';
const KEY_ID = 'encryption-key-id';
const CIPHER = 'encryption-cipher';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export type PayloadCodecErrorCode = 'BAD_KEYS' | 'UNKNOWN_KEY' | 'UNREADABLE';

export class PayloadCodecError extends Error {
  constructor(readonly code: PayloadCodecErrorCode, message: string) {
    super(message);
    this.name = 'PayloadCodecError';
  }
}

export interface PayloadKey {
  id: string;
  key: Buffer;
}

/**
 * The keys payloads are encrypted with: the first is current (every new payload is encrypted
 * with it); the others only decrypt, so histories written before a rotation stay readable.
 */
export class PayloadKeyring {
  private readonly byId: ReadonlyMap<string, Buffer>;

  constructor(readonly keys: readonly PayloadKey[]) {
    if (keys.length === 0) throw new PayloadCodecError('BAD_KEYS', 'no payload key: give at least one id:key');
    const byId = new Map<string, Buffer>();
    for (const { id, key } of keys) {
      if (!KEY_ID_PATTERN.test(id)) throw new PayloadCodecError('BAD_KEYS', `payload key id "${id}" must be 1-64 letters, digits, dots, dashes or underscores`);
      if (key.length !== 32) throw new PayloadCodecError('BAD_KEYS', `payload key "${id}" must be 32 bytes (AES-256), got ${key.length}`);
      if (byId.has(id)) throw new PayloadCodecError('BAD_KEYS', `payload key id "${id}" appears twice`);
      byId.set(id, key);
    }
    this.byId = byId;
  }

  get current(): PayloadKey {
    return this.keys[0]!;
  }

  get ids(): string[] {
    return this.keys.map((k) => k.id);
  }

  key(id: string): Buffer | undefined {
    return this.byId.get(id);
  }
}

/**
 * Parses `id:base64key[,id:base64key...]` (the current key first). `source` names where the text
 * came from in errors; a key's value never appears in one.
 */
export function parsePayloadKeys(text: string, source = 'GATEHOUSE_PAYLOAD_KEYS'): PayloadKeyring {
  const entries = text.split(/[\s,]+/).filter(Boolean);
  if (entries.length === 0) throw new PayloadCodecError('BAD_KEYS', `${source} is empty: write it as keyId:base64key (the current key first, older keys after a comma)`);
  const keys = entries.map((entry, index) => {
    const colon = entry.indexOf(':');
    if (colon <= 0) throw new PayloadCodecError('BAD_KEYS', `${source}: entry ${index + 1} is not keyId:base64key (e.g. k2026a:$(openssl rand -base64 32))`);
    const id = entry.slice(0, colon);
    const encoded = entry.slice(colon + 1);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new PayloadCodecError('BAD_KEYS', `${source}: the key of "${id}" is not base64`);
    return { id, key: Buffer.from(encoded, 'base64') };
  });
  try {
    return new PayloadKeyring(keys);
  } catch (error) {
    throw new PayloadCodecError('BAD_KEYS', `${source}: ${(error as Error).message}`);
  }
}

/** A new key in the form GATEHOUSE_PAYLOAD_KEYS takes. */
export function generatePayloadKey(id = `k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(2).toString('hex')}`): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);
const aad = (keyId: string) => Buffer.from(`${PAYLOAD_CIPHER}\0${keyId}`, 'utf8');

/** Encrypts one payload with the keyring's current key. */
export function sealPayload(keyring: PayloadKeyring, payload: Payload): Payload {
  const { id, key } = keyring.current;
  const plain = temporal.api.common.v1.Payload.encode(payload).finish();
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(id));
  const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return { metadata: { encoding: utf8(ENCRYPTED_ENCODING), [CIPHER]: utf8(PAYLOAD_CIPHER), [KEY_ID]: utf8(id) }, data: sealed };
}

export function isSealed(payload: Payload): boolean {
  return text(payload.metadata?.encoding) === ENCRYPTED_ENCODING;
}

/** Decrypts one payload with whichever known key it names; a payload that is not encrypted is returned as it is. */
export function openPayload(keyring: PayloadKeyring, payload: Payload): Payload {
  // Written before encryption was turned on: readable as it is.
  if (!isSealed(payload)) return payload;
  const cipherName = text(payload.metadata?.[CIPHER]);
  if (cipherName !== PAYLOAD_CIPHER) throw new PayloadCodecError('UNREADABLE', `an encrypted payload names cipher "${cipherName}"; only ${PAYLOAD_CIPHER} is known`);
  const keyId = text(payload.metadata?.[KEY_ID]) ?? '';
  const key = keyring.key(keyId);
  if (!key) {
    throw new PayloadCodecError('UNKNOWN_KEY', `a payload is encrypted with key "${keyId}", which is not in GATEHOUSE_PAYLOAD_KEYS (known: ${keyring.ids.join(', ')}); add the old key after the current one`);
  }
  const data = Buffer.from(payload.data ?? []);
  if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadCodecError('UNREADABLE', `an encrypted payload (key "${keyId}") is too short to be one`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAAD(aad(keyId));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    return temporal.api.common.v1.Payload.decode(plain) as Payload;
  } catch {
    throw new PayloadCodecError('UNREADABLE', `an encrypted payload (key "${keyId}") fails authentication: it was altered, or the key with that id is not the one it was written with`);
  }
}

export class EncryptionCodec implements PayloadCodec {
  constructor(readonly keyring: PayloadKeyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => sealPayload(this.keyring, payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => openPayload(this.keyring, payload));
  }
}
