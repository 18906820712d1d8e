import { maskJson, maskJsonText, maskText, MaskingError, parseMaskingPolicy, serializeJson } from '../../phi';

const policy = parseMaskingPolicy({});

describe('inputs the engine must survive', () => {
  it('a megabyte string with identifiers throughout', () => {
    const line = 'Patient Maria Okafor, SSN 123-45-6789, phone (617) 555-0142, seen 03/14/2024. ';
    const text = line.repeat(Math.ceil(1_100_000 / line.length));
    const { text: masked, report } = maskText(text, policy);
    expect(masked).not.toContain('123-45-6789');
    expect(masked).not.toContain('555-0142');
    expect(report.counts.SSN).toBe(Math.ceil(1_100_000 / line.length));
    expect(report.locations.length).toBe(1000);
    expect(report.locationsTruncated).toBe(true);
  });

  it('JSON nested 100,000 levels deep, as a value and as text', () => {
    const depth = 100_000;
    const text = '['.repeat(depth) + '{"ssn":"123-45-6789"}' + ']'.repeat(depth);
    const { text: masked, report } = maskJsonText(text, policy);
    expect(report.counts.SSN).toBe(1);
    expect(masked).toBe('['.repeat(depth) + '{"ssn":"[SSN]"}' + ']'.repeat(depth));
    let deep: unknown = { note: 'call 617-555-0142' };
    for (let i = 0; i < depth; i++) deep = { next: deep };
    expect(serializeJson(maskJson(deep, policy).value)).toContain('"note":"call [PHONE]"');
  });

  it('invalid UTF-8 bytes and lone surrogates become U+FFFD, identifiers are still masked', () => {
    const bytes = Buffer.concat([Buffer.from('SSN 123-45-6789 '), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(' tel 617-555-0142')]);
    const { text } = maskText(bytes, policy);
    expect(text).toBe('SSN [SSN] \uFFFD\uFFFD\uFFFD tel [PHONE]');
    expect(maskText('a\uD800b SSN 123-45-6789', policy).text).toBe('a\uFFFDb SSN [SSN]');
  });

  it('binary-looking strings are withheld whole by default, or scanned when the policy says so', () => {
    const binary = String.fromCharCode(...Array.from({ length: 400 }, (_, i) => (i * 7) % 32)) + ' SSN 123-45-6789';
    const withheld = maskText(binary, policy);
    expect(withheld.text).toBe('[BINARY DATA WITHHELD]');
    expect(withheld.report.binaryValues).toBe(1);
    const scanned = maskText(binary, parseMaskingPolicy({ binary: 'scan' }));
    expect(scanned.text.endsWith(' SSN [SSN]')).toBe(true);
  });

  it('the report never carries an original value', () => {
    const secrets = ['123-45-6789', 'Maria Okafor', 'maria@example.org', '617-555-0142', '1931'];
    const { report } = maskText(`Patient: Maria Okafor, SSN 123-45-6789, maria@example.org, 617-555-0142, DOB 03/14/1931`, policy);
    const { report: jsonReport } = maskJson([{ ssn: '123-45-6789', name: 'Maria Okafor' }, { ssn: '234-56-7890', name: 'Jon Roe' }], policy);
    for (const r of [report, jsonReport]) for (const s of secrets) expect(JSON.stringify(r)).not.toContain(s);
  });

  it('tokenize without a key fails closed instead of passing values through', () => {
    const p = parseMaskingPolicy({ operators: { SSN: 'tokenize' } });
    expect(() => maskText('SSN 123-45-6789', p)).toThrow(MaskingError);
  });
});
