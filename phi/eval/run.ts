/**
 * npm run eval:phi — measures detection on the seeded synthetic corpus and fails (exit 1) when
 * a figure drops below the floor recorded here. Raise a floor when the detectors improve; never
 * lower one to make a change pass.
 */
import { maskRows, parseMaskingPolicy, validatorBackedTypes, type EntityType, type Finding } from '../index';
import { findInText } from '../mask-text';
import { scanText } from '../text/scan';
import { generateCorpus, CORPUS_SEED } from './corpus';
import { generateHeldOut, HELD_OUT_SEED } from './held-out';
import { clinicalSentences } from './clinical-corpus';
import { generateWorldHeldOut, WORLD_SEED, type WorldDocument } from './held-out-world';
import { generateThirdHeldOut, THIRD_SEED } from './held-out-3';
import { generateFourthHeldOut, FOURTH_SEED } from './held-out-4';
import { generateFifthHeldOut, FIFTH_SEED } from './held-out-5';
import { generateSixthHeldOut, SIXTH_SEED } from './held-out-6';
import { generateSeventhHeldOut, SEVENTH_SEED } from './held-out-7';
import { generateEighthHeldOut, EIGHTH_SEED } from './held-out-8';
import { generateNinthHeldOut, NINTH_SEED } from './held-out-9';
import { generateTenthHeldOut, TENTH_SEED } from './held-out-10';
import { generateEleventhHeldOut, ELEVENTH_SEED } from './held-out-11';
import { generateTwelfthHeldOut, TWELFTH_SEED } from './held-out-12';
import { add, emptyTally, f2, precision, recall, scoreDocument, strictRecall, type Tally } from './score';

export const FLOORS = {
  /** Micro-averaged recall over every free-text identifier, typed (reached 0.997). */
  freeTextRecall: 0.99,
  /** The same on the held-out styles, set 1 (0.988; issue 17's third round reached 0.999). */
  heldOutRecall: 0.995,
  /** Set 1: strict span recall (0.993 -> 1.000) and precision (0.969 -> 0.999) in issue 17's third round. */
  heldOutStrictRecall: 0.995,
  heldOutPrecision: 0.98,
  /** Recall on each validator-backed type (checksums and hard formats). */
  validatorBackedRecall: 0.99,
  freeTextF2: 0.95,
  /** Cells of PHI columns the engine classified: every one must be masked. */
  classifiedCellRecall: 1,
  /** Strict span recall (every character masked, any type) on the seeded corpus (reached 0.997). */
  freeTextStrictRecall: 0.995,
  /**
   * Second held-out set (world names, non-English addresses, obfuscations). First run, before any
   * tuning: typed recall 0.167, strict 0.160, precision 0.902. Floors at what issue 17 reached:
   * strict 0.982 overall, 1.000 addresses, 0.935 names; precision 0.990.
   */
  worldStrictRecall: 0.995,
  worldAddressStrictRecall: 0.99,
  /** 0.935 -> 1.000 in the third round (subjects of person verbs, agents of "by", labelled runs). */
  worldNameStrictRecall: 0.99,
  worldPrecision: 0.99,
  /**
   * Third held-out set, the unseen one (held-out-3.ts), never tuned on. First run, written before
   * the third round of issue 17 tuned anything (detectors of commit 9180211): typed recall 0.265,
   * strict 0.259, precision 0.960 (any type 0.991), names strict 0.238. The floor only catches a
   * regression; a gain here must come from changes made for sets 1 and 2. After the third
   * round's changes for sets 1 and 2: strict 0.289, names strict 0.314, precision 0.971. The
   * fourth round tuned on it (set 4 took over as the unseen set): strict 0.974, names 0.991,
   * precision 0.987 typed / 0.999 any type.
   */
  thirdStrictRecall: 0.99,
  /**
   * Fourth held-out set (held-out-4.ts), frozen before the fourth round and never tuned on. First
   * run (detectors of commit 9b71962): strict 0.372, precision 0.963 any type, names strict 0.280.
   * After the fourth round (tuned on set 3 only): strict 0.578, precision 0.971 any type, names
   * strict 0.559. The fifth round tuned on it (set 5 took over as the blind set): strict 0.824,
   * names 0.796, precision 0.859 typed / 0.978 any type.
   * The ninth round (ages, European addresses, cities after addresses, capitals-first names): 0.865.
   * The tenth round (address blocks without a street type, people naming themselves): 0.881.
   * The fourteenth round (rows without a header, JSON lines in text): 0.883.
   * The sixteenth round (copy lists, a title before lower-case words, lower-case signatures,
   * answers to "and the surname?", relatives named in speech-to-text, more person verbs): 0.909;
   * with one-line JSON objects holding a person's details and "Patient is X Y.": 0.918; with
   * name particles in columns under headers that say nothing: 0.924; with initials in copy lists
   * and headers "one", "two", "three": 0.932; with households after "lives at <address> with": 0.939.
   * The seventeenth round (labelled national numbers, phones in national groupings, two-digit
   * years after an apostrophe, towns of hospitals): 0.961. Set 3 with it: 0.997 (floor 0.99).
   */
  fourthStrictRecall: 0.96,
  /**
   * Fifth held-out set (held-out-5.ts), written blind and frozen before the fifth round changed
   * any detector; its misses are never listed. First run (detectors of commit a83e32e): strict
   * 0.446, precision 0.886 typed / 0.919 any type, names strict 0.460. After the fifth round
   * (tuned on sets 3 and 4 only): strict 0.448, precision 0.920 any type. The sixth round
   * developed against it by category (its misses still never printed by --misses; set 6 took
   * over as the blind set): strict 0.597, names 0.645, precision 0.918 typed / 0.934 any type.
   * The eighth round's record numbers near a person: strict 0.628, MRNs 0.611, precision 0.937 any type.
   * The ninth round: strict 0.690, names 0.716, ages 1.000, precision 0.942 any type.
   * The tenth round: strict 0.759, precision 0.946 any type.
   * The seventeenth round (rules for sets 4, 8 and 9's printed misses; set 5's never printed): 0.765.
   */
  fifthStrictRecall: 0.76,
  /**
   * Sixth held-out set (held-out-6.ts), written blind at the start of the sixth round and frozen
   * before any detector of that round changed; its misses are never listed. First run (detectors
   * of commit dc97ad1): strict 0.486, precision 0.907 typed / 0.950 any type, names strict 0.512.
   * After the sixth round (developed on set 5 by category only): strict 0.490, names 0.512,
   * precision 0.922 typed / 0.942 any type. The seventh round developed on it by shape (readers
   * for DICOM tags, X12 segments, HTML label cells and non-English labels; its misses still never
   * printed by --misses), so it is no longer blind: strict 0.714, names 0.688, precision 0.945
   * typed / 0.956 any type. The eighth round's record numbers near a person (record-numbers.ts):
   * strict 0.767, MRNs 0.979.
   * The ninth round: strict 0.845, names 0.796, precision 0.961 any type.
   * The tenth round: strict 0.866, precision 0.962 any type.
   */
  sixthStrictRecall: 0.86,
  /**
   * Seventh held-out set (held-out-7.ts), written blind at the start of the eighth round and
   * frozen before any detector of that round changed; the only blind set, its misses never
   * listed. First run (detectors of commit 1a4b568): strict 0.483, precision 0.730 typed / 0.897
   * any type, names strict 0.465, MRNs 0.000. After the eighth round (developed on sets 5 and 6
   * only): strict 0.561, MRNs 0.518, precision 0.911 any type. The floor only catches a regression.
   * A development set since the ninth round (set 8 is the blind one), its misses still never
   * listed: strict 0.741, names 0.676, addresses 0.737, cities 0.745, ages 1.000, precision 0.923 any type.
   * The tenth round: strict 0.764, precision 0.926 any type.
   */
  seventhStrictRecall: 0.76,
  /**
   * Eighth held-out set (held-out-8.ts), written blind at the start of the ninth round and
   * committed alone (6069f5e) before any detector of that round changed; the only blind set from
   * the ninth round on, its misses never listed. First run (detectors of 811e4a3): strict 0.575,
   * precision 0.879 typed / 0.891 any type, names 0.834, addresses 0.696, cities 0.043, ZIPs
   * 0.118, ages over 89 0.168. The floor only catches a regression.
   * After the ninth round (developed on sets 5-7 only; set 8's misses not looked at): strict
   * 0.799, names 0.834, addresses 0.838, cities 0.456, ZIPs 0.496, ages 0.994, precision 0.919 any type.
   * The eleventh round (rules for the families of misses named by sets 5-9's per-type figures and
   * document kinds, written on sentences of its own; no set's misses printed): 0.827, names 0.843,
   * cities 0.532, ZIPs 0.706, precision 0.927 any type.
   * The twelfth round (Danish floors, "Family, Given" in a sentence, nicknames, subjects of weak
   * person verbs, towns after "near"/"just outside"/"moved here from"): 0.851, names 0.883, cities
   * 0.590, precision 0.929 any type.
   * The thirteenth round (its name misses printed and grouped by the words around them; rules for
   * the largest groups): 0.882, names 0.969, precision 0.911 names / 0.943 any type.
   * The sixteenth round (words a line wrap split with a hyphen, read whole): 0.887, names 0.983.
   * The seventeenth round (its misses grouped by family: towns after "<person> of", a relative
   * "in", coming, calling, moving and dying somewhere, towns of hospitals; lettered postcodes
   * after their label; phones in national groupings): 0.960, cities 0.918, ZIPs 0.857.
   */
  eighthStrictRecall: 0.95,
  /**
   * Ninth held-out set (held-out-9.ts), written blind at the start of the tenth round and
   * committed alone with its first run before any detector of that round changed; blind beside
   * set 8, its misses never listed. First run (detectors of 7fee0fa): strict 0.339, precision
   * 0.954 typed / 0.960 any type, names 0.251, cities 0.145, ZIPs 0.308, addresses 0.534, ages
   * over 89 0.248. The floor only catches a regression.
   * The eleventh round (names, places, ages and address rests in Dutch, Nordic, Polish, German,
   * French and English prose, chosen from its per-type figures and the document kinds its title
   * names, written on sentences of its own; its misses still never printed): strict 0.558, names
   * 0.609, cities 0.345, ZIPs 0.421, addresses 0.584, ages 0.650, precision 0.975 any type.
   * The twelfth round: 0.575, cities 0.365, ZIPs 0.466, addresses 0.661, precision 0.976 any type;
   * with names in the genitive before a kin word ("Guðrúns dotter"): 0.588.
   * The thirteenth round (its name misses printed and grouped, as set 8's): 0.689, names 0.946,
   * precision 1.000 names / 0.992 any type; with a second relative after "of <town> and": 0.700,
   * names 0.977.
   * The sixteenth round (capital Irish particles and "wa" inside names, four-word lower-case
   * self-introductions): 0.706, names 0.995.
   * The seventeenth round (postcode and town after a street with only a space between, a lettered
   * postcode after the town, the flat first and Irish street types, Nordic streets in the
   * genitive, towns after "<person> of" and a relative "in", phones, ages in Dutch, Nordic and
   * Polish words, Polish and Nordic dates): 0.981, addresses 1.000, cities 0.978, ZIPs 1.000.
   */
  ninthStrictRecall: 0.98,
  /**
   * Tenth held-out set (held-out-10.ts), written blind at the start of the twelfth round and
   * committed alone with its first run before any detector of that round changed; the only blind
   * set, its misses never listed and never tuned on. First run (detectors of 1de24d7): strict
   * 0.523, precision 0.835 typed / 0.934 any type, names 0.442, addresses 0.328, cities 0.267,
   * ZIPs 0.196, phones 0.789, ages over 89 0.698. The floor only catches a regression.
   * After the twelfth round's rules (written on sentences of their own and measured on sets 4-9;
   * set 10 only reported): 0.530, cities 0.316, precision 0.936 any type.
   * The fourteenth round (rows without a header, JSON lines and arrays in text, birth and age
   * words of other languages; written on rows of its own, set 10 only reported): 0.667, names
   * 0.682, precision 0.770 typed / 0.935 any type.
   * The seventeenth round's rules (for sets 4, 8 and 9; set 10 only reported): 0.678, precision 0.938 any type.
   */
  tenthStrictRecall: 0.67,
  /**
   * Eleventh held-out set (held-out-11.ts), written blind at the start of the fourteenth round and
   * committed alone with its first run before any detector of that round changed; blind beside
   * set 10, its misses never listed and never tuned on. First run (detectors of 42f56a9): strict
   * 0.512, precision 0.787 typed / 0.881 any type, names 0.354, addresses 0.586, cities 0.370,
   * ZIPs 0.556, MRNs 0.560, member ids 0.261, ages over 89 0.190. The floor only catches a
   * regression. After the fourteenth round's rules (set 11 only reported): 0.658, names 0.530,
   * precision 0.720 typed / 0.893 any type.
   * The seventeenth round's rules (set 11 only reported): 0.665, precision 0.894 any type.
   */
  eleventhStrictRecall: 0.66,
  /**
   * Twelfth held-out set (held-out-12.ts), written blind at the start of the sixteenth round and
   * committed alone with its first run before any detector of that round changed; blind beside
   * sets 10 and 11, its misses never listed and never tuned on. First run (detectors of 75c0bde):
   * strict 0.517, precision 0.793 typed / 0.844 any type, names 0.341, addresses 0.280, cities
   * 0.360, ZIPs 0.258, ages over 89 0.310. The floor only catches a regression.
   * The seventeenth round's rules (set 12 only reported): 0.518, precision 0.844 any type.
   */
  twelfthStrictRecall: 0.51,
  /** Share of characters of the PHI-free clinical corpus masked (reached 0.000). */
  clinicalCharsChanged: 0.005,
};

const policy = parseMaskingPolicy({});
/** `npm run eval:phi -- --misses`: also list each gold value not fully masked and each finding mostly off gold. */
const showMisses = process.argv.includes('--misses');

function printMisses(label: string, text: string, gold: readonly { type: EntityType; start: number; end: number }[], found: readonly { type: EntityType; start: number; end: number }[]): void {
  if (!showMisses) return;
  const masked = new Uint8Array(text.length);
  for (const f of found) masked.fill(1, f.start, f.end);
  const goldType: (EntityType | undefined)[] = new Array(text.length);
  for (const g of gold) goldType.fill(g.type, g.start, g.end);
  for (const g of gold) {
    let whole = true;
    for (let i = g.start; i < g.end; i++) if (!masked[i] && !/\s/.test(text[i]!)) whole = false;
    if (!whole) {
      const shown = [...text.slice(g.start, g.end)].map((c, k) => (masked[g.start + k] ? c.replace(/\S/u, '█') : c)).join('');
      console.log(`  MISS ${label} ${g.type} ${JSON.stringify(text.slice(g.start, g.end))} -> ${JSON.stringify(shown)} in ${JSON.stringify(text.slice(Math.max(0, g.start - 30), g.end + 30))}`);
    }
  }
  for (const f of found) {
    let off = 0;
    for (let i = f.start; i < f.end; i++) if (goldType[i] !== f.type) off++;
    if (off * 2 > f.end - f.start) console.log(`  FP   ${label} ${f.type}${goldType[f.start] ? ` (gold ${goldType[f.start]})` : ''} ${JSON.stringify(text.slice(f.start, f.end))} in ${JSON.stringify(text.slice(Math.max(0, f.start - 30), f.end + 30))}`);
  }
}
const fmt = (n: number) => n.toFixed(3);

function printTable(title: string, byType: Map<EntityType, Tally>, overall: Tally, anyType?: Tally): void {
  console.log(`\n${title}`);
  console.log(`${'type'.padEnd(16)} ${'gold'.padStart(6)} ${'found'.padStart(6)} ${'pred'.padStart(6)}  precision  recall     F2  strict`);
  const rows = [...byType.entries()].sort(([a], [b]) => a.localeCompare(b));
  for (const [type, t] of rows) {
    console.log(`${type.padEnd(16)} ${String(t.gold).padStart(6)} ${String(t.found).padStart(6)} ${String(t.predicted).padStart(6)}  ${fmt(precision(t)).padStart(9)}  ${fmt(recall(t)).padStart(6)}  ${fmt(f2(t)).padStart(5)}  ${fmt(strictRecall(t)).padStart(6)}`);
  }
  console.log(`${'OVERALL (micro)'.padEnd(16)} ${String(overall.gold).padStart(6)} ${String(overall.found).padStart(6)} ${String(overall.predicted).padStart(6)}  ${fmt(precision(overall)).padStart(9)}  ${fmt(recall(overall)).padStart(6)}  ${fmt(f2(overall)).padStart(5)}  ${fmt(strictRecall(overall)).padStart(6)}`);
  if (anyType) console.log(`${'masked, any type'.padEnd(16)} ${String(anyType.gold).padStart(6)} ${String(anyType.found).padStart(6)} ${String(anyType.predicted).padStart(6)}  ${fmt(precision(anyType)).padStart(9)}  ${fmt(recall(anyType)).padStart(6)}  ${fmt(f2(anyType)).padStart(5)}  ${fmt(strictRecall(anyType)).padStart(6)}`);
}

/** Scores a set whose name spans carry their locale; prints per-type and per-locale figures. */
function scoreWorldSet(
  title: string,
  docs: readonly WorldDocument[],
  find: (text: string) => Finding[] = (text) => scanText(text, { minScore: policy.minScore }),
  /** A blind set never lists its misses: reading them would be tuning on it. */
  blind = false,
): { byType: Map<EntityType, Tally>; any: Tally } {
  const byType = new Map<EntityType, Tally>();
  const any = emptyTally();
  const byLocale = new Map<string, Tally>();
  for (const doc of docs) {
    const findings = find(doc.text);
    scoreDocument(doc.text, doc.spans, findings, byType, any);
    // The set's own label ("Held-out set 11", not a 14-character cut that made it "Held-out set 1").
    if (!blind) printMisses(title.slice(0, title.indexOf(' (')), doc.text, doc.spans, findings);
    for (const span of doc.spans) {
      if (span.type !== 'NAME' || !span.locale) continue;
      let t = byLocale.get(span.locale);
      if (!t) byLocale.set(span.locale, (t = emptyTally()));
      const one = new Map<EntityType, Tally>();
      scoreDocument(doc.text, [span], findings.filter((f) => f.end > span.start && f.start < span.end), one, emptyTally());
      add(t, one.get('NAME')!);
      t.predicted = 0;
    }
  }
  const overall = emptyTally();
  for (const t of byType.values()) add(overall, t);
  printTable(title.replace('%d', String(docs.length)), byType, overall, any);
  console.log('\nName recall per locale (typed / strict)');
  for (const [locale, t] of [...byLocale.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`  ${locale.padEnd(6)} ${String(t.gold).padStart(4)} names  recall ${fmt(recall(t))}  strict ${fmt(strictRecall(t))}`);
  }
  return { byType, any };
}

function main(): number {
  const started = Date.now();
  const corpus = generateCorpus();
  const failures: string[] = [];

  // Free text: clinical notes.
  const byType = new Map<EntityType, Tally>();
  const anyType = emptyTally();
  let chars = 0;
  for (const doc of corpus.notes) {
    chars += doc.text.length;
    scoreDocument(doc.text, doc.spans, scanText(doc.text, { minScore: policy.minScore }), byType, anyType);
  }
  const overall = emptyTally();
  for (const t of byType.values()) add(overall, t);
  printTable(`Free text: ${corpus.notes.length} notes, ${(chars / 1024).toFixed(0)} KiB, seed ${CORPUS_SEED}`, byType, overall, anyType);

  // Held-out styles (see held-out.ts): reported, and held to its own floor.
  const heldOut = generateHeldOut();
  const heldTypes = new Map<EntityType, Tally>();
  const heldAny = emptyTally();
  for (const doc of heldOut) {
    const findings = scanText(doc.text, { minScore: policy.minScore });
    scoreDocument(doc.text, doc.spans, findings, heldTypes, heldAny);
    printMisses('Held-out set 1', doc.text, doc.spans, findings);
  }
  const heldOverall = emptyTally();
  for (const t of heldTypes.values()) add(heldOverall, t);
  printTable(`Held-out free text: ${heldOut.length} documents in other styles, seed ${HELD_OUT_SEED}`, heldTypes, heldOverall, heldAny);

  // Second held-out set: names and addresses of the world, obfuscations (see held-out-world.ts).
  const world = scoreWorldSet(`Held-out set 2 (world names, non-English addresses, obfuscations): %d documents, seed ${WORLD_SEED}`, generateWorldHeldOut());
  const worldTypes = world.byType;
  const worldAny = world.any;
  // Third held-out set, the unseen one (see held-out-3.ts): reported and held to its own floors.
  console.log('\nHeld-out set 3 first run, before any tuning it could inform: typed recall 0.265, strict 0.259, precision 0.960, names strict 0.238 (tuned on in the fourth round).');
  const third = scoreWorldSet(`Held-out set 3 (unseen: names without titles in own scripts and romanised, other address forms and obfuscations): %d documents, seed ${THIRD_SEED}`, generateThirdHeldOut());

  console.log('\nHeld-out set 4 first run, frozen before the fourth round: strict 0.372, precision 0.935 typed / 0.963 any type, names strict 0.280.');
  // Fourth held-out set, frozen before the fourth round (see held-out-4.ts): scored through the
  // maskText path (findInText), since it holds CSV, TSV and Markdown tables. Reported; never tuned on.
  const fourth = scoreWorldSet(`Held-out set 4 (frozen: chats, e-mails, SOAP, CSV/TSV, JSON, HL7, letters, Markdown; hostile spellings): %d documents, seed ${FOURTH_SEED}`, generateFourthHeldOut(), (text) => findInText(text, policy));

  console.log('\nHeld-out set 5 first run, written blind before the fifth round: see phi/README.md "Measuring". A development set since the sixth round. Its misses are never listed.');
  // Fifth held-out set (see held-out-5.ts): blind in the fifth round, developed on by category since the sixth.
  const fifth = scoreWorldSet(`Held-out set 5 (development set since round 6: CDA XML, YAML, logs, vCard/iCal, SQL, fixed-width, PDF text, dictation, SMS, fax, tickets, labels; other hostile spellings): %d documents, seed ${FIFTH_SEED}`, generateFifthHeldOut(), (text) => findInText(text, policy), true);

  console.log('\nHeld-out set 6 first run, written blind before the sixth round (detectors of dc97ad1): strict 0.486, precision 0.907 typed / 0.950 any type, names strict 0.512. A development set since the seventh round (read by shape). Its misses are never listed.');
  // Sixth held-out set (see held-out-6.ts): blind in the sixth round, developed on by shape since the seventh.
  const sixth = scoreWorldSet(`Held-out set 6 (development set since round 7: DICOM, X12, FHIR, HTML, e-mail headers, Spanish/German/French notes, handover, voicemail, consent, wristbands, clinic lists; other hostile spellings): %d documents, seed ${SIXTH_SEED}`, generateSixthHeldOut(), (text) => findInText(text, policy), true);

  console.log('\nHeld-out set 7 first run, written blind before the eighth round (detectors of 1a4b568): strict 0.483, precision 0.730 typed / 0.897 any type, names strict 0.465, MRNs 0.000. A development set since the ninth round (set 8 took over as the blind set). Its misses are never listed.');
  // Seventh held-out set (see held-out-7.ts): blind in the eighth round, developed on since the ninth; its misses never printed.
  const seventh = scoreWorldSet(`Held-out set 7 (development set since round 9: Portuguese/Italian discharge summaries, pathology reports, pharmacy labels, claims CSV, portal chats, OCR-damaged letters, Markdown lab tables, addressographs, ward census; unlabelled record numbers; names with apostrophes, hyphens and particles): %d documents, seed ${SEVENTH_SEED}`, generateSeventhHeldOut(), (text) => findInText(text, policy), true);

  console.log('\nHeld-out set 8 first run, written blind and committed alone before the ninth round (detectors of 811e4a3): strict 0.575, precision 0.879 typed / 0.891 any type, names strict 0.834, addresses 0.696, cities 0.043, ages over 89 0.168. A development set since the thirteenth round: --misses lists its misses.');
  // Eighth held-out set (see held-out-8.ts): blind in rounds 9-11, tuned towards by category in the twelfth, its misses printed since the thirteenth.
  const eighth = scoreWorldSet(`Held-out set 8 (development set since round 13: German doctors' letters and French consultation reports as prose, ambulance narratives, home visits, social work, pedigrees, condolence letters, triage logs, incident reports, a multilingual transfer note; addresses, cities and ages over 89 in running text and in words): %d documents, seed ${EIGHTH_SEED}`, generateEighthHeldOut(), (text) => findInText(text, policy));

  console.log('\nHeld-out set 9 first run, written blind and committed alone before the tenth round (detectors of 7fee0fa): strict 0.339, precision 0.954 typed / 0.960 any type, names strict 0.251, cities 0.145, ZIPs 0.308. A development set since the thirteenth round: --misses lists its misses.');
  // Ninth held-out set (see held-out-9.ts): blind in rounds 10-11, tuned towards by category in the twelfth, its misses printed since the thirteenth.
  const ninth = scoreWorldSet(`Held-out set 9 (development set since round 13: Dutch GP letters, Swedish and Norwegian nursing notes, Polish discharge prose, hospice, chaplaincy, speech-to-text calls, obituaries, delivery run sheets, welfare checks; hand-written names of 31 communities; addresses, postcodes, cities and ages over 89 in running text): %d documents, seed ${NINTH_SEED}`, generateNinthHeldOut(), (text) => findInText(text, policy));

  console.log('\nHeld-out set 10 first run, written blind and committed alone before the twelfth round (detectors of 1de24d7): strict 0.523, precision 0.835 typed / 0.934 any type, names strict 0.442, addresses 0.328, cities 0.267, ZIPs 0.196. The only blind set since sets 8 and 9 were tuned towards. Its misses are never listed.');
  // Tenth held-out set (see held-out-10.ts): blind, never tuned on, its misses never printed.
  const tenth = scoreWorldSet(`Held-out set 10 (blind: guardianship orders, appeal letters, interpreter logs, headerless screening logs, dental notes, birth notifications, correctional transfers, crisis-line speech-to-text, complaint e-mails, team chat, JSON lines c1..c7, headerless TSV, refugee screening, Romanian/Latvian/Slovak/Greek/Serbian/Turkish/Slovene/Georgian/Vietnamese/Japanese/Uzbek/Indonesian discharge lines, dictation with spelled-out numbers, EHR paste with normalisation tricks; hand-written names of 32 communities): %d documents, seed ${TENTH_SEED}`, generateTenthHeldOut(), (text) => findInText(text, policy), true);

  console.log('\nHeld-out set 11 first run, written blind and committed alone before the fourteenth round (detectors of 42f56a9): strict 0.512, precision 0.787 typed / 0.881 any type, names strict 0.354, addresses 0.586, cities 0.370, ZIPs 0.556, MRNs 0.560, member ids 0.261, ages over 89 0.190. Blind beside set 10. Its misses are never listed.');
  // Eleventh held-out set (see held-out-11.ts): blind beside set 10, never tuned on, its misses never printed.
  const eleventh = scoreWorldSet(`Held-out set 11 (blind: explanation-of-benefits lines, pharmacy refill queue as headerless pipe rows, SMS threads, a vendor segment feed, radiology exam headers, OCR'd referral faxes, JSON arrays of arrays, headerless semicolon CSV, Czech/Croatian/Lithuanian/Hungarian/Finnish/Catalan/Tagalog/Afrikaans/Malay discharge lines, nurse-line speech-to-text, visitor logs, home-health routes, bed boards, reminder logs, lab requisitions; hand-written names of 35 sources): %d documents, seed ${ELEVENTH_SEED}`, generateEleventhHeldOut(), (text) => findInText(text, policy), true);

  console.log('\nHeld-out set 12 first run, written blind and committed alone before the sixteenth round (detectors of 75c0bde): strict 0.517, precision 0.793 typed / 0.844 any type, names strict 0.341, addresses 0.280, cities 0.360, ZIPs 0.258. Blind beside sets 10 and 11. Its misses are never listed.');
  // Twelfth held-out set (see held-out-12.ts): blind beside sets 10 and 11, never tuned on, its misses never printed.
  const twelfth = scoreWorldSet(`Held-out set 12 (blind: WebVTT telehealth captions, WhatsApp exports, ZPL label code, PDF form fields, LDIF entries, access logs with names in query strings, school-nurse logs, death-certificate worksheets, dialysis run sheets, prescription-monitoring rows, interpreter invoices, transport bookings, lost property, Estonian/Maltese/Welsh/Basque/Albanian/Belarusian discharge lines; hand-written names of 36 communities): %d documents, seed ${TWELFTH_SEED}`, generateTwelfthHeldOut(), (text) => findInText(text, policy), true);

  // PHI-free clinical text: every character changed is over-masking.
  const sentences = clinicalSentences();
  let clinicalChars = 0;
  let clinicalMasked = 0;
  const overMasked: string[] = [];
  for (const sentence of sentences) {
    clinicalChars += sentence.length;
    const found = findInText(sentence, policy);
    for (const f of found) {
      clinicalMasked += f.end - f.start;
      overMasked.push(`${f.type}:${sentence.slice(f.start, f.end)}`);
    }
  }
  const clinicalChanged = clinicalMasked / clinicalChars;
  console.log(`\nPHI-free clinical corpus: ${sentences.length} sentences, ${clinicalChars} chars, ${clinicalMasked} masked (${(clinicalChanged * 100).toFixed(2)} %)`);
  if (overMasked.length) console.log(`  over-masked: ${overMasked.slice(0, 40).join(' | ')}${overMasked.length > 40 ? ` ... (${overMasked.length})` : ''}`);

  // Tables inside text (CSV and Markdown).
  const tableTypes = new Map<EntityType, Tally>();
  const tableAny = emptyTally();
  for (const doc of corpus.textTables) scoreDocument(doc.text, doc.spans, findInText(doc.text, policy), tableTypes, tableAny);
  const tableOverall = emptyTally();
  for (const t of tableTypes.values()) add(tableOverall, t);
  printTable(`Tables inside text: ${corpus.textTables.length} CSV/Markdown blocks`, tableTypes, tableOverall, tableAny);

  // Structured rows: cell level.
  let phiCells = 0;
  let phiCellsMasked = 0;
  let classifiedCells = 0;
  let classifiedMasked = 0;
  let otherCells = 0;
  let otherCellsChanged = 0;
  let phiColumns = 0;
  let phiColumnsClassified = 0;
  for (const t of corpus.tables) {
    const { rows, report } = maskRows(t.columns, t.rows, policy);
    const classified = new Set(report.columns.map((c) => c.column));
    t.columnTypes.forEach((type, c) => {
      if (type) {
        phiColumns++;
        if (classified.has(t.columns[c]!)) phiColumnsClassified++;
      }
    });
    t.rows.forEach((row, r) =>
      row.forEach((cell, c) => {
        const changed = rows[r]![c] !== cell;
        const isClassified = classified.has(t.columns[c]!);
        if (t.columnTypes[c]) {
          phiCells++;
          if (changed) phiCellsMasked++;
          if (isClassified) {
            classifiedCells++;
            if (changed) classifiedMasked++;
          }
        } else {
          otherCells++;
          if (changed) otherCellsChanged++;
        }
      }),
    );
  }
  const classifiedCellRecall = classifiedCells ? classifiedMasked / classifiedCells : 1;
  console.log(`\nStructured rows: ${corpus.tables.length} tables`);
  console.log(`  PHI columns classified        ${phiColumnsClassified}/${phiColumns} (${fmt(phiColumnsClassified / phiColumns)})`);
  console.log(`  cell recall, classified cols  ${classifiedMasked}/${classifiedCells} (${fmt(classifiedCellRecall)})`);
  console.log(`  cell recall, all PHI cells    ${phiCellsMasked}/${phiCells} (${fmt(phiCellsMasked / phiCells)})`);
  console.log(`  non-PHI cells changed         ${otherCellsChanged}/${otherCells} (${fmt(otherCellsChanged / otherCells)})`);

  // Floors.
  if (recall(overall) < FLOORS.freeTextRecall) failures.push(`free-text recall ${fmt(recall(overall))} < ${FLOORS.freeTextRecall}`);
  if (recall(heldOverall) < FLOORS.heldOutRecall) failures.push(`held-out recall ${fmt(recall(heldOverall))} < ${FLOORS.heldOutRecall}`);
  if (strictRecall(heldAny) < FLOORS.heldOutStrictRecall) failures.push(`held-out strict recall ${fmt(strictRecall(heldAny))} < ${FLOORS.heldOutStrictRecall}`);
  if (precision(heldOverall) < FLOORS.heldOutPrecision) failures.push(`held-out precision ${fmt(precision(heldOverall))} < ${FLOORS.heldOutPrecision}`);
  if (f2(overall) < FLOORS.freeTextF2) failures.push(`free-text F2 ${fmt(f2(overall))} < ${FLOORS.freeTextF2}`);
  for (const type of validatorBackedTypes) {
    const t = byType.get(type);
    if (t && recall(t) < FLOORS.validatorBackedRecall) failures.push(`${type} recall ${fmt(recall(t))} < ${FLOORS.validatorBackedRecall}`);
  }
  if (classifiedCellRecall < FLOORS.classifiedCellRecall) failures.push(`classified-column cell recall ${fmt(classifiedCellRecall)} < 1`);
  if (strictRecall(overall) < FLOORS.freeTextStrictRecall) failures.push(`free-text strict recall ${fmt(strictRecall(overall))} < ${FLOORS.freeTextStrictRecall}`);
  if (strictRecall(worldAny) < FLOORS.worldStrictRecall) failures.push(`held-out 2 strict recall ${fmt(strictRecall(worldAny))} < ${FLOORS.worldStrictRecall}`);
  const worldAddress = worldTypes.get('STREET_ADDRESS') ?? emptyTally();
  if (strictRecall(worldAddress) < FLOORS.worldAddressStrictRecall) failures.push(`held-out 2 address strict recall ${fmt(strictRecall(worldAddress))} < ${FLOORS.worldAddressStrictRecall}`);
  const worldName = worldTypes.get('NAME') ?? emptyTally();
  if (strictRecall(worldName) < FLOORS.worldNameStrictRecall) failures.push(`held-out 2 name strict recall ${fmt(strictRecall(worldName))} < ${FLOORS.worldNameStrictRecall}`);
  if (precision(worldAny) < FLOORS.worldPrecision) failures.push(`held-out 2 precision ${fmt(precision(worldAny))} < ${FLOORS.worldPrecision}`);
  if (strictRecall(third.any) < FLOORS.thirdStrictRecall) failures.push(`held-out 3 strict recall ${fmt(strictRecall(third.any))} < ${FLOORS.thirdStrictRecall}`);
  if (strictRecall(fourth.any) < FLOORS.fourthStrictRecall) failures.push(`held-out 4 strict recall ${fmt(strictRecall(fourth.any))} < ${FLOORS.fourthStrictRecall}`);
  if (strictRecall(fifth.any) < FLOORS.fifthStrictRecall) failures.push(`held-out 5 strict recall ${fmt(strictRecall(fifth.any))} < ${FLOORS.fifthStrictRecall}`);
  if (strictRecall(sixth.any) < FLOORS.sixthStrictRecall) failures.push(`held-out 6 strict recall ${fmt(strictRecall(sixth.any))} < ${FLOORS.sixthStrictRecall}`);
  if (strictRecall(seventh.any) < FLOORS.seventhStrictRecall) failures.push(`held-out 7 strict recall ${fmt(strictRecall(seventh.any))} < ${FLOORS.seventhStrictRecall}`);
  if (strictRecall(eighth.any) < FLOORS.eighthStrictRecall) failures.push(`held-out 8 strict recall ${fmt(strictRecall(eighth.any))} < ${FLOORS.eighthStrictRecall}`);
  if (strictRecall(ninth.any) < FLOORS.ninthStrictRecall) failures.push(`held-out 9 strict recall ${fmt(strictRecall(ninth.any))} < ${FLOORS.ninthStrictRecall}`);
  if (strictRecall(tenth.any) < FLOORS.tenthStrictRecall) failures.push(`held-out 10 strict recall ${fmt(strictRecall(tenth.any))} < ${FLOORS.tenthStrictRecall}`);
  if (strictRecall(eleventh.any) < FLOORS.eleventhStrictRecall) failures.push(`held-out 11 strict recall ${fmt(strictRecall(eleventh.any))} < ${FLOORS.eleventhStrictRecall}`);
  if (strictRecall(twelfth.any) < FLOORS.twelfthStrictRecall) failures.push(`held-out 12 strict recall ${fmt(strictRecall(twelfth.any))} < ${FLOORS.twelfthStrictRecall}`);
  if (clinicalChanged > FLOORS.clinicalCharsChanged) failures.push(`clinical corpus ${(clinicalChanged * 100).toFixed(2)} % changed > ${FLOORS.clinicalCharsChanged * 100} %`);

  console.log(`\n${failures.length ? 'FAIL' : 'PASS'} against floors ${JSON.stringify(FLOORS)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  for (const f of failures) console.log(`  - ${f}`);
  return failures.length ? 1 : 0;
}

process.exitCode = main();
