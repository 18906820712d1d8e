import { cueHits, cueSet, eachMatchAt, guardedPatterns } from '../../phi/text/cues';
import { eachMatch } from '../../phi/text/detector';
import { detectors } from '../../phi/text/scan';
import { clinicalSentences } from '../../phi/eval/clinical-corpus';

/**
 * The shared keyword pass (phi/text/cues.ts): a pattern run with eachMatchAt at its cue set's
 * places must find exactly what one global scan finds. That holds when every match of the pattern
 * starts at such a place; these tests check it for every guarded pattern of the detectors on the
 * PHI-free clinical corpus, on texts written to break it (case, folding, words inside words,
 * overlaps) and on seeded shuffles of their pieces. (The eval sets' generators load faker, which
 * jest cannot; phi/eval/golden.ts compares every eval document's output instead.)
 */

function globalMatches(pattern: RegExp, text: string): [number, string][] {
  const found: [number, string][] = [];
  eachMatch(pattern, text, (m) => found.push([m.index, m[0]]));
  return found;
}

const awkward = [
  'MOVED FROM Kettering; Moved From Leeds; moved  from Hull; xmoved from York',
  'lives near Ennis. LIVES NEAR Galway, Just Outside Cork, ON THE OUTSKIRTS OF Tralee',
  'outſide of Graz; juſt outside Linz (long s); near\tOslo',
  'Member ID W123456789, MEMBER-ID 123456, mr# 123456, Mr # 445566, s/n AB12345, driver\'s license D1234567',
  'Calle Luna 45, CALLE Sol 12, calle mayor 3, 12 Rue Saint-Denis, Hauptstraße 5, HAUPTSTRASSE 7, Storgatan 3, patient 4 tie 5',
  'P.O. Box 123, p.o. box 44, PO BOX 9, Postfach 12, Boîte Postale 5, Apartado 77, apt 4',
  'Address: 5 Main St; ADDRESS 12 High Rd; lives at 4 Kahu Lane; Adresse: Rue 5; résidant à Brest 9',
  'DOB: 01/02/1930, d.o.b. 3/4/1931, Date of birth 5/6/1932, born 1933, dob 1/1/1934',
  'Mrs lee, MR khan, my mum lina dube she fell, Patient is Tenzin Dolma. with Sipho Mbende.',
  'This is jane calling, THIS IS Bob, it\'s Ana here, its me, My name is Zoë Ng,',
  'March 14, 2021; MARCH 2021; mar 3; Dec. 4th 1999; decreased 4; 5 May 2001; may 5',
  'zip 02139, ZIPCODE: 02139, postal code 02139-1234, city: Springfield, Town Boston, resides in Austin',
  'Kelvin \u212A and long \u017F: CITY \u212Aettering, \u017Fan Diego; born in Ulm; wohnt in Bautzen; der in Husum lebt',
];

/** Seeded shuffles of the awkward texts' pieces, glued by blanks, line breaks, letters and digits. */
function shuffles(count: number): string[] {
  let seed = 17;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const pieces = awkward.flatMap((t) => t.split(/(?<=[,;.])/));
  const glue = [' ', '', '\n', 'x', '4', ' \t', ', '];
  return Array.from({ length: count }, () => Array.from({ length: 30 }, () => pieces[next(pieces.length)]! + glue[next(glue.length)]!).join(''));
}

describe('shared keyword pass', () => {
  const texts = [...clinicalSentences(), ...awkward, awkward.join('\n'), ...shuffles(200)];

  it('finds every match of every guarded pattern at its places (so the sticky runs equal the global scans)', () => {
    for (const d of detectors) d.detect(awkward.join('\n'));
    const guarded = [...guardedPatterns()];
    expect(guarded.length).toBeGreaterThanOrEqual(18);
    let matches = 0;
    for (const text of texts) {
      for (const [pattern, set] of guarded) {
        const places = new Set(cueHits(text).at(set));
        for (const [index, value] of globalMatches(pattern, text)) {
          matches++;
          if (!places.has(index)) throw new Error(`/${pattern.source.slice(0, 60)}/ matched ${JSON.stringify(value)} at ${index}, not a cue place`);
        }
        const sticky: [number, string][] = [];
        eachMatchAt(pattern, text, set, (m) => sticky.push([m.index, m[0]]));
        expect(sticky).toEqual(globalMatches(pattern, text));
      }
    }
    expect(matches).toBeGreaterThan(500);
  });

  it('folds case as the widest regex flag does, finds words inside words and overlapping words, and filters only by the letter before', () => {
    const set = cueSet(['straße', 'tie', 'ring', 'during', 'K1'], {});
    const bounded = cueSet(['near', 'in'], { after: 'letter' });
    const noDigit = cueSet(['7a'], { after: 'letter or digit' });
    const text = 'STRASSE Straße sTRAßE patient during xnear 4near Near \u212A1 k1 17a 7a';
    const hits = cueHits(text);
    const at = (word: string, from = 0) => text.indexOf(word, from);
    expect([...hits.at(set)]).toEqual([at('Straße'), at('sTRAßE'), at('tie'), at('during'), at('ring'), at('\u212A1'), at('k1')].sort((a, b) => a - b));
    // "xnear" is dropped (a letter before), "4near" kept (a digit is no letter), "in" of "during" dropped.
    expect([...hits.at(bounded)]).toEqual([at('near', at('4near')), at('Near')]);
    expect([...hits.at(noDigit)]).toEqual([at(' 7a') + 1]);
  });
});
