/**
 * Word lists the person-name detector reasons with. Not names themselves (those come from
 * dictionaries.ts) but the words around and between them.
 */

/** Capitalised words that are far more often ordinary words than names in clinical text. */
export const COMMON_WORDS = new Set(
  `the a an and or but if of in on at to for with from by as is was are were be been has have had he she they it his her
  their this that these those there then than when where who which what why how not no yes all any some each every
  patient pt patients name date dob mrn phone fax email address city state zip street avenue road drive lane suite apt
  mr mrs ms dr doctor nurse md rn np do pa phd hospital clinic center medical health care unit room floor department
  history present illness chief complaint assessment plan diagnosis impression note notes report reports denies
  admitted discharged seen follow up today tomorrow yesterday morning evening night monday tuesday wednesday thursday
  friday saturday sunday january february march april may june july august september october november december
  will can may might must should would could shall please per via see call called calls contact emergency family
  mother father son daughter wife husband brother sister spouse guardian friend neighbor
  blood pressure heart rate pain fever cough labs lab test tests result results normal abnormal negative positive
  medication medications meds allergies allergy insurance member policy account id number no new old left right
  north south east west primary secondary general internal family emergency regional memorial university saint st
  county general community surgery surgical oncology cardiology radiology pharmacy laboratory services
  signed electronically reviewed attending resident provider physician referring referred by
  mg ml daily twice bid tid prn po iv er icu ed or ct mri ekg ecg cbc bmp
  vital vitals signs exam review systems social past surgical medications`.split(/\s+/),
);

/** First names that are also everyday words: only a title, a label or a surname makes them names. */
export const AMBIGUOUS_FIRST = new Set([
  'will', 'may', 'june', 'april', 'mark', 'bill', 'grant', 'hope', 'faith', 'joy', 'art', 'guy', 'chase',
  'drew', 'dawn', 'ray', 'rose', 'sue', 'pat', 'an', 'major', 'christian', 'king', 'page', 'gay', 'long',
  'young', 'case', 'miles', 'sunny', 'summer', 'autumn', 'lane', 'lee', 'dale', 'glen', 'cliff', 'rich',
  'frank', 'earl', 'don', 'jack', 'sky', 'star', 'angel', 'crystal', 'ruby', 'amber', 'ivy', 'hazel', 'holly',
  'iris', 'olive', 'pearl', 'violet', 'daisy', 'heather', 'jasmine', 'lily', 'penny', 'bob', 'cherry', 'mercy',
  'patience', 'prudence', 'trinity', 'destiny', 'harmony', 'charity', 'honor', 'justice', 'liberty', 'precious',
  'genesis', 'eve', 'read', 'open', 'see', 'nelson', 'carter', 'cooper', 'hunter', 'parker', 'mason', 'taylor', 'tanner', 'porter',
  'baker', 'fisher', 'ward', 'wade', 'reed', 'rod', 'gene', 'jean', 'bud', 'buck', 'sal', 'val', 'gus', 'ben',
  'tom', 'van', 'vin', 'les', 'al', 'ed', 'jo', 'ty', 'port', 'lake', 'mount', 'fort', 'north', 'south', 'east',
  'west', 'new', 'saint', 'san', 'santa', 'paris', 'florence', 'austin', 'dallas', 'houston', 'georgia',
  'virginia', 'carolina', 'indiana', 'montana', 'dakota', 'nevada', 'sydney', 'chelsea', 'camden', 'lincoln',
  'jackson', 'madison', 'orlando', 'phoenix', 'denver', 'tyler', 'aurora', 'helena', 'augusta'
]);

export const TITLES = new Set([
  'mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sr', 'jr', 'rev', 'sister', 'nurse', 'mister', 'madam',
  // Other languages: Spanish, Portuguese, French, German, Italian, Dutch, Polish, Nordic, Russian.
  'sra', 'srta', 'don', 'doña', 'dona', 'dra', 'm', 'mme', 'mlle', 'herr', 'frau', 'signor', 'signora', 'sig', 'dott', 'dhr', 'mevr',
  'pan', 'pani', 'hr', 'fru', 'г-н', 'г-жа', 'господин', 'госпожа', 'д-р',
]);
export const SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv', 'md', 'phd', 'rn', 'np', 'do', 'dds', 'pa']);
/** Labels whose next words are a name: "Patient:", "Name -", "daughter", "seen by". */
export const NAME_LABELS = [
  'name', 'patient', 'pt', 'patient name', 'full name', 'legal name', 'preferred name', 'son', 'daughter',
  'wife', 'husband', 'spouse', 'partner', 'mother', 'father', 'mom', 'dad', 'brother', 'sister', 'grandson',
  'granddaughter', 'grandmother', 'grandfather', 'aunt', 'uncle', 'niece', 'nephew', 'cousin', 'guardian',
  'caregiver', 'emergency contact', 'contact', 'next of kin', 'nok', 'poa', 'accompanied by', 'seen by',
  'attending', 'attending physician', 'provider', 'physician', 'pcp', 'referring', 'referred by', 'signed', 'signed by',
  'electronically signed by', 'dictated by', 'nurse', 'surgeon', 'resident', 'author', 'guarantor', 'insured',
  'subscriber', 'employer', 'driver', 'sincerely', 'regards', 'verified by', 'witnessed by',
  // Whom a note thanked or who was there (multi-word sentence labels are SENTENCE_LABEL's).
  'thanks', 'interpreter', 'carer', 'visitor',
  // A German or Dutch note's "Pat." and a crew's "pt states name is" (a drug's or file's "name is" is THING_NAME_LABEL's).
  'pat', 'name is',
  // Other languages (lower case; NFKC has already turned a full-width colon into ":").
  'paciente', 'patientin', 'nom du patient', 'nom', 'nombre', 'nome', 'pasient', 'potilas', 'pacjent', 'hasta',
  'пациент', 'пациентка', 'больной', 'пацієнт', 'المريض', 'المريضة', 'بیمار', '患者', '病人', '患者名', '환자', 'bệnh nhân', 'מטופל',
  // Forms of address written in lower case mid-sentence in Dutch, German, French, Spanish, Polish
  // prose ("verwijs ik mevrouw ...", "über Herrn ...", "nous avons vu madame ..."), where a title
  // is no token of its own.
  'mevrouw', 'meneer', 'mijnheer', 'mw', 'mevr', 'dhr', 'herrn', 'madame', 'monsieur', 'mademoiselle', 'señora', 'señor', 'signore', 'pani', 'pana', 'panią',
  // Patients and relatives in Dutch, Swedish, Norwegian, Polish and German notes (definite forms too).
  'patiënt', 'patiënte', 'patienten', 'pasienten', 'pacjentka', 'pacjenta', 'pacjentki', 'pacjentkę', 'betreft',
  'dochter', 'zoon', 'echtgenoot', 'echtgenote', 'kleindochter', 'kleinzoon', 'schoondochter', 'zus',
  'dotter', 'dottern', 'sonen', 'maken', 'makan', 'hustru', 'hustrun', 'sondotter', 'dotterdotter', 'anhörig', 'anhöriga',
  'datter', 'datteren', 'sønn', 'sønnen', 'ektefelle', 'ektefellen', 'kona', 'pårørende',
  'córka', 'córką', 'syn', 'synem', 'żona', 'żoną', 'mąż', 'mężem', 'wnuczka', 'wnuk', 'synowa',
  'tochter', 'sohn', 'ehefrau', 'ehemann', 'enkelin', 'schwiegertochter',
  // Plural kin and those a note visits ("survived by his daughters ...", "Chaplain visited ...").
  'daughters', 'sons', 'children', 'grandchildren', 'survived by', 'predeceased by', 'preceded in death by', 'visited', 'prayed with', 'bezocht', 'besökte', 'besøkte', 'odwiedził', 'odwiedziła',
];

export const NAME_LABEL = new RegExp(`(?:^|[^a-z])(?:${NAME_LABELS.join('|')})[\\s:,.()#=-]{0,4}$`);

/**
 * Sentence labels whose last word is an everyday one ("with", "from", "for"): whom the team spoke
 * with, obtained consent from, interpreted for. A small regex of their own, so the long NAME_LABEL
 * does not run after every "with" of a note.
 */
export const SENTENCE_LABEL = /(?:spoke (?:with|to)|discussed (?:the plan )?with|plan with|obtained from|present for|visited by|(?:spiritual care|pastoral|chaplaincy) visit with)[\s:,.()#=-]{0,4}$/;
export const SENTENCE_LABEL_LAST_WORDS: ReadonlySet<string> = new Set(['with', 'to', 'from', 'for', 'by']);

/** One-word labels ("driver", "paciente"): words that introduce a name and are not part of it. */
export const LABEL_WORDS: ReadonlySet<string> = new Set(NAME_LABELS.filter((label) => !label.includes(' ') && label.length > 3 && !['sister', 'nurse'].includes(label)));

/**
 * Verbs whose subject in a clinical note is a person ("... denies fever", "... was admitted"):
 * the predicate is the evidence that the capitalised words before it are a name. Verbs that
 * things and jobs take as often ("Heparin Drip was started", "Access Denied was found") are left
 * out; "tolerated", "declined" and "refused" stay (mostly a patient's; "Tube Feeds tolerated"
 * at a sentence start is masked, an over-mask accepted because a leaked name costs more).
 */
export const PERSON_PREDICATE =
  /^[ \t]{1,2}(?:denies|denied|reports|reported|states|stated|endorses|complains|presents|presented|agrees|declined|refused|tolerated|underwent|ambulates|verbalizes|verbalized|expresses|was (?:admitted|discharged|seen|examined|told|advised|counseled|educated)|is (?:a|an) \d{1,3}|has been (?:admitted|seen)|checked in|left a (?:voicemail|message)|- no[ -]show|consented|prefers|to be (?:called|contacted|phoned) by|wishes to|would like to)(?![\p{L}])/u;
/**
 * Verbs teams and things are subjects of too ("Rapid Response Team called", "Pharmacy phoned"):
 * the subject is a person when a dictionary knows one of its words, or when it is two or three
 * name-like words none of which names a group ("Tiberiu Vasilache arrived"); "fell" and "was
 * brought" always need the dictionary (person-name.ts, subjectsOfPersonVerbs). "remains" only
 * with a person's state after it ("remains at home", "remains comfortable"; "Wound Bed remains
 * clean" stays); "has lived", "lives alone" and German "wohnt" are said of people.
 */
export const WEAK_PERSON_PREDICATE = /^[ \t]{1,2}(?:came in|came to|arrived|called|phoned|rang|fell|had a fall|is feeling|feels|was brought|has lived|lives alone|remains (?:at home|in bed|comfortable|settled|bedbound|asleep)|wohnt)(?![\p{L}])/u;

/** Last words of the labels: a cheap test before running NAME_LABEL. */
export const LABEL_LAST_WORDS: ReadonlySet<string> = new Set(NAME_LABELS.map((label) => label.split(' ').pop()!));

/** "Drug name:", "file name:" label things, not people. */
export const THING_NAME_LABEL = /(?:drug|medication|med|file|product|brand|generic|plan|payer|facility|hospital|test|procedure|user|company|org|organization|practice|clinic|pharmacy|device|model|table|column|host|server|study|trial|program|group)[\s_-]{0,2}name(?:[ \t]is)?[\s:,.()#-]{0,4}$/;


/**
 * Words that open a sentence about the patient's state after "Patient:" ("Patient: Alert and
 * oriented", "Pt: Comfortable, no distress"): followed by a lower-case word, a comma or the end
 * of the sentence, they are no name ("Patient: Alert Smith" still is one).
 */
export const CLINICAL_STATE_WORDS: ReadonlySet<string> = new Set(
  `alert awake oriented pleasant comfortable calm cooperative stable afebrile ambulatory ambulating confused lethargic drowsy
  sleeping asleep resting responsive unresponsive tolerating doing feeling seen examined lying sitting well unwell agitated
  anxious tearful nauseous verbal nonverbal intubated sedated independent weak frail tired cachectic diaphoretic distressed
  appears appeared reports denies states feels presents improving improved better worse nad orientated conscious unconscious
  obtunded somnolent arousable pale jaundiced euvolemic hemodynamically clinically medically`.split(/\s+/),
);
