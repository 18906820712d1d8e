import type { Finding } from '../types';

/**
 * Clinical words that look like people: eponymous signs and syndromes ("Marcus Gunn pupil",
 * "Grey Turner sign"), and institutions named after people or places ("Virginia Mason",
 * "Charlotte Hungerford Hospital", "Grace Hospice"). A NAME found only by the dictionaries (no
 * title, no label: score below 0.85) is dropped when it is one of these terms or is followed by
 * a clinical head word. "Dr. Henry Ford" and "Patient: Virginia Mason" stay names.
 */
const KNOWN_TERMS = [
  'Marcus Gunn', 'Grey Turner', 'Argyll Robertson', 'Sister Mary Joseph', 'Austin Flint', 'Graham Steell', 'Braxton Hicks',
  'Lou Gehrig', 'Holmes-Adie', 'Cheyne-Stokes', 'Wolff-Parkinson-White', 'Guillain-Barré', 'Guillain-Barre', 'Stevens-Johnson',
  'Ehlers-Danlos', 'Osgood-Schlatter', 'Legg-Calvé-Perthes', 'Mallory-Weiss', 'Swan-Ganz', 'Child-Pugh', 'Roux-en-Y',
  'Creutzfeldt-Jakob', 'Charcot-Marie-Tooth', 'Henoch-Schönlein', 'Lambert-Eaton', 'Dubin-Johnson', 'Crigler-Najjar',
  'Virginia Mason', 'Charlotte Hungerford', 'Johns Hopkins', 'Sloan Kettering', 'Kaiser Permanente', 'Henry Ford', 'Beth Israel',
  'Fred Hutchinson', 'Baylor Scott', 'St. Jude', 'Saint Jude', 'Cedars-Sinai', 'Mount Sinai', 'Dana-Farber', 'MD Anderson',
  'Barnes-Jewish', 'Physical Therapy', 'Occupational Therapy', 'Speech Therapy', 'Grace Hospice', 'Good Samaritan',
  'Mass General', 'Mayo Clinic', 'Cleveland Clinic', "Brigham and Women's", 'Lahey', 'Ochsner', 'Geisinger', 'Scripps',
  'Intermountain', 'Vanderbilt', 'Shriners', 'Providence St. Joseph', 'Sutter Health', 'Mercy Hospital', 'Emory Healthcare',
  // Institutions of other countries, named without a head word ("Behandeld in het Antoni van Leeuwenhoek").
  'Antoni van Leeuwenhoek',
  // Payers, named in coverage and authorisation notes.
  'Blue Cross', 'Blue Shield', 'Blue Care', 'United Healthcare', 'UnitedHealthcare', 'Harvard Pilgrim', 'Molina Healthcare', 'Tufts Health',
];

/** Words after a name that make it a clinical term or an institution. */
const HEADS = new Set(
  `sign signs pupil pupils syndrome disease diseases test tests maneuver manoeuvre murmur nodule nodules node nodes lesion
  lesions fracture triad pentad score scale criteria classification phenomenon catheter procedure operation repair
  contractions palsy lymphoma sarcoma tumor tumour cyst contracture position breathing respiration spots encephalopathy
  thyroiditis point reflex block pattern esophagus diverticulum tear papules lines line hump foot ulcer hernia bypass law rule
  equation formula incision approach technique retractor forceps tube stain body bodies cell cells gland glands duct canal
  space ligament nerve artery fascia membrane aphasia angle triangle staging grade anomaly malformation deformity dystrophy
  hospital hospice clinic clinics healthcare health medical center centre institute university college foundation children
  memorial cancer infirmary rehabilitation rehab nursing pharmacy laboratories labs therapy`.split(/\s+/),
);

/** Head words written before the eponym, in Spanish, Portuguese, Italian, French and German. */
const HEADS_FIRST = new Set(
  `enfermedad síndrome sindrome signo prueba maniobra reflejo doença doenca sinal malattia segno morbo maladie syndrome signe
  manœuvre manoeuvre réflexe reflexe morbus`.split(/\s+/),
);
/** The word right before a finding, after an optional particle: "enfermedad de ", "Morbus ". */
const HEAD_BEFORE = /([\p{L}œ]{4,12})[ \t]{1,3}(?:(?:de|del|di|da|do|du|des|de la|von)[ \t]{1,3})?$/u;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const KNOWN = new RegExp(`(?<![\\p{L}])(?:${KNOWN_TERMS.map(escape).sort((a, b) => b.length - a.length).join('|')})(?![\\p{L}])`, 'giu');
const NEXT_WORD = /^(?:['’]s)?[ \t]{1,3}([\p{L}]{2,20})/u;
const WORDS = /[\p{L}]+/gu;

/** Every word of the known terms, lower case: a term can overlap a finding only through one of them. */
const TERM_WORDS: ReadonlySet<string> = new Set(KNOWN_TERMS.flatMap((t) => t.toLowerCase().match(/\p{L}+/gu) ?? []));
const LETTER = /\p{L}/u;
/** LETTER.test(text[at]), without a string or a regex for ASCII (where \p{L} is A-Z and a-z). */
function letterAt(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  if (c < 128) return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return LETTER.test(text[at]!);
}

/** True when a word of the finding (widened to whole words) is a word of a known term. */
function sharesTermWord(text: string, f: Finding): boolean {
  let start = f.start;
  let end = f.end;
  while (start > 0 && f.start - start < 30 && letterAt(text, start - 1)) start--;
  while (end < text.length && end - f.end < 30 && letterAt(text, end)) end++;
  for (const word of text.slice(start, end).toLowerCase().match(WORDS) ?? []) if (TERM_WORDS.has(word)) return true;
  return false;
}

/** 0: no known term overlaps; 1: one does; 2: one does and starts before it ("Sister Mary Joseph"). */
function knownTermOver(text: string, f: Finding): 0 | 1 | 2 {
  // Most names share no word with any known term: no window, no regex.
  if (!sharesTermWord(text, f)) return 0;
  const from = Math.max(0, f.start - 40);
  const window = text.slice(from, f.end + 40);
  KNOWN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = KNOWN.exec(window)) !== null) {
    const start = from + m.index;
    if (start < f.end && start + m[0].length > f.start) return start < f.start ? 2 : 1;
  }
  return 0;
}

/** True when a weakly evidenced NAME is a clinical term, not a person. */
export function isClinicalTerm(text: string, f: Finding): boolean {
  if (f.type !== 'NAME') return false;
  // A title inside the term ("Sister Mary Joseph nodule") is no evidence of a person.
  const known = knownTermOver(text, f);
  if (known === 2 || (known === 1 && f.score < 0.85)) return true;
  if (f.score >= 0.85) return false;
  // Romance and German languages put the head first: "enfermedad de Parkinson", "maladie de Crohn", "Morbus Bechterew".
  // (HEAD_BEFORE ends with a blank and NEXT_WORD opens with one or an apostrophe: without it, no slice, no regex.)
  const blankBefore = text.charCodeAt(f.start - 1);
  const before = blankBefore === 32 || blankBefore === 9 ? HEAD_BEFORE.exec(text.slice(Math.max(0, f.start - 30), f.start)) : null;
  // Inside the finding only with its particle ("Signe Hansen" is a person, "signe de Babinski" a sign).
  const first = /^([\p{L}œ]{4,12})[ \t]{1,3}(?:de|del|di|da|do|du|des|von)[ \t]/u.exec(text.slice(f.start, f.end));
  if ((before && HEADS_FIRST.has(before[1]!.toLowerCase())) || (first && HEADS_FIRST.has(first[1]!.toLowerCase()))) return true;
  const after = text.charCodeAt(f.end);
  const next = after === 32 || after === 9 || after === 39 || after === 0x2019 ? NEXT_WORD.exec(text.slice(f.end, f.end + 30)) : null;
  if (next && HEADS.has(next[1]!.toLowerCase())) return true;
  // "Duke Cancer Institute", "Emory Healthcare": the head word is inside the finding, a word of
  // its own (the second half of "Marie-Line" is no head word).
  const words = text.slice(f.start, f.end).split(/[\s,]+/).filter(Boolean);
  return words.length > 1 && words.slice(1).some((w) => HEADS.has(w.toLowerCase().replace(/[^\p{L}]+$/u, '')));
}

export function dropClinicalTerms(text: string, findings: Finding[]): Finding[] {
  let any = false;
  for (const f of findings) if (f.type === 'NAME') any = true;
  return any ? findings.filter((f) => !isClinicalTerm(text, f)) : findings;
}
