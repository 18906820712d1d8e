import { generalize, MaskingError, partial, redact, RESTRICTED_ZIP3, tokenize } from '../../phi/operators';

const key = { tokenKey: 'test-token-key-0123456789abcdef' };

describe('operators', () => {
  it('redact writes the type label', () => {
    expect(redact('SSN')).toBe('[SSN]');
  });

  it('partial keeps the last four and the separators', () => {
    expect(partial('SSN', '123-45-6789')).toBe('***-**-6789');
    expect(partial('CARD_NUMBER', '4111 1111 1111 1111')).toBe('**** **** **** 1111');
    expect(partial('PHONE', '(617) 555-0142')).toBe('(***) ***-0142');
    expect(partial('MRN', '1234')).toBe('[MRN]'); // too short to show any of it
    expect(partial('EMAIL', 'jane@example.org')).toBe('j***@example.org');
    expect(partial('NAME', 'Jane Roe')).toBe('[NAME]'); // initials still identify
  });

  it('tokenize is deterministic per key and ignores formatting, so joins still work', () => {
    const a = tokenize('SSN', '123-45-6789', key);
    expect(a).toMatch(/^<SSN:[0-9a-f]{16}>$/);
    expect(tokenize('SSN', '123456789', key)).toBe(a);
    expect(tokenize('SSN', '123–45–6789', key)).toBe(a);
    expect(tokenize('NAME', 'Jane  ROE', key)).toBe(tokenize('NAME', 'jane roe', key));
    expect(tokenize('SSN', '123-45-6789', { tokenKey: 'another-key-0123456789abcdef' })).not.toBe(a);
    expect(tokenize('MRN', '123456789', key)).not.toBe(tokenize('SSN', '123456789', key));
  });

  it('tokenize without a key (or a short one) refuses: fail closed', () => {
    expect(() => tokenize('SSN', '123-45-6789', {})).toThrow(MaskingError);
    expect(() => tokenize('SSN', '123-45-6789', { tokenKey: 'short' })).toThrow(/token key/);
  });

  it('generalize keeps the year of a date, 90+ for ages, three ZIP digits', () => {
    expect(generalize('DATE', '03/14/1951', new Date('2026-06-01'))).toBe('1951');
    expect(generalize('DATE', '03/14/1931', new Date('2026-06-01'))).toBe('90+');
    // The year alone may mean 89 or 90: the boundary year is already 90+.
    expect(generalize('DATE', '1936-12-31', new Date('2026-01-02'))).toBe('90+');
    expect(generalize('DATE', '1937-01-01', new Date('2026-01-02'))).toBe('1937');
    expect(generalize('DATE', 'March 3, 2024')).toBe('2024');
    expect(generalize('DATE', '3/4/21')).toBe('2021');
    expect(generalize('DATE', '14-Mar-31')).toBe('2031');
    expect(generalize('DATE', 'March 3')).toBe('[DATE]');
    expect(generalize('AGE', '93')).toBe('90+');
    expect(generalize('AGE', '45')).toBe('45');
    expect(generalize('ZIP', '02139')).toBe('021**');
    expect(generalize('ZIP', '03601-1234')).toBe('000**'); // sparsely populated prefix
    expect(generalize('SSN', '123-45-6789')).toBe('[SSN]');
  });

  it('the restricted three-digit ZIP list is the 17 prefixes HHS names', () => {
    expect(RESTRICTED_ZIP3.size).toBe(17);
    expect([...RESTRICTED_ZIP3]).toEqual(expect.arrayContaining(['036', '059', '063', '102', '203', '556', '692', '790', '821', '823', '830', '831', '878', '879', '884', '890', '893']));
  });
});
