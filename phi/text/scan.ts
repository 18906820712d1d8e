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
import { phoneDetector } from './detectors/phone';
import { ssnDetector } from './detectors/ssn';
import { streetAddressDetector } from './detectors/street-address';
import { urlDetector } from './detectors/url';
import { zipAndCityDetector } from './detectors/zip-and-city';

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
];

export interface ScanOptions {
  /** Findings below this score are dropped (0..1, default 0.5). */
  minScore?: number;
  /** Types not to report. */
  ignore?: readonly EntityType[];
}

/** Every identifier in text, overlaps resolved (higher score wins, then the longer span). */
export function scanText(text: string, options: ScanOptions = {}): Finding[] {
  const minScore = options.minScore ?? 0.5;
  const ignore = new Set(options.ignore ?? []);
  const all: Finding[] = [];
  const features = textFeatures(text);
  for (const detector of detectors) {
    if (detector.applies && !detector.applies(features)) continue;
    for (const f of detector.detect(text)) {
      if (f.score >= minScore && !ignore.has(f.type) && f.end > f.start) all.push(f);
    }
  }
  return resolveOverlaps(all);
}

export function resolveOverlaps(findings: Finding[]): Finding[] {
  if (findings.length < 2) return findings;
  const byStrength = [...findings].sort((a, b) => b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start);
  // One flag per character already claimed. Each detector's own matches do not overlap, so the
  // checks below add up to a few passes over the text, never one pass per pair of findings.
  let offset = Infinity;
  let last = 0;
  for (const f of findings) {
    offset = Math.min(offset, f.start);
    last = Math.max(last, f.end);
  }
  const claimed = new Uint8Array(last - offset);
  const kept: Finding[] = [];
  for (const f of byStrength) {
    let free = true;
    for (let i = f.start - offset; i < f.end - offset; i++) {
      if (claimed[i]) {
        free = false;
        break;
      }
    }
    if (!free) continue;
    claimed.fill(1, f.start - offset, f.end - offset);
    kept.push(f);
  }
  return kept.sort((a, b) => a.start - b.start);
}
