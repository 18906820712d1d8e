// sameJson lets the masker reuse a structuredContent's JSON twin when masking changed nothing: it
// must only say yes when JSON.stringify would write both values alike.
import { sameJson } from '../../phi';

describe('sameJson compares as JSON.stringify would write', () => {
  test.each<[string, unknown, unknown, boolean]>([
    ['equal tables', { c: ['a'], r: [[1, 'x', null, true]] }, { c: ['a'], r: [[1, 'x', null, true]] }, true],
    ['a changed cell', { r: [['123-45-6789']] }, { r: [['[SSN]']] }, false],
    ['key order', { a: 1, b: 2 }, { b: 2, a: 1 }, false],
    ['a member undefined (dropped by JSON.stringify)', { a: 1, b: undefined }, { a: 1, b: undefined }, false],
    ['a Date (toJSON)', { d: new Date(0) }, { d: new Date(0) }, false],
    ['NaN', [Number.NaN], [Number.NaN], false],
    ['array and object', [], {}, false],
    ['number and string', [1], ['1'], false],
    ['a class instance', { m: new Map([['a', '123-45-6789']]) }, { m: new Map([['a', '123-45-6789']]) }, false],
    ['a member added', { a: 1 }, { a: 1, b: '123-45-6789' }, false],
    ['deeper than the bound', JSON.parse('['.repeat(300) + ']'.repeat(300)), JSON.parse('['.repeat(300) + ']'.repeat(300)), false],
  ])('%s', (_name, a, b, expected) => {
    expect(sameJson(a, b)).toBe(expected);
    if (expected) expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});

test('seeded random values: a yes always means the same serialisation', () => {
  let seed = 14;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const leaf = (): unknown => [null, true, false, 0, 1.5, -2, 'x', 'y', '123-45-6789', '', undefined][random(11)];
  const value = (depth: number): unknown => {
    if (depth > 3 || random(3) === 0) return leaf();
    if (random(2) === 0) return Array.from({ length: random(4) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: random(4) }, () => [['a', 'b', 'c', '1'][random(4)]!, value(depth + 1)]));
  };
  let yes = 0;
  for (let i = 0; i < 5000; i++) {
    const a = value(0);
    const b = random(2) === 0 ? JSON.parse(JSON.stringify(a ?? null)) : value(0);
    if (sameJson(a, b)) {
      yes++;
      expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    }
  }
  expect(yes).toBeGreaterThan(100);
});
