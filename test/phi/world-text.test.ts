import { looksLikeSql, maskRecordedText, maskSqlText, maskText, parseMaskingPolicy, scanText } from '../../phi';
import { Parser } from 'node-sql-parser';

/**
 * Issue 17, adversarial cases per family: names of the world, non-English addresses,
 * normalisation tricks, encoded payloads, identifiers in words, the clinical allow-list, SQL as
 * evidence. Each case states what must stay unreadable (or readable) after masking.
 */
const policy = parseMaskingPolicy({});
const mask = (text: string) => maskText(text, policy).text;
const typesIn = (text: string) => scanText(text, policy).map((f) => f.type);

describe('names of the world', () => {
  it.each([
    ['Patient: José García', 'José García'],
    ['Patient: Renée Dubois', 'Renée Dubois'],
    ['Patient: Nguyễn Văn An', 'Nguyễn Văn An'],
    ['Emergency contact: Øyvind Haugen', 'Øyvind Haugen'],
    ['患者：王伟', '王伟'],
    ['Пациент: Наталья Андреева', 'Наталья Андреева'],
    ['Accompanied by María Elena de Jesús Trujillo.', 'María Elena de Jesús Trujillo'],
    ['Sra. Gómez called to reschedule.', 'Gómez'],
  ])('%s: no letter of the name survives', (text, name) => {
    const masked = mask(text);
    for (const part of name.split(/\s+/)) if (part.length > 1 && !['de'].includes(part)) expect(masked).not.toContain(part);
  });

  it('a name written with combining accents (NFD) is one word, masked whole', () => {
    const masked = mask('Patient: Jose\u0301 Garci\u0301a');
    expect(masked).not.toMatch(/Jos|Garc|\u0301/);
  });

  it('a capitalised word at a sentence start is not a name because a surname follows', () => {
    expect(mask('Mr. Okafor came in. Later Okafor reported pain.')).toBe('Mr. [NAME] came in. Later [NAME] reported pain.');
  });
});

describe('addresses of the world', () => {
  it.each([
    '12 Rue Saint-Denis',
    '45 Calle Luna',
    'Calle Luna 45, Piso 3',
    'Avenida Paulista, 1578',
    'Via Roma 12',
    'Hauptstraße 5',
    'Sihlfeldstrasse 12',
    'Berliner Straße 5',
    'ul. Długa 5',
    '4410 State Route 9',
    '12 Highway 101',
    'PO Box 1234',
    'RR 2 Box 15',
    'Rural Route 3, Box 40',
  ])('"Lives at %s." loses the whole address', (address) => {
    const findings = scanText(`Lives at ${address}.`, policy);
    const at = 'Lives at '.length;
    const covered = findings.filter((f) => f.type === 'STREET_ADDRESS' && f.start <= at && f.end >= at + address.length);
    expect(covered).toHaveLength(1);
  });

  it('the city closing the line after a foreign address is masked too', () => {
    expect(mask('Mail to Calle Luna 45, Cerdañola del Vallés\nNext')).toBe('Mail to [STREET_ADDRESS], [CITY]\nNext');
  });

  it('blood pressure and drug doses are not addresses', () => {
    expect(typesIn('BP 135/80, HR 88. Via oral route 2 times daily.')).not.toContain('STREET_ADDRESS');
  });
});

describe('normalisation before detection', () => {
  it.each([
    ['a line break inside an SSN', 'SSN 287-65-\n4321 on file'],
    ['zero-width spaces', 'SSN 2\u200B8\u200B7-65-4321 on file'],
    ['full-width digits', 'SSN ２８７－６５－４３２１ on file'],
    ['a soft hyphen', 'SSN 287-65-43\u00AD21 on file'],
    ['bidi controls around it', 'SSN \u202A287-65-4321\u202C on file'],
  ])('%s: the original characters are masked', (_name, text) => {
    const masked = mask(text);
    expect(masked).toBe('SSN [SSN] on file');
  });

  it.each(['Call back at 555.213.4567.', 'Call back at 5552134567.', 'Phone (555) 213-\n4567.'])('phone %s', (text) => {
    expect(mask(text)).not.toMatch(/\d{4}/);
  });

  it('text that needs no normalisation keeps its offsets', () => {
    const text = 'Seen by Dr. Okafor on 03/04/2024.';
    const [name] = scanText(text, policy).filter((f) => f.type === 'NAME');
    expect(text.slice(name!.start, name!.end)).toBe('Okafor');
  });
});

describe('encoded payloads', () => {
  const record = JSON.stringify({ name: 'Jane Roe', ssn: '287-65-4321' });
  it.each([
    ['base64', Buffer.from(record).toString('base64')],
    ['base64url', Buffer.from(record).toString('base64url')],
    ['hex', Buffer.from('ssn 287-65-4321').toString('hex')],
    ['percent-encoding', encodeURIComponent('287-65-4321').replace(/-/g, '%2D')],
    ['base64 of base64', Buffer.from(Buffer.from(record).toString('base64')).toString('base64')],
  ])('%s of PHI is masked whole', (_name, token) => {
    const masked = mask(`payload=${token} rejected`);
    expect(masked).not.toContain(token.slice(0, 12));
    expect(masked).toMatch(/^payload=\[[A-Z_]+\] rejected$/);
  });

  it('nesting deeper than the bound is withheld whole, not passed', () => {
    let token = 'ssn 287-65-4321';
    for (let i = 0; i < 4; i++) token = Buffer.from(token).toString('base64');
    expect(mask(`blob ${token}`)).not.toContain(token.slice(0, 12));
  });

  it('hashes and ids that decode to bytes, not text, stay', () => {
    const sha = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    expect(mask(`digest ${sha}`)).toBe(`digest ${sha}`);
  });

  it('a huge encoded run costs one pass (bounded token size)', () => {
    const run = 'QUJD'.repeat(200_000);
    const started = process.cpuUsage();
    mask(`x ${run} y`);
    const used = process.cpuUsage(started);
    expect(used.user + used.system).toBeLessThan(20_000_000); // generous: quadratic would take minutes
  });
});

describe('identifiers written in words', () => {
  it.each([
    ['Her social is two eight seven six five four three two one.', 'SSN'],
    ['Call him at five five five two one three four five six seven.', 'PHONE'],
    ['Email her: jane dot doe at gmail dot com', 'EMAIL'],
    ['Born on the fourth of March, nineteen fifty.', 'DATE'],
    ['She is ninety-two years old.', 'AGE'],
    ['A ninety-two-year-old man with dyspnea.', 'AGE'],
  ])('%s', (text, type) => {
    expect(typesIn(text)).toContain(type);
  });

  it('an age under 90 in words stays (Safe Harbor allows it)', () => {
    expect(typesIn('She is eighty-two years old.')).not.toContain('AGE');
  });
});

describe('clinical terms are not people', () => {
  it.each([
    'Positive Marcus Gunn pupil on the left.',
    'Grey Turner sign absent.',
    'Referred to Virginia Mason for evaluation.',
    'Records requested from Charlotte Hungerford Hospital.',
    'Referred to Physical Therapy for gait training.',
    'Transferred to Grace Hospice.',
    'Sister Mary Joseph nodule noted.',
  ])('%s stays as written', (text) => {
    expect(mask(text)).toBe(text);
  });

  it('a title or a label still makes the same words a person', () => {
    expect(mask('Seen by Dr. Henry Ford today.')).toBe('Seen by Dr. [NAME] today.');
    expect(mask('Patient: Virginia Mason')).toBe('Patient: [NAME]');
  });
});

describe('SQL as evidence (maskSqlText)', () => {
  const parser = new Parser();
  const parses = (sql: string) => expect(() => parser.astify(sql, { database: 'snowflake' })).not.toThrow();

  it('keywords and identifiers stay, literals are replaced by type, the result parses', () => {
    const sql = "SELECT PATIENT_ID, MRN, FIRST_NAME, LAST_NAME, SSN, DATE_OF_BIRTH, CITY FROM PATIENTS WHERE SSN = '287-65-4321' AND DATE_OF_BIRTH < DATE '1950-03-04' AND PATIENT_ID = 1234567 ORDER BY PATIENT_ID LIMIT 10";
    const { text, literals } = maskSqlText(sql);
    expect(text).toBe("SELECT PATIENT_ID, MRN, FIRST_NAME, LAST_NAME, SSN, DATE_OF_BIRTH, CITY FROM PATIENTS WHERE SSN = '[SSN]' AND DATE_OF_BIRTH < DATE '[DATE]' AND PATIENT_ID = 0 /*[NUMBER]*/ ORDER BY PATIENT_ID LIMIT 10");
    expect(literals).toBe(3);
    parses(text);
  });

  it('comments are masked as free text; a comment cannot close early', () => {
    const { text } = maskSqlText('SELECT 1 -- for Mrs. Okafor, 287-65-4321\nFROM t /* Dr. Lin */');
    expect(text).not.toMatch(/Okafor|287-65|Lin\b/);
    parses(text);
  });

  it('strings with escapes, unclosed strings and dollar quotes never leak', () => {
    expect(maskSqlText("SELECT 'O''Hara', 'it\\'s Jane Roe' FROM t").text).toBe("SELECT '[TEXT]', '[NAME]' FROM t");
    expect(maskSqlText("SELECT * FROM t WHERE n = 'Jane Roe").text).toBe("SELECT * FROM t WHERE n = '[NAME]'");
    expect(maskSqlText('SELECT $$Jane Roe 287-65-4321$$').text).toBe("SELECT '[SSN]'");
  });

  it('a quoted identifier that reads as PHI is masked; ordinary ones stay', () => {
    const { text } = maskSqlText('SELECT "CREATED_AT", "287-65-4321" FROM "PATIENTS"');
    expect(text).toBe('SELECT "CREATED_AT", "[SSN]" FROM "PATIENTS"');
  });

  it('masking twice changes nothing', () => {
    const once = maskSqlText("SELECT * FROM p WHERE ssn = '287-65-4321' AND id = 99999").text;
    expect(maskSqlText(once).text).toBe(once);
  });

  it('bad input gets a clear error', () => {
    expect(() => maskSqlText(42 as unknown as string)).toThrow(/expects the SQL text as a string/);
  });

  it('the audit trail masks SQL as SQL and anything else as free text', () => {
    expect(looksLikeSql('  -- why\nselect 1')).toBe(true);
    expect(looksLikeSql('need access for Jane Roe')).toBe(false);
    expect(maskRecordedText('SELECT FIRST_NAME, LAST_NAME FROM PATIENTS', policy)).toBe('SELECT FIRST_NAME, LAST_NAME FROM PATIENTS');
    expect(maskRecordedText('reason: follow-up for Jane Roe, SSN 287-65-4321', policy)).not.toMatch(/Jane|287/);
  });
});

describe('timestamps are one date', () => {
  it('an ISO timestamp is masked whole, not "[DATE]T00:00:00.000Z"', () => {
    expect(mask('created 2024-01-01T00:00:00.000Z')).toBe('created [DATE]');
    expect(mask('at 2024-01-01 10:22:01+02:00.')).toBe('at [DATE].');
  });
});

describe('structured data whose column names say nothing', () => {
  const { maskRows } = jest.requireActual('../../phi') as typeof import('../../phi');
  const header = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c10', 'c11'];
  const people = [
    ['María', 'García López', 'Springfield', '02115-4021', 'MRN00482913', 'W123456789', '287-65-4321', '1950-03-04', 'Inpatient', 3, 'stable'],
    ['Øyvind', 'Haugen', 'Port Gary', '02139', 'MRN00482914', 'W223456789', '287-65-4322', '1951-03-04', 'Outpatient', 1, 'stable'],
    ['Jean', 'Smith-Jones', 'Lakeville', '10001', 'MRN00482915', 'W323456789', '287-65-4323', '1952-03-04', 'Inpatient', 2, 'improving'],
    ['Nguyen', 'Tran', 'Eastham', '94110', 'MRN00482916', 'W423456789', '287-65-4324', '1953-03-04', 'Outpatient', 5, 'stable'],
    ['Ahmed', 'Khan', 'Brookfield', '60601', 'MRN00482917', 'W523456789', '287-65-4325', '1954-03-04', 'Inpatient', 4, 'stable'],
  ];

  it('names, cities, bare ZIPs and unlabelled identifiers are masked; categories and counts stay', () => {
    const { rows, report } = maskRows(header, people, policy);
    const classified = new Map(report.columns.map((c) => [c.column, c.type]));
    expect(classified.get('c1')).toBe('NAME');
    expect(classified.get('c2')).toBe('NAME');
    expect(classified.get('c3')).toBe('CITY');
    expect(classified.get('c4')).toBe('ZIP');
    expect(classified.get('c5')).toBeDefined();
    expect(classified.get('c6')).toBeDefined();
    for (const row of rows) {
      expect(row.slice(0, 8).every((cell, i) => cell !== people[0]![i] || i > 7)).toBe(true);
      expect(row[8]).toMatch(/patient$/);
      expect(typeof row[9]).toBe('number');
    }
    expect(JSON.stringify(rows)).not.toMatch(/García|Haugen|Smith-Jones|02115|MRN0048|W1234/);
  });

  it('a table without PHI keeps its codes (identifiers are PHI only beside PHI)', () => {
    const { rows } = maskRows(['c1', 'c2'], [['SKU-10021', 'Widget'], ['SKU-10022', 'Gadget'], ['SKU-10023', 'Gizmo']], policy);
    expect(rows[0]![0]).toBe('SKU-10021');
  });
});
