/**
 * Clinical text free of PHI: eponymous signs, syndromes and procedures, drug names and
 * institutions whose names look like people ("Marcus Gunn", "Virginia Mason"). Everything the
 * engine masks here is over-masking; the eval reports the share of characters changed.
 * Written before the clinical allow-list of issue 17, from textbook vocabulary, not from it.
 */
const EPONYMS = [
  'Marcus Gunn pupil', 'Grey Turner sign', 'Cullen sign', 'Murphy sign', 'Babinski sign', 'Homans sign', 'Kernig sign',
  'Brudzinski sign', 'Chvostek sign', 'Trousseau sign', 'Tinel sign', 'Phalen test', 'McBurney point tenderness',
  'Rovsing sign', 'Kehr sign', 'Courvoisier sign', 'Virchow node', 'Sister Mary Joseph nodule', 'Osler nodes',
  'Janeway lesions', 'Roth spots', 'Kussmaul breathing', 'Cheyne-Stokes respiration', 'Argyll Robertson pupil',
  'Horner syndrome', "Bell's palsy", 'Parkinson disease', "Alzheimer's disease", 'Hodgkin lymphoma', "Crohn's disease",
  'Graves disease', 'Hashimoto thyroiditis', 'Guillain-Barré syndrome', 'Sjögren syndrome', 'Ménière disease',
  'Wernicke encephalopathy', 'Korsakoff syndrome', 'Cushing syndrome', 'Addison disease', 'Kawasaki disease',
  'Tourette syndrome', 'Marfan syndrome', 'Ehlers-Danlos syndrome', 'Wolff-Parkinson-White pattern', 'Brugada pattern',
  'Stevens-Johnson syndrome', "Lou Gehrig's disease", 'Allen test', 'Lachman test', 'McMurray test', 'Finkelstein test',
  'Romberg sign', 'Hoffmann sign', 'Barlow maneuver', 'Ortolani maneuver', 'Valsalva maneuver', 'Trendelenburg position',
  'Foley catheter', 'Swan-Ganz catheter', 'Whipple procedure', 'Nissen fundoplication', 'Roux-en-Y bypass',
  'Hartmann procedure', 'Colles fracture', 'Jones fracture', 'Bennett fracture', 'Monteggia fracture', "Baker's cyst",
  'Dupuytren contracture', 'Osgood-Schlatter disease', 'Charcot foot', 'Raynaud phenomenon', 'Kaposi sarcoma',
  'Ewing sarcoma', 'Wilms tumor', 'Burkitt lymphoma', 'Barrett esophagus', 'Mallory-Weiss tear', 'Zenker diverticulum',
  'Meckel diverticulum', 'Hirschsprung disease', 'Tetralogy of Fallot', 'Austin Flint murmur', 'Graham Steell murmur',
  'Beck triad', 'Charcot triad', 'Virchow triad', 'Wells score', 'Child-Pugh class B', 'Mallampati class II',
  'Mobitz type II block', 'Wenckebach block', 'Bishop score', 'Braxton Hicks contractions', 'Chadwick sign',
  'Todd paralysis', 'Lhermitte sign', 'Uhthoff phenomenon', 'Holmes-Adie pupil', 'Nikolsky sign', 'Auspitz sign',
  'Koebner phenomenon', 'Gottron papules', 'Kerley B lines', 'Hampton hump', 'Westermark sign', 'Levine sign',
  'Battle sign', 'Glasgow Coma Scale of 14', 'Apgar score of 8', 'Heberden nodes', 'Bouchard nodes', 'Dressler syndrome',
];
const DRUGS = [
  'metformin', 'lisinopril', 'atorvastatin', 'apixaban', 'warfarin', 'levothyroxine', 'methimazole', 'amlodipine',
  'furosemide', 'spironolactone', 'Eliquis', 'Xarelto', 'Lantus', 'Humalog', 'Ozempic', 'Jardiance', 'Entresto',
  'Keppra', 'Lamictal', 'Depakote', 'sertraline', 'escitalopram', 'Zoloft', 'Lexapro', 'Seroquel', 'Haldol',
  'ondansetron', 'Zofran', 'pantoprazole', 'Protonix', 'ceftriaxone', 'vancomycin', 'Zosyn', 'azithromycin',
  'Augmentin', 'prednisone', 'Solu-Medrol', 'albuterol', 'Symbicort', 'Spiriva', 'gabapentin', 'Neurontin',
  'oxycodone', 'Norco', 'Tylenol', 'Motrin', 'Toradol', 'heparin', 'Lovenox', 'Plavix', 'Brilinta', 'Coreg',
];
const INSTITUTIONS = [
  'Virginia Mason', 'Charlotte Hungerford Hospital', 'Grace Hospice', 'Physical Therapy', 'Mayo Clinic',
  'Cleveland Clinic', 'Johns Hopkins', 'Mass General', 'Cedars-Sinai', 'Mount Sinai', 'Memorial Sloan Kettering',
  'Dana-Farber', 'MD Anderson', 'Kaiser Permanente', 'Henry Ford Hospital', 'Beth Israel Deaconess',
  "Brigham and Women's", 'Rush University Medical Center', 'Barnes-Jewish', 'Vanderbilt', 'Duke Cancer Institute',
  'Emory Healthcare', 'Scripps Health', 'Geisinger', 'Intermountain Health', 'Ochsner', 'Lahey Clinic',
  'Baylor Scott & White', "St. Jude Children's", 'Shriners Hospitals', 'Hospital for Special Surgery',
  'Fred Hutchinson Cancer Center', 'Occupational Therapy', 'Speech Therapy', 'Home Health', 'Hospice of the Valley',
  'Mercy Hospital', 'Good Samaritan', 'Sutter Health', 'Providence St. Joseph',
];
const EPONYM_FRAMES = [
  (t: string) => `Exam notable for ${t}.`,
  (t: string) => `No ${t} on today's examination.`,
  (t: string) => `History of ${t}, stable.`,
  (t: string) => `${t[0]!.toUpperCase()}${t.slice(1)} was documented by the admitting team.`,
];
const DRUG_FRAMES = [
  (d: string) => `Started ${d} 10 mg daily.`,
  (d: string) => `Continue ${d}; monitor renal function.`,
  (d: string) => `Allergic to ${d} (rash).`,
];
const INSTITUTION_FRAMES = [
  (i: string) => `Referred to ${i} for further evaluation.`,
  (i: string) => `Records requested from ${i}.`,
  (i: string) => `Follow up with ${i} in 2 weeks.`,
];

/** Deterministic sentences: every eponym, drug and institution at least once, in rotating frames. */
export function clinicalSentences(): string[] {
  const out: string[] = [];
  EPONYMS.forEach((t, i) => out.push(EPONYM_FRAMES[i % EPONYM_FRAMES.length]!(t)));
  DRUGS.forEach((d, i) => out.push(DRUG_FRAMES[i % DRUG_FRAMES.length]!(d)));
  INSTITUTIONS.forEach((s, i) => out.push(INSTITUTION_FRAMES[i % INSTITUTION_FRAMES.length]!(s)));
  return out;
}
