import { detectors, scanText } from '../../phi/text/scan';
import type { EntityType } from '../../phi/types';

/** The [type, matched text] pairs scanText finds. */
const found = (text: string): [EntityType, string][] => scanText(text).map((f) => [f.type, text.slice(f.start, f.end)]);
const typesIn = (text: string): EntityType[] => scanText(text).map((f) => f.type);

describe.each<[string, EntityType, [string, string][], string[]]>([
  // [detector, type, true positives as [text, expected match], near misses that must not match that type]
  ['SSN', 'SSN', [
    ['SSN: 123-45-6789', '123-45-6789'],
    ['ssn 123 45 6789', '123 45 6789'],
    ['ss# 123–45–6789', '123–45–6789'],
    ['SSN:\n123456789', '123456789'],
    ['her SSN is 234567890.', '234567890'],
  ], ['SSN: 000-12-3456', 'SSN 666-12-3456', 'SSN 912-34-5678', 'ref 123456789 from lab', 'phone 123-456-7890', 'SSN 123-00-4567', 'order 123-45-67890']],
  ['phone', 'PHONE', [
    ['call (617) 555-0142', '(617) 555-0142'],
    ['tel 617.555.0142', '617.555.0142'],
    ['mobile +1 617 555 0142', '+1 617 555 0142'],
    ['reached at 6175550142', '6175550142'],
    ['phone: 617-555-0142 x204', '617-555-0142 x204'],
  ], ['order 6175550142 shipped', 'code 123-456-7890', 'BP 120/80 HR 72']],
  ['fax', 'FAX', [['Fax: 617-555-0199', '617-555-0199'], ['fax to (617) 555-0199', '(617) 555-0199']], ['phone 617-555-0199']],
  ['email', 'EMAIL', [['write to jane.roe+1@example.org today', 'jane.roe+1@example.org']], ['user@localhost', 'a @ b.com', '@handle']],
  ['URL', 'URL', [['see https://portal.example.org/p/77.', 'https://portal.example.org/p/77'], ['www.example.com/x', 'www.example.com/x']], ['https:// nothing', 'example dot com']],
  ['IP address', 'IP_ADDRESS', [['from 10.0.0.12 today', '10.0.0.12'], ['addr fe80::1ff:fe23:4567:890a', 'fe80::1ff:fe23:4567:890a'], ['::ffff:192.0.2.1', '::ffff:192.0.2.1']], ['version 1.2.3.4.5', '999.1.1.1', 'at 10:30:15', 'ratio 1:1000']],
  ['card', 'CARD_NUMBER', [['card 4111 1111 1111 1111', '4111 1111 1111 1111'], ['amex 378282246310005', '378282246310005']], ['card 4111 1111 1111 1112', 'tracking 1234567812345678']],
  ['NPI', 'NPI', [['NPI 1234567893', '1234567893']], ['NPI 1234567890']],
  ['DEA', 'DEA_NUMBER', [['DEA AB1234563', 'AB1234563'], ['dea# ab1234563', 'ab1234563']], ['DEA AB1234564', 'lot AB12345']],
  ['VIN', 'VIN', [['VIN 1HGCM82633A004352', '1HGCM82633A004352']], ['part 1HGCM82643A004352X']],
  ['date', 'DATE', [
    ['DOB 03/14/1931', '03/14/1931'],
    ['seen 2024-03-03', '2024-03-03'],
    ['on March 3, 2024', 'March 3, 2024'],
    ['on 3rd March 2024', '3rd March 2024'],
    ['born 14-Mar-1931', '14-Mar-1931'],
    ['since March 2021', 'March 2021'],
    ['DOB: 24Dec1963', '24Dec1963'],
    ['DOB 15081991', '15081991'],
    ['DOB 2024‐03‐03', '2024‐03‐03'],
  ], ['in 2019', 'version 1.2.21', 'BP 120/80', '02/30/2020', 'you may 5 times', 'in March', 'ratio 3/4']],
  ['age', 'AGE', [['a 93-year-old woman', '93-year-old'], ['Age: 101.', '101'], ['95 y/o', '95 y/o']], ['a 45-year-old', 'age 89', '90 mg', 'aged 2 weeks']],
  ['ZIP', 'ZIP', [['Boston, MA 02139', '02139'], ['Austin, Texas 78701-1234', '78701-1234'], ['zip - 02139', '02139']], ['invoice 02139', 'Boston, ma 02139x', 'in 02139 cases']],
  ['city', 'CITY', [['Springfield, IL 62704', 'Springfield'], ['lives in Port Irisville', 'Port Irisville'], ['Boston MA 02118', 'Boston']], ['The, IL']],
  ['street address', 'STREET_ADDRESS', [
    ['at 1200 N. Oak Ridge Rd, Apt 4B', '1200 N. Oak Ridge Rd, Apt 4B'],
    ['lives at 42 Elm Street', '42 Elm Street'],
    ['5390 Corine Parkways Apt. 899', '5390 Corine Parkways Apt. 899'],
    ['P.O. Box 1234', 'P.O. Box 1234'],
    ['3975 s lincoln street', '3975 s lincoln street'],
  ], ['take 2 tablets by mouth', 'follow up in 2 weeks']],
  ['MRN', 'MRN', [['MRN: 00482913', '00482913'], ['patient_id=12345678', '12345678'], ['Medical record number 77-12345', '77-12345']], ['MRN: pending']],
  ['health plan', 'HEALTH_PLAN_ID', [['Member ID: W123456789', 'W123456789'], ['Medicare Beneficiary Identifier 1EG4-TE5-MK73', '1EG4-TE5-MK73']], ['member of staff']],
  ['account', 'ACCOUNT_NUMBER', [['Acct #: 55501234', '55501234']], ['account closed']],
  ['licence', 'LICENSE_NUMBER', [["Driver's license D1234567", 'D1234567']], ['license expired']],
  ['plate', 'LICENSE_PLATE', [['license plate 7ABC123', '7ABC123'], ['tag EZ83XST', 'EZ83XST']], ['plate of food']],
  ['device', 'DEVICE_ID', [['pacemaker serial number SN-88231-X', 'SN-88231-X'], ['IMEI 490154203237518', '490154203237518'], ['MAC 00:1A:2B:3C:4D:5E', '00:1A:2B:3C:4D:5E']], ['serial dilution']],
  ['other ids', 'OTHER_ID', [['Claim number: 2024-0001234', '2024-0001234']], ['claim denied']],
  ['names', 'NAME', [
    ['Patient: Maria Okafor', 'Maria Okafor'],
    ['Mrs. Okafor reports pain', 'Okafor'],
    ['daughter Jane Roe called', 'Jane Roe'],
    ['Name: OKAFOR, MARIA', 'OKAFOR, MARIA'],
    ['Seen by Dr. West today', 'West'],
    ['Jennifer Alvarez was admitted', 'Jennifer Alvarez'],
  ], ['Will continue metformin', 'May resume activity', 'Drug name: Metformin', 'Chief Complaint: Shortness of breath', 'ran for 500 ms\nElectronically signed']],
])('%s detector', (_name, type, positives, nearMisses) => {
  it.each(positives)('finds %j', (text, expected) => {
    expect(found(text)).toContainEqual([type, expected]);
  });
  if (nearMisses.length) {
    it.each(nearMisses)('does not report %j as ' + type, (text) => {
      expect(typesIn(text)).not.toContain(type);
    });
  }
});

describe('overlaps and context', () => {
  it('a name found once is masked where it recurs', () => {
    const text = 'Mr. Okafor came in. Later Okafor reported pain.';
    expect(found(text).filter(([t]) => t === 'NAME').map(([, v]) => v)).toEqual(['Okafor', 'Okafor']);
  });

  it('the stronger finding wins an overlap (IMEI beats a Luhn-valid card reading)', () => {
    expect(found('Phone IMEI 370681351876650')).toEqual([['DEVICE_ID', '370681351876650']]);
  });

  it('a credential that is also a state code does not turn a clinician into a city', () => {
    expect(found('Signed: J. Patel, MD 12/03/2023')).toContainEqual(['NAME', 'J. Patel']);
  });

  it('every character any detector flags stays masked after overlaps are resolved', () => {
    const texts = [
      'Dr. Lee, PA will call 617-555-0142 from 1 Main St, Boston, MA 02139',
      'Patient: Maria Okafor (MRN 00482913) DOB 03/14/1931, SSN 123-45-6789, IMEI 370681351876650',
      'Member ID: W123456789, Acct #: 55501234, card 4111 1111 1111 1111, VIN 1HGCM82633A004352',
    ];
    for (const text of texts) {
      const final = scanText(text);
      for (const detector of detectors) {
        for (const f of detector.detect(text).filter((x) => x.score >= 0.5)) {
          for (let i = f.start; i < f.end; i++) {
            if (!/[A-Za-z0-9]/.test(text[i]!)) continue;
            expect({ text, at: i, covered: final.some((g) => g.start <= i && i < g.end) }).toEqual({ text, at: i, covered: true });
          }
        }
      }
    }
  });

  it('labels written across a line break still count', () => {
    expect(found('MRN:\n00482913')).toContainEqual(['MRN', '00482913']);
  });
});
