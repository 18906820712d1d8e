import { expectGone, expectKept, mask } from './masked-text';

/**
 * Issue 17's twelfth round: the families the eleventh round's note left missing (Danish floors,
 * "Family, Given" in a sentence, nicknames, names no label introduces, towns after other words).
 * The sentences are written for these tests, not taken from any held-out set (set 10 is blind
 * and never read). Each positive test fails without its rule; each negative one pins a guard.
 */

describe('Danish floor and side after the house number', () => {
  it('"2. th.", "3. tv.", "st. mf.", "1. sal" belong to the street, and the postcode and town follow it', () => {
    const masked = mask(
      'Bor på Nørregade 14, 2. th., 1165 København K sammen med sin datter.\n' +
        'Flyttet til Jernbanegade 3, st. mf., 4000 Roskilde i marts.\n' +
        'Patient lives at Søndergade 22, 1. sal, 7100 Vejle.',
    );
    expectGone(masked, ['Nørregade', '2. th', '1165', 'København', 'Jernbanegade', 'st. mf', 'Roskilde', 'Søndergade', '1. sal', '7100', 'Vejle']);
  });

  it('a dosage or a list number after a street-like word stays', () => {
    const masked = mask('Vitamin D 2. th. dose given.\nStep 3, 2. tv. side view of the knee.');
    expectKept(masked, ['Vitamin D 2. th. dose', 'Step 3, 2. tv. side view']);
  });
});

describe('"Family, Given" inside a sentence', () => {
  it('a surname no dictionary holds, then a known given name, mid-sentence', () => {
    const masked = mask('Reviewed with Okonjo-Aduba, Margaret before the procedure.\nCalled Thistlewood, Harold about the results; no answer.');
    expectGone(masked, ['Okonjo-Aduba', 'Margaret', 'Thistlewood', 'Harold']);
  });

  it('a place or time clause before a comma is no surname', () => {
    const masked = mask('In Boston, Margaret felt better.\nAfter Christmas, Harold stopped his statin.\nSince Tuesday, Edith has eaten less.');
    expectKept(masked, ['Boston', 'Christmas', 'Tuesday']);
  });
});

describe('nicknames between the given and the family name', () => {
  it('in brackets or quotes, after a name found or a known given name', () => {
    const masked = mask(
      'Patient Robert (Bobby) Tallis was seen in clinic.\n' +
        'Pt Hamish "Mimi" Strathcarron, 45 y/o, presented for a filling.\n' +
        'Chaplain met Eleanor “Nell” Brackenbury on the ward.',
    );
    expectGone(masked, ['Robert', 'Bobby', 'Tallis', 'Hamish', 'Mimi', 'Strathcarron', 'Eleanor', 'Nell', 'Brackenbury']);
  });

  it('a bracketed abbreviation or a quoted term between capitalised words stays', () => {
    const masked = mask('Left Ventricular (LV) Function was normal.\nThe "Green" Protocol applies.\nBlood (Serum) Glucose 5.4 mmol/L.');
    expectKept(masked, ['Left Ventricular (LV) Function', 'The "Green" Protocol', 'Blood (Serum) Glucose']);
  });

  it('a title in brackets is no nickname: what follows it is not taken for the family name', () => {
    expectKept(mask('Letter to Joan Hartley (Mrs) Kilkee Terrace, Oban.'), ['(Mrs) Kilkee Terrace']);
  });
});

describe('a known given name as the subject of what people do, with no label', () => {
  it('"came in", "arrived", "called", "phoned", "fell"', () => {
    const masked = mask('Margaret came in with her daughter this morning.\nYesterday Harold phoned twice.\nEdith fell in the bathroom at 03:00.');
    expectGone(masked, ['Margaret', 'Harold', 'Edith']);
  });

  it('a department or a thing as the subject stays', () => {
    const masked = mask('Radiology called with the result.\nPharmacy phoned about the dose.\nThe patient fell at home.');
    expectKept(masked, ['Radiology', 'Pharmacy', 'The patient fell']);
  });

  it('two capitalised words no dictionary holds arrive or call as a person, a team does not', () => {
    const masked = mask('Tiberiu Vasilache arrived at 10:00 with his wife.\nRapid Response Team called at shift change.\nCrisis Line phoned back.');
    expectGone(masked, ['Tiberiu', 'Vasilache']);
    expectKept(masked, ['Rapid Response Team called', 'Crisis Line phoned']);
  });
});

describe('a town after other words of place', () => {
  it('"just outside", "moved here from", "drives in from", "near"', () => {
    const masked = mask(
      'He lives just outside Kutaisi with his brother.\nMoved here from Ostrava last year.\nDrives in from Jelgava every week.\nShe lives near Ennis and drives in weekly.',
    );
    expectGone(masked, ['Kutaisi', 'Ostrava', 'Jelgava', 'Ennis']);
  });

  it('a body part, a ward or an eponym after "near" or "outside" stays', () => {
    const masked = mask("Tenderness near McBurney's point.\nWaited outside Radiology for an hour.\nLesion near Broca area on MRI.\nSmoking outside Theatre 2.");
    expectKept(masked, ["McBurney's point", 'Radiology', 'Broca area', 'Theatre 2']);
  });
});

describe('a Dutch, Nordic or German possessive before a kin word', () => {
  it('"Guðrúns dotter", "Annekes dochter", "Sigrid Bakkes sønn", "Jörgs Tochter"', () => {
    const masked = mask(
      'Guðrúns dotter vill att hon flyttas närmare.\nAnnekes dochter regelt de medicatie.\nSigrid Bakkes sønn ringte i går.\nJörgs Tochter kommt morgen.',
    );
    expectGone(masked, ['Guðrún', 'Anneke', 'Sigrid', 'Bakke', 'Jörg']);
  });

  it('an eponym or a place in the genitive before another noun stays', () => {
    const masked = mask(
      'Parkinsons sjukdom sedan 2015.\nHashimotos tyreoidit, Crohns sjukdom.\nStockholms läns landsting.\nAlzheimers ziekte.\nSymptoms far worse at night.\nStairs make her breathless.\nChills man, no fever.',
    );
    expectKept(masked, ['Parkinsons', 'Hashimotos', 'Crohns', 'Stockholms', 'Alzheimers', 'Symptoms far', 'Stairs make', 'Chills man']);
  });
});
