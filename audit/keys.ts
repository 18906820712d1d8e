import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { sha256Hex } from '../lib';

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export type KeyInput = string | Buffer | KeyObject;

function asKeyObject(input: KeyInput, type: 'private' | 'public'): KeyObject {
  if (typeof input === 'object' && !Buffer.isBuffer(input)) return input;
  if (typeof input === 'string' && input.includes('-----BEGIN')) {
    return type === 'private' ? createPrivateKey(input) : createPublicKey(input);
  }
  const raw = Buffer.isBuffer(input) ? input : Buffer.from(input, /^[0-9a-f]{64}$/i.test(input) ? 'hex' : 'base64');
  if (raw.length !== 32) throw new Error(`an Ed25519 ${type} key is PEM or 32 raw bytes (hex or base64); got ${raw.length} bytes`);
  return type === 'private'
    ? createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, raw]), format: 'der', type: 'pkcs8' })
    : createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
}

function requireEd25519(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`archive keys must be Ed25519, got ${key.asymmetricKeyType ?? key.type}`);
  return key;
}

/** Accepts a PEM (PKCS#8) or a raw 32-byte seed (Buffer, hex or base64). */
export function loadSigningKey(input: KeyInput): KeyObject {
  const key = requireEd25519(asKeyObject(input, 'private'));
  if (key.type !== 'private') throw new Error('a signing key must be a private key');
  return key;
}

/** Accepts a PEM (SPKI), a raw 32-byte public key, or a private key (its public half is used). */
export function loadVerifyKey(input: KeyInput): KeyObject {
  if (typeof input === 'string' && input.includes('PRIVATE KEY')) return createPublicKey(loadSigningKey(input));
  const key = asKeyObject(input, 'public');
  return requireEd25519(key.type === 'private' ? createPublicKey(key) : key);
}

export function publicKeyPem(key: KeyObject): string {
  return (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'pem', type: 'spki' }).toString();
}

/** A short, stable id of a public key: sha256 of its SPKI DER, first 16 hex digits. */
export function keyId(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return sha256Hex(pub.export({ format: 'der', type: 'spki' }).toString('base64')).slice(0, 16);
}

export function generateArchiveKeys(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}
