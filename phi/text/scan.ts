import type { EntityType, Finding } from '../types';
import { textFeatures, type Detector } from './detector';
import { ageDetector } from './detectors/age';
import { checksummedIdDetector } from './detectors/checksummed-ids';
import { dateDetector } from './detectors/date';
import { emailDetector } from './detectors/email';
import { ipAddressDetector } from './detectors/ip-address';
import { labelledIdDetector } from './detectors/labelled-ids';
import { paymentCardDetector } from './detectors/payment-card';
import { personNameDetector } from './detectors/person-name';
import { nameLinesDetector } from './detectors/name-lines';
import { namesInTurnsDetector } from './detectors/names-in-turns';
import { surnameFirstDetector } from './detectors/surname-first';
import { hl7FieldsDetector } from './detectors/hl7-fields';
import { nameKeysDetector } from './detectors/name-keys';
import { recordFieldsDetector } from './detectors/record-fields';
import { dicomFieldsDetector } from './detectors/dicom-fields';
import { x12SegmentsDetector } from './detectors/x12-segments';
import { htmlCellsDetector } from './detectors/html-cells';
import { phoneDetector } from './detectors/phone';
import { ssnDetector } from './detectors/ssn';
import { streetAddressDetector } from './detectors/street-address';
import { isPublicLink, urlDetector } from './detectors/url';
import { spelledOutDetector } from './detectors/spelled-out';
import { ageWordsDetector } from './detectors/age-words';
import { zipAndCityDetector } from './detectors/zip-and-city';
import { dropClinicalTerms } from './clinical-terms';
import { decodedFindings } from './decoders';
import { normalizeForDetection } from './normalize';
import { recordNumbersNearPeople } from './record-numbers';
import { addressBlocks } from './address-blocks';
import { CITY_NAME, NOT_A_CITY, POSTCODE, POSTCODE_LETTERED, POSTCODE_STRICT } from './places';

export const detectors: readonly Detector[] = [
  emailDetector,
  urlDetector,
  ipAddressDetector,
  ssnDetector,
  paymentCardDetector,
  checksummedIdDetector,
  phoneDetector,
  dateDetector,
  ageDetector,
  zipAndCityDetector,
  streetAddressDetector,
  labelledIdDetector,
  personNameDetector,
  nameLinesDetector,
  namesInTurnsDetector,
  surnameFirstDetector,
  spelledOutDetector,
  ageWordsDetector,
  hl7FieldsDetector,
  nameKeysDetector,
  recordFieldsDetector,
  dicomFieldsDetector,
  x12SegmentsDetector,
  htmlCellsDetector,
];

export interface ScanOptions {
  /** Findings below this score are dropped (0..1, default 0.5). */
  minScore?: number;
  /** Types not to report. */
  ignore?: readonly EntityType[];
  /** False: the detectors alone, without normalisation, decoders or the clinical allow-list (for the bench only). */
  layers?: boolean;
  /** Hosts whose plain links are public documentation (the masking policy's publicHosts). */
  publicHosts?: readonly string[];
}

/**
 * Every identifier in text, overlaps resolved (higher score wins, then the longer span). The text
 * is normalised first (normalize.ts) and encoded tokens are decoded and scanned (decoders.ts);
 * offsets always refer to the text as given.
 */
export function scanText(text: string, options: ScanOptions = {}): Finding[] {
  return scanAt(text, options, 0);
}

function scanAt(text: string, options: ScanOptions, depth: number): Finding[] {
  const minScore = options.minScore ?? 0.5;
  const ignore = new Set(options.ignore ?? []);
  const layers = options.layers !== false;
  const normalized = layers ? normalizeForDetection(text) : { text, toOriginal: (start: number, end: number): [number, number] => [start, end] };
  const view = normalized.text;
  const all: Finding[] = [];
  const features = textFeatures(view);
  for (const detector of detectors) {
    if (detector.applies && !detector.applies(features)) continue;
    for (const f of detector.detect(view)) {
      if (f.score >= minScore && !ignore.has(f.type) && f.end > f.start) all.push(f);
    }
  }
  if (layers && (features.digit || features.upper)) {
    for (const f of decodedFindings(view, (inner, d) => scanAt(inner, options, d), depth)) {
      if (f.score >= minScore && !ignore.has(f.type)) all.push(f);
    }
  }
  if (layers && features.digit) addressBlocks(view, all);
  if (layers) citiesAfterAddresses(view, all);
  if (layers && features.upper) placesAfterPeople(view, all);
  if (layers && features.digit) recordNumbersNearPeople(view, all);
  const kept = options.publicHosts?.length ? all.filter((f) => !(f.type === 'URL' && isPublicLink(view.slice(f.start, f.end), options.publicHosts!))) : all;
  const resolved = resolveOverlaps(view, layers ? dropClinicalTerms(view, kept) : kept);
  if (view === text) return resolved;
  return resolved.map((f) => {
    const [start, end] = normalized.toOriginal(f.start, f.end);
    return { ...f, start, end };
  });
}

/**
 * What follows a street address is its city and postcode, in whatever order and on whatever line
 * its country writes them: ", Cerdañola del Vallés", ", 00-514 Warszawa", ", W2 4BH London",
 * " - 00184 Roma", ", BUDAPEST H-1062", " in 79098 Freiburg im Breisgau", " à Brest", " i Umeå", " w Krakowie", and on the
 * next line of an address block "Lisboa 1250-146" or "CH-1205 Genève" (a postcode is needed
 * there: a line under an address that is only a word is as often a heading).
 */
const PLACE_END = String.raw`(?=[ \t]{0,4}(?:\n|$|[,;.()]|[ \t][-–—][ \t])|[ \t]\p{Ll})`;
const SEPARATOR = String.raw`^(?:(,?[ \t]{0,4}\n[ \t]{0,4})|(,[ \t]{1,2}|[ \t]{1,2}[-–][ \t]{1,2})|([ \t]{1,2}(?:in|à|a|em|en|i|w|på|te|near|bei|nær|nära)[ \t]{1,2}))`;
const AFTER_ADDRESS = new RegExp(`${SEPARATOR}(?:(${POSTCODE})[ \t]{1,2}(${CITY_NAME})${PLACE_END}|(${CITY_NAME})[ \t]{1,2}(${POSTCODE})${PLACE_END}|(${POSTCODE})${PLACE_END}|(${CITY_NAME})${PLACE_END})`, 'u');
/**
 * Postcode and town after the house number with only a space between, as Nordic, Dutch and Polish
 * addresses run on in a sentence ("Kirkegata 22 9008 Tromsø,", "Dorpsweg 3a 8271 BT IJsselmuiden.",
 * "Kungsgatan 48 B 753 21 Uppsala och"); a letter of the house may stand between (group 1).
 */
const SPACED_POSTCODE_CITY = new RegExp(`^[ \t]{1,2}(?:([A-Z])[ \t]{1,2})?(${POSTCODE_STRICT})[ \t]{1,2}(${CITY_NAME})${PLACE_END}`, 'u');
/** A postcode with a letter in it after the town that follows an address (", Cobh, P24 X302"). */
const POSTCODE_AFTER_CITY = new RegExp(`^,?[ \t]{1,2}(${POSTCODE_LETTERED})${PLACE_END}`, 'u');
/** ", Tea nell'emilia" closing the line after an address: the city, whatever the case of its later words. */
const CITY_CLOSING_LINE = /^,[ \t]{1,2}(\p{Lu}[\p{L}\p{M}'’.-]{0,29}(?:[ \t-]{1,2}\p{L}[\p{L}\p{M}'’.-]{0,29}){0,3})[ \t]*(?:\n|$)/u;

function citiesAfterAddresses(text: string, findings: Finding[]): void {
  const all = findings.filter((f) => f.type === 'STREET_ADDRESS');
  // Only where an address ends: a street inside a longer address ("Address: No. 7 Awolowo Road, Ikoyi, Lagos") is followed by that address's rest, no city of its own.
  const addresses = all.length > 64 ? all : all.filter((a) => !all.some((b) => b !== a && b.start <= a.start && b.end > a.end));
  for (const a of addresses) {
    const after = text.slice(a.end, a.end + 120);
    const closing = CITY_CLOSING_LINE.exec(after);
    if (closing) {
      const start = a.end + closing[0].indexOf(closing[1]!);
      findings.push({ type: 'CITY', start, end: start + closing[1]!.length, score: 0.8 });
      continue;
    }
    const m = AFTER_ADDRESS.exec(after);
    if (!m) {
      const spaced = SPACED_POSTCODE_CITY.exec(after);
      if (!spaced || NOT_A_CITY.test(spaced[3]!.split(/[ \t]/)[0]!)) continue;
      const [whole, letter, zip] = spaced;
      const city = spaced[3]!.replace(/\.+$/, '');
      const zipAt = a.end + whole.indexOf(zip!, letter ? whole.indexOf(letter) + 1 : 0);
      if (letter) findings.push({ ...a, end: a.end + whole.indexOf(letter) + 1 });
      findings.push({ type: 'ZIP', start: zipAt, end: zipAt + zip!.length, score: 0.8 });
      const cityAt = zipAt + zip!.length + whole.slice(zipAt - a.end + zip!.length).indexOf(city);
      findings.push({ type: 'CITY', start: cityAt, end: cityAt + city.length, score: 0.8 });
      continue;
    }
    const [, newLine, inline, word, zipFirst, citySecond, cityFirst, zipSecond, zipAlone, cityAlone] = m;
    const sep = (newLine ?? inline ?? word)!.length;
    const push = (type: 'CITY' | 'ZIP', found: string, from: number) => {
      // "à Brest.": the sentence's full stop is no part of the city.
      const value = type === 'CITY' ? found.replace(/\.+$/, '') : found;
      const start = a.end + after.indexOf(value, from);
      findings.push({ type, start, end: start + value.length, score: 0.8 });
    };
    if (zipFirst && citySecond) {
      if (NOT_A_CITY.test(citySecond.split(/[ \t]/)[0]!)) continue;
      push('ZIP', zipFirst, sep);
      push('CITY', citySecond, sep + zipFirst.length);
    } else if (cityFirst && zipSecond) {
      if (NOT_A_CITY.test(cityFirst.split(/[ \t]/)[0]!)) continue;
      push('CITY', cityFirst, sep);
      push('ZIP', zipSecond, sep + cityFirst.length);
    } else if (zipAlone && !word) {
      push('ZIP', zipAlone, sep);
    } else if (cityAlone && !newLine && !NOT_A_CITY.test(cityAlone.split(/[ \t]/)[0]!)) {
      // A city alone closes its line after a comma (", Kettering"), or follows "in"/"à".
      const rest = after.slice(sep + cityAlone.length);
      if (word || /^[ \t]*(?:\n|$|[,;.(])/.test(rest)) push('CITY', cityAlone, sep);
      const zip = POSTCODE_AFTER_CITY.exec(rest);
      if (zip) push('ZIP', zip[1]!, sep + cityAlone.length);
    }
  }
}

/**
 * "Rev. Ana Ruiz of Dingle, was called", "her children Jina Lanwi of Anchorage and ...": the place a
 * person found by name is "of" is where they live. The place closes its clause; a hospital, ward
 * or service is no place (NOT_A_PLACE_WORD).
 */
const OF_PLACE = /^,?[ \t]{1,2}of[ \t]{1,2}(\p{Lu}[\p{L}\p{M}'’-]{1,29}(?:[ \t](?:(?:upon|on|sur|am|im|an der|de|del)[ \t])?\p{Lu}[\p{L}\p{M}'’-]{1,29}){0,2})(?=[ \t]?[,;.)]|[ \t]{0,2}(?:\n|$)|[ \t](?:and|who|was|is|has|had|were|are|will|came|called|rang|phoned|visited|attended)(?![\p{L}]))/u;
const NOT_A_PLACE_WORD = /^(?:the|hospital|clinic|centre|center|ward|unit|care|services?|team|department|dept|surgery|practice|health|medicine|nursing|hospice|trust|council|church|parish|university|college|school|general|memorial|medical|infirmary|pharmacy|cardiology|oncology|neurology|radiology|psychiatry|paediatrics|pediatrics|geriatrics|orthopaedics|orthopedics|staff|record|records|age|ages|years?|months?|weeks?|days?|note|notes)$/i;

function placesAfterPeople(text: string, findings: Finding[]): void {
  const names = findings.filter((f) => f.type === 'NAME');
  for (const n of names) {
    if (text.charCodeAt(n.end) !== 32 && text.charCodeAt(n.end) !== 44 && text.charCodeAt(n.end) !== 9) continue;
    const m = OF_PLACE.exec(text.slice(n.end, n.end + 80));
    if (!m || m[1]!.split(/[ \t]/).some((w) => NOT_A_PLACE_WORD.test(w))) continue;
    const start = n.end + m[0].length - m[1]!.length;
    findings.push({ type: 'CITY', start, end: start + m[1]!.length, score: 0.75 });
  }
}

export function resolveOverlaps(text: string, findings: Finding[]): Finding[] {
  if (findings.length < 2) return findings;
  const byStart = [...findings].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Finding[] = [];
  // Findings that overlap one another form a cluster; a lone finding is kept as it is.
  let cluster: Finding[] = [byStart[0]!];
  let clusterEnd = byStart[0]!.end;
  for (let i = 1; i <= byStart.length; i++) {
    const f = byStart[i];
    if (f && f.start < clusterEnd) {
      cluster.push(f);
      clusterEnd = Math.max(clusterEnd, f.end);
      continue;
    }
    if (cluster.length === 1) kept.push(cluster[0]!);
    else for (const winner of resolveCluster(text, cluster)) kept.push(winner);
    if (f) {
      cluster = [f];
      clusterEnd = f.end;
    }
  }
  return kept.sort((a, b) => a.start - b.start);
}

const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127;

/**
 * Within overlapping findings, the strongest claims its characters first (higher score, then
 * longer). A weaker finding keeps the parts nobody claimed, so every character any detector
 * flagged is still masked (the union is masked; only the type label is decided here). One flag
 * per character of the cluster keeps this linear in the cluster's size.
 */
function resolveCluster(text: string, all: Finding[]): Finding[] {
  // A finding inside a longer one of the same type adds nothing, and claiming first it would
  // split the longer one into pieces (one value reported as three).
  const cluster = all.length > 64 ? all : all.filter((f, i) => !all.some((g, k) => k !== i && g.type === f.type && g.start <= f.start && g.end >= f.end && (g.end - g.start > f.end - f.start || k < i)));
  const offset = cluster[0]!.start;
  let last = 0;
  for (const f of cluster) last = Math.max(last, f.end);
  const claimed = new Uint8Array(last - offset);
  const kept: Finding[] = [];
  cluster.sort((a, b) => b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start);
  for (const f of cluster) {
    let i = f.start - offset;
    const end = f.end - offset;
    while (i < end) {
      while (i < end && claimed[i]) i++;
      let j = i;
      while (j < end && !claimed[j]) j++;
      if (j - i === f.end - f.start) kept.push(f);
      else if (j > i) {
        // A remainder is trimmed to its letters and digits ("Dr. " becomes "Dr").
        let from = i + offset;
        let to = j + offset;
        while (from < to && !isWordChar(text.charCodeAt(from)) && text.charCodeAt(from) !== 43) from++;
        while (to > from && !isWordChar(text.charCodeAt(to - 1))) to--;
        if (to > from) kept.push({ ...f, start: from, end: to });
      }
      claimed.fill(1, i, j);
      i = j;
    }
  }
  return kept;
}
