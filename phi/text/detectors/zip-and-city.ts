import { contextWords } from '../context';
import { cueSet, eachMatchAt } from '../cues';
import { eachMatch, finding, type Detector } from '../detector';
import { anyCaseAlternation, DASH, STATE_CODES, STATE_NAMES, wordAlternation } from '../patterns';
import { POSTCODE_LETTERED } from '../places';
import type { Finding } from '../../types';

const STATE = `(?:${wordAlternation([...STATE_CODES, ...STATE_NAMES])})`;
const ZIP = `(\\d{5}(?:${DASH}\\d{4})?)`;
/** "Boston, MA 02139", "Austin, Texas 78701-1234": the ZIP after a state. */
const ZIP_AFTER_STATE = new RegExp(`(?<![A-Za-z])(${STATE})\\.?,?\\s{1,3}${ZIP}(?![\\dA-Za-z])`, 'gi');
/** "zip: 02139", "postal code 02139". */
const ZIP_LABELLED = new RegExp(`\\b(?:zip|zip\\s?code|zipcode|postal\\s?code|postcode)(?:[\\s:#.=]|${DASH}){0,4}${ZIP}(?!\\d)`, 'gi');
/** "postcode DL3 7LX", "Postleitzahl L-9540": a postcode of another country after its label (case kept: the letters are upper case). */
const POSTCODE_LABELLED = new RegExp(`(?<![\\p{L}])(?:zip|ZIP|[Pp]ost(?:al)?[ ]?code|[Pp]ostleitzahl|PLZ|[Cc]ode postal|[Pp]ostnummer|[Pp]ostcode)(?:[\\s:#.=]|${DASH}){0,4}(${POSTCODE_LETTERED})`, 'gu');
const POSTCODE_LABEL_CUES = cueSet(['zip', 'postcode', 'postal', 'post code', 'postleitzahl', 'plz', 'code postal', 'postnummer'], { after: 'letter', whole: true });
const ZIP_LABEL_CUES = cueSet(['zip', 'postal', 'postcode'], { after: 'letter' });
const CITY_WORD = "[A-Z][A-Za-z'’.-]{1,24}";
/** "Springfield, IL": capitalized words right before a comma and a state. */
const CITY_BEFORE_STATE = new RegExp(`(?<![A-Za-z])(${CITY_WORD}(?:[ ]${CITY_WORD}){0,2}),[ ]{0,2}(?:${wordAlternation(STATE_CODES)}|${wordAlternation(STATE_NAMES)})(?![A-Za-z])`, 'g');
/** "Boston MA 02118": no comma, so a ZIP must follow the state. */
const CITY_STATE_ZIP = new RegExp(`(?<![A-Za-z])(${CITY_WORD}(?:[ ]${CITY_WORD}){0,2})[ ]{1,2}(?:${wordAlternation(STATE_CODES)})[ ]{1,2}\\d{5}(?![\\d])`, 'g');
/** "City: Springfield", "lives in Springfield". */
const CITY_LABELS = ['city', 'town', 'resides in', 'lives in', 'living in', 'moved to', 'relocated to', 'hometown'];
const CITY_LABELLED = new RegExp(`(?<![A-Za-z])(?:${anyCaseAlternation(CITY_LABELS)})[\\s:]{1,4}(${CITY_WORD}(?:[ ]${CITY_WORD}){0,2})`, 'g');
const CITY_LABEL_CUES = cueSet(CITY_LABELS, { after: 'letter' });

/**
 * A place after a verb of living, coming or moving, in English, German, French, Spanish,
 * Portuguese and Italian prose ("moved from Kettering", "wohnt in Bautzen", "vit seule à
 * Colmar", "habite à Saint-Dié-des-Vosges", "vive en Cádiz", "nata a Napoli"). The place is one to
 * three capitalised words (particles between: "Freiburg im Breisgau"); a hospital, ward or day
 * after the same words is no city ("transferred from Mercy Hospital", "moved to ICU").
 */
const PROSE_CUES = [
  'moved from', 'relocated from', 'transferred from', 'lives near', 'living near', 'born in', 'visiting from', 'rang from', 'called from',
  'calling from', 'travelled from', 'traveled from', 'returned from', 'came from', 'comes from', 'home in',
  'wohnt in', 'lebt in', 'wohnhaft in', 'geboren in', 'stammt aus', 'kommt aus', 'zog nach', 'verzogen nach', 'umgezogen nach',
  'vit à', 'vit seule à', 'vit seul à', 'habite à', 'habite au', 'demeure à', 'domicilié à', 'domiciliée à', 'résidant à', 'réside à', 'né à', 'née à',
  'originaire de', 'installé à', 'installée à',
  'vive en', 'vive em', 'vive a', 'reside en', 'reside em', 'mora em', 'nacido en', 'nacida en', 'nato a', 'nata a', 'natural de', 'residente a',
  // Where a person lives, was born or died, in English, Dutch, Swedish, Norwegian, Polish, German, French and Spanish prose.
  'lives alone in', 'lived in', 'at home in', 'died in', 'passed away in', 'resident of', 'native of', 'formerly of', 'late of', 'grew up in', 'settled in', 'residing in',
  'woont in', 'woont te', 'wonende te', 'wonend te', 'woonachtig te', 'woonachtig in', 'thuis in', 'afkomstig uit', 'verhuisd naar', 'geboren te', 'overleden te', 'woonde in', 'woont alleen in', 'woont zelfstandig in',
  'bor i', 'bor ensam i', 'bor kvar i', 'bor själv i', 'bodde i', 'bosatt i', 'född i', 'flyttade till', 'hemma i', 'avled i',
  'bor alene i', 'bor fortsatt i', 'bor hjemme i', 'født i', 'flyttet til', 'hjemme i', 'døde i',
  'mieszka w', 'mieszkała w', 'mieszkał w', 'zamieszkała w', 'zamieszkały w', 'zamieszkały', 'zamieszkała', 'urodzona w', 'urodzony w', 'urodził się w', 'urodziła się w', 'zmarła w', 'zmarł w', 'pochodzi z', 'przeprowadziła się do', 'przeprowadził się do',
  'moved here from', 'moved back from', 'moved up from', 'moved down from', 'drives in from', 'drove in from', 'drove up from', 'drove down from', 'commutes from', 'commuting from',
  'lebt allein in', 'wohnt allein in', 'verstorben in', 'gestorben in', 'zu hause in', 'daheim in', 'décédée à', 'décédé à', 'demeurant à', 'vive sola en', 'vive solo en', 'falleció en', 'residente en',
  // Coming, calling and moving a person, in English, Swedish, Norwegian, Danish and German.
  'flew in from', 'flown in from', 'flying in from', 'move her from', 'move him from', 'moving her from', 'moving him from', 'moved her from', 'moved him from',
  'ringde från', 'ringer från', 'ringde fra', 'ringte fra', 'ringer fra', 'ringede fra', 'flyttas närmare', 'flytta närmare', 'flyttes nærmere', 'flytte nærmere',
  'verlegung nach', 'verlegt nach', 'rückverlegung nach',
];
const PLACE_WORD = "\\p{Lu}[\\p{L}\\p{M}'’-]{1,29}";
/**
 * Words that say "close to" rather than "lives in" ("lives near Ennis", "just outside Kutaisi"):
 * also said of a body part or an eponym ("near McBurney's point", "near Broca area"), so the place
 * must close its clause or go on with a function word, and no possessive.
 */
const NEAR_CUE = /(?<![\p{L}])(?:near|just outside|outside of|on the outskirts of|not far from)[ \t]{1,2}/giu;
const NEAR_CUE_PLACES = cueSet(['near', 'just outside', 'outside of', 'on the outskirts of', 'not far from'], { whole: true, after: 'letter' });
const NEAR_PLACE_ENDS = /^(?:[ \t]?[,;.)]|[ \t]{0,2}(?:\n|$)|[ \t](?:and|with|in|for|on|at|to|since|where|but|or|every|each|last|this|next|until|after|before|who|which|og|och|und|et|y|i)(?![\p{L}]))/u;
/** The cues alone, lower-case literals in one case-insensitive pass (the place is read after each, sticky, case-sensitive). */
const PROSE_CUE = new RegExp(`(?:${PROSE_CUES.join('|')})[ \\t]{1,2}`, 'gi');
const PROSE_CUE_PLACES = cueSet(PROSE_CUES, { whole: true });
/** A postcode may stand between the cue and the place ("bor i 4021 Stavanger", "woont te 8911 AB Leeuwarden"). */
const PROSE_POSTCODE = String.raw`(?:\d{4}[ ]?[A-Z]{2}|\d{3}[ ]\d{2}|\d{2}-\d{3}|[A-Z]{1,2}-\d{4,5}|\d{4,5})`;
const PLACE_IN_PROSE = `(${PLACE_WORD}(?:[ \\t](?:(?:im|am|an der|an|sur|sous|de|des|du|la|le|en|di|del|upon|on)[ \\t])?${PLACE_WORD}){0,2})`;
const CITY_IN_PROSE = new RegExp(`(?:(${PROSE_POSTCODE})[ \\t]{1,2})?${PLACE_IN_PROSE}`, 'uy');
/**
 * Where a person described by an age comes from: "Tadgh Ó Briain, 96, of Galway,", "Frau Wiebke
 * Tamsen, 91 Jahre, aus Husum", "(93 jaar) uit Drachten". The place closes its clause.
 */
const PLACE_AFTER_AGE = new RegExp(
  `(?<![\\d.])\\d{1,3}(?:[ \\t]{1,2}\\p{L}{1,6})?\\)?,?[ \\t]{1,2}(?:of|from|aus|uit|från|fra|z)[ \\t]{1,2}${PLACE_IN_PROSE}(?=[ \\t]?[,;.)]|[ \\t]{0,2}(?:\\n|$)|[ \\t]\\p{Ll})`,
  'gu',
);
/** German word order puts the place before the verb: "der in Bautzen lebt", "die in Husum wohnte". */
const PLACE_BEFORE_GERMAN_VERB = new RegExp(`(?<![\\p{L}])in[ \\t]${PLACE_IN_PROSE}[ \\t](?:lebt|wohnt|lebte|wohnte|wohnhaft|verstarb|geboren)(?![\\p{L}])`, 'gu');
const GERMAN_IN_PLACES = cueSet(['in'], { after: 'letter' });
/** "vom Rettungsdienst aus Bautzen eingeliefert": where the person was brought from, the verb after. */
const PLACE_BEFORE_GERMAN_ARRIVAL = new RegExp(`(?<![\\p{L}])aus[ \\t]${PLACE_IN_PROSE}[ \\t](?:eingeliefert|gebracht|verlegt|zugewiesen|überwiesen|zuverlegt|angereist)(?![\\p{L}])`, 'gu');
const GERMAN_AUS_PLACES = cueSet(['aus'], { after: 'letter' });
/**
 * A relative and where they live: "bij haar dochter in Zwolle.", "her son in Leeds,", "datter i
 * Bergen", "córka w Gdyni". The place closes its clause. Not in German, whose nouns have capitals
 * too ("Tochter in Behandlung").
 */
const KIN_WORDS = [
  'daughter', 'son', 'sister', 'brother', 'niece', 'nephew', 'grandson', 'granddaughter', 'cousin', 'mother', 'father', 'husband', 'wife', 'partner',
  'dochter', 'zoon', 'zus', 'broer', 'kleindochter', 'kleinzoon', 'neef', 'moeder', 'vader',
  'fille', 'fils', 'sœur', 'soeur', 'frère', 'frere', 'nièce', 'niece', 'neveu', 'mère', 'père',
  'dotter', 'syster', 'bror', 'datter', 'sønn', 'søster', 'barnbarn', 'barnebarn', 'mor', 'far',
  'córka', 'syn', 'siostra', 'brat', 'wnuczka', 'wnuk', 'hija', 'hijo', 'hermana', 'hermano', 'figlia', 'figlio', 'sorella', 'fratello',
];
const KIN = KIN_WORDS.flatMap((w) => [w, w[0]!.toUpperCase() + w.slice(1)]).join('|');
const PLACE_OF_KIN = new RegExp(`(?<![\\p{L}])(?:${KIN})[ \\t]{1,2}(?:in|i|w|à|en|te|em|a)[ \\t]{1,2}${PLACE_IN_PROSE}(?=[ \\t]?[,;.)]|[ \\t]{0,2}(?:\\n|$)|[ \\t]\\p{Ll})`, 'gu');
const KIN_PLACES = cueSet(KIN_WORDS, { after: 'letter' });
/** "died at ninety-five in Berlin;", "died at 96 in Brest". */
const PLACE_OF_DEATH = new RegExp(`(?<![\\p{L}])(?:died|passed away)[ \\t]at[ \\t](?:\\d{1,3}|[a-z]{3,9}(?:-[a-z]{3,5})?)[ \\t]in[ \\t]${PLACE_IN_PROSE}(?=[ \\t]?[,;.)]|[ \\t]{0,2}(?:\\n|$)|[ \\t]\\p{Ll})`, 'gu');
const DEATH_PLACES = cueSet(['died', 'passed away'], { after: 'letter', whole: true });
/** "suivie par le Dr X à Brest depuis 2010": a town with "depuis" after it. */
const PLACE_SINCE_FRENCH = new RegExp(`(?<![\\p{L}])à[ \\t]${PLACE_IN_PROSE}[ \\t]depuis(?![\\p{L}])`, 'gu');
const FRENCH_A_PLACES = cueSet(['à'], { after: 'letter' });
const LETTER_BEFORE = /\p{L}/u;
const NOT_A_PLACE = /^(?:hospital|clinic|centre|center|ward|unit|icu|ed|er|home|house|nursing|care|rehab|hospice|infirmary|general|university|medical|memorial|st|saint|hôpital|clinique|krankenhaus|klinik|klinikum|ospedale|hospitales?|casa|the|her|his|their|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|work|school|church|dr|mr|mrs|ms|radiology|surgery|cardiology|oncology|neurology|theatres?|recovery|pacu|endoscopy|dialysis|pharmacy|lab|laboratory|outpatients?|triage|resus|majors|minors|x-ray|ct|mri|ccu|nicu|picu|hdu|a&e|emergency|rehabilitation|physio|physiotherapy|maternity|labour|labor|delivery|psychiatry|geriatrics|orthopaedics|orthopedics)$/i;

/**
 * A hospital named after its town, where a person was taken: "brought to Cobh University Hospital",
 * "conveyed to ED at Winnipeg General." The town is the one capitalised word after "to", "at",
 * "in" or "from" and before the hospital words; a state, a saint or an everyday word is no town
 * ("Mass General", "St James's University Hospital").
 */
const TOWN_HOSPITAL_TAIL = /^[ \t](?:University|General|Regional|District|County)(?:[ \t]Hospital(?![\p{L}])|(?=[ \t]?[,;.)]|[ \t]{0,2}(?:\n|$)))/u;
const TOWN_BEFORE_HOSPITAL = /(?:^|[^\p{L}])(?:to|at|in|from)[ \t](\p{Lu}[\p{L}\p{M}'’-]{2,29})$/u;
const HOSPITAL_WORDS = /(?<=[ \t])(?:University|General|Regional|District|County)(?![\p{L}])/gu;
const HOSPITAL_WORD_PLACES = cueSet(['university', 'general', 'regional', 'district', 'county'], { after: 'letter' });
const NOT_A_TOWN = new Set(['Mass', 'Saint', 'Sainte', 'Santa', 'San', 'Memorial', 'Community', 'Royal', 'City', 'County', 'State', 'National', 'Children', "Children's", 'Childrens', 'Women', "Women's", 'Veterans', 'Mercy', 'Methodist', 'Baptist', 'Presbyterian', 'Lutheran', 'Catholic', 'Christian', 'Jewish', 'Adventist', 'Providence', 'Good', 'Northern', 'Southern', 'Eastern', 'Western', 'Central', 'North', 'South', 'East', 'West', 'The', 'Our']);

function townsOfHospitals(text: string, out: Finding[]): void {
  eachMatchAt(HOSPITAL_WORDS, text, HOSPITAL_WORD_PLACES, (m) => {
    const at = m.index - 1;
    if (at < 0 || (text[at] !== ' ' && text[at] !== '\t') || !TOWN_HOSPITAL_TAIL.test(text.slice(at, at + 24))) return;
    const before = TOWN_BEFORE_HOSPITAL.exec(text.slice(Math.max(0, at - 40), at));
    if (!before) return;
    const town = before[1]!;
    if (NOT_A_TOWN.has(town) || STATE_WORDS.has(town.toLowerCase()) || NOT_A_PLACE.test(town)) return;
    out.push(finding('CITY', at - town.length, at, 0.75));
  });
}
const STATE_WORDS: ReadonlySet<string> = new Set([...STATE_NAMES, ...STATE_CODES].map((w) => w.toLowerCase()));

const notCityWords = new Set(['The', 'Patient', 'Apt', 'Suite', 'Unit', 'Room', 'Floor', 'Box', 'And', 'Street', 'St', 'Ave', 'Road']);
const cityContext = contextWords(['city', 'town']);

export const zipAndCityDetector: Detector = {
  name: 'zip-and-city',
  patterns: [ZIP_AFTER_STATE, ZIP_LABELLED, CITY_BEFORE_STATE, CITY_STATE_ZIP, CITY_LABELLED, PROSE_CUE, CITY_IN_PROSE, NOT_A_PLACE, PLACE_AFTER_AGE, PLACE_BEFORE_GERMAN_VERB, NEAR_CUE, NEAR_PLACE_ENDS, PLACE_BEFORE_GERMAN_ARRIVAL, PLACE_OF_KIN, PLACE_OF_DEATH, PLACE_SINCE_FRENCH, POSTCODE_LABELLED, TOWN_HOSPITAL_TAIL, TOWN_BEFORE_HOSPITAL, HOSPITAL_WORDS],
  applies: (f) => f.digit || f.upper,
  detect(text) {
    const out: Finding[] = [];
    eachMatch(ZIP_AFTER_STATE, text, (m) => {
      const state = m[1]!;
      const gap = text.slice(Math.max(0, m.index - 3), m.index);
      // Lower-case two-letter words ("in", "or", "me") are states only after "City, ".
      if (state.length === 2 && state !== state.toUpperCase() && !gap.includes(',')) return;
      const zip = m[2]!;
      const start = m.index + m[0].length - zip.length;
      out.push(finding('ZIP', start, start + zip.length, 0.95));
    });
    eachMatchAt(ZIP_LABELLED, text, ZIP_LABEL_CUES, (m) => {
      const zip = m[1]!;
      const start = m.index + m[0].length - zip.length;
      out.push(finding('ZIP', start, start + zip.length, 0.9));
    });
    eachMatchAt(POSTCODE_LABELLED, text, POSTCODE_LABEL_CUES, (m) => {
      const zip = m[1]!;
      const start = m.index + m[0].length - zip.length;
      out.push(finding('ZIP', start, start + zip.length, 0.9));
    });
    for (const pattern of [CITY_BEFORE_STATE, CITY_STATE_ZIP]) eachMatch(pattern, text, (m) => {
      let city = m[1]!;
      // Keep the trailing words that look like a place: drop a leading street suffix or stop word.
      const words = city.split(' ');
      while (words.length > 1 && notCityWords.has(words[0]!)) words.shift();
      if (notCityWords.has(words[0]!)) return;
      city = words.join(' ');
      const start = m.index + m[1]!.length - city.length;
      // "J. Patel, MD" / "Lee, PA": credentials that are also state codes; without a ZIP after
      // them the words are more likely a clinician's name (the name detector decides).
      const credential = /(?:MD|PA)$/.test(m[0]) && !/^[\s,]{0,3}\d{5}/.test(text.slice(m.index + m[0].length, m.index + m[0].length + 8));
      out.push(finding('CITY', start, start + city.length, credential ? 0.6 : cityContext.before(text, start) ? 0.9 : 0.8));
    });
    eachMatchAt(PROSE_CUE, text, PROSE_CUE_PLACES, (cue) => {
      if (cue.index > 0 && LETTER_BEFORE.test(text[cue.index - 1]!)) return;
      CITY_IN_PROSE.lastIndex = cue.index + cue[0].length;
      const m = CITY_IN_PROSE.exec(text);
      if (!m) return;
      const place = m[2]!;
      if (place.split(/[ \t]/).some((w) => NOT_A_PLACE.test(w))) return;
      const at = m.index + m[0].length - place.length;
      out.push(finding('CITY', at, at + place.length, 0.75));
      if (m[1]) out.push(finding('ZIP', m.index, m.index + m[1].length, 0.8));
    });
    eachMatchAt(NEAR_CUE, text, NEAR_CUE_PLACES, (cue) => {
      CITY_IN_PROSE.lastIndex = cue.index + cue[0].length;
      const m = CITY_IN_PROSE.exec(text);
      if (!m || m[1]) return;
      const place = m[2]!;
      if (/['’]s$/.test(place) || place.split(/[ \t]/).some((w) => NOT_A_PLACE.test(w))) return;
      const end = m.index + m[0].length;
      if (!NEAR_PLACE_ENDS.test(text.slice(end, end + 8))) return;
      out.push(finding('CITY', end - place.length, end, 0.7));
    });
    const placeAfter = (m: RegExpExecArray) => {
      const place = m[1]!;
      if (place.split(/[ \t]/).some((w) => NOT_A_PLACE.test(w))) return;
      const at = m.index + m[0].lastIndexOf(place);
      out.push(finding('CITY', at, at + place.length, 0.75));
    };
    eachMatch(PLACE_AFTER_AGE, text, placeAfter);
    eachMatchAt(PLACE_BEFORE_GERMAN_VERB, text, GERMAN_IN_PLACES, placeAfter);
    eachMatchAt(PLACE_BEFORE_GERMAN_ARRIVAL, text, GERMAN_AUS_PLACES, placeAfter);
    eachMatchAt(PLACE_OF_KIN, text, KIN_PLACES, placeAfter);
    eachMatchAt(PLACE_OF_DEATH, text, DEATH_PLACES, placeAfter);
    eachMatchAt(PLACE_SINCE_FRENCH, text, FRENCH_A_PLACES, placeAfter);
    townsOfHospitals(text, out);
    eachMatchAt(CITY_LABELLED, text, CITY_LABEL_CUES, (m) => {
      const city = m[1]!;
      // "moved to ICU", "moved to Radiology": a unit of the hospital, no town.
      if (city.split(' ').some((w) => NOT_A_PLACE.test(w))) return;
      const start = m.index + m[0].length - city.length;
      out.push(finding('CITY', start, start + city.length, 0.75));
    });
    return out;
  },
};
