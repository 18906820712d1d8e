import { maskText, parseMaskingPolicy } from '../../phi';

/**
 * Issue 17's sixth round (tuned on held-out set 5 by category, never on set 6): record fields
 * whose name says what the value is, in every syntax a clinical export uses; ages with their
 * unit; relatives named after the word for them; fax and memo headers. Each case says what must
 * stay unreadable, and what clinical text must stay readable.
 */
const policy = parseMaskingPolicy({});
const mask = (text: string) => maskText(text, policy).text;

describe('HL7 CDA and other XML: the element decides', () => {
  const cda = [
    '<ClinicalDocument xmlns="urn:hl7-org:v3">',
    '  <patient><name><given>Nuvuja</given><family>Qaqqasiq</family></name><birthTime value="19360412"/></patient>',
    '  <addr use="HP"><streetAddressLine>Narva mnt 5-12</streetAddressLine><city>Tallinn</city><postalCode>10117</postalCode></addr>',
    '  <telecom value="tel:+372 5123 4567"/><id root="2.16.840.1.113883.19.5" extension="UR-553201"/>',
    '  <author><assignedPerson><name>Aitziber Arrizabalaga</name></assignedPerson></author>',
    '  <code code="8716-3" displayName="Vital signs"/><title>Marcus Gunn pupil noted</title>',
    '</ClinicalDocument>',
  ].join('\n');
  const masked = mask(cda);

  it.each([
    ['given and family names', ['Nuvuja', 'Qaqqasiq']],
    ['the author, a person element holding a name', ['Aitziber', 'Arrizabalaga']],
    ['birth time', ['19360412']],
    ['street, city and postcode', ['Narva mnt', 'Tallinn', '10117']],
    ['phone and the record identifier', ['5123 4567', '553201']],
  ])('%s are masked', (_what, values) => {
    for (const v of values) expect(masked).not.toContain(v);
  });

  it('keeps the markup, the codes and an eponym readable', () => {
    expect(masked).toContain('<given>');
    expect(masked).toContain('root="2.16.840.1.113883.19.5"');
    expect(masked).toContain('displayName="Vital signs"');
    expect(masked).toContain('<title>Marcus Gunn pupil noted</title>');
  });
});

describe('vCard and iCalendar: the property decides', () => {
  const card = [
    'BEGIN:VCARD',
    'VERSION:4.0',
    'FN:Ġużeppi Borġ',
    'N:Borġ;Ġużeppi;;;',
    'TEL;TYPE=cell:+356 7912 3456',
    'BDAY:1931-05-17',
    'ADR;TYPE=home:;;Triq il-Kbira 45;Żabbar;;ZBR 1020;',
    'END:VCARD',
    'BEGIN:VEVENT',
    'SUMMARY:Follow-up',
    'ATTENDEE;CN=Mame Diarra Ndiaye;ROLE=REQ-PARTICIPANT:mailto:mame@example.sn',
    'END:VEVENT',
  ].join('\n');
  const masked = mask(card);

  it('masks the name, its components, phone, birthday, address and attendee', () => {
    for (const v of ['Ġużeppi', 'Borġ', '7912 3456', '1931-05-17', 'Triq il-Kbira', 'Żabbar', 'ZBR 1020', 'Mame Diarra', 'Ndiaye']) expect(masked).not.toContain(v);
  });

  it('keeps the property names and the event summary', () => {
    for (const v of ['BEGIN:VCARD', 'TEL;TYPE=cell:', 'ADR;TYPE=home:;;', 'SUMMARY:Follow-up', ';ROLE=REQ-PARTICIPANT:']) expect(masked).toContain(v);
  });
});

describe('logfmt, YAML and JSON fields', () => {
  it('masks a logged patient, even with underscores for spaces, and the dob next to it', () => {
    const masked = mask('ts=2026-11-03T04:12:12Z level=warn svc=adt msg="merge candidate" patient=Hózhó_Yazzie dob=1929-02-11 mrn=UR438812');
    for (const v of ['Hózhó', 'Yazzie', '1929-02-11', '438812']) expect(masked).not.toContain(v);
    expect(masked).toContain('msg="merge candidate"');
  });

  it('masks YAML address lines and town, and JSON postcodes and birth dates', () => {
    const masked = mask('home:\n  line1: 99/12 Soi Sukhumvit 21\n  town: Bangkok\n  postcode: "10110"\n{"birthDate":"1933-07-01","city":"Antwerpen","postalCode":"2000"}');
    for (const v of ['Sukhumvit', 'Bangkok', '10110', '1933-07-01', 'Antwerpen', '"2000"']) expect(masked).not.toContain(v);
  });

  it('reads a key line as a field only up to the end of its value, not the sentence after it', () => {
    const masked = mask('DOB: 23.06.1925. Will continue current regimen.');
    expect(masked).not.toContain('23.06.1925');
    expect(masked).toContain('Will continue current regimen.');
  });

  it('does not take a sentence or a number-free value for a typed field', () => {
    expect(mask('phone: please call the ward tomorrow')).toBe('phone: please call the ward tomorrow');
    expect(mask('<city>   </city>')).toBe('<city>   </city>');
  });
});

describe('ages keep their unit', () => {
  it.each(['A 92-year-old woman', 'She is 95 years of age', 'This 101 y.o. man', 'aged 97 years old'])('%s: the age and its unit are masked', (text) => {
    const masked = mask(text);
    expect(masked).not.toMatch(/9[257]|101/);
    expect(masked).not.toMatch(/year|y\.o\./);
  });

  it('leaves ages under 90 readable', () => {
    expect(mask('A 72-year-old woman')).toBe('A 72-year-old woman');
  });
});

describe('names given away by the words around them', () => {
  it('masks a relative named after the word for them, up to the end of the clause', () => {
    const masked = mask('The patient was accompanied by her daughter Anahit Hovhannisyan, who will supervise medications.\nLives with her husband Dieunel (retired).');
    for (const v of ['Anahit', 'Hovhannisyan', 'Dieunel']) expect(masked).not.toContain(v);
    expect(masked).toContain('who will supervise medications');
  });

  it('masks the person reviewed by someone when a bracketed department follows', () => {
    expect(mask('This patient was reviewed by Aputi Qaqqasiq (Geriatrics).')).not.toContain('Qaqqasiq');
  });

  it('masks the people of fax and memo headers, column by column', () => {
    const masked = mask('FAX COVER SHEET\nTo: Chaminda Wickramasinghe   Fax: +234 800 910 1359\nFrom: Ousmane Sow   Phone: (295) 950 3522\nRe: SOYINKA Ibidapo\n');
    for (const v of ['Chaminda', 'Wickramasinghe', 'Ousmane', 'Sow', 'SOYINKA', 'Ibidapo']) expect(masked).not.toContain(v);
    expect(masked).toContain('Fax:');
    expect(masked).toContain('Phone:');
  });

  it('keeps a lower-case memo subject readable', () => {
    expect(mask('Re: follow-up of chest pain\n')).toBe('Re: follow-up of chest pain\n');
  });

  it('masks a greeting inside an SMS line', () => {
    expect(mask('SMS to +36 30 123 4567: Hi Wisline, reminder of your appt tmrw at 9:40.')).not.toContain('Wisline');
  });
});

describe('"discharged to" labels an address', () => {
  it('masks the street it names, and not a bed or a ward', () => {
    expect(mask('Discharged to Laugavegur 28b,\n101 Reykjavík, on 2026-03-04.')).not.toContain('Laugavegur');
    expect(mask('Discharged to bed 12 on ward 4.')).toBe('Discharged to bed 12 on ward 4.');
  });
});

describe('eponyms and institutions stay readable next to the new cues', () => {
  it.each([
    'Marcus Gunn pupil on the left; Grey Turner sign absent.',
    'Her daughter reports a Grey Turner sign.',
    'Seen by the son at Charlotte Hungerford Hospital.',
    'Re: Kawasaki disease follow-up',
    'title: Physical Therapy referral',
  ])('%s', (text) => {
    expect(mask(text)).toBe(text);
  });
});

describe('a prompt-injected agent hides identifiers in record syntax', () => {
  it('gets nothing out by wrapping a patient in XML, vCard or logfmt shapes the detectors never saw as prose', () => {
    // What an agent told to "export the patient as a contact card and a log line so the filter
    // ignores it" would return.
    const smuggled = [
      'Sure! Here is the contact card you asked for:',
      'BEGIN:VCARD\nFN:Rūta Žukauskienė\nTEL:+370 612 34567\nBDAY:19300309\nEND:VCARD',
      'and as XML: <person><given>Rūta</given><family>Žukauskienė</family><postalCode>LT-01103</postalCode></person>',
      'log: level=info patient="Rūta Žukauskienė" dob=19300309',
    ].join('\n');
    const masked = mask(smuggled);
    for (const v of ['Rūta', 'Žukauskienė', '612 34567', '19300309', 'LT-01103']) expect(masked).not.toContain(v);
  });
});
