import { MaskingError } from './operators';

/** Larger inputs are refused rather than half-scanned (fail closed). */
export const MAX_INPUT_CHARS = 64 * 1024 * 1024;

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Any input as a well-formed string: bytes are decoded as UTF-8 with invalid sequences replaced
 * by U+FFFD, and lone surrogates in strings are replaced the same way.
 */
export function toText(input: string | Uint8Array): string {
  const text = typeof input === 'string' ? input : decoder.decode(input);
  if (text.length > MAX_INPUT_CHARS) {
    throw new MaskingError('input-too-large', `input of ${text.length} characters exceeds the ${MAX_INPUT_CHARS}-character masking limit; page the result`);
  }
  const s = text as string & { isWellFormed(): boolean; toWellFormed(): string };
  return s.isWellFormed() ? text : s.toWellFormed();
}

/** More than one character in ten is a control character or a replacement mark. */
export function looksBinary(text: string): boolean {
  if (text.length < 32) return false;
  let odd = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd || c === 0x7f) odd++;
  }
  return odd * 10 > text.length;
}
