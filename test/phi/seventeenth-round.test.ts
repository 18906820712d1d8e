import { expectGone, expectKept, mask } from './masked-text';

/**
 * Issue 17's seventeenth round: places, postcodes, phones, ages and dates in the forms the
 * development sets' misses (sets 4, 8 and 9, printed by `eval:phi -- --misses`) fell into, grouped
 * by family. The sentences and values are written for these tests; sets 10-12 are blind and were
 * never read (only their aggregate figures).
 */

describe('postcode and town after a street, with only a space between', () => {
  it('Nordic, Dutch and Polish addresses running on in a sentence', () => {
    const masked = mask(
      'Pasienten bor i Fjellveien 14 5031 Bergen, 2. etasje.\nWoont aan de Kerkstraat 9b 6211 LK Maastricht.\nZam. ul. Polna 12 60-535  Poznań, przyjęta.\nBor på Ågatan 7 C 582 22 Linköping och har hemtjänst.\n',
    );
    expectGone(masked, ['5031', 'Bergen', '6211 LK', 'Maastricht', '60-535', 'Poznań', ' C ', '582 22', 'Linköping']);
    expectKept(masked, ['2. etasje', 'przyjęta', 'och har hemtjänst']);
  });

  it('a dose or a count after a street stays', () => {
    const masked = mask('Walked to 12 Main Street 2 times today.\n');
    expectKept(masked, ['2 times today']);
  });
});

describe('a postcode with letters after the town that follows an address', () => {
  it('Irish Eircodes and British postcodes after ", Town,"', () => {
    const masked = mask('Delivered to 4 Quay Street, Kinsale, P17 WK20 — 2 boxes.\nTaken to 19 Priory Lane, Ludlow SY8 1DX at noon.\n');
    expectGone(masked, ['Kinsale', 'P17 WK20', 'Ludlow', 'SY8 1DX']);
    expectKept(masked, ['2 boxes', 'at noon']);
  });

  it('"postcode DL3 7LX" and "PLZ L-9540": a lettered postcode after its label', () => {
    const masked = mask('Lives alone; postcode TS18 2QW is outside our area. PLZ L-4170 laut Karte.\n');
    expectGone(masked, ['TS18 2QW', 'L-4170']);
    expectKept(masked, ['is outside our area', 'laut Karte']);
  });
});

describe('the flat first, and Irish street types', () => {
  it('"Apartment 6, The Maltings, Mill Street" and "2 Bóthar na Trá" with their town and Eircode', () => {
    const masked = mask('Gardaí attended Flat 3, The Granary, Bridge Street, Westport F28 HX42 at 9 pm.\nDrop at 5 Bóthar na Cille, Dungarvan, X35 KD21 — 1 bag.\n');
    expectGone(masked, ['Flat 3', 'Granary', 'Bridge Street', 'Westport', 'F28 HX42', 'Bóthar na Cille', 'Dungarvan', 'X35 KD21']);
    expectKept(masked, ['at 9 pm', '1 bag']);
  });

  it('"Suite 2, Level 3" and "Unit 4, Ward B" are no street (no street type closes them)', () => {
    const masked = mask('Wait in Suite 2, Level 3 for review. Bed in Unit 4, Ward B.\n');
    expect(masked).toBe('Wait in Suite 2, Level 3 for review. Bed in Unit 4, Ward B.\n');
  });
});

describe('Nordic streets named in the genitive', () => {
  it('"Henrik Ibsens gate 21" after "bor i" or before a postcode', () => {
    const masked = mask('Pasienten bor i Henrik Ibsens gate 21, 0255 Oslo.\nAdresse: Kong Haakons vei 4\n7010 Trondheim\n');
    expectGone(masked, ['Henrik Ibsens gate 21', '0255', 'Kong Haakons vei 4', '7010', 'Trondheim']);
  });

  it('an English plural before "gate 3" stays', () => {
    const masked = mask('Visitors use gate 3 after 8 pm. Flights gate 12 delayed.\n');
    expect(masked).toBe('Visitors use gate 3 after 8 pm. Flights gate 12 delayed.\n');
  });
});

describe('where a person is from', () => {
  it('"<a named person> of <town>" closing the clause', () => {
    const masked = mask('Survived by her sons Tupac Mamani of Cochabamba and Ilias Papadakis of Volos.\nRev. Onni Laaksonen of Kuopio, was called.\n');
    expectGone(masked, ['Cochabamba', 'Volos', 'Kuopio']);
  });

  it('"Dr X of Cardiology" and "Jane Roe of the practice" stay readable after the name', () => {
    const masked = mask('Seen by Dr Amara Okafor of Cardiology and Jane Roe of the practice team.\n');
    expectKept(masked, ['of Cardiology', 'of the practice team']);
  });

  it('a relative and the town they live in ("dochter in Zwolle", "her son in Leeds")', () => {
    const masked = mask('Mevrouw woont bij haar zoon in Hoorn.\nHer daughter in Swindon, rang today.\nHennes dotter i Kiruna ringde.\n');
    expectGone(masked, ['Hoorn', 'Swindon', 'Kiruna']);
  });

  it('a relative in a ward, a year or a German noun stays', () => {
    const masked = mask('Her son in ICU. Daughter in Year 3. Tochter in Behandlung, sister in law.\n');
    expect(masked).toBe('Her son in ICU. Daughter in Year 3. Tochter in Behandlung, sister in law.\n');
  });

  it('coming, calling, moving and dying somewhere, in five languages', () => {
    const masked = mask(
      'Her nephew flew in from Halifax yesterday.\nThey plan to move her from Moncton to a care home.\nSonen ringde från Skellefteå i morse. Dottern vill att hon flyttas närmare Sundsvall.\nVom Notarzt aus Görlitz eingeliefert; Verlegung nach Zittau erbeten.\nHer sister died at ninety-four in Lübeck; no cancer known.\nSuivie par le Dr Ana Roux à Quimper depuis 2012.\n',
    );
    expectGone(masked, ['Halifax', 'Moncton', 'Skellefteå', 'Sundsvall', 'Görlitz', 'Zittau', 'Lübeck', 'Quimper']);
    expectKept(masked, ['to a care home', 'eingeliefert', 'no cancer known']);
  });

  it('a hospital named for its town gives the town away; "Mass General" and saints stay', () => {
    const masked = mask('Brought to Tralee University Hospital.\nConveyed to ED at Dundee General.\nSeen at Mass General. Transferred to St Vincent University Hospital.\n');
    expectGone(masked, ['Tralee', 'Dundee']);
    expectKept(masked, ['Mass General', 'St Vincent University Hospital']);
  });
});

describe('phones with a national grouping after a phone word', () => {
  it('Nordic, Polish, French, German and Australian numbers, a full stop after them', () => {
    const masked = mask(
      'Ektefelle, tlf. 915 42 806.\nProsi o kontakt pod nr 601 442 918.\nBad om återkoppling på 031-704 12 85.\nLa fille, joignable au 0493 12 45 67, souhaite être informée.\nTelefonisch unter +49 (0)89 412 7730 erreichbar.\nHer GP can be reached on (08) 9227 4410.\n',
    );
    expectGone(masked, ['915 42 806', '601 442 918', '031-704 12 85', '0493 12 45 67', '(0)89 412 7730', '9227 4410']);
  });

  it('an invalid SSN on an old form and a claim number stay what they are', () => {
    const masked = mask('Invalid number on old form: 000-41-2290. Claim number: 07-4412093.\n');
    expectKept(masked, ['000-41-2290']);
    expect(masked).not.toContain('[PHONE]');
  });

  it('doses and readings after a phone word are no phone', () => {
    const masked = mask('Call if BP 150 90 or above; contact nurse re 250 500 mg.\n');
    expect(masked).toBe('Call if BP 150 90 or above; contact nurse re 250 500 mg.\n');
  });
});

describe('labelled national numbers', () => {
  it('"NHS number is ...", "NHI#:" and "Aadhaar"', () => {
    const masked = mask('Her NHS number is 401 023 2137 and her NHI#: ZZZ0016, Aadhaar 4821 7730 9152.\n');
    expectGone(masked, ['401 023 2137', 'ZZZ0016', '4821 7730 9152']);
  });

  it('"plate # NHI-9200" stays a plate, whole', () => {
    const masked = mask('Vehicle plate # NHI-4471 seen.\n');
    expect(masked).toBe('Vehicle plate # [LICENSE_PLATE] seen.\n');
  });
});

describe('ages over 89 in Dutch, Nordic and Polish words, and "she\'s 103"', () => {
  it('number words with their unit', () => {
    const masked = mask('Mevrouw is drieënnegentig jaar.\nPat. är nittiofem år.\nHan er nittiseks år.\nPacjentka w wieku dziewięćdziesiąt trzy lat.\ncaller: she\'s 102 now\n');
    expectGone(masked, ['drieënnegentig', 'nittiofem', 'nittiseks', 'dziewięćdziesiąt trzy', '102']);
    expectKept(masked, ['jaar', 'år', 'lat']);
  });

  it('younger ages and number words without a unit stay', () => {
    const masked = mask('Mevrouw is zesenzestig jaar. Negentig procent. She\'s 45 today.\n');
    expect(masked).toBe('Mevrouw is zesenzestig jaar. Negentig procent. She\'s 45 today.\n');
  });
});

describe('dates', () => {
  it('Polish genitive months with "r.", a day with a full stop, a two-digit year after an apostrophe', () => {
    const masked = mask('Data urodzenia 14 października 1938 r. według dokumentów.\n(f. 3. december 1931)\nvom 21. August 1944 bis\nSeen on Feb. 11, \'19.\n');
    expectGone(masked, ['14 października 1938 r.', '3. december 1931', '21. August 1944', "Feb. 11, '19"]);
    expectKept(masked, ['według dokumentów', 'bis']);
  });
});
