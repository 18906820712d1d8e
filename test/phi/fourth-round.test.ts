import { maskJsonText, maskText, parseMaskingPolicy, scanText } from '../../phi';

/**
 * Issue 17's fourth round (tuned on held-out set 3, never on set 4) and issue 22's leftover: what
 * a hostile agent can ask a model to write so a name or number slips past the detectors, names
 * no dictionary knows placed where only a name can be, and title-case phrases that are not names.
 * Each case says what must stay unreadable (or readable) after masking.
 */
const policy = parseMaskingPolicy({});
const mask = (text: string) => maskText(text, policy).text;
const lettersOf = (s: string) => s.replace(/[^\p{L}]/gu, '').toLowerCase();
/** No run of four letters of the name survives, whatever was put between its letters. */
function expectNoPartOf(masked: string, name: string): void {
  const plain = lettersOf(masked);
  for (const word of name.split(/\s+/)) {
    const letters = lettersOf(word);
    for (let i = 0; i + 4 <= letters.length; i++) expect(plain).not.toContain(letters.slice(i, i + 4));
  }
}

describe('hostile spellings of a name (what an agent can ask the model for)', () => {
  it.each([
    ['letters spaced', 'assistant: N o k u t h u l a   D l a m i n i\n', 'NokuthulaDlamini'],
    ['letters spaced, no word gap', 'assistant: W a n j i r u K a m a u', 'Wanjiru Kamau'],
    ['letters dotted', 'Spelled out: O.T.I.E.N.O W.A.M.B.U.I', 'Otieno Wambui'],
    ['letters hyphenated', 'bot: letters only -> S-I-Y-A-B-O-N-G-A M-T-H-E-T-H-W-A\n', 'Siyabonga Mthethwa'],
    ['zero-width spaces inside', 'Patient is Ma\u200Bri\u200Bam Ab\u200Bdi.', 'Mariam Abdi'],
    ['zero-width joiners between letters', 'Patient: A\u200Dk\u200Di\u200Dn\u200Dy\u200Di O\u200Dd\u200Dh\u200Di\u200Da\u200Dm\u200Db\u200Do', 'Akinyi Odhiambo'],
    ['Cyrillic look-alike letters', 'Patient is \u0410nn\u0430 K\u043ew\u0430lski.', 'Anna Kowalski'],
    ['JSON \\u escapes', '{"display":"Jos\\u00e9 Garc\\u00eda"}', 'José García'],
    ['HTML entities', 'Name: &#74;&#111;&#115;&#233; &#71;&#97;&#114;&#99;&#237;&#97;', 'José García'],
  ])('%s: no part of the name survives', (_how, text, name) => {
    expectNoPartOf(mask(text), name);
  });

  it('a word spelled out is masked whole, separators included', () => {
    expect(mask('user: spell it\nassistant: N o k u t h u l a\n')).toBe('user: spell it\nassistant: [NAME]\n');
  });

  it('acronyms and short spelled runs stay readable', () => {
    for (const text of ['Plan per S.O.A.P. format.', 'a.m. and p.m. doses', 'Grade I-II-III scale', 'Rule out U.T.I.']) expect(mask(text)).toBe(text);
  });

  it('a look-alike letter in a number or a whole Cyrillic word is left to its own script', () => {
    expect(scanText('Москва — город').length).toBe(0);
  });
});

describe('names no dictionary knows, where only a name can be', () => {
  it.each([
    ['Name: agus santoso\n', 'agus santoso'],
    ['patient_name=yohannes tesfaye\n', 'yohannes tesfaye'],
    ['NOK - Ní Bhriain, Siobhán\n', 'Bhriain Siobhán'],
    ['Family present: Ananya Srivastava and Giorgos Chatzidakis.\n', 'Ananya Srivastava Giorgos Chatzidakis'],
    ['Thanks, Joost van Dijk\n', 'Joost Dijk'],
    ['Best regards,\nKato Amilakhvari\nMobile: +995 555 12 34 56', 'Kato Amilakhvari'],
    ['Dear Ms Rezaei,\n\nYour results are in.', 'Rezaei'],
    ['From: "Piotr Tchaikovsky" <piotr.t@example.org>\nTo: Lili Arakelyan <lili@example.com>\n', 'Piotr Tchaikovsky Lili Arakelyan'],
    ['Spoke with Malgorzata Jablonski (son) by phone.', 'Malgorzata Jablonski'],
    ['16:20 Priya Sharma checked in\n', 'Priya Sharma'],
    ['17:05 Oláwálé Ọlálékan - no show\n', 'Oláwálé Ọlálékan'],
    ['Thanks, ธนพล วงศ์สวัสดิ์\n', 'ธนพลวงศ์สวัสดิ์'],
    ['Interpreter present for መሰረት ኃይሌ today.', 'መሰረትኃይሌ'],
    ['Family present: अनन्या देशपांडे.', 'अनन्यादेशपांडे'],
  ])('%s', (text, name) => {
    expectNoPartOf(mask(text), name);
  });

  it('credentials after a signed name stay readable', () => {
    expect(mask('Sincerely,\nJulien Ziemann, RN\n')).toBe('Sincerely,\n[NAME], RN\n');
  });

  it('greetings to nobody in particular and labels in other scripts are not names', () => {
    for (const text of ['Dear Sir or Madam,\n', 'Hi team,\n', 'Hello all,\n']) expect(mask(text)).toBe(text);
    expect(mask('Пациент: Ivan')).toMatch(/^Пациент: /);
  });

  it('a whole line in another script is prose, not a name', () => {
    expect(mask('Пациент жалуется на боль в груди')).toBe('Пациент жалуется на боль в груди');
  });
});

describe('numbers, addresses and dates written the other ways', () => {
  it.each([
    ['SSN in Arabic-Indic digits', 'SSN: ٠٣١-٤٥-٦٧٨٩', /٠٣١|٦٧٨٩/],
    ['SSN in Devanagari digits', 'ssn=०३१-४५-६७८९', /०३१|६७८९/],
    ['SSN as HTML entities', 'SSN: &#48;&#51;&#49;&#45;&#52;&#53;&#45;&#54;&#55;&#56;&#57;', /&#5[0-7];/],
    ['SSN as JSON escapes', 'ssn=\\u0030\\u0033\\u0031\\u002d\\u0034\\u0035\\u002d\\u0036\\u0037\\u0038\\u0039', /\\u003/],
    ['SSN digit by digit', 'SSN: 0 1 4 - 5 5 - 9 5 4 5', /9 5 4 5/],
    ['SSN with slashes', 'social security no. 416/57/5390', /5390/],
    ['e-mail with [at] and [dot]', 'Email: nguyen.lan84[at]yahoo[dot]com', /nguyen|yahoo/],
    ['e-mail with (at)', 'eero.m (at) gmail (dot) com', /eero|gmail/],
    ['e-mail with spaced @', 'e-mail oluwaseun @ outlook . com', /oluwaseun|outlook/],
    ['age glued to its unit', '104yo with hip fracture', /104/],
    ['age in German', 'Pt is 93 Jahre with hip fracture', /93/],
    ['age hyphenated', 'Aged 103-yr-old', /103/],
    ['French date', 'DOB 6 août 1991', /août|1991/],
    ['German date', 'DOB 7. Juni 1989', /Juni|1989/],
    ['CJK date', 'Born 1943年11月6日', /1943|11月/],
    ['national number after a phone word', 'Tel 040-3331357', /3331357/],
    ['international number keeps no "+"', 'Mobile +234 803 296 3277', /\+/],
    ['labelled address in another form', 'Address: H.No. 5-9-22/1, Road No. 3, Banjara Hills, 500034 Hyderabad', /5-9-22|Banjara|500034|Hyderabad/],
    ['postcode and city after an address', 'Mailing: ul. Marszałkowska 84/92, 00-514 Warszawa', /Marsza|00-514|Warszawa/],
    ['hospital number', 'Hospital no. MR8891307', /8891307/],
  ])('%s', (_what, text, leak) => {
    expect(mask(text)).not.toMatch(leak);
  });

  it('"lives at home" and an IP address label are no street address', () => {
    expect(mask('Lives at home with her husband.')).toBe('Lives at home with her husband.');
    expect(scanText('IP address: 10.0.0.12').map((f) => f.type)).toEqual(['IP_ADDRESS']);
  });

  it('a MAC address label is no street, and a US state after a labelled address stays', () => {
    expect(scanText('MAC address a5:b0:13:5d:7e:b4. Telehealth session from IP 22.48.165.112.').map((f) => f.type)).not.toContain('STREET_ADDRESS');
    expect(mask('Lives at 12 Main St, Springfield, IL 62704. Mrs. Kunde reports improved sleep.')).toBe('Lives at [STREET_ADDRESS], [CITY], IL [ZIP]. Mrs. [NAME] reports improved sleep.');
  });

  it('"a @ b.com" is still no e-mail', () => {
    expect(scanText('a @ b.com').length).toBe(0);
  });
});

describe('title case that is not a name (issue 22)', () => {
  it.each(['## Easter Egg', '- Blue Moon', '# Getting Started', 'Blob Resource 1', 'Resources: Blob Resource 1, Blob Resource 2', '## Release Notes\n\nSee below.', '### Known Issues', '1. Quick Start Guide', '* Table Viewer', '## Next Steps\n- Open Questions'])(
    '%s stays as written',
    (text) => {
      expect(mask(text)).toBe(text);
    },
  );

  it('a name in a heading or a list still goes when the dictionaries, a title or a label say so', () => {
    expect(mask('- Jane Doe')).toBe('- [NAME]');
    expect(mask('## Dr. Okafor')).toBe('## Dr. [NAME]');
    expect(mask('## Patient: Wanjiru Kamau')).toBe('## Patient: [NAME]');
    expect(mask('Easter Egg came in with her son.')).not.toMatch(/Egg/);
  });

  it('a resource listing in a tool result stays readable', () => {
    const listing = 'Resources:\n- Blob Resource 1\n- Easter Egg\n\n## Getting Started\nRead Blob Resource 1 first.';
    expect(mask(listing)).toBe(listing);
    const out = maskJsonText(JSON.stringify({ content: [{ type: 'text', text: listing }] }), policy).text;
    expect(JSON.parse(out)).toEqual({ content: [{ type: 'text', text: listing }] });
  });
});

describe('CSV and TSV in text whose headers say nothing', () => {
  it('romanised names no dictionary knows are masked in a table that holds other PHI', () => {
    const csv = 'Export attached:\nc1,c2,c3,c4\nWanjiru,Kamau,1957-03-04,A-77-1234\nOtieno,Odhiambo,1961-11-02,A-77-9981\nAkinyi,Wambui,1970-01-15,A-78-0012\n';
    const masked = mask(csv);
    for (const name of ['Wanjiru', 'Kamau', 'Otieno', 'Odhiambo', 'Akinyi', 'Wambui']) expect(masked).not.toContain(name);
    const tsv = 'v1\tv2\tv3\n1\tENKHJARGAL DASHDAVAA\t2007/09/04\n2\tBATBAYAR GANBOLD\t1934/11/11\n3\tNURLAN ABDIKARIMOV\t1961/02/03\n';
    expect(mask(tsv)).not.toMatch(/ENKHJARGAL|DASHDAVAA|GANBOLD|ABDIKARIMOV/);
  });

  it('categories and tables without PHI stay readable', () => {
    const categories = 'x\ty\tz\n1\tInpatient\tyes\n2\tOutpatient\tno\n3\tInpatient\tyes\n';
    expect(mask(categories)).toBe(categories);
    const products = 'a,b\nEliquis,5\nKeytruda,3\nHumira,2\n';
    expect(mask(products)).toBe(products);
    // A header that names its content keeps its drugs readable beside PHI.
    expect(mask('dob,medication\n1957-03-04,Eliquis\n1961-11-02,Keytruda\n1970-01-15,Humira\n')).toBe('dob,medication\n[DATE],Eliquis\n[DATE],Keytruda\n[DATE],Humira\n');
  });
});

describe('subjects with particles and possessives', () => {
  it.each([
    ['17:20 Femke van Dijk checked in\n', 'Femke Dijk'],
    ["Aino Laaksonen's glucose log reviewed; no hypoglycaemia.", 'Aino Laaksonen'],
    ['Family present: Dang Minh Tuan and Makoa Kahananui and Femke van der Berg.\n', 'Dang Minh Tuan Makoa Kahananui Femke Berg'],
  ])('%s', (text, name) => {
    expectNoPartOf(mask(text), name);
  });

  it("a one-word possessive and a department's stay readable", () => {
    for (const text of ["Crohn's disease, quiescent.", "Cardiology's note reviewed.", "Mayo Clinic's records pending."]) expect(mask(text)).toBe(text);
  });
});
