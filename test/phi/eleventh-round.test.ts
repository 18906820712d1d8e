import { mask, expectGone } from './masked-text';

/**
 * Issue 17's eleventh round: rules for the families of misses named on sets 5-9 (names and places
 * in Dutch, Nordic, Polish, German and French prose, ages and places beside a person). The
 * sentences here are written for these tests, not taken from any held-out set. Each test fails
 * without its rule.
 */

describe('names in the prose of other languages', () => {
  it('after a form of address or a kin word written in lower case mid-sentence', () => {
    const masked = mask(
      'Hierbij verwijs ik mevrouw Tjitske Halbersma naar uw spreekuur.\n' +
        'Wir berichten über Herrn Jörg Maibach, geboren 1931.\n' +
        'Anhörig: dottern Maja. Datter Sigrid ringte i dag.\n' +
        'Chaplain visited Ruairi Mac Giolla in room 12.',
    );
    expectGone(masked, ['Tjitske', 'Halbersma', 'Maibach', 'Maja', 'Sigrid', 'Ruairi', 'Giolla']);
  });

  it('a person described by an age or a birth right after the name, no dictionary needed', () => {
    const masked = mask(
      'Obituary: Tadgh Ó Briain, 96, of Galway, died peacefully on Sunday.\n' +
        'Pasienten Kari Nordby (95) bor alene.\n' +
        'Pacjentka Halina Wróblewska, lat 91, przyjęta z powodu duszności.\n' +
        'Betreft: Wessel Okkema, geboren 03-04-1931.',
    );
    expectGone(masked, ['Tadgh', 'Ó Briain', 'Kari', 'Nordby', 'Halina', 'Wróblewska', 'Wessel', 'Okkema']);
  });

  it('a name joined by "and" to a name found, and a one-word caller', () => {
    const masked = mask('He is survived by his daughters Nuala and Sorcha.\nhi this is mairead calling about my dad');
    expectGone(masked, ['Nuala', 'Sorcha', 'mairead']);
  });

  it('a telephone area code, a street before its postcode and "me calling" stay', () => {
    const text = 'Tel (903) 879-1159 for results.\nHome address N6W23001 Bluemound Rd, 53072 Pewaukee\nhi this is me calling again';
    const masked = mask(text);
    expect(masked).toContain('Tel [PHONE]');
    expect(masked).not.toContain('[NAME]');
    expect(masked).toContain('this is me calling');
  });
});

describe('places in running prose', () => {
  it('after verbs of living, birth and death in Dutch, Swedish, Norwegian, Polish, German and English', () => {
    const masked = mask(
      'Mevrouw woont te Leeuwarden. Hon bor kvar i Umeå. Han bor alene i Tromsø.\n' +
        'Pani mieszka w Krakowie. Died at home in Kendal last week.',
    );
    expectGone(masked, ['Leeuwarden', 'Umeå', 'Tromsø', 'Krakowie', 'Kendal']);
  });

  it('a postcode between the cue and the place, a place after an age, German word order', () => {
    const masked = mask(
      'Ektefelle bor i 4021 Stavanger.\nFrau Wiebke Tamsen, 91 Jahre, aus Husum, wurde aufgenommen.\n' +
        'Mr Hemi Takerei, aged 97, from Rotorua, was reviewed.\nDer Patient, der in Bautzen lebt, kam allein.',
    );
    expectGone(masked, ['4021', 'Stavanger', 'Husum', 'Rotorua', 'Bautzen']);
  });

  it('a ward, a hospital or a month after the same words stays', () => {
    const text = 'She died in Hospital on the ward. Lives alone in January? No: moved, at home in Recovery.';
    expect(mask(text)).toBe(text);
  });
});

describe('ages over 89 in Dutch, Nordic, Polish and English prose', () => {
  it('glued units, words before the number, and an age right after a name', () => {
    const masked = mask(
      'De 94-jarige patiënt. En 96-årig kvinna, 97-åring. 92-letnia kobieta.\n' +
        'Pacjentka w wieku 93 lat. Hon fyllde 98 i fjol. He turned 99 in May.\n' +
        'Kari Nordby (95) bor alene. Tadgh Ó Briain, 91, of Galway.\n' +
        "she's ninety three and lives alone",
    );
    expectGone(masked, ['94', '96', '97', '92', '93', '98', '99', '95', '91', 'ninety three']);
  });

  it('a saturation in brackets, an area code and a younger age stay', () => {
    const text = 'Ward 12 bed (95) saturation 95, pulse 96. Call Smith (912) 555-0101. Anna Berg, 67, of Lund.';
    const masked = mask(text);
    expect(masked).toContain('bed (95) saturation 95, pulse 96');
    expect(masked).not.toContain('[AGE]');
  });
});

describe('the rest of an address in Nordic, Polish and Irish forms', () => {
  it('a unit after the house, a city after i/w/på with the sentence going on, an Eircode, osiedle', () => {
    const masked = mask(
      'Hemadress Ringvägen 12 B, 831 42 Östersund.\nHon bor på Storgatan 5 i Umeå sedan 1990.\n' +
        'Mieszka przy ul. Długiej 5 m. 3 w Krakowie.\nzam. os. Słoneczne 12/4, 60-101 Poznań\n' +
        'Stop 7 - 14 Harbour View, Kilrush V15 XY22 - parcel at door',
    );
    expectGone(masked, ['Ringvägen', '831 42', 'Östersund', 'Umeå', 'm. 3', 'Krakowie', 'Słoneczne', '60-101', 'Poznań', 'Kilrush', 'V15 XY22']);
  });

  it('a sentence after an address without a place stays', () => {
    const masked = mask('Hon bor på Storgatan 5 i dag och mår bra.');
    expect(masked).toContain(' i dag och mår bra.');
  });
});

describe('the speed-ups find what the slower code found', () => {
  it('lower-case dictionary names are still read (the tokenizer skips only words no name hashes to)', () => {
    const masked = mask('spoke with maria garcia today; josé garcía called back');
    expectGone(masked, ['maria', 'garcia', 'josé', 'garcía']);
  });

  it('a record number is checked for what it is glued to in code: a letter, ".,/-", a digit and a space, a letter outside the BMP (Deseret)', () => {
    const text = 'Maria Okafor  1234567\nMaria Okafor  x1234567\nMaria Okafor  5 1234567\nMaria Okafor  𐐀1234567\nMaria Okafor  /1234567';
    const lines = mask(text).split('\n');
    expect(lines[0]).toContain('[MRN]');
    for (const line of lines.slice(1)) expect(line).not.toContain('[MRN]');
  });
});
