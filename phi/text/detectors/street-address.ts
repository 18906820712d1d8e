import { CHANCE_STREET_SUFFIXES } from '../dictionaries';
import { cueSet, eachMatchAt, type CueSet } from '../cues';
import { eachMatch, finding, type Detector } from '../detector';
import { anyCaseAlternation, DASH } from '../patterns';
import type { Finding } from '../../types';

const DASH_OR_SPACE = `(?:${DASH}|[ \\t])`;

/**
 * Street suffixes: the common part of USPS Publication 28, appendix C1 (full words and standard
 * abbreviations), plus the list that ships with chance.
 */
const USPS_SUFFIXES = [
  'Alley', 'Aly', 'Avenue', 'Ave', 'Av', 'Bend', 'Bluff', 'Blvd', 'Boulevard', 'Branch', 'Bridge', 'Brook', 'Burg', 'Bypass', 'Byp',
  'Camp', 'Canyon', 'Cape', 'Causeway', 'Center', 'Ctr', 'Circle', 'Cir', 'Cliff', 'Club', 'Common', 'Corner', 'Corners', 'Course',
  'Court', 'Ct', 'Cove', 'Creek', 'Curve', 'Crescent', 'Crest', 'Crossing', 'Xing', 'Dale', 'Dam', 'Divide', 'Drive', 'Dr', 'Estate', 'Estates',
  'Expressway', 'Expy', 'Extension', 'Ext', 'Falls', 'Ferry', 'Field', 'Fields', 'Flat', 'Flats', 'Ford', 'Forest', 'Forge', 'Fork', 'Gateway',
  'Fort', 'Freeway', 'Fwy', 'Garden', 'Gardens', 'Gateway', 'Glen', 'Green', 'Grove', 'Harbor', 'Haven', 'Heights', 'Hts', 'Highway',
  'Hwy', 'Hill', 'Hills', 'Hollow', 'Inlet', 'Island', 'Isle', 'Junction', 'Key', 'Knoll', 'Knolls', 'Lake', 'Lakes', 'Landing',
  'Lane', 'Ln', 'Light', 'Loaf', 'Lock', 'Lodge', 'Loop', 'Mall', 'Manor', 'Meadow', 'Meadows', 'Mews', 'Mill', 'Mills', 'Mission',
  'Motorway', 'Mount', 'Mountain', 'Neck', 'Orchard', 'Oval', 'Overpass', 'Park', 'Parks', 'Parkway', 'Pkwy', 'Pass', 'Passage',
  'Path', 'Pike', 'Pine', 'Port', 'Spur', 'Walk', 'Green', 'Junction', 'Lock', 'Mount', 'Trace', 'Union', 'Villa', 'Vista', 'Pines', 'Place', 'Pl', 'Plain', 'Plains', 'Plaza', 'Plz', 'Point', 'Pt', 'Points', 'Port', 'Prairie',
  'Radial', 'Ramp', 'Ranch', 'Rapid', 'Rapids', 'Rest', 'Ridge', 'Ridges', 'River', 'Road', 'Rd', 'Roads', 'Route', 'Rte', 'Row',
  'Rue', 'Run', 'Shoal', 'Shore', 'Shores', 'Skyway', 'Spring', 'Springs', 'Spur', 'Square', 'Sq', 'Station', 'Stravenue', 'Stream',
  'Street', 'St', 'Streets', 'Summit', 'Terrace', 'Ter', 'Throughway', 'Trace', 'Track', 'Trafficway', 'Trail', 'Trl', 'Trailer',
  'Tunnel', 'Turnpike', 'Tpke', 'Underpass', 'Union', 'Valley', 'Viaduct', 'View', 'Views', 'Village', 'Ville', 'Vista', 'Walk',
  'Wall', 'Way', 'Well', 'Wells', 'Via',
  // British and Irish street types USPS does not list.
  'Close', 'Rise', 'Parade', 'Wynd', 'Croft', 'Approach', 'Broadway', 'Embankment', 'Quay', 'Circus', 'Vennel', 'Brae',
];
const SUFFIX = anyCaseAlternation([...USPS_SUFFIXES, ...CHANCE_STREET_SUFFIXES]);

const WORD = "[A-Z0-9][A-Za-z0-9'’.-]{0,29}";
const DIRECTION = '(?:[NSEW]\\.?|North|South|East|West|NE|NW|SE|SW)';
const UNIT = `(?:,?[ \\t]{0,3}(?:${anyCaseAlternation(['apt', 'apartment', 'suite', 'ste', 'unit', 'room', 'rm', 'floor', 'fl', 'bldg', 'building', 'lot', 'space'])}|#)\\.?\\s{0,3}#?[A-Za-z0-9-]{1,6}(?![A-Za-z0-9]))?`;
/** "1200 N. Oak Ridge Rd, Apt 4B": number, optional direction, one to four words, a suffix, optional unit. */
const STREET = new RegExp(
  `(?<![\\w-])\\d{1,6}[A-Za-z]?[ \\t]{1,3}(?:${DIRECTION}[ \\t]{1,3})?(?:${WORD}[ \\t]{1,3}){1,4}(?:${SUFFIX})s?(?![A-Za-z])\\.?(?:[ \\t]{1,2}${DIRECTION}(?![A-Za-z]))?${UNIT}`,
  'g',
);
/** all lower-case "1200 main st": a number of two digits or more, one or two words, a suffix. */
/** (Not "1950 in Lake ...": a function word is no street name.) */
const STREET_LOWER = new RegExp(`(?<![\\w-])\\d{2,6}[ \\t]{1,3}(?:[nsew]\\.?[ \\t]{1,3})?(?!(?:in|on|at|of|to|by|for|from|and|or|the|near|since|until|with)[ \\t])(?:[a-z][a-z'-]{1,29}[ \\t]{1,3}){1,2}(?:${SUFFIX})s?(?![A-Za-z])\\.?${UNIT}`, 'g');
const PO_BOX = /\b[Pp]\.?\s?[Oo]\.?\s{0,2}[Bb][Oo][Xx]\s{1,3}\d{1,8}\b/g;

/**
 * The rest of the world writes the street type first ("12 Rue Saint-Denis", "Calle Luna 45",
 * "Via Roma 12", "ul. Długa 5"), glues it to the name ("Hauptstraße 5", "Storgatan 3") or numbers
 * its roads ("4410 State Route 9", "RR 2 Box 15"). Names are words in any script; small
 * lower-case particles ("de la", "del", "von") may sit between them.
 */
const TYPE_FIRST_WORDS = [
  'rue', 'calle', 'avenida', 'av', 'avda', 'via', 'viale', 'vicolo', 'piazza', 'piazzale', 'corso', 'largo', 'rua', 'travessa', 'praça',
  'praca', 'plaza', 'paseo', 'camino', 'carrera', 'carretera', 'calzada', 'ul', 'ulica', 'aleja', 'al', 'boulevard', 'bd', 'chemin',
  'allée', 'allee', 'impasse', 'place', 'quai', 'cours', 'rambla', 'ronda', 'passeig', 'carrer', 'strada', 'ulitsa', 'prospekt',
  'rruga', 'sokak', 'caddesi', 'cad', 'jalan', 'jl', 'đường', 'duong', 'phố', 'os', 'osiedle', 'plac',
  'avenue', 'chaussée', 'chaussee', 'faubourg', 'sentier', 'esplanade', 'promenade', 'passage', 'square', 'stradun', 'stradina',
  // Irish: "2 Bóthar na Trá", "14 Sráid an Mhargaidh".
  'bóthar', 'bothar', 'sráid', 'sraid', 'ascaill', 'bóithrín', 'boithrin', 'lána', 'cearnóg', 'plás', 'céide', 'ceide',
];
const TYPE_FIRST = anyCaseAlternation(TYPE_FIRST_WORDS);
const GLUED_TYPES = ['straße', 'strasse', 'str.', 'gasse', 'weg', 'platz', 'allee', 'ring', 'damm', 'ufer', 'gatan', 'vägen', 'vagen', 'gata', 'gade', 'vej', 'veien', 'vegen', 'gaten', 'tie', 'katu', 'kuja', 'laan', 'straat', 'plein', 'gracht', 'steig', 'pfad'];
const GLUED_TYPE = `(?:${anyCaseAlternation(GLUED_TYPES)})`;
const NAME_WORD = "[\\p{Lu}\\p{Lt}\\p{Lo}][\\p{L}\\p{M}'’.-]{0,29}";
const PARTICLE = "(?:de|del|de la|de las|de los|da|do|dos|das|di|della|delle|dei|des|du|la|le|les|von|van|der|den|am|an|im|zum|zur|y|e|d'|l'|na)";
const NAME_WORDS = `(?:${NAME_WORD}|\\d{1,3}(?:er|e|º|ª|°)?)(?:[ \\t]{1,2}(?:${PARTICLE}[ \\t]{1,2})?${NAME_WORD}){0,4}`;
const HOUSE = '\\d{1,5}(?:[A-Za-z]|[ ]?(?:bis|ter|quater))?(?:[/-]\\d{1,4})?';
/**
 * Floors, doors and sides as Europe writes them after the house: "5.º", "2.º Esq." (Portuguese),
 * "scala B", "int. 6" (Italian), "bte 3", "boîte 5" (Belgian), "lejl. 102" (Danish), "3r 2a"
 * (Catalan), "HS" (Dutch), "Hinterhaus" (German), "Whg. 4", and the Danish floor and side ("2. th.",
 * "3. tv.", "st. mf.", "kl. th.", "1. sal"; the side is needed, so "2." alone is no floor).
 */
const EUROPEAN_UNIT = `|,?[ \\t]{1,2}(?:\\d{1,2}\\.|st\\.|kl\\.)[ \\t]?(?:th|tv|mf|sal)\\.?(?![\\p{L}\\p{N}])|,?[ \\t]{1,2}\\d{1,2}\\.[ ]?[º°ªoa](?:[ \\t]{1,2}(?:${anyCaseAlternation(['esq', 'dto', 'dt', 'dir', 'fte', 'frente'])})\\.?)?|,?[ \\t]{1,2}(?:${anyCaseAlternation(['scala', 'int', 'interno', 'apto', 'bte', 'boîte', 'boite', 'bus', 'lejl', 'whg', 'wohnung', 'esc', 'escalera', 'bloc', 'bât', 'bat', 'porta', 'appt', 'app'])})\\.?[ \\t]{0,2}[A-Za-z0-9]{1,5}(?![\\p{L}\\p{N}])|,?[ \\t]{1,2}\\d{1,2}(?:r|n|t|º|o)[ \\t]\\d{1,2}(?:a|º|ª)(?![\\p{L}\\p{N}])|,?[ \\t]{1,2}(?:HS|hs|BG|bg|Hinterhaus|Vorderhaus|Seitenflügel|rez-de-chaussée|RDC)(?![\\p{L}\\p{N}])|[ \\t](?:m|lok|leil|lgh)\\.[ \\t]?\\d{1,4}(?![\\p{L}\\p{N}])|[ \\t][A-Z](?=[ \\t]?(?:,|\\n|$))`;
const WORLD_UNIT = `(?:,?[ \\t]{1,2}(?:${anyCaseAlternation(['piso', 'planta', 'puerta', 'dpto', 'depto', 'etage', 'étage', 'stock', 'top', 'apt', 'apartment', 'suite', 'unit', 'ste', 'bloco', 'andar', 'kv', 'lgh', 'apto'])})\\.?[ \\t]{0,2}[A-Za-z0-9]{1,5}|,?[ \\t]{1,2}\\d{1,3}(?:º|ª|°|o|a|er|e|eme|ème)[ \\t]{0,2}(?:[A-Z](?![\\p{L}])|${anyCaseAlternation(['étage', 'etage', 'piso', 'andar'])})|,?[ \\t]{1,2}#[A-Za-z0-9-]{1,6}${EUROPEAN_UNIT})?`;
/** "12 Rue Saint-Denis", "12, rue de la Paix" */
const NUMBER_THEN_TYPE = new RegExp(`(?<![\\p{L}\\p{N}-])${HOUSE},?[ \\t]{1,3}(?:${TYPE_FIRST})\\.?[ \\t]{1,3}(?:${PARTICLE}[ \\t]{1,2})?${NAME_WORDS}${WORLD_UNIT}`, 'gu');
/** "Calle Luna 45", "Avenida Paulista, 1578", "ul. Długa 5" */
const TYPE_THEN_NUMBER = new RegExp(`(?<![A-Za-z0-9])(?:${TYPE_FIRST})\\.?[ \\t]{1,3}(?:${PARTICLE}[ \\t]{1,2})?${NAME_WORDS},?[ \\t]{1,3}(?:n[º°o]\\.?[ \\t]?)?${HOUSE}(?![\\p{L}\\p{N}])${WORLD_UNIT}`, 'gu');
/**
 * "Hauptstraße 5", "Sihlfeldstrasse 12", "Södra Skolvägen 9", "Berliner Straße 5": the type is
 * found first (a regex that starts at the name would retry at every letter), then the name is
 * taken backwards: the word it is glued to and up to two capitalised words (particles between).
 */
const GLUED_THEN_NUMBER = new RegExp(`${GLUED_TYPE}[ \\t]{1,3}${HOUSE}(?![\\p{L}\\p{N}])${WORLD_UNIT}`, 'gu');
const LETTER = /[\p{L}\p{M}'’-]/u;
const UPPER = /[\p{Lu}\p{Lt}]/u;
const PARTICLES = new Set(['de', 'del', 'la', 'las', 'los', 'da', 'do', 'dos', 'das', 'di', 'della', 'des', 'du', 'le', 'les', 'von', 'van', 'der', 'den', 'am', 'an', 'im', 'zum', 'zur']);

/** "in der Goethestraße", "aus der Lindenstraße": the article belongs to the sentence ("Mail to del Sol Straße" keeps its particle). */
const GERMAN_PREPOSITION_BEFORE = /(?:^|[^\p{L}])(?:in|an|auf|aus|von|zu|bei|nach|über|wohnt|lebt)[ \t]{1,2}$/u;

/**
 * "Bjørnstjerne Bjørnsons gate 11", "Karl Johans gate 5", "H.C. Andersens vej 3": a Nordic street
 * named in the genitive, its type a lower-case word of its own (found first, then the one or two
 * capitalised words before it, the last ending in s).
 */
const NORDIC_GENITIVE_WORDS = ['gate', 'gata', 'gatan', 'gaten', 'vei', 'veien', 'veg', 'vegen', 'vej', 'gade', 'vägen', 'allé', 'plass', 'plads', 'torg', 'torv'];
const NORDIC_GENITIVE_TYPE = new RegExp(`(?<=[ ])(?:${NORDIC_GENITIVE_WORDS.join('|')})[ ]\\d{1,4}[A-Za-z]?(?![\\p{L}\\p{N}])`, 'gu');
const NORDIC_GENITIVE_PLACES = cueSet(NORDIC_GENITIVE_WORDS, { after: 'letter' });
const NORDIC_PLACE_BEFORE = /(?:^|[^\p{L}])(?:i|på|paa|adresse|adress|bopæl|bosatt i|bor i|bor på)[ ]$/iu;
const POSTCODE_AFTER = /^,?[ \t\n]{1,2}\d{3}[ ]?\d{1,2}[ \t]/;
const GENITIVE_NAME_BEFORE = /(?:\p{Lu}[\p{L}\p{M}'’.-]{0,28}[ ]){0,2}\p{Lu}[\p{L}\p{M}'’-]{1,28}s$/u;

function nordicGenitiveStreets(text: string, out: Finding[]): void {
  eachMatchAt(NORDIC_GENITIVE_TYPE, text, NORDIC_GENITIVE_PLACES, (m) => {
    if (m.index === 0 || text[m.index - 1] !== ' ') return;
    const before = GENITIVE_NAME_BEFORE.exec(text.slice(Math.max(0, m.index - 61), m.index - 1));
    if (!before) return;
    // An English plural before "gate 3" is no street ("Visits gate 3"): a Nordic word of place
    // before the name ("bor i", "på", "adresse") or a postcode after the house must say so.
    const start = m.index - 1 - before[0].length;
    const end = m.index + m[0].length;
    if (!NORDIC_PLACE_BEFORE.test(text.slice(Math.max(0, start - 12), start)) && !POSTCODE_AFTER.test(text.slice(end, end + 8))) return;
    out.push(finding('STREET_ADDRESS', start, end, 0.9));
  });
}

/** Where a glued street name starts, reading back from its type at `at` (-1: no name). */
function gluedNameStart(text: string, at: number): number {
  let start = at;
  while (start > 0 && at - start < 30 && LETTER.test(text[start - 1]!)) start--;
  if (start === at && !(at > 0 && text[at - 1] === ' ' && UPPER.test(text[at]!))) return start < at ? start : -1;
  if (start === at) start = at; // "Berliner Straße": the type is its own word
  let words = 0;
  for (;;) {
    let gap = start;
    while (gap > 0 && start - gap < 2 && (text[gap - 1] === ' ' || text[gap - 1] === '\t')) gap--;
    if (gap === start || gap === 0) break;
    let word = gap;
    while (word > 0 && gap - word < 30 && LETTER.test(text[word - 1]!)) word--;
    if (word === gap) break;
    const value = text.slice(word, gap);
    if (PARTICLES.has(value)) {
      start = word;
      continue;
    }
    if (!UPPER.test(value[0]!) || words >= 2) break;
    start = word;
    words++;
  }
  // A particle cannot start the name unless it is all there is before the type ("in der
  // Goethestraße 12": the article is the sentence's; "Am Kupfergraben 6a" is capitalised).
  for (;;) {
    let end = start;
    while (end < at && LETTER.test(text[end]!)) end++;
    if (end >= at || !PARTICLES.has(text.slice(start, end)) || !/^[ \t]{1,2}\p{L}/u.test(text.slice(end, end + 3))) break;
    if (!GERMAN_PREPOSITION_BEFORE.test(text.slice(Math.max(0, start - 6), start))) break;
    start = end;
    while (start < at && (text[start] === ' ' || text[start] === '\t')) start++;
  }
  return start;
}

/** "4410 State Route 9", "12 Highway 101", "300 County Road 12", "RR 2 Box 15", "HC 60 Box 123" */
const NUMBERED_ROAD = new RegExp(
  `(?<![\\w-])\\d{1,6}[ \\t]{1,3}(?:[NSEW]\\.?[ \\t]{1,2})?(?:${anyCaseAlternation(['state route', 'state road', 'state highway', 'us highway', 'us route', 'u.s. highway', 'u.s. route', 'county road', 'county route', 'farm to market road', 'ranch road', 'route', 'rte', 'highway', 'hwy', 'interstate', 'sr', 'cr', 'fm', 'us'])})\\.?[ \\t]{0,2}${DASH_OR_SPACE}?\\d{1,4}[A-Za-z]?(?![\\p{L}\\p{N}])${WORLD_UNIT}|(?<![\\p{L}\\p{N}])(?:RR|R\\.R\\.|[Rr]ural [Rr]oute|HC|H\\.C\\.|[Hh]ighway [Cc]ontract|[Ss]tar [Rr]oute)[ \\t]{0,2}\\d{1,3},?[ \\t]{1,2}[Bb]ox[ \\t]{1,2}\\d{1,5}(?!\\d)${WORLD_UNIT}`,
  'gu',
);
const PO_BOX_WORLD = /(?<![\w])(?:[Pp]\.?[ \t]?[Oo]\.?[ \t]{0,2}[Bb]ox|[Pp]ost [Oo]ffice [Bb]ox|[Aa]partado(?: [Pp]ostal)?|[Cc]aixa [Pp]ostal|[Cc]asilla|[Pp]ostfach|[Bb]o[iî]te [Pp]ostale)[ \t]{1,3}#?\d{1,8}(?!\d)/g;
const PO_BOX_UNIT = new RegExp(`${PO_BOX_WORLD.source}${WORLD_UNIT}`, 'gu');

/**
 * The flat first, as Irish and British addresses write it: "Apartment 6, The Maltings, Mill Street",
 * "Flat 3, 27 Kensington Gardens Square". A building's name may stand between; the last part ends
 * with a street type, so "Unit 4, Ward B" is no address.
 */
const UNIT_FIRST_WORDS = ['apartment', 'apt', 'flat', 'unit', 'suite'];
const CAPITALISED = "\\p{Lu}[\\p{L}\\p{M}'’-]{1,29}";
const UNIT_FIRST = new RegExp(
  `(?:${anyCaseAlternation(UNIT_FIRST_WORDS)})\\.?[ \\t]\\d{1,4}[A-Za-z]?,[ \\t](?:(?:The[ \\t])?${CAPITALISED}(?:[ \\t]${CAPITALISED}){0,2},[ \\t])?(?:\\d{1,5}[A-Za-z]?[ \\t])?(?:${CAPITALISED}[ \\t]){1,3}(?:${SUFFIX})(?![\\p{L}])`,
  'gu',
);
const ALL = [STREET, STREET_LOWER, PO_BOX, NUMBER_THEN_TYPE, TYPE_THEN_NUMBER, GLUED_THEN_NUMBER, NUMBERED_ROAD, PO_BOX_UNIT, UNIT_FIRST];
/**
 * Where the shared keyword pass finds each word-led pattern's first word (the others scan the whole
 * text): a street type first ("Calle"), a glued type ("-straße", anywhere in a word), a post box's
 * first word ("P.O. Box", "Postfach"; any word starting with p).
 */
const POST_BOX_WORDS = cueSet(['p', 'apartado', 'caixa', 'casilla', 'postfach', 'boite', 'boîte'], { after: 'letter or digit' });
const PLACES = new Map<RegExp, CueSet>([
  [TYPE_THEN_NUMBER, cueSet(TYPE_FIRST_WORDS, { after: 'letter or digit' })],
  [GLUED_THEN_NUMBER, cueSet(GLUED_TYPES)],
  [PO_BOX, POST_BOX_WORDS],
  [PO_BOX_UNIT, POST_BOX_WORDS],
  [UNIT_FIRST, cueSet(UNIT_FIRST_WORDS, { after: 'letter or digit' })],
]);

/**
 * What follows an address label is the address, in whatever form its country writes it ("Address:
 * H.No. 5-9-22/1, Road No. 3, Banjara Hills", "Lives at Flat 3, 27 Kensington Gardens Square"):
 * the rest of the line, up to where the sentence goes on (" at 7 am", " with her husband"). It
 * must hold a digit (house, flat, plot or postcode), so "lives at home" is no address. "Discharged
 * to" is such a label too ("Discharged to Laugavegur 28b,"); "moved to" is not (it takes a city and state).
 */
const LABELLED_ADDRESS = /(?:address|mailing|lives at|living at|resides at|residing at|up from|discharged to|wohnhaft(?: in)?|wohnt in|anschrift|adresse|demeurant(?: au| à)?|domicili[ée]e?(?: au| à)?|domicilio|domiciliat[oa](?: in| a)?|r[ée]sidant(?: au| à)?|residente(?: in| a| em| en)?|morada|reside(?: en| em))(?![\p{L}\p{N}_])[ \t]{0,3}:?[ \t]{0,3}([^\n|,\t]{1,2}[^\n]{2,118})/iyu;
/** Where a label may be: found with indexOf, so the pattern runs only there ("Home address", "pick her up from"). */
const LABEL_STEMS = /ddress|DDRESS|ailing|AILING|i(?:ves|ving) at|esid(?:es|ing) at|up from|ischarged to|ohnhaft|ohnt in|nschrift|dresse|emeurant|omicili|[ée]sidant|esidente|orada|eside e[nm]/g;
const STEM_CUES = cueSet(['ddress', 'ailing', 'ives at', 'iving at', 'esides at', 'esiding at', 'up from', 'ischarged to', 'ohnhaft', 'ohnt in', 'nschrift', 'dresse', 'emeurant', 'omicili', 'ésidant', 'esidant', 'esidente', 'orada', 'eside en', 'eside em'], { whole: true });
const ADDRESS_ENDS = /[ \t](?:at[ \t]\d|with[ \t]|on[ \t]|for[ \t]|since[ \t]|until[ \t])|[;(]|,[ \t]{1,2}(?:tel|tél|phone|telefon|telefone|tlf|fax|mobile|cell|téléphone)(?![\p{L}])|(?<!(?:^|[\s.,])\p{L}{1,3})\.[ \t]{1,2}\p{Lu}|,[ \t]{1,2}[^,\n]{2,40},[ \t]{1,2}[A-Z]{2}\.?[ \t]{1,2}\d{5}|[.,]?[ \t]{0,8}$/u;
/** "MAC address", "IP address", "e-mail address" label no street. (A US ", City, ST 12345" after the street is zip-and-city's: the state stays.) */
const NOT_STREET_LABEL = /(?:mac|ip|ipv4|ipv6|e-?mail|web|hardware|memory|wallet|server|host)[ \t_-]{1,2}$/i;
/** The label starts a word. */
const WORD_BEFORE = /[\p{L}\p{N}_]/u;
const MOVE_LABEL = /^discharged/i;
const NOT_A_PLACE = /^(?:the[ \t])?(?:room|rm|bed|bay|ward|icu|unit|floor|level|stage|step|day|week|month|dose|tier|grade|phase|line|plan|option|level|cohort|arm|group|theatre|or|pacu)\b|^\d+(?:[ \t]*(?:mg|mcg|ml|units?|%|hours?|days?))?$/i;

function labelledAddress(text: string, out: Finding[]): void {
  const starts = new Set<number>();
  eachMatchAt(LABEL_STEMS, text, STEM_CUES, (m) => {
    // Back to the start of the label's first word ("a|ddress", "l|ives at", "up from").
    const start = m[0] === 'up from' ? m.index : m.index - 1;
    if (start < 0 || (start > 0 && WORD_BEFORE.test(text[start - 1]!))) return;
    starts.add(start);
  });
  for (const start of starts) {
    if (NOT_STREET_LABEL.test(text.slice(Math.max(0, start - 12), start))) continue;
    LABELLED_ADDRESS.lastIndex = start;
    const m = LABELLED_ADDRESS.exec(text);
    if (!m) continue;
    let value = m[1]!;
    const end = ADDRESS_ENDS.exec(value);
    if (end) value = value.slice(0, end.index);
    value = value.replace(/[ \t.,:;]+$/, '');
    if (value.length < 4 || !/\d/.test(value) || /@|https?:|www\./i.test(value)) continue;
    // After "discharged to" a number is as often a bed, a room or a ward as a house.
    if (MOVE_LABEL.test(m[0]) && NOT_A_PLACE.test(value)) continue;
    const from = start + m[0].length - m[1]!.length;
    out.push(finding('STREET_ADDRESS', from, from + value.length, 0.75));
  }
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

export const streetAddressDetector: Detector = {
  name: 'street-address',
  patterns: [...ALL, LABELLED_ADDRESS, LABEL_STEMS, ADDRESS_ENDS, NOT_STREET_LABEL, NORDIC_GENITIVE_TYPE, GENITIVE_NAME_BEFORE, NORDIC_PLACE_BEFORE, POSTCODE_AFTER],
  applies: (f) => f.digit,
  detect(text) {
    const out: Finding[] = [];
    for (const pattern of ALL) {
      // A street-type-first form outranks the name detector reading "Calle Luna" as a person.
      const score = pattern === STREET || pattern === STREET_LOWER || pattern === PO_BOX ? 0.85 : 0.9;
      const places = PLACES.get(pattern);
      const each = places ? (p: RegExp, t: string, on: (m: RegExpExecArray) => void) => eachMatchAt(p, t, places, on) : eachMatch;
      each(pattern, text, (m) => {
        let start = m.index;
        if ((pattern === TYPE_THEN_NUMBER || pattern === UNIT_FIRST) && start > 0 && WORD_CHAR.test(text[start - 1]!)) return;
        if (pattern === GLUED_THEN_NUMBER) {
          start = gluedNameStart(text, m.index);
          if (start < 0) return;
        }
        out.push(finding('STREET_ADDRESS', start, m.index + m[0].length, score));
      });
    }
    labelledAddress(text, out);
    nordicGenitiveStreets(text, out);
    return out;
  },
};
