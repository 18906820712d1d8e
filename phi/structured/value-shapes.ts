import { FIRST_NAMES, foldName, LAST_NAMES, WORLD_NAMES } from '../text/dictionaries';
import { COMMON_WORDS } from '../text/name-words';
import { STATE_CODES, STATE_NAMES } from '../text/patterns';
import type { EntityType } from '../types';

/**
 * Classification from the values alone, for columns whose names say nothing (`c1`, `c2`, JSON
 * from an MCP server that is not the Snowflake one). Each rule needs most sampled values to
 * agree, so one odd cell decides nothing:
 *   - NAME: short runs of capitalised words in any script ("Smith-Jones", "García López"), most
 *     of them holding a word of the name dictionaries;
 *   - CITY: capitalised place names, most with a place-name word ("Port", "Lake", "-ville"...);
 *   - ZIP: five digits, or ZIP+4 ("02115-4021");
 *   - identifiers (see `identifierShaped`): high-cardinality codes with digits, which are PHI
 *     in a table that holds PHI (rows.ts, json.ts decide that at table level).
 */
const NAME_CELL = /^[\p{Lu}\p{Lt}\p{Lo}][\p{L}\p{M}'’.-]{0,29}(?:[ ,]{1,2}[\p{Lu}\p{Lt}\p{Lo}][\p{L}\p{M}'’.-]{0,29}){0,3}$/u;
/** The same in any case: dictation and exports write names in lower case or capitals ("pilar andrade", "MKHIZE, Nqobile"). */
const NAME_CELL_ANY_CASE = /^[\p{L}][\p{L}\p{M}'’.-]{0,29}(?:[ ,]{1,2}[\p{L}][\p{L}\p{M}'’.-]{0,29}){0,5}$/u;
const ZIP_CELL = /^\d{5}(?:-\d{4})?$/;
const CODE_CELL = /^(?=[A-Za-z0-9-]*\d)[A-Za-z0-9][A-Za-z0-9-]{4,24}$/;
const PLACE_WORDS = new Set(['port', 'lake', 'east', 'west', 'north', 'south', 'new', 'fort', 'mount', 'saint', 'st', 'san', 'santa', 'los', 'las', 'el', 'la', 'le', 'bad', 'sankt', 'city', 'town', 'village', 'springs', 'falls', 'beach', 'heights', 'valley', 'park', 'hills']);
const PLACE_ENDINGS = /(?:ville|ton|burg|burgh|borough|boro|field|ford|mouth|side|stad|chester|shire|view|land|haven|berg|bury|port|wood|dale|furt|heim|hausen|dorf|ino|ano|polis|grad|sk|ovo|evo|ice|ów|worth|ham|ley|ing)$/;

function share(samples: readonly string[], test: (v: string) => boolean): number {
  let n = 0;
  for (const s of samples) if (test(s)) n++;
  return n / samples.length;
}

const words = (cell: string) => cell.split(/[ ,-]+/).filter(Boolean).map((w) => foldName(w.toLowerCase()));
const isKnownName = (w: string) => FIRST_NAMES.has(w) || LAST_NAMES.has(w) || WORLD_NAMES.has(w);
/** A place word ("Port", "Lake"), or a place ending ("-ton", "-ing") on a word of five letters or more no name dictionary knows ("Wei-ming" is no town). */
const placeWord = (w: string) => PLACE_WORDS.has(w) || (w.length >= 5 && PLACE_ENDINGS.test(w) && !isKnownName(w));

/** A type the sampled values share by their shape alone, or undefined. */
export function typeFromValueShape(samples: readonly string[], threshold: number): EntityType | undefined {
  if (samples.length < 3) return undefined;
  const trimmed = samples.map((s) => s.trim());
  if (share(trimmed, (v) => ZIP_CELL.test(v)) >= threshold) return 'ZIP';
  if (share(trimmed, (v) => NAME_CELL.test(v)) < threshold) return undefined;
  const distinct = new Set(trimmed).size / trimmed.length;
  if (distinct < 0.5) return undefined; // a category ("Inpatient", "Outpatient"), not people
  const named = share(trimmed, (v) => words(v).some(isKnownName));
  const placed = share(trimmed, (v) => words(v).some((w) => PLACE_WORDS.has(w) || PLACE_ENDINGS.test(w)));
  if (placed >= 0.5 && placed >= named) return 'CITY';
  if (named >= 0.6) return 'NAME';
  return undefined;
}

/**
 * People's names no dictionary knows ("Wanjiru Kamau", "ENKHJARGAL DASHDAVAA", "Okafor"): short
 * runs of capitalised words, nearly all distinct, none an everyday word ("Inpatient", "Follow Up").
 * Said only of a column of a table that already holds PHI, where a column of distinct proper
 * nouns is far more likely people than anything else (unknown means protected).
 */
export function nameShaped(samples: readonly string[]): boolean {
  // Two rows are enough here: the table already holds PHI and the header says nothing.
  const trimmed = samples.map((s) => s.trim()).filter(Boolean);
  // A letter alone ("F", "M") is a code, not a name.
  if (trimmed.length < 2 || share(trimmed, (v) => v.length > 1 && NAME_CELL_ANY_CASE.test(v)) < 0.9) return false;
  if (new Set(trimmed).size / trimmed.length < 0.9) return false;
  return !trimmed.some((v) => words(v).some((w, k) => COMMON_WORDS.has(w) || (PLACE_WORDS.has(w) && !(k > 0 && NAME_PARTICLES.has(w))) || DRUG_STEM.test(w)));
}
/** Place words that are also particles inside a name after its first word ("Ana Lucía de los Santos", "SANTOS, Ana Lucía de los"). */
const NAME_PARTICLES = new Set(['de', 'del', 'la', 'las', 'los', 'el', 'le']);

/**
 * The one cell of a one-row table under a header that says nothing, read as a person's name: two to
 * four words, each capitalised or in capitals ("Sondisa NKABINDE", "MTHEMBU, Nokwanda"), none an
 * everyday, place or drug word, and one a first- or last-name list knows or written with a letter
 * outside ASCII (one row gives no column to judge by; the world list also holds English words).
 */
export function oneNameShaped(cell: string): boolean {
  const value = cell.trim();
  if (!NAME_CELL.test(value.replace(/(\p{L})[\p{L}\p{M}'’.-]*/gu, (w) => w[0]!.toUpperCase() + w.slice(1)))) return false;
  const raw = value.split(/[ ,]+/).filter(Boolean);
  if (raw.length < 2 || raw.length > 4 || !raw.every((w) => /^\p{Lu}/u.test(w))) return false;
  const folded = words(value);
  if (folded.some((w) => COMMON_WORDS.has(w) || PLACE_WORDS.has(w) || DRUG_STEM.test(w))) return false;
  return folded.some((w) => FIRST_NAMES.has(w) || LAST_NAMES.has(w)) || /[^\t -~]/.test(value);
}

/** The one cell of a one-row table under a header that says nothing, read as an identifier: a code with four digits or more. */
export function oneIdentifierShaped(cell: string): boolean {
  const value = cell.trim();
  return CODE_CELL.test(value) && value.replace(/\D/g, '').length >= 4 && value.length >= 6;
}

/**
 * Endings of drug names by their INN stems (-pril, -sartan, -olol, -statin, -dipine, -prazole,
 * ...; WHO "The use of stems in the selection of INN"): a column holding one is a medication list
 * without a header, not people ("2024-03-01, Amlodipine, 5 mg").
 */
const DRUG_STEM = /^[a-z]{3,}(?:pril|sartan|olol|statin|dipine|prazole|tidine|xaban|gatran|parin|gliptin|gliflozin|formin|glitazone|lukast|oxacin|cillin|mycin|cycline|conazole|vir|mab|tinib|semide|thiazide|triptan|oxetine|pramine|azepam|zolam|setron|sone|olone|profen|coxib|caine|dronate|tropium|terol)$/;

/** High-cardinality codes with a digit (MRNs, member ids): PHI when the table holds PHI. */
export function identifierShaped(samples: readonly string[]): boolean {
  if (samples.length < 2) return false;
  const trimmed = samples.map((s) => s.trim());
  if (share(trimmed, (v) => CODE_CELL.test(v)) < 0.9) return false;
  return new Set(trimmed).size / trimmed.length >= 0.9;
}

const STATES = new Set([...STATE_CODES, ...STATE_NAMES.map((n) => n.toUpperCase())]);
const distinctShare = (values: readonly string[]) => new Set(values).size / values.length;
const present = (samples: readonly string[]) => samples.map((s) => s.trim()).filter(Boolean);

/** ZIPs ("02115", "02115-4021"), two or more: the shape rule of `typeFromValueShape` for short tables. */
export function zipShaped(samples: readonly string[]): boolean {
  const trimmed = present(samples);
  return trimmed.length >= 2 && share(trimmed, (v) => ZIP_CELL.test(v)) >= 0.9;
}

/** US states by postal code ("MA") or name ("New Hampshire"), as a town column's neighbour holds them. */
export function stateShaped(samples: readonly string[]): boolean {
  const trimmed = present(samples);
  return trimmed.length >= 2 && share(trimmed, (v) => STATES.has(v.toUpperCase()) && (v.length > 2 || v === v.toUpperCase())) >= 0.9;
}

/** Proper nouns of one to four words, none an everyday word other than a place word ("Port", "Lake"), no drug. */
function properNouns(trimmed: readonly string[]): boolean {
  if (trimmed.length < 2 || share(trimmed, (v) => v.length > 1 && NAME_CELL_ANY_CASE.test(v)) < 0.9) return false;
  return !trimmed.some((v) => words(v).some((w) => (COMMON_WORDS.has(w) && !PLACE_WORDS.has(w)) || DRUG_STEM.test(w)));
}

/**
 * Towns by their own shape: proper nouns, half of them or more with a place word or a place
 * ending on a word that is no known name ("Port Alder", "Millbury"). Towns repeat (neighbours), so half distinct is enough.
 */
export function placeShaped(samples: readonly string[]): boolean {
  const trimmed = present(samples);
  if (!properNouns(trimmed) || distinctShare(trimmed) < 0.5) return false;
  return share(trimmed, (v) => words(v).some(placeWord)) >= 0.5;
}

/**
 * Proper nouns that may be towns, said of a column that stands before a ZIP or state column:
 * not people written "Given Family" (most values of two words or more opening with a given name).
 */
export function townLike(samples: readonly string[]): boolean {
  const trimmed = present(samples);
  if (!properNouns(trimmed) || distinctShare(trimmed) < 0.5) return false;
  return share(trimmed, (v) => {
    const w = words(v);
    return w.length >= 2 && FIRST_NAMES.has(w[0]!) && !PLACE_WORDS.has(w[0]!);
  }) < 0.5;
}

/** Words column names are made of, beyond those that announce PHI (column-names.ts) and COMMON_WORDS. */
const HEADER_WORDS = new Set(['status', 'type', 'town', 'ward', 'bed', 'room', 'unit', 'consultant', 'doctor', 'nurse', 'provider', 'given', 'family', 'forename', 'surname', 'born', 'sex', 'gender', 'notes', 'note', 'comment', 'comments', 'result', 'results', 'code', 'dose', 'drug', 'medication', 'route', 'site', 'relation', 'relationship', 'contact', 'insurer', 'plan', 'visit', 'reason', 'service', 'location', 'place', 'country', 'region', 'language', 'team', 'clinic', 'department', 'level', 'category', 'outcome', 'priority', 'source', 'kind', 'group', 'label', 'value', 'field', 'total', 'count', 'first', 'last', 'middle', 'full', 'residence']);

/**
 * A first line without digits that is a row of values, not a header: no cell is a column word
 * (HEADER_WORDS, COMMON_WORDS, or snake_case and other marks of a name), and a cell written like
 * a person's name with a word of the name dictionaries stands over a column of proper nouns
 * ("Okonkwo;Amara;Salem" over "Fifita;Tevita;Quincy"). `columnOf(c)` gives column c's values below.
 */
export function rowOfValues(cells: readonly string[], columnOf: (column: number) => readonly string[], isColumnWord: (cell: string) => boolean): boolean {
  let named = false;
  for (let c = 0; c < cells.length; c++) {
    const cell = cells[c]!.trim();
    if (cell === '' || /[\d_#()/:]/.test(cell) || cell === cell.toLowerCase() || isColumnWord(cell)) return false;
    const ws = words(cell);
    if (ws.some((w) => COMMON_WORDS.has(w) || HEADER_WORDS.has(w))) return false;
    if (!named && NAME_CELL.test(cell) && ws.some(isKnownName) && properNouns(present(columnOf(c)))) named = true;
  }
  return named;
}
