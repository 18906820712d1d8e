import { maskText, parseMaskingPolicy } from '../../phi';

/**
 * Issue 17's tenth round (developed on sets 5-7 by their miss classes; sets 8 and 9 blind). Each
 * test fails without its rule.
 */
const policy = parseMaskingPolicy({});
const mask = (text: string) => maskText(text, policy).text;

describe('address blocks whose street has no street type', () => {
  it('a street line over "City Postcode" on an addressograph, a letter heading and a label', () => {
    const masked = mask(
      'KALLSEN, Ingrid (Mrs)\nSkipagata 14, leil. 3\nBodø 8006\n12.03.41  F  H8812345\n\n' +
        'Dear Colleague,\nBorgo Pinti 7\nFirenze 50121\nRe: Ada Lanzi  DOB 02/03/1933\n\n' +
        'Dr. Kovač   Filled: 03/04/2024\nILICA 242/A, ZAGREB 10000\nRx#5512345  MARKO HORVAT',
    );
    for (const value of ['Skipagata', 'Bodø', '8006', 'Borgo Pinti', 'Firenze', '50121', 'ILICA', 'ZAGREB', '10000']) expect(masked).not.toContain(value);
  });

  it('needs a person around it, and a medication list or a ward line stays', () => {
    const lone = 'Bestilling\nBorgo Pinti 7\nFirenze 50121\n';
    expect(mask(lone)).toBe(lone);
    const doses = 'Jane Doe DOB 01/02/1950\nTramadol 50 mg\nCodeine Phosphate 30\nParacetamol 1000\n';
    expect(mask(doses)).toContain('Codeine Phosphate 30\nParacetamol 1000');
    const ward = 'John Smith 03/04/1950\nWard 7B\nRoom 4112\n';
    expect(mask(ward)).toContain('Ward 7B\nRoom 4112');
  });
});

describe('a caller, texter or writer naming themselves', () => {
  it('"this is", "its", "it is", "my name is" after a greeting, a colon or at a line start', () => {
    const masked = mask(
      "Hi, this is Okonjo-Reyes, Tamsin B., my daughter's referral is late.\n" +
        'SMS from pt: its Oksana Hrytsenko cant come today\n' +
        'Voicemail: hello it is wiremu tane calling back about the results\n' +
        'My name is Ilse Vanderstraeten and I need a repeat.',
    );
    for (const value of ['Okonjo-Reyes', 'Tamsin B.', 'Oksana', 'Hrytsenko', 'wiremu tane', 'Ilse', 'Vanderstraeten']) expect(masked).not.toContain(value);
  });

  it('an eponym, an institution, a heading or a phrase in a sentence stays', () => {
    const text =
      'This is Crohn disease in remission.\nIt is Hashimoto thyroiditis.\nHi, this is Grace Hospice calling about the bed.\nThis is Marcus Gunn pupil.\n' +
      'This is Important: nil by mouth.\nIts Onset was sudden.\nWe spoke to the team about the plan and this is Azure Lantern protocol.';
    expect(mask(text)).toBe(text);
  });
});

describe('a label after a column gap', () => {
  it('the fields of a fax cover or memo header set in columns', () => {
    const masked = mask('Sender: ward 9   Phone: 0161 496 0000\nPages: 3   Re: OYELARAN Adebisi\nDate: 04/05/2024   To: Mereana Tawhiri   Fax: 0161 496 0001');
    for (const value of ['OYELARAN', 'Adebisi', 'Mereana', 'Tawhiri']) expect(masked).not.toContain(value);
  });

  it('a lower-case subject or a plan after the gap stays', () => {
    const text = 'Pages: 3   Re: follow-up of bloods\nHb 118   Plan: Review in clinic\n';
    expect(mask(text)).toBe(text);
  });
});
