import type { Finding } from '../types';

/**
 * Encoded strings that decode to printable text: base64 (standard and URL-safe), hex, and
 * percent-encoding. Each decoded string is scanned again (`scan`), and when it holds PHI the
 * whole encoded token is one finding of the strongest type inside. Bounded: tokens of at most
 * MAX_TOKEN characters, MAX_DEPTH levels of nesting (base64 of base64), and at most
 * MAX_DECODED_BYTES decoded per call, so a hostile payload cannot make a scan expensive.
 */
export const MAX_TOKEN = 16_384;
export const MAX_DEPTH = 2;
const MAX_DECODED_BYTES = 1 << 20;

// No lookahead at the end: a token longer than the bound is recognised in the callback (the next
// character continues it) and skipped, so a long run costs one pass, not one retry per position.
const BASE64 = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,16384}={0,2}/g;
const HEX = /(?<![0-9A-Za-z])(?:[0-9a-fA-F]{2}){8,8192}/g;
/** An escape; the token around it is found by hand (a regex starting with a run retries at every position). */
const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/g;
const PERCENT_BEFORE = 256;
const PERCENT_AFTER = 4096;
const isTokenChar = (c: number) => !(c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 34 || c === 39 || c === 60 || c === 62 || c === 0xa0 || Number.isNaN(c));

export const decoderPatterns: readonly RegExp[] = [BASE64, HEX, PERCENT_ESCAPE];

/** Tokens (runs without spaces, quotes or angle brackets) holding a percent escape. */
function percentTokens(text: string, onToken: (token: string, start: number) => void): void {
  PERCENT_ESCAPE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = PERCENT_ESCAPE.exec(text)) !== null) {
    let start = m.index;
    while (start > 0 && m.index - start < PERCENT_BEFORE && isTokenChar(text.charCodeAt(start - 1))) start--;
    let end = m.index + 3;
    while (end < text.length && end - m.index - 3 < PERCENT_AFTER && isTokenChar(text.charCodeAt(end))) end++;
    onToken(text.slice(start, end), start);
    PERCENT_ESCAPE.lastIndex = end;
  }
}

/** Printable: valid UTF-8, no control characters other than tab and line breaks, some letters or digits. */
function printable(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  if (text.includes('\uFFFD')) return undefined;
  let alnum = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127) return undefined;
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127) alnum++;
  }
  return alnum * 2 >= text.length ? text : undefined;
}

function decodeBase64(token: string): string | undefined {
  const body = token.replace(/=+$/, '');
  if (body.length % 4 === 1) return undefined;
  // A plain word or an identifier of letters only is not worth a decode: real base64 mixes classes.
  if (!/[0-9+/_-]/.test(body) || !/[a-z]/.test(body) || !/[A-Z]/.test(body)) return undefined;
  return printable(Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}

function decodePercent(token: string): string | undefined {
  try {
    const decoded = decodeURIComponent(token.replace(/\+/g, ' '));
    return decoded === token ? undefined : decoded;
  } catch {
    return undefined;
  }
}

function stillEncoded(text: string): boolean {
  const t = text.trim();
  if (t.length < 16) return false;
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(t) && decodeBase64(t) !== undefined) return true;
  return /^(?:[0-9a-fA-F]{2})+$/.test(t) && printable(Buffer.from(t, 'hex')) !== undefined;
}

/** A base64 or hex character right after a match: the run is longer than the bound, skipped whole. */
const continuesToken = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47 || c === 61 || c === 95 || c === 45;

type Scan = (text: string, depth: number) => Finding[];

/** Findings for encoded tokens whose decoded text holds PHI (the whole token is masked). */
export function decodedFindings(text: string, scan: Scan, depth: number): Finding[] {
  if (depth >= MAX_DEPTH) return [];
  const out: Finding[] = [];
  let budget = MAX_DECODED_BYTES;
  const tryToken = (start: number, end: number, decoded: string | undefined) => {
    if (!decoded || decoded.length < 9 || budget <= 0) return;
    budget -= decoded.length;
    const inner = scan(decoded, depth + 1);
    if (inner.length === 0) {
      // At the depth bound, an encoding that still decodes to text is withheld whole: nesting
      // one level deeper must not be a way around the scan.
      if (depth + 1 >= MAX_DEPTH && stillEncoded(decoded)) out.push({ type: 'OTHER_ID', start, end, score: 0.6 });
      return;
    }
    let best = inner[0]!;
    for (const f of inner) if (f.score > best.score) best = f;
    out.push({ type: best.type, start, end, score: best.score });
  };
  // Tokens are collected before any is decoded: the nested scan runs these same global regexes.
  const tokens: { kind: RegExp; token: string; start: number }[] = [];
  for (const pattern of [BASE64, HEX]) {
    pattern.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = pattern.exec(text)) !== null && tokens.length < 1000) {
      if (continuesToken(text.charCodeAt(m.index + m[0].length))) continue;
      tokens.push({ kind: pattern, token: m[0], start: m.index });
    }
  }
  if (text.includes('%')) percentTokens(text, (token, start) => {
    if (tokens.length < 1000) tokens.push({ kind: PERCENT_ESCAPE, token, start });
  });
  for (const { kind, token, start } of tokens) {
    if (budget <= 0) break;
    if (kind === BASE64) tryToken(start, start + token.length, decodeBase64(token));
    else if (kind === HEX) tryToken(start, start + token.length, printable(Buffer.from(token, 'hex')));
    else {
      // Percent-encoding: only the query value or path segment that holds escapes.
      const at = token.indexOf('%');
      const from = Math.max(token.lastIndexOf('=', at), token.lastIndexOf('/', at)) + 1;
      let to = token.indexOf('&', at);
      if (to < 0) to = token.length;
      tryToken(start + from, start + to, decodePercent(token.slice(from, to)));
    }
  }
  return out;
}
