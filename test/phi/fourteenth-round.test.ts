import { expectGone, expectKept, mask } from './masked-text';

/**
 * Issue 17's fourteenth round: structured text whose columns are not named. Rows of values with
 * no header line (TSV, semicolon or pipe separated) and JSON lines or JSON arrays of arrays in a
 * text, where a column's values as a whole look like names, places or identifiers in a table that
 * also holds dates. The names and rows here are written for these tests, not copied from any
 * held-out set (sets 10 and 11 are blind). Each positive test fails without the round's rules;
 * each negative one pins a guard.
 */

describe('rows without a header line', () => {
  it('tab-separated rows: the name, birth date and record number columns are masked', () => {
    const masked = mask('Export follows\nWaweru Gachuhi\t03/14/1938\tKisumu\t88310274\nAbebech Lemma\t11/02/1941\tGondar\t88310275\nTefera Wondimu\t07/30/1929\tDessie\t88310291\n');
    expectGone(masked, ['Waweru', 'Gachuhi', 'Abebech', 'Lemma', 'Tefera', 'Wondimu', '03/14/1938', '88310274', '88310291']);
  });

  it('semicolon rows with the family and given name in two columns', () => {
    const masked = mask('Otieno;Akinyi;1931-05-02;Nyeri;W482019377\nBarasa;Nekesa;1947-09-21;Bungoma;W482019412\n');
    expectGone(masked, ['Otieno', 'Akinyi', 'Barasa', 'Nekesa', 'W482019377', '1947-09-21']);
  });

  it('pipe rows with the name in the second column', () => {
    const masked = mask('7731002|Kiplagat Chepkoech|1936-02-11|0722 418 305\n7731019|Jelimo Kosgei|1952-12-01|0733 902 117\n7731044|Ruto Cheruiyot|1944-06-17|0711 300 245\n');
    expectGone(masked, ['Kiplagat', 'Chepkoech', 'Jelimo', 'Kosgei', 'Ruto', 'Cheruiyot']);
  });

  it('rows of drugs, doses and counts stay readable', () => {
    const text = 'Amlodipine;5 mg;30;tablet;daily\nCeftriaxone;1 g;1;vial;IV q24h\nPantoprazole;40 mg;28;capsule;before breakfast\n';
    expect(mask(text)).toBe(text);
  });

  it('a dated medication list without a header keeps its drug names', () => {
    const masked = mask('2024-03-01\tAmlodipine\t5 mg\tdaily\n2024-03-02\tAtorvastatin\t20 mg\tnightly\n2024-03-04\tLisinopril\t10 mg\tdaily\n');
    expectKept(masked, ['Amlodipine', 'Atorvastatin', 'Lisinopril', '5 mg', 'nightly']);
  });

  it('prose lines with the same number of commas are no table', () => {
    const text = 'Seen today, alert, oriented, walking with a frame.\nEating well, sleeping, no pain, family happy.\nPlan: review bloods, continue, discharge soon.\n';
    expect(mask(text)).toBe(text);
  });
});

describe('JSON lines and JSON arrays in text, keys saying nothing', () => {
  it('JSON lines with keys c1..c5', () => {
    const masked = mask('Rows:\n{"c1":"Mutua Kioko","c2":"1933-08-09","c3":"Machakos","c4":"A7720194","c5":"stable"}\n{"c1":"Wanjala Simiyu","c2":"1940-01-23","c3":"Kitale","c4":"A7720388","c5":"improving"}\n{"c1":"Chebet Langat","c2":"1928-10-30","c3":"Kericho","c4":"A7721005","c5":"stable"}\n');
    expectGone(masked, ['Mutua', 'Kioko', 'Wanjala', 'Simiyu', 'Chebet', 'Langat', 'A7720194', 'A7721005', '1940-01-23']);
    expectKept(masked, ['"c1":', '"c5":"stable"', 'improving']);
  });

  it('JSON arrays of arrays, one row a line', () => {
    const masked = mask('[\n ["Onyango Ochieng", "1939-04-17", "H-448201"],\n ["Atieno Awino", "1946-07-05", "H-448233"],\n ["Nafula Wekesa", "1931-11-29", "H-448260"]\n]\n');
    expectGone(masked, ['Onyango', 'Ochieng', 'Atieno', 'Awino', 'Nafula', 'Wekesa', 'H-448233']);
  });

  it('JSON lines of events without PHI stay as they are', () => {
    const text = '{"c1":"queue","c2":"drain","c3":12}\n{"c1":"queue","c2":"fill","c3":40}\n{"c1":"cache","c2":"evict","c3":3}\n';
    expect(mask(text)).toBe(text);
  });

  it('a column under a key that names its content stays readable', () => {
    const masked = mask('{"date":"2024-03-01","medication":"Amlodipine","dose":"5 mg"}\n{"date":"2024-03-02","medication":"Metoprolol","dose":"25 mg"}\n{"date":"2024-03-03","medication":"Furosemide","dose":"40 mg"}\n');
    expectKept(masked, ['Amlodipine', 'Metoprolol', 'Furosemide']);
  });
});

describe('what the headerless rows leave to other readers', () => {
  it('HL7 segments are not read as rows, and a column of sex codes is no name', () => {
    const hl7 = mask('PID|1||4410023^^^HOSP^MR||OKOTH^ZAWADI||19470311|F\nPID|2||4410087^^^HOSP^MR||KAMAU^BARAKA||19520620|M\n');
    expectKept(hl7, ['|F\n', '|M\n']);
    const masked = mask('Q;F;1988-02-01;ward 4\nR;M;1990-07-12;ward 5\nS;F;1979-11-30;ward 4\n');
    expectKept(masked, ['Q;F;', 'R;M;', 'S;F;']);
  });
});

describe('a person described by a birth or an age in the words of other languages', () => {
  it('birth words after the name: Czech, Croatian, Hungarian in brackets, Afrikaans, Malay', () => {
    const masked = mask(
      'Propuštěna pacientka Nyokabi Gathoni, nar. 12. 3. 1930, domů.\n' +
        'Otpušten Ochola Oduya, rođen 14.05.1933., kući.\n' +
        'Elbocsátva: Tsehaynesh Woldemichael (szül. 1931. május 4.), otthonába.\n' +
        'Ontslaan: Kiprono Rotich, gebore 1929-02-11, na sy dogter.\n' +
        'Discaj pesakit Adhiambo Olang, lahir 3 Mac 1932, ke rumah anak.\n',
    );
    expectGone(masked, ['Nyokabi', 'Gathoni', 'Ochola', 'Oduya', 'Tsehaynesh', 'Woldemichael', 'Kiprono', 'Rotich', 'Adhiambo', 'Olang']);
  });

  it('an age with the word for years: Czech, Hungarian, Tagalog, Finnish', () => {
    const masked = mask('Pacientka Nyambura Wairimu, 93 let, propuštěna.\nBeteg Kibet Chelimo, 91 éves, hazabocsátva.\nSi Wekesa Barasa, 95 taon, ay umuwi.\nPotilas Jepkosgei Tanui, 92 vuotta, kotiutettu.\n');
    expectGone(masked, ['Nyambura', 'Wairimu', 'Kibet', 'Chelimo', 'Wekesa', 'Barasa', 'Jepkosgei', 'Tanui']);
  });

  it('a diagnosis or a drug before the same words stays', () => {
    const masked = mask('Hypertenze, 12 let, kompenzovaná.\nDiabetes mellitus 2. typu, nar. 1950 zjištěn.\nMetformin (szül. után) nem adható.\n');
    expectKept(masked, ['Hypertenze', 'Diabetes mellitus', 'Metformin']);
  });
});
