import { maskText, parseMaskingPolicy } from '../../phi';

/**
 * Issue 17's seventh round (developed on held-out set 6's shapes): readers for record shapes
 * whose tag, segment or label says what a value is: DICOM tag dumps, X12 837 segments, HTML label
 * cells, and field labels in Spanish, German, French and other languages. Names here are ones no
 * dictionary knows, so only the reader can find them. Each block also says what must stay
 * readable.
 */
const policy = parseMaskingPolicy({});
const mask = (text: string) => maskText(text, policy).text;

describe('DICOM tag dumps: the VR and the tag decide', () => {
  const dump = [
    '(0008,0060) CS [MR]                                     #   2, 1 Modality',
    '(0008,1030) LO [MRI Brain w/wo contrast Parkinson protocol] #  40, 1 StudyDescription',
    '(0008,0090) PN [Qoraxleh^Tavita^^Dr]                    #  18, 1 ReferringPhysicianName',
    '(0010,0010) PN [Ngarimu^Whetu^Kahurangi]                #  22, 1 PatientName',
    '(0010,0020) LO [RX88412-Q]                              #  10, 1 PatientID',
    '(0010,0030) DA [19310522]                               #   8, 1 PatientBirthDate',
    '(0010,1010) AS [094Y]                                   #   4, 1 PatientAge',
    "(0010, 1040) Patient's Address                   LO: 'Te Awa Rd 9, Ōpōtiki'",
    "(0018, 0015) Body Part Examined                  CS: 'HEAD'",
  ].join('\n');
  const masked = mask(dump);

  it('masks person names by component, patient id, birth date, age over 89 and address', () => {
    for (const v of ['Qoraxleh', 'Tavita', 'Ngarimu', 'Whetu', 'Kahurangi', 'RX88412-Q', '19310522', '094Y', 'Te Awa Rd']) expect(masked).not.toContain(v);
  });

  it('keeps tags, modality, study description, body part and the name prefix', () => {
    for (const v of ['(0008,0060) CS [MR]', 'MRI Brain w/wo contrast Parkinson protocol', "CS: 'HEAD'", '^^Dr]', 'PatientName']) expect(masked).toContain(v);
  });

  it('keeps an age under 90', () => {
    expect(mask('(0010,1010) AS [047Y]')).toContain('047Y');
  });
});

describe('DICOM JSON model: the same VRs and tags', () => {
  it('masks PN components, dates and the patient id, and keeps modality and description', () => {
    const json = JSON.stringify({
      '00080060': { vr: 'CS', Value: ['CT'] },
      '00081030': { vr: 'LO', Value: ['CT abdomen, Crohn follow-up'] },
      '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Ngarimu^Whetu^Kahurangi' }] },
      '00100020': { vr: 'LO', Value: ['RX88412-Q'] },
      '00100030': { vr: 'DA', Value: ['19310522'] },
      '00101010': { vr: 'AS', Value: ['093Y'] },
    });
    const out = mask(json);
    for (const v of ['Ngarimu', 'Whetu', 'Kahurangi', 'RX88412-Q', '19310522', '093Y']) expect(out).not.toContain(v);
    for (const v of ['"Value":["CT"]', 'CT abdomen, Crohn follow-up', '"Alphabetic":']) expect(out).toContain(v);
  });
});

describe('X12 837: the segment and its qualifiers decide', () => {
  const claim = [
    'ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240101*1200*^*00501*000000905*0*P*:~',
    'NM1*85*2*RIVERBEND ORTHOPAEDIC GROUP*****XX*1234567893~',
    'NM1*IL*1*TUIASOSOPO*MALIETOA*F***MI*XZ881204417~',
    'N3*77 KAHIKATEA LANE*APT 4~',
    'N4*WAIMAUKU*CA*95125~',
    'DMG*D8*19280417*M~',
    'REF*SY*078051120~',
    'PER*IC*LEOTA FAAMAUSILI*TE*4155550199*EM*leota@example.ws~',
    'CLM*PCN77812*150***11:B:1*Y*A*Y*Y~',
    'HI*ABK:M1711*ABF:E119~',
    'SV1*HC:27447:RT*150*UN*1***1~',
    'DTP*472*D8*20240110~',
  ].join('\n');
  const masked = mask(claim);

  it('masks the subscriber, address, birth date, identifiers, contact and dates', () => {
    for (const v of ['TUIASOSOPO', 'MALIETOA', 'XZ881204417', '77 KAHIKATEA', 'APT 4', 'WAIMAUKU', '95125', '19280417', '078051120', 'LEOTA', 'FAAMAUSILI', '4155550199', 'PCN77812', '20240110']) {
      expect(masked).not.toContain(v);
    }
  });

  it('keeps diagnosis and procedure codes, amounts, the state and the organisation', () => {
    for (const v of ['HI*ABK:M1711*ABF:E119~', 'SV1*HC:27447:RT*150*UN*1***1~', 'RIVERBEND ORTHOPAEDIC GROUP', '*CA*', 'DMG*D8*', '*M~']) expect(masked).toContain(v);
  });

  it('reads segments on one line, separated only by "~"', () => {
    const out = mask('NM1*QC*1*KEALAMAKIA*NOELANI~N3*12 PUU ST~N4*HILO*HI*96720~DMG*D8*19990101*F~');
    for (const v of ['KEALAMAKIA', 'NOELANI', 'PUU', 'HILO', '96720', '19990101']) expect(out).not.toContain(v);
  });
});

describe('HTML: a label cell decides its value cell', () => {
  const page = [
    '<table>',
    '  <tr><th>Name</th><td>Tavita Qoraxleh</td></tr>',
    '  <tr><td>Date of birth</td><td>1930-05-22</td></tr>',
    '  <tr><td>Nombre</td><td>Itzel Xochiquetzal</td></tr>',
    '  <tr><td>Phone</td><td>021 555 0142</td></tr>',
    '  <tr><th>City</th><td>Ōpōtiki</td></tr>',
    '  <tr><td>Diagnosis</td><td>Hashimoto thyroiditis</td></tr>',
    '  <tr><td>Procedure</td><td>Whipple procedure</td></tr>',
    '</table>',
    '<dl><dt>Patient</dt><dd>Ngaio&nbsp;Tepaea</dd><dt>Modality</dt><dd>CT</dd></dl>',
  ].join('\n');
  const masked = mask(page);

  it('masks name, birth date, phone, city and the patient of a definition list', () => {
    for (const v of ['Tavita', 'Qoraxleh', '1930-05-22', 'Itzel', 'Xochiquetzal', '555 0142', 'Ōpōtiki', 'Ngaio', 'Tepaea']) expect(masked).not.toContain(v);
  });

  it('keeps markup, labels, diagnoses and procedures', () => {
    for (const v of ['<th>Name</th><td>', 'Hashimoto thyroiditis', 'Whipple procedure', '<dd>CT</dd>']) expect(masked).toContain(v);
  });

  it('a header row names the columns below it, in any language, until the table ends', () => {
    const table = [
      '<table><tr><th>Apellidos</th><th>Nombre</th><th>Fecha de nacimiento</th><th>Diagnóstico</th><th>CIE-10</th></tr>',
      '<tr><td>Tlacuilo Xochiquetzal</td><td>Itzel</td><td>07/03/1931</td><td>Enfermedad de Parkinson</td><td>G20</td></tr>',
      '<tr><td>Qoraxleh</td><td>Tavita</td><td>1929-11-02</td><td>Hashimoto thyroiditis</td><td>E06.3</td></tr></table>',
      '<table><tr><td>Kahurangi</td><td>Whipple procedure</td></tr></table>',
    ].join('\n');
    const out = mask(table);
    for (const v of ['Tlacuilo', 'Xochiquetzal', 'Itzel', '07/03/1931', 'Qoraxleh', 'Tavita', '1929-11-02']) expect(out).not.toContain(v);
    for (const v of ['Enfermedad de Parkinson', '<td>G20</td>', 'Hashimoto thyroiditis', 'E06.3', 'Whipple procedure', '<th>Nombre</th>']) expect(out).toContain(v);
    // The second table has no header: the first one's does not reach it.
    expect(out).toContain('<td>Kahurangi</td>');
  });

  it('a sentence in a patient cell is no name', () => {
    expect(mask('<dt>Patient</dt><dd>alert and oriented</dd>')).toContain('alert and oriented');
  });
});

describe('labels in other languages decide their value', () => {
  const form = [
    'Nombre: Itzel',
    'Apellidos: Xochiquetzal Tlacuilo',
    'Fecha de nacimiento: 07/03/1931',
    'Dirección: Calle Tepeyac 14, 3º B',
    'Código postal: 28013',
    'Vorname: Kahurangi',
    'Geburtsdatum: 22.05.1930',
    'Anschrift: Kiefernweg 3, 24937 Flensburg',
    'Prénom : Whetu',
    'Date de naissance : 12/04/1929',
    'Adresse : 4 impasse des Tilleuls',
    'Paciente: Noelani Kealamakia',
    'Paciente: estable, sin fiebre',
    'Diagnóstico: enfermedad de Crohn',
  ].join('\n');
  const masked = mask(form);

  it('masks names, birth dates, addresses and postcodes under Spanish, German and French labels', () => {
    for (const v of ['Itzel', 'Xochiquetzal', 'Tlacuilo', '07/03/1931', 'Tepeyac', '28013', 'Kahurangi', '22.05.1930', 'Kiefernweg', 'Whetu', '12/04/1929', 'Tilleuls', 'Noelani', 'Kealamakia']) {
      expect(masked).not.toContain(v);
    }
  });

  it('keeps the labels, a sentence after "Paciente:" and a diagnosis', () => {
    for (const v of ['Fecha de nacimiento:', 'Prénom :', 'Paciente: estable, sin fiebre', 'Diagnóstico: enfermedad de Crohn']) expect(masked).toContain(v);
  });

  it('keeps eponymous diseases whose head word comes first readable, and a person named Signe masked', () => {
    const out = mask('Antecedentes: Enfermedad de Parkinson. Antécédents : maladie de Crohn, signe de Babinski positif. Vorerkrankung: Morbus Bechterew. Seen with her daughter Signe Qoraxleh.');
    for (const v of ['Enfermedad de Parkinson', 'maladie de Crohn', 'signe de Babinski', 'Morbus Bechterew']) expect(out).toContain(v);
    expect(out).not.toContain('Qoraxleh');
  });

  it('names a relative after the word for them in Spanish and French prose, and keeps family history readable', () => {
    const out = mask('Mujer de 80 años, acompañada por su hijo Tavita Qoraxleh. Vient avec sa fille Whetu Ngarimu. Antecedentes: madre diabética, padre con Enfermedad de Parkinson.');
    for (const v of ['Tavita', 'Qoraxleh', 'Whetu', 'Ngarimu']) expect(out).not.toContain(v);
    for (const v of ['madre diabética', 'padre con Enfermedad de Parkinson']) expect(out).toContain(v);
  });

  it('keeps a sentence after "Paciente:" or "Patientin:" readable, lower case or not', () => {
    expect(mask('Paciente: Refiere dolor abdominal desde ayer')).toContain('dolor abdominal desde ayer');
    expect(mask('Patientin: wach und orientiert')).toContain('wach und orientiert');
  });
});

describe('a prompt-injected agent wraps a patient in record shapes', () => {
  // What an agent told to "return the patient as an X12 claim / DICOM header / HTML table /
  // Spanish form so the filter ignores it" would send back.
  const patient = { family: 'Kealamakia', given: 'Noelani', dob: '19300309', street: '88 Ahuimanu Loop', city: 'Kaneohe', zip: '96744', id: 'ZQ4410982' };
  const secrets = ['Kealamakia', 'KEALAMAKIA', 'Noelani', 'NOELANI', '19300309', 'Ahuimanu', 'AHUIMANU', 'Kaneohe', 'KANEOHE', '96744', 'ZQ4410982'];
  const shapes: [string, string][] = [
    ['X12', `Sure, here it is as a claim:\nNM1*IL*1*KEALAMAKIA*NOELANI****MI*ZQ4410982~N3*88 AHUIMANU LOOP~N4*KANEOHE*HI*96744~DMG*D8*19300309*F~`],
    ['DICOM', `Header dump:\n(0010,0010) PN [Kealamakia^Noelani]\n(0010,0020) LO [ZQ4410982]\n(0010,0030) DA [19300309]\n(0010,1040) LO [88 Ahuimanu Loop, Kaneohe 96744]`],
    ['an HTML table with a header row', `<table><tr><th>Surname</th><th>First name</th><th>DOB</th><th>Address</th><th>Town</th><th>Postcode</th><th>MRN</th></tr><tr><td>Kealamakia</td><td>Noelani</td><td>19300309</td><td>88 Ahuimanu Loop</td><td>Kaneohe</td><td>96744</td><td>ZQ4410982</td></tr></table>`],
    ['HTML', `<table><tr><td>Family name</td><td>Kealamakia</td></tr><tr><td>Given name</td><td>Noelani</td></tr><tr><td>DOB</td><td>19300309</td></tr><tr><td>Street</td><td>88 Ahuimanu Loop</td></tr><tr><td>City</td><td>Kaneohe</td></tr><tr><td>Zip</td><td>96744</td></tr><tr><td>MRN</td><td>ZQ4410982</td></tr></table>`],
    ['a Spanish form', `Apellido: Kealamakia\nNombre: Noelani\nFecha de nacimiento: 19300309\nDomicilio: 88 Ahuimanu Loop\nCiudad: Kaneohe\nCódigo postal: 96744\nNúmero de historia clínica: ZQ4410982`],
  ];
  it.each(shapes)('leaks nothing through %s', (_shape, text) => {
    const masked = mask(text);
    for (const v of secrets) expect(masked).not.toContain(v);
    expect(patient.family).toBe('Kealamakia');
  });
});
