import { randomBytes } from 'node:crypto';

const REQUEST_ID = /^req_[a-z0-9]{20}$/;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  // 256 % 36 != 0, so reject the biased tail of the byte range.
  for (let i = 0; out.length < length; i++) {
    const byte = i < bytes.length ? bytes[i]! : randomBytes(1)[0]!;
    if (byte < 252) out += ALPHABET[byte % 36];
  }
  return out;
}

/** Access request ids double as Temporal workflow ids and feed Snowflake user names. */
export function newRequestId(): string {
  return `req_${randomToken(20)}`;
}

export function isRequestId(value: unknown): value is string {
  return typeof value === 'string' && REQUEST_ID.test(value);
}

export function newGrantId(): string {
  return `grt_${randomBytes(16).toString('hex')}`;
}

export function newCommandId(): string {
  return `cmd_${randomToken(16)}`;
}
