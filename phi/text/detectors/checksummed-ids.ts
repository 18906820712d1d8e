import { contextWords } from '../context';
import { eachMatch, finding, type Detector } from '../detector';
import { deaValid, luhnValid, npiValid, vinValid } from '../validators';
import type { Finding } from '../../types';

const MAC = /(?<![0-9A-Fa-f:-])[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}(?![0-9A-Fa-f:-])/g;

const deaContext = contextWords(['dea', 'dea#', 'dea no', 'prescriber', 'registration']);
const npiContext = contextWords(['npi', 'provider', 'prescriber', 'physician', 'national provider']);
const imeiContext = contextWords(['imei', 'meid', 'handset', 'device']);
const vinContext = contextWords(['vin', 'vehicle', 'chassis']);

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlnum = (c: number) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * DEA (9 characters), NPI (10 digits), IMEI (15 digits) and VIN (17 characters) are whole
 * letter-and-digit runs of a fixed length: one pass finds every run and its length picks the
 * checksum to try.
 */
function eachRun(text: string, onRun: (start: number, end: number) => void): void {
  let i = 0;
  while (i < text.length) {
    if (!isAlnum(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < text.length && isAlnum(text.charCodeAt(j))) j++;
    onRun(i, j);
    i = j;
  }
}

const allDigits = (value: string) => /^\d+$/.test(value);
/** A hyphen on either side means the digits belong to a longer dashed number. */
const dashed = (text: string, start: number, end: number) => text[start - 1] === '-' || text[end] === '-';

export const checksummedIdDetector: Detector = {
  name: 'checksummed-ids',
  patterns: [MAC],
  applies: (f) => f.digit || f.colon,
  detect(text) {
    const out: Finding[] = [];
    eachRun(text, (start, end) => {
      const length = end - start;
      if (length !== 9 && length !== 10 && length !== 15 && length !== 17) return;
      const value = text.slice(start, end);
      if (length === 9 && /^[A-Za-z][A-Za-z9]\d{7}$/.test(value)) {
        const labelled = deaContext.before(text, start);
        if ((/^[A-Z]/.test(value) || labelled) && deaValid(value)) out.push(finding('DEA_NUMBER', start, end, labelled ? 0.99 : 0.9));
      } else if (length === 10 && allDigits(value) && !dashed(text, start, end) && npiValid(value)) {
        out.push(finding('NPI', start, end, npiContext.before(text, start) ? 0.99 : 0.7));
      } else if (length === 15 && allDigits(value) && !dashed(text, start, end) && luhnValid(value) && imeiContext.before(text, start, 24)) {
        out.push(finding('DEVICE_ID', start, end, 0.99));
      } else if (length === 17 && /\d/.test(value)) {
        if (vinValid(value)) out.push(finding('VIN', start, end, 0.97));
        else if (vinContext.before(text, start, 20) && /[a-z]/i.test(value) && /^[A-HJ-NPR-Z0-9]{17}$/i.test(value)) out.push(finding('VIN', start, end, 0.8));
      }
    });
    eachMatch(MAC, text, (m) => out.push(finding('DEVICE_ID', m.index, m.index + m[0].length, 0.9)));
    return out;
  },
};
