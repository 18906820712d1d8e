import { expectGone, expectKept, mask } from './masked-text';

/**
 * Issue 17's thirteenth round: shapes of the name misses of development sets 8 and 9 (grouped
 * by the words around them, printed by a local script; set 10 stays blind). The names and
 * sentences here are written for these tests, not copied from a set. Each positive test fails
 * without its rule; each negative one pins a guard.
 */

describe('a relative or neighbour named before "at", "who", "on"', () => {
  it('two name words after the kin noun, then the sentence goes on', () => {
    const masked = mask('If no answer, leave with neighbour Tsehay Bekele at no. 14.\nHer nephew Oyelaran Adebisi who visits daily has a key.');
    expectGone(masked, ['Tsehay', 'Bekele', 'Oyelaran', 'Adebisi']);
  });

  it('one capitalised word after the kin noun stays; a place after "in" is a town, not a name', () => {
    // (Seventeenth round: the town a relative lives in is a place of the household, masked as CITY; before, it stayed.)
    const masked = mask('Lives with her daughter in Leeds.\nNeighbour Watch at the door.\nHer son Hospital at home team.');
    expectKept(masked, ['daughter in [CITY]', 'Neighbour Watch at the door', 'Hospital at home team']);
    expect(masked).not.toContain('[NAME]');
  });
});

describe('a caller who gives their name in speech-to-text', () => {
  it('lower-case names between "this is" and "calling"', () => {
    const masked = mask('caller: hello yes this is tendai marufu calling about my dad\nagent: ok\ncaller: hi this is ngozi calling back');
    expectGone(masked, ['tendai', 'marufu', 'ngozi']);
  });

  it('everyday words between "this is" and "calling" stay', () => {
    const masked = mask('caller: yes this is really urgent calling again\ncaller: hi this is the pharmacy calling about a refill\ncaller: this is why i am calling');
    expectKept(masked, ['really urgent calling', 'the pharmacy calling', 'this is why i am calling']);
  });
});

describe('a role noun, the name between commas, then a verb', () => {
  it('"The occupant, Family, Given, was", "The proband, Given Family, was", "Spouse of 52 years, ..., died"', () => {
    const masked = mask(
      'The occupant, Tuilagi, Sefo, was found on the floor.\nThe proband, Aroha Ngata, was referred at 40.\nSpouse of 52 years, Mthunzi Dlamini, died in 2019.',
    );
    expectGone(masked, ['Tuilagi', 'Sefo', 'Aroha', 'Ngata', 'Mthunzi', 'Dlamini']);
  });

  it('a condition or a place between the commas stays', () => {
    const masked = mask('The proband, Lynch Syndrome Carrier, was tested.\nThe occupant, Ground Floor, was empty.\nThe patient, alert, was seen.');
    expectKept(masked, ['Lynch Syndrome Carrier', 'Ground Floor', 'alert']);
  });
});

describe('"Pat." and "states name is" before a name', () => {
  it('a German note\'s "Pat." and an ambulance note\'s "name is"', () => {
    const masked = mask('Pat. Rangi Parata wohnt in der Nähe.\nPt states name is Kalani Akana and DOB unknown.');
    expectGone(masked, ['Rangi', 'Parata', 'Kalani', 'Akana']);
  });

  it('a drug or file "name is" stays', () => {
    const masked = mask('The drug name is Xarelto Starter and it is due.\nPat dry the Wound Bed daily.');
    expectKept(masked, ['Xarelto Starter', 'Wound Bed']);
  });
});

describe('subjects of "has lived", "remains", "wohnt"', () => {
  it('two name words before the verb', () => {
    const masked = mask('Tavita Faleolo has lived alone since 2011.\nRN visit. Ihaia Tamihana remains comfortable.\nPat. Nanami Kinjo wohnt allein.');
    expectGone(masked, ['Tavita', 'Faleolo', 'Ihaia', 'Tamihana', 'Nanami', 'Kinjo']);
  });

  it('a thing, a group or one word before the verb stays', () => {
    const masked = mask('Wound Bed remains clean.\nRapid Response Team remains on standby.\nSwelling remains.\nThe Pressure Ulcer has lived on.');
    expectKept(masked, ['Wound Bed remains', 'Rapid Response Team remains', 'Swelling remains', 'Pressure Ulcer']);
  });
});

describe('a numbered run sheet: name, dash, address', () => {
  it('two or three name words between the item number and a dash before a house number or flat', () => {
    const masked = mask('DELIVERY RUN\n3. Lerato Mahlangu — 8 Quay Street, Cobh\n11. Akosua Serwaa Boateng — Apartment 2, The Mews\n');
    expectGone(masked, ['Lerato', 'Mahlangu', 'Akosua', 'Serwaa', 'Boateng']);
  });

  it('a heading or drug before a dash and a number stays', () => {
    const masked = mask('1. Warfarin Dose — 5 mg daily\n2. Blood Tests — 3 Monthly\n- Main Entrance — 2 Steps\n');
    expectKept(masked, ['Warfarin Dose', 'Blood Tests', 'Main Entrance']);
  });
});

describe('a care visit with a person', () => {
  it('"Spiritual care visit with" and "pastoral visit with" before a name', () => {
    const masked = mask('Spiritual care visit with Wiremu Tapsell. Prayed together.\nPastoral visit with Losaline Vaipulu, who was well.');
    expectGone(masked, ['Wiremu', 'Tapsell', 'Losaline', 'Vaipulu']);
  });

  it('a clinic or service after "visit with" stays, and a home visit is no care visit', () => {
    const masked = mask('Follow-up visit with Cardiology next week.\nHome visit with Occupational Therapy booked.');
    expectKept(masked, ['Cardiology', 'Occupational Therapy']);
  });
});

describe('a name whole across its nickname brackets, an initial after a kin noun, a line-end hyphen', () => {
  it('brackets and quotes around a nickname are masked with the name', () => {
    const masked = mask('Pårørende: ektefelle Amaru (Ama) Quispe, tlf. 604 78 425.\nFound by neighbour Teuila «Teu" Fonoti, who has a key.');
    expectGone(masked, ['Amaru', '(Ama)', 'Ama)', 'Quispe', 'Teuila', '«', 'Teu"', 'Fonoti']);
  });

  it('an initial and a surname after a kin noun, before "at"', () => {
    const masked = mask('3. leave with neighbour S. Okonkwo at no. 5 if no answer');
    expectGone(masked, ['S. Okonkwo', 'Okonkwo']);
  });

  it('the lower-case rest of a surname a line-end hyphen broke', () => {
    const masked = mask('Herr Tavita Fale-\nolo wurde im 45. Lebensjahr aufgenommen.');
    expectGone(masked, ['Tavita', 'Fale', 'olo wurde']);
    expect(masked).toContain('wurde');
  });

  it('an everyday word or a compound half after the hyphen stays', () => {
    const masked = mask('Dr. Amaru Quispe-\nreviewed the case.\nSeen by Dr. Tavita Faleolo-\nrelated questions answered.');
    expectKept(masked, ['reviewed the case', 'related questions']);
  });

  it('a list bracket between two capitalised words is no nickname', () => {
    const masked = mask('Left Ventricular (LV) Function normal.\nBlood (Serum) Glucose 5.2.');
    expectKept(masked, ['Left Ventricular (LV) Function', 'Blood (Serum) Glucose']);
  });
});

describe('over-masking seen in sets 8 and 9', () => {
  it('a German letter\'s "Frau Kollegin" and "Herr Kollege" are no names; "Frau Dr. Amsel" still is', () => {
    const masked = mask('Sehr geehrte Frau Kollegin, sehr geehrter Herr Kollege,\nwir berichten über Frau Tjarda Amsel.');
    expectKept(masked, ['Frau Kollegin', 'Herr Kollege']);
    expectGone(masked, ['Tjarda', 'Amsel']);
  });

  it('the Antoni van Leeuwenhoek hospital is an institution; after a title it is a name', () => {
    const masked = mask('Behandeld in het Antoni van Leeuwenhoek; ziekte van Kahler in remissie.\nDr. Antoni van Leeuwenhoek signed.');
    expect(masked).toContain('in het Antoni van Leeuwenhoek;');
    expect(masked).not.toContain('Dr. Antoni');
  });
});

describe('a second relative after "of <town> and"', () => {
  it('"survived by her children X of Town and Y Z of Town": the second name too', () => {
    const masked = mask('She is survived by her children Mele Taufa of Auckland and Sione Havili of Nukualofa.');
    expectGone(masked, ['Mele', 'Taufa', 'Sione', 'Havili']);
  });

  it('a place or an everyday phrase after "and" stays', () => {
    const masked = mask('Seen by Dr. Mele Taufa of Cardiology and Internal Medicine of Dunedin.\nSurvived by her son Tevita Fifita of Auckland and Blood Bank of Otago.');
    expectKept(masked, ['Internal Medicine', 'Blood Bank']);
  });
});
