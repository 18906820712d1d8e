import { contextWords } from '../context';
import { eachMatch, finding, type Detector } from '../detector';
import { deaValid, luhnValid, npiValid, vinValid } from '../validators';
import type { Finding } from '../../types';

const DEA = /(?<![A-Za-z0-9])[A-Za-z][A-Za-z9]\d{7}(?![A-Za-z0-9])/g;
const NPI = /(?<![\dA-Za-z-])[12]\d{9}(?![\d-])/g;
const VIN = /(?<![A-Za-z0-9])[A-HJ-NPR-Za-hj-npr-z0-9]{17}(?![A-Za-z0-9])/g;
const IMEI = /(?<![\dA-Za-z-])\d{15}(?![\d-])/g;
const MAC = /(?<![0-9A-Fa-f:-])[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}(?![0-9A-Fa-f:-])/g;

const deaContext = contextWords(['dea', 'dea#', 'dea no', 'prescriber', 'registration']);
const npiContext = contextWords(['npi', 'provider', 'prescriber', 'physician', 'national provider']);
const imeiContext = contextWords(['imei', 'meid', 'handset', 'device']);
const vinContext = contextWords(['vin', 'vehicle', 'chassis']);

export const checksummedIdDetector: Detector = {
  name: 'checksummed-ids',
  patterns: [DEA, NPI, VIN, IMEI, MAC],
  applies: (f) => f.digit || f.colon,
  detect(text) {
    const out: Finding[] = [];
    eachMatch(DEA, text, (m) => {
      if (!/^[A-Z]/.test(m[0]) && !deaContext.before(text, m.index)) return;
      if (deaValid(m[0])) out.push(finding('DEA_NUMBER', m.index, m.index + 9, deaContext.before(text, m.index) ? 0.99 : 0.9));
    });
    eachMatch(NPI, text, (m) => {
      if (npiValid(m[0])) out.push(finding('NPI', m.index, m.index + 10, npiContext.before(text, m.index) ? 0.99 : 0.7));
    });
    eachMatch(VIN, text, (m) => {
      if (vinValid(m[0])) out.push(finding('VIN', m.index, m.index + 17, 0.97));
      else if (vinContext.before(text, m.index, 20) && /\d/.test(m[0]) && /[a-z]/i.test(m[0])) out.push(finding('VIN', m.index, m.index + 17, 0.8));
    });
    eachMatch(IMEI, text, (m) => {
      if (luhnValid(m[0]) && imeiContext.before(text, m.index, 24)) out.push(finding('DEVICE_ID', m.index, m.index + 15, 0.99));
    });
    eachMatch(MAC, text, (m) => out.push(finding('DEVICE_ID', m.index, m.index + m[0].length, 0.9)));
    return out;
  },
};
