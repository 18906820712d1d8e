import canonicalize from 'canonicalize';
import { canonicalJson } from '../../audit';
import { jsonText, quoteHeld } from '../../lib';

// jsonText must be JSON.stringify's text and canonicalJson the canonicalize package's (the hash
// chain of every recording depends on it), for every value, long strings escaped once included.

/** A small seeded generator (mulberry32): the same values in every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = ['a', 'Z', '0', ' ', '"', '\\', '/', '\n', '\r', '\t', '\u0000', '\u001f', '\u007f', '\u2028', 'é', '€', '😀', '\ud800', '\udfff', '{', '}', ',', ':'];
const NUMBERS = [0, -0, 1, -1, 0.1, 1e21, 1e-7, 123456789.123, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE, Number.MAX_VALUE, 5e-324, 2 ** 53 + 2];

function value(next: () => number, depth: number, quirks: boolean): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const kind = Math.floor(next() * (depth > 4 ? 5 : 9));
  switch (kind) {
    case 0: return pick(NUMBERS);
    case 1: return next() < 0.5;
    case 2: return null;
    case 3:
    case 4: {
      // Long strings (past the escape memo's threshold) as often as short ones.
      const length = next() < 0.4 ? 1024 + Math.floor(next() * 3000) : Math.floor(next() * 20);
      let text = '';
      for (let i = 0; i < length; i++) text += pick(ALPHABET);
      return text;
    }
    case 5:
    case 6: {
      const items = Array.from({ length: Math.floor(next() * 5) }, () => value(next, depth + 1, quirks));
      if (quirks && next() < 0.2) items.push(undefined);
      return items;
    }
    default: {
      const object: Record<string, unknown> = next() < 0.1 ? Object.create(null) as Record<string, unknown> : {};
      const keys = ['b', 'a', 'B', '', 'é', '😀', '\ufb01', '10', '2', 'z"q', 'toJSON_'];
      for (let i = Math.floor(next() * 6); i > 0; i--) object[pick(keys)] = value(next, depth + 1, quirks);
      if (quirks && next() < 0.2) object.skipped = undefined;
      return object;
    }
  }
}

/** An array with holes at those indices (as `[1, , 3]` writes it). */
function holes(items: unknown[], ...at: number[]): unknown[] {
  for (const i of at) delete items[i];
  return items;
}

function outcome(run: () => string | undefined): { text?: string; threw?: string } {
  try {
    return { text: run() };
  } catch (error) {
    return { threw: (error as Error).constructor.name };
  }
}

describe('jsonText and canonicalJson', () => {
  test('600 random values: jsonText is JSON.stringify, canonicalJson is canonicalize, asked twice (the second from the escape memo)', () => {
    const next = random(18);
    for (let i = 0; i < 600; i++) {
      const v = value(next, 0, i % 2 === 0);
      const expected = { stringify: JSON.stringify(v), canonical: outcome(() => canonicalize(v)) };
      for (let round = 0; round < 2; round++) {
        expect(jsonText(v)).toBe(expected.stringify);
        expect(outcome(() => canonicalJson(v))).toEqual(expected.canonical);
      }
    }
  });

  test('what is not plain JSON data: the same texts, or the same refusals', () => {
    const long = 'x"'.repeat(700);
    class Row { constructor(readonly text = long) {} }
    const odd: unknown[] = [
      { when: new Date(0), text: long }, [new Row()], { n: NaN }, { n: Infinity }, [NaN], { f: () => 1, s: Symbol('s'), u: undefined, text: long },
      [() => 1, Symbol('s'), undefined, long], { toJSON: () => ({ replaced: long }) }, { toJSON: 'not a function', text: long },
      holes([1, 2, 3], 1), holes([0, long], 0), new Number(3), new String(long), Object.assign(Object.create({ inherited: 1 }) as object, { own: long }),
      (() => { const a = [long]; (a as unknown as { extra: number }).extra = 1; return a; })(),
      Array.from({ length: 200 }).reduce<unknown>((inner) => [inner, long], long),
    ];
    for (const v of odd) {
      for (let round = 0; round < 2; round++) {
        expect(jsonText(v)).toBe(JSON.stringify(v));
        expect(outcome(() => canonicalJson(v))).toEqual(outcome(() => canonicalize(v)));
      }
    }
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => jsonText(cycle)).toThrow(TypeError);
    expect(() => jsonText({ big: 1n })).toThrow(TypeError);
  });

  test('a remembered escape is used only for the same string at the same place of the same holder', () => {
    const first = `${'a"'.repeat(600)}1`;
    const second = `${'a"'.repeat(600)}2`;
    const holder: Record<string, unknown> = { text: first };
    expect(quoteHeld(holder, 'text', first)).toBe(JSON.stringify(first));
    expect(quoteHeld(holder, 'text', second)).toBe(JSON.stringify(second));
    expect(quoteHeld(holder, 'other', first)).toBe(JSON.stringify(first));
    const list = [first];
    expect(quoteHeld(list, 0, first)).toBe(JSON.stringify(first));
    expect(quoteHeld(list, '0', second)).toBe(JSON.stringify(second));
    // A holder changed after it was serialized: each text is that of the holder as it is now.
    const message = { jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: first }] } };
    expect(canonicalJson(message)).toBe(canonicalize(message));
    message.result.content[0]!.text = second;
    expect(jsonText(message)).toBe(JSON.stringify(message));
    expect(canonicalJson(message)).toBe(canonicalize(message));
  });
});
