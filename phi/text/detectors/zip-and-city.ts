import { contextWords } from '../context';
import { cueSet, eachMatchAt } from '../cues';
import { eachMatch, finding, type Detector } from '../detector';
import { anyCaseAlternation, DASH, STATE_CODES, STATE_NAMES, wordAlternation } from '../patterns';
import type { Finding } from '../../types';

const STATE = `(?:${wordAlternation([...STATE_CODES, ...STATE_NAMES])})`;
const ZIP = `(\\d{5}(?:${DASH}\\d{4})?)`;
/** "Boston, MA 02139", "Austin, Texas 78701-1234": the ZIP after a state. */
const ZIP_AFTER_STATE = new RegExp(`(?<![A-Za-z])(${STATE})\\.?,?\\s{1,3}${ZIP}(?![\\dA-Za-z])`, 'gi');
/** "zip: 02139", "postal code 02139". */
const ZIP_LABELLED = new RegExp(`\\b(?:zip|zip\\s?code|zipcode|postal\\s?code|postcode)(?:[\\s:#.=]|${DASH}){0,4}${ZIP}(?!\\d)`, 'gi');
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
const LETTER_BEFORE = /\p{L}/u;
const NOT_A_PLACE = /^(?:hospital|clinic|centre|center|ward|unit|icu|ed|er|home|house|nursing|care|rehab|hospice|infirmary|general|university|medical|memorial|st|saint|hôpital|clinique|krankenhaus|klinik|klinikum|ospedale|hospitales?|casa|the|her|his|their|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|work|school|church|dr|mr|mrs|ms|radiology|surgery|cardiology|oncology|neurology|theatres?|recovery|pacu|endoscopy|dialysis|pharmacy|lab|laboratory|outpatients?|triage|resus|majors|minors|x-ray|ct|mri|ccu|nicu|picu|hdu|a&e|emergency|rehabilitation|physio|physiotherapy|maternity|labour|labor|delivery|psychiatry|geriatrics|orthopaedics|orthopedics)$/i;

const notCityWords = new Set(['The', 'Patient', 'Apt', 'Suite', 'Unit', 'Room', 'Floor', 'Box', 'And', 'Street', 'St', 'Ave', 'Road']);
const cityContext = contextWords(['city', 'town']);

export const zipAndCityDetector: Detector = {
  name: 'zip-and-city',
  patterns: [ZIP_AFTER_STATE, ZIP_LABELLED, CITY_BEFORE_STATE, CITY_STATE_ZIP, CITY_LABELLED, PROSE_CUE, CITY_IN_PROSE, NOT_A_PLACE, PLACE_AFTER_AGE, PLACE_BEFORE_GERMAN_VERB, NEAR_CUE, NEAR_PLACE_ENDS],
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
