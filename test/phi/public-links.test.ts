import { maskText, parseMaskingPolicy } from '../../phi';

const policy = parseMaskingPolicy({ publicHosts: ['modelcontextprotocol.io', '*.example.org'] });
const masked = (text: string) => maskText(text, policy).text;

describe('links to public documentation (masking.publicHosts)', () => {
  test('a plain link to a listed host is kept; without the list every link is masked', () => {
    const text = 'See https://modelcontextprotocol.io/specification/2025-11-25#lifecycle for details.';
    expect(masked(text)).toBe(text);
    expect(masked('Docs: https://docs.example.org/guide/start')).toBe('Docs: https://docs.example.org/guide/start');
    expect(maskText(text, parseMaskingPolicy({})).text).toBe('See [URL] for details.');
  });

  test.each([
    ['a query string (where a record would travel)', 'https://modelcontextprotocol.io/search?patient=jane.doe'],
    ['credentials before the host', 'https://modelcontextprotocol.io@evil.example.com/x'],
    ['a look-alike host that ends elsewhere', 'https://modelcontextprotocol.io.evil.example.com/docs'],
    ['a look-alike host that only starts the same', 'https://modelcontextprotocol.iox/docs'],
    ['the bare parent of a wildcard', 'https://example.org/records'],
    ['another scheme', 'ftp://docs.example.org/records.csv'],
  ])('a link with %s stays masked', (_why, link) => {
    const out = masked(`link: ${link} end`);
    // Masked as without the list (a user@host part is masked as an e-mail address inside it).
    expect(out).toBe(maskText(`link: ${link} end`, parseMaskingPolicy({})).text);
    expect(out).not.toMatch(/modelcontextprotocol|example\.(org|com)/);
  });

  test('an identifier inside a kept link is still masked', () => {
    const out = masked('https://docs.example.org/patients/123-45-6789/chart');
    expect(out).not.toContain('123-45-6789');
    expect(out).toContain('https://docs.example.org/patients/');
  });

  test('bad host patterns are refused with their path', () => {
    for (const bad of ['https://example.org', '*example.org', 'example', 'EXAMPLE.ORG', 'a..b', '*.*.org']) {
      expect(() => parseMaskingPolicy({ publicHosts: [bad] })).toThrow(/publicHosts\.0|host name such as/);
    }
  });
});
