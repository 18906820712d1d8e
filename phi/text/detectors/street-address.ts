import { CHANCE_STREET_SUFFIXES } from '../dictionaries';
import { eachMatch, finding, type Detector } from '../detector';
import { anyCaseAlternation } from '../patterns';
import type { Finding } from '../../types';

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
  'Wall', 'Way', 'Well', 'Wells',
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
const STREET_LOWER = new RegExp(`(?<![\\w-])\\d{2,6}[ \\t]{1,3}(?:[nsew]\\.?[ \\t]{1,3})?(?:[a-z][a-z'-]{1,29}[ \\t]{1,3}){1,2}(?:${SUFFIX})s?(?![A-Za-z])\\.?${UNIT}`, 'g');
const PO_BOX = /\b[Pp]\.?\s?[Oo]\.?\s{0,2}[Bb][Oo][Xx]\s{1,3}\d{1,8}\b/g;

export const streetAddressDetector: Detector = {
  name: 'street-address',
  patterns: [STREET, STREET_LOWER, PO_BOX],
  applies: (f) => f.digit,
  detect(text) {
    const out: Finding[] = [];
    for (const pattern of [STREET, STREET_LOWER, PO_BOX]) {
      eachMatch(pattern, text, (m) => out.push(finding('STREET_ADDRESS', m.index, m.index + m[0].length, 0.85)));
    }
    return out;
  },
};
