// sameJsonText lets the masker send a JSON text on as it came when masking changed nothing. It
// must only ever say yes when the text is exactly what serialising the masked value would write:
// otherwise an upstream could hide what the masker never read (a duplicated key, digits beyond a
// double, an escape) in text that goes out unread.
import { sameJson, sameJsonText } from '../../phi';

const exact = (text: string) => JSON.stringify(JSON.parse(text)) === text;
const says = (text: string) => sameJsonText(text, JSON.parse(text), JSON.parse(text));

describe('sameJsonText says yes only for text JSON.stringify would write', () => {
  const canonical = [
    JSON.stringify({ columns: ['WARD', 'DESCRIPTION', 'N', 'RATE'], rows: [['W1', 'Type 2 diabetes mellitus', 100, 2.33], ['W2', 'say "hi": \\ \n\t\u0001 é 😀', -7, 0.000001]] }),
    '[]', '{}', '"x"', '0', '-0.5', '123456789012345', '0.123456789012345', '[true,false,null]', '{"a":{"b":[1,{"c":"d"}]}}', '{"k\\\\":1,"l":"\\\\"}',
  ];
  test.each(canonical)('canonical: %s', (text) => {
    expect(exact(text)).toBe(true);
    expect(says(text)).toBe(true);
  });

  const hostile: [string, string][] = [
    ['a duplicated key (JSON.parse keeps the last)', '{"rows":[["123-45-6789"]],"rows":[["n/a"]]}'],
    ['a duplicated key, nested', '{"a":{"ssn":"123-45-6789","ssn":"x"}}'],
    ['a duplicated key after a key ending in a backslash', '{"a\\\\":1,"a\\\\":2}'],
    ['whitespace', '{"a": 1}'],
    ['a newline between tokens', '[1,\n2]'],
    ['a unicode escape JSON.stringify would not write', '["\\u0031\\u0032\\u0033-45-6789"]'],
    ['an escaped solidus', '["a\\/b"]'],
    ['an upper-case unicode escape of a control character', '["\\u001F"]'],
    ['a lone surrogate, escaped', '["\\ud800"]'],
    ['a trailing fraction zero', '[1.50]'],
    ['a fraction of zero', '[1.0]'],
    ['an exponent', '[1e2]'],
    ['an exponent JSON.stringify would write differently', '[1e21]'],
    ['minus zero', '[-0]'],
    ['a tiny number', '[0.0000001]'],
    ['digits beyond a double (an SSN after the 17th digit)', '[1.00000000000000000123456789]'],
    ['a 16-digit integer a double cannot hold', '[9007199254740993]'],
    ['a 21-digit integer', '[123456789012345678901]'],
    ['an index-like key out of order', '{"b":1,"1":2}'],
    ['a string starting with a colon (the member count is not fooled)', '{"a":":x"}'],
  ];
  test.each(hostile)('%s: no (or yes only if exact)', (_name, text) => {
    const yes = says(text);
    if (yes) expect(exact(text)).toBe(true);
    if (!exact(text)) expect(yes).toBe(false);
  });

  test('seeded mutations of canonical texts: a yes is always exact', () => {
    let seed = 14;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pieces = [' ', '\n', ',"a":"123-45-6789"', '0', '.0', 'e1', '\\u0041', '"', ':', ',', '1', '-', '\\\\', '"b":2,', '{', '}', '[', ']'];
    let yes = 0;
    for (let i = 0; i < 4000; i++) {
      const base = canonical[random(canonical.length)]!;
      const at = random(base.length + 1);
      const text = base.slice(0, at) + pieces[random(pieces.length)] + base.slice(at + random(2));
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        continue;
      }
      if (sameJsonText(text, parsed, JSON.parse(text))) {
        yes++;
        expect(JSON.stringify(parsed)).toBe(text);
      }
    }
    expect(yes).toBeGreaterThan(0);
  });

  test('a masked value that differs is a no, whatever the text', () => {
    const text = '{"columns":["SSN"],"rows":[["123-45-6789"]]}';
    expect(sameJsonText(text, JSON.parse(text), { columns: ['SSN'], rows: [['[SSN]']] })).toBe(false);
    expect(sameJsonText(text, JSON.parse(text), { rows: [['123-45-6789']], columns: ['SSN'] })).toBe(false); // key order
  });
});

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
  ])('%s', (_name, a, b, expected) => {
    expect(sameJson(a, b)).toBe(expected);
    if (expected) expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});
