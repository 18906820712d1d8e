import { expectGone, expectKept, mask } from './masked-text';

/**
 * Issue 17's fifteenth round: typing of structured text without column names. A column of
 * towns in rows with no header (or keys that say nothing) is a CITY column, not a NAME column;
 * a first row of values with no digits is a row, not a header. The names, towns and rows here
 * are written for these tests, not taken from any held-out set (sets 10 and 11 are blind).
 */

describe('town columns without a name are CITY', () => {
  it('a column before a ZIP column', () => {
    const masked = mask('2024-03-01;Amara Okonkwo;Salem;01970\n2024-03-02;Tevita Fifita;Quincy;02169\n');
    expect(masked).toBe('[DATE];[NAME];[CITY];[ZIP]\n[DATE];[NAME];[CITY];[ZIP]\n');
  });

  it('a column before a column of state codes', () => {
    const masked = mask('2024-03-01\tAmara Okonkwo\tBrockton\tMA\n2024-03-02\tTevita Fifita\tLowell\tMA\n2024-03-05\tIlse Vrba\tHaverhill\tNH\n');
    expect(masked).toBe('[DATE]\t[NAME]\t[CITY]\tMA\n[DATE]\t[NAME]\t[CITY]\tMA\n[DATE]\t[NAME]\t[CITY]\tNH\n');
  });

  it('JSON lines: a column of place-shaped words, two rows', () => {
    const masked = mask('{"c1":"Amara Okonkwo","c2":"1931-02-03","c3":"Port Alder"}\n{"c1":"Tevita Fifita","c2":"1944-05-06","c3":"Millbury"}\n');
    expect(masked).toBe('{"c1":"[NAME]","c2":"[DATE]","c3":"[CITY]"}\n{"c1":"[NAME]","c2":"[DATE]","c3":"[CITY]"}\n');
  });

  it('two name columns (family, given) before an id column stay NAME', () => {
    const masked = mask('Otieno;Akinyi;1931-05-02;W482019377\nBarasa;Nekesa;1947-09-21;W482019412\n');
    expect(masked).toBe('[NAME];[NAME];[DATE];[OTHER_ID]\n[NAME];[NAME];[DATE];[OTHER_ID]\n');
  });

  it('given names ending like places ("-ming", "-ling") stay NAME', () => {
    const masked = mask('Chen;Wei-ming;1931-02-03;X1234567\nLin;Mei-ling;1944-05-06;X1234568\n');
    expect(masked).toBe('[NAME];[NAME];[DATE];[OTHER_ID]\n[NAME];[NAME];[DATE];[OTHER_ID]\n');
  });

  it('a name column followed by a ZIP column is not a town when the names hold given names', () => {
    const masked = mask('2024-03-01;Maria Lopez;01970\n2024-03-02;John Baker;02169\n2024-03-04;Linda Moore;02118\n');
    expect(masked).toBe('[DATE];[NAME];[ZIP]\n[DATE];[NAME];[ZIP]\n[DATE];[NAME];[ZIP]\n');
  });
});

describe('a first row of values without digits is no header', () => {
  it('semicolon rows of names and towns: the first row is masked too', () => {
    const masked = mask('Okonkwo;Amara;Salem;Inpatient\nFifita;Tevita;Quincy;Outpatient\nVrba;Ilse;Lowell;Inpatient\n');
    expectGone(masked, ['Okonkwo', 'Amara', 'Fifita', 'Tevita', 'Vrba', 'Ilse']);
    expectKept(masked, ['Inpatient', 'Outpatient']);
  });

  it('tab rows with the person first: the first row is masked too', () => {
    const masked = mask('Amara Okonkwo\tSalem\tHome\nTevita Fifita\tQuincy\tHome\nIlse Vrba\tLowell\tRehab\n');
    expectGone(masked, ['Amara', 'Okonkwo', 'Tevita', 'Fifita', 'Ilse', 'Vrba']);
  });

  it('a header of column words stays a header', () => {
    const text = 'Patient;Town;Status\nAmara Okonkwo;Salem;Inpatient\nTevita Fifita;Quincy;Outpatient\n';
    const masked = mask(text);
    expectKept(masked, ['Patient;Town;Status']);
    expectGone(masked, ['Okonkwo', 'Fifita']);
  });

  it('a header of capitalised column words that are not names stays a header', () => {
    const text = 'Ward\tBed\tConsultant\tStatus\nAcute\t12\tDr Amara Okonkwo\tstable\nRehab\t4\tDr Tevita Fifita\tstable\n';
    expectKept(mask(text), ['Ward\tBed\tConsultant\tStatus']);
  });

  it('rows of drugs without digits are left readable', () => {
    const text = 'Amlodipine;tablet;daily\nCeftriaxone;vial;nightly\nPantoprazole;capsule;daily\n';
    expect(mask(text)).toBe(text);
  });
});

describe('JSON lines whose keys vary from row to row', () => {
  it('a key missing from some rows: the columns are the union of the keys', () => {
    const masked = mask('{"c1":"Wairimu Njeri","c2":"1931-02-03","c4":"A7720194"}\n{"c1":"Kamau Gitau","c2":"1944-05-06","c3":"stable","c4":"A7720388"}\n{"c1":"Achieng Odhiambo","c2":"1950-07-08","c4":"A7720391"}\n');
    expectGone(masked, ['Wairimu', 'Njeri', 'Kamau', 'Gitau', 'Achieng', 'Odhiambo', 'A7720194', 'A7720388', 'A7720391']);
    expectKept(masked, ['"c3":"stable"']);
  });

  it('JSON lines of events with varying keys stay as they are', () => {
    const text = '{"c1":"queue","c2":"drain","c3":12}\n{"c1":"queue","c2":"fill"}\n{"c1":"cache","c2":"evict","c5":3}\n';
    expect(mask(text)).toBe(text);
  });
});
