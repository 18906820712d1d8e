import { en_CA, en_GB, fr_LU, type LocaleDefinition } from '@faker-js/faker';
import { assembleDocuments, type DocumentBuilder, type DocumentFormat, type LabelledDocument } from './document';
import { Draws } from './draws';
import { NameSource, type HandNames, type Name } from './name-source';

/**
 * The eighth held-out set, written blind at the start of issue 17's ninth round, before any
 * detector of that round changed, and frozen. Sets 5, 6 and 7 are development sets from this
 * round on, so this is the only blind set. Its misses are never listed. Built unlike sets 1–7:
 * - generator: Wichmann–Hill (three small LCGs summed modulo 1), which no other set uses;
 * - name sources: the last faker locales no other set draws from (Luxembourgish French,
 *   British and Canadian English), and names written here by hand for communities no set
 *   covers: Sorbian, West Frisian, Romansh, Breton, Alsatian, Corsican, Réunionnais and
 *   Antillean French, Tahitian, Kanak, Volga Tatar, Akan, Ewe, Kinyarwanda, Balinese, Cebuano,
 *   Marathi, Kannada, Bhutanese, Okinawan (family name first), Turkish-German and Russian-German
 *   double names, Polish-German double names;
 * - document shapes: German doctors' letters and French consultation reports written as prose
 *   without field labels, English ambulance run narratives, home-health visit notes,
 *   social-work notes, genetic pedigree narratives, condolence letters, telephone triage logs,
 *   care-home incident reports, a Luxembourg/Swiss multilingual nursing transfer note;
 * - addresses and cities in running text ("lives alone in der Goethestraße 12 in 79098
 *   Freiburg im Breisgau", "demeure au 5 bis avenue Jean-Jaurès à Brest", "dispatched to
 *   3 Market Place, Kettering"), including German, French, Romansh and British forms;
 * - ages over 89 in digits and in words in three languages ("ninety-four",
 *   "vierundneunzig", "quatre-vingt-quatorze"), ordinal forms ("im 96. Lebensjahr",
 *   "in her ninety-fifth year") and bare in parentheses ("her father (96)");
 * - hostile spellings none of sets 1–7 use: a name broken across a line by a hyphen
 *   ("Kerl-\nann"), a nickname in quotes inside a name, a surname in capitals inside prose,
 *   a German genitive ("Frau Hoekstras Tochter"), œ and ẞ inside names;
 * - PHI-free sentences in German, French and English with eponyms, institutions and
 *   capitalised nouns (Morbus Basedow, Hôpital Necker, the Mayo Clinic).
 *
 * Scored through findInText (the maskText path). First run in phi/README.md "Measuring". Never
 * tune on this set, never look at its misses, and never edit it to raise its figures.
 */
export const EIGHTH_SEED = 80803;

/** Wichmann–Hill (1982): three multiplicative LCGs, their fractions summed modulo 1. */
class Rand extends Draws {
  private a: number;
  private b: number;
  private c: number;
  constructor(seed: number) {
    super();
    this.a = (seed % 30268) + 1;
    this.b = (Math.floor(seed / 30268) % 30306) + 1;
    this.c = ((seed * 7) % 30322) + 1;
  }
  next(): number {
    this.a = (171 * this.a) % 30269;
    this.b = (172 * this.b) % 30307;
    this.c = (170 * this.c) % 30323;
    return (this.a / 30269 + this.b / 30307 + this.c / 30323) % 1;
  }
}

const FAKER_LOCALES: Record<string, LocaleDefinition> = { fr_LU, en_GB, en_CA };

/** Full names written by hand, [given, family]. Okinawan names are written family first in `family` order by the shapes that say so. */
const HAND: HandNames = {
  hsb: [['Hańža', 'Šěnowa'], ['Bjarnat', 'Krawc'], ['Jadwiga', 'Wjelanowa'], ['Měrćin', 'Wałda']],
  fy: [['Wytske', 'Hoekstra'], ['Sjoerd', 'Dykstra'], ['Tsjerk', 'Algra'], ['Janke', 'Wijbenga']],
  rm: [['Gion', 'Caminada'], ['Ursina', 'Cadonau'], ['Flurin', 'Bezzola'], ['Mengia', 'Tuor']],
  br: [['Gwenaëlle', 'Le Bihan'], ['Yann-Vari', 'Kerlann'], ['Maiwenn', 'Quéméner'], ['Erwan', 'Le Goff']],
  als: [['Aloyse', 'Schwoerer'], ['Odile', 'Kieffer'], ['Materne', 'Hirtzlin'], ['Clotilde', 'Lœuillet']],
  co: [['Ghjuvan Petru', 'Santoni'], ['Maria Ghjuvanna', 'Luciani'], ['Dumenicu', 'Cesari'], ['Santa', 'Filippi']],
  re: [['Marie-Josée', 'Grondin'], ['Sully', 'Payet'], ['Jean-Hugues', 'Hoarau'], ['Lucette', 'Techer']],
  gp: [['Marie-Line', 'Jean-Baptiste'], ['Frantz', 'Ursulet'], ['Rosan', 'Bellance'], ['Josette', 'Nirelep']],
  ty: [['Teiki', 'Teriitehau'], ['Vaimiti', 'Tetuanui'], ['Heimana', 'Tauraa'], ['Moana', 'Tehei']],
  kanak: [['Wenceslas', 'Wamytan'], ['Léontine', 'Gorodey'], ['Hnalaine', 'Uregei'], ['Caroline', 'Wahnyamalla']],
  tt: [['Gölnar', 'Xäyrullina'], ['Rinat', 'Ğabdullin'], ['Alsu', 'Mingazova'], ['İlnur', 'Safiullin']],
  ak: [['Kwabena', 'Asante-Darko'], ['Abena', 'Owusu-Ansah'], ['Kofi', 'Nti'], ['Akosua', 'Boatemaa']],
  ee: [['Sena', 'Agbeko'], ['Dzifa', 'Amenyo'], ['Selasi', 'Kpodo'], ['Edem', 'Tsikata']],
  rw: [['Claudine', 'Uwimana'], ['Jean de Dieu', 'Habimana'], ['Aimée', 'Mukeshimana'], ['Olivier', 'Niyonzima']],
  ban: [['I Wayan', 'Sudarta'], ['Ni Luh Putu', 'Ariani'], ['I Gusti Ayu', 'Kade Sriani'], ['Ni Made', 'Suwastini']],
  ceb: [['Junrey', 'Abellana'], ['Maricel', 'Dumdum'], ['Jovelyn', 'Cabahug'], ['Rodel', 'Pepito']],
  mr: [['Shubhangi', 'Gokhale'], ['Vinayak', 'Joglekar'], ['Sayali', 'Bhagwat'], ['Omkar', 'Patwardhan']],
  kn: [['Manjunath', 'Gowda'], ['Shwetha', 'Hegde'], ['Puttaswamy', 'Nayaka'], ['Lakshmamma', 'Byregowda']],
  dz: [['Karma', 'Wangchuk'], ['Dechen', 'Pelden'], ['Sonam', 'Choden'], ['Ugyen', 'Tshering']],
  ryu: [['Yukiko', 'Higa'], ['Masaru', 'Chinen'], ['Tomoko', 'Kanna'], ['Seitoku', 'Nakandakari']],
  'tr-de': [['Gülşen', 'Yıldırım-Köhler'], ['Emre', 'Çelik-Hansen'], ['Şükrü', 'Öztürk'], ['Ayşegül', 'Karadağ-Weiß']],
  'ru-de': [['Waldemar', 'Reimer'], ['Lilija', 'Dück'], ['Jakob', 'Penner'], ['Swetlana', 'Wiebe']],
  'pl-de': [['Ewa', 'Szczepańska-Vogt'], ['Grzegorz', 'Kowalczyk-Brandt'], ['Małgorzata', 'Großkopf'], ['Zbigniew', 'ẞchmidtke']],
};


class Names extends NameSource {
  constructor(r: Rand) {
    super(r, FAKER_LOCALES, HAND, 0.35, (key) => EIGHTH_SEED + key.length * 131 + key.charCodeAt(3) * 17);
  }
}

const hostile = {
  /** The family name broken across a line by a hyphen, as a narrow column wraps it. */
  wrapped: (r: Rand, n: Name) => {
    const f = n.family;
    if (f.length < 6 || f.includes(' ') || f.includes('-')) return `${n.given} ${f}`;
    const at = r.int(3, f.length - 3);
    return `${n.given} ${f.slice(0, at)}-\n${f.slice(at)}`;
  },
  /** A nickname in quotes between given and family name. */
  nickname: (r: Rand, n: Name) => `${n.given} ${r.pick(['"', '«', '„'])}${n.given.slice(0, 3)}${r.pick(['"', '»', '“'])} ${n.family}`,
  capsFamily: (n: Name) => `${n.given} ${n.family.toUpperCase()}`,
};

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const DE_MON = ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'];
const FR_MON = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
const EN_MON = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const ORD = (d: number) => `${d}${d % 10 === 1 && d !== 11 ? 'st' : d % 10 === 2 && d !== 12 ? 'nd' : d % 10 === 3 && d !== 13 ? 'rd' : 'th'}`;

const EN_UNITS = ['', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const EN_ORD_UNITS = ['tieth', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth'];
const DE_UNITS = ['', 'ein', 'zwei', 'drei', 'vier', 'fünf', 'sechs', 'sieben', 'acht', 'neun'];
const FR_NINETIES = ['quatre-vingt-dix', 'quatre-vingt-onze', 'quatre-vingt-douze', 'quatre-vingt-treize', 'quatre-vingt-quatorze', 'quatre-vingt-quinze', 'quatre-vingt-seize', 'quatre-vingt-dix-sept', 'quatre-vingt-dix-huit', 'quatre-vingt-dix-neuf'];
const enWords = (n: number) => (n >= 100 ? `a hundred and ${EN_UNITS[n - 100] || 'zero'}` : `ninety${n > 90 ? `-${EN_UNITS[n - 90]}` : ''}`);
const enOrdinal = (n: number) => (n === 90 ? 'ninetieth' : `ninety-${EN_ORD_UNITS[n - 90]}`);
const deWords = (n: number) => (n === 90 ? 'neunzig' : `${DE_UNITS[n - 90]}undneunzig`);

class Values {
  constructor(
    private readonly r: Rand,
    readonly names: Names,
  ) {}
  ymd() {
    return { y: this.r.int(1922, 2025), m: this.r.int(1, 12), d: this.r.int(1, 28) };
  }
  deDate(): string {
    const { y, m, d } = this.ymd();
    return this.r.pick([`${d}. ${DE_MON[m - 1]} ${y}`, `${pad(d)}.${pad(m)}.${y}`, `${d}.${m}.${String(y).slice(2)}`]);
  }
  frDate(): string {
    const { y, m, d } = this.ymd();
    return this.r.pick([`${d === 1 ? '1er' : d} ${FR_MON[m - 1]} ${y}`, `${pad(d)}/${pad(m)}/${y}`]);
  }
  enDate(): string {
    const { y, m, d } = this.ymd();
    return this.r.pick([`${ORD(d)} ${EN_MON[m - 1]} ${y}`, `${EN_MON[m - 1]} ${ORD(d)}, ${y}`, `${pad(d)}/${pad(m)}/${y}`]);
  }
  phone(lang: 'de' | 'fr' | 'en' | 'lu'): string {
    const r = this.r;
    if (lang === 'de') return r.pick([`0${r.int(151, 179)} ${r.digits(7)}`, `+49 (0)${r.int(30, 89)} ${r.digits(3)} ${r.digits(4)}`, `0${r.int(30, 89)}/${r.digits(6)}`]);
    if (lang === 'fr') return r.pick([`0${r.int(6, 7)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`, `+33 ${r.int(1, 7)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`, `0262 ${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`]);
    if (lang === 'lu') return r.pick([`+352 621 ${r.digits(3)} ${r.digits(3)}`, `+41 81 ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`]);
    return r.pick([`07700 ${r.digits(6)}`, `01865 ${r.digits(6)}`, `(${r.int(204, 905)}) 555-${r.digits(4)}`]);
  }
  age(): number {
    return this.r.chance(0.6) ? this.r.int(90, 104) : this.r.int(23, 88);
  }
}

/** [street, postcode, city] per language of the shape that writes them. */
const ADDRESSES: Record<'de' | 'fr' | 'en' | 'lu', readonly (readonly [string, string, string])[]> = {
  de: [
    ['Goethestraße 12', '79098', 'Freiburg im Breisgau'],
    ['Am Kupfergraben 6a', '10117', 'Berlin'],
    ['Lindenweg 4', '02625', 'Bautzen'],
    ['Schäferkamp 31', '20357', 'Hamburg'],
    ['An der Alten Ziegelei 7', '54290', 'Trier'],
    ['Hauptstr. 118', '69117', 'Heidelberg'],
  ],
  fr: [
    ['12, rue des Tanneurs', '68000', 'Colmar'],
    ['5 bis avenue Jean-Jaurès', '29200', 'Brest'],
    ['8 allée Camille-Claudel', '97490', 'Sainte-Clotilde'],
    ['3 place du Général-de-Gaulle', '20000', 'Ajaccio'],
    ['27 impasse des Glycines', '88100', 'Saint-Dié-des-Vosges'],
    ['41 boulevard de la Croix-Rousse', '69004', 'Lyon'],
  ],
  en: [
    ['14 Bramble Close', 'OX14 3QD', 'Abingdon'],
    ['88 Skinnergate', 'DL3 7LX', 'Darlington'],
    ['3 Market Place', 'NN16 0AL', 'Kettering'],
    ['27a Ferry Road', 'EH6 4AE', 'Edinburgh'],
    ['42 Lakeshore Road West', 'L5H 1E9', 'Mississauga'],
    ['1187 Kenaston Boulevard', 'R3N 1T9', 'Winnipeg'],
  ],
  lu: [
    ['112, rue de Luxembourg', 'L-4221', 'Esch-sur-Alzette'],
    ['7 Um Bierg', 'L-9540', 'Wiltz'],
    ['Via Principala 41', '7550', 'Scuol'],
    ['Stradun 9', '7130', 'Ilanz'],
  ],
};

const FILLERS = [
  'Bekannter Morbus Basedow, seit Jahren euthyreot unter Thiamazol 5 mg.\n',
  'Die Kontrolle erfolgt in der Ambulanz der Charité, Klinik für Kardiologie.\n',
  'Sous Lévothyrox 75 µg, TSH à 2,1 mUI/L ; pas de signe de Babinski.\n',
  'Avis demandé au service de neurologie de l’Hôpital Necker.\n',
  'Referred on to the Mayo Clinic protocol for Parkinson disease; Hoehn and Yahr stage 2.\n',
  'No Kernig or Brudzinski sign; GCS 15/15, BM 6.4.\n',
  'Tramadol 50 mg PRN, Paracetamol 1 g QDS, Oramorph 2.5 mg when required.\n',
  'Im Verlauf Besserung unter Physiotherapie nach Bobath und Vojta.\n',
  'Hb 10,9 g/dl, CRP 38 mg/l, Kreatinin 1,2 mg/dl, GFR 54 ml/min.\n',
  'Bilan : syndrome de Cushing écarté, maladie de Horton suspectée (VS 88 mm).\n',
];

type Lang = 'de' | 'fr' | 'en' | 'lu';

const nameEntity = (b: DocumentBuilder, n: Name, text: string = `${n.given} ${n.family}`) => b.entity('NAME', text, n.locale);
const address = (b: DocumentBuilder, r: Rand, lang: Lang, join: string, zipFirst = true) => {
  const [street, zip, city] = r.pick(ADDRESSES[lang]);
  b.entity('STREET_ADDRESS', street).text(join);
  if (zipFirst) b.entity('ZIP', zip).text(' ').entity('CITY', city);
  else b.entity('CITY', city).text(' ').entity('ZIP', zip);
};
const city = (b: DocumentBuilder, r: Rand, lang: Lang) => b.entity('CITY', r.pick(ADDRESSES[lang])[2]);

const FORMATS: Record<string, DocumentFormat<Rand, Values>> = {
  deArztbrief: {
    open: (b) => void b.text('Sehr geehrte Frau Kollegin, sehr geehrter Herr Kollege,\n\n'),
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('wir berichten über Ihre Patientin ');
        nameEntity(b, n, r.chance(0.3) ? hostile.capsFamily(n) : undefined).text(', geb. am ').entity('DATE', v.deDate()).text(', die sich vom ').entity('DATE', v.deDate()).text(' bis zum ').entity('DATE', v.deDate()).text(' in unserer stationären Behandlung befand.\n');
      },
      (b, r, v) => {
        const age = v.age();
        b.text('Die ');
        if (age > 89) b.entity('AGE', r.chance(0.5) ? String(age) : deWords(Math.min(age, 99)));
        else b.text(String(age));
        b.text('-jährige Patientin lebt allein in der ');
        address(b, r, 'de', ' in ');
        b.text('; die Nachbarin schaut täglich nach ihr.\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        const age = v.age();
        b.text('Herr ');
        nameEntity(b, n, r.chance(0.4) ? hostile.wrapped(r, n) : undefined).text(' wurde im ');
        if (age > 89) b.entity('AGE', String(age));
        else b.text(String(age));
        b.text('. Lebensjahr vom Rettungsdienst aus ');
        city(b, r, 'de').text(' eingeliefert.\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('Ansprechpartnerin ist die Tochter ');
        nameEntity(b, n).text(', telefonisch unter ').entity('PHONE', v.phone('de')).text(' erreichbar.\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('Frau ');
        b.entity('NAME', `${n.family}`, n.locale).text(`s Tochter wünscht eine Verlegung nach `);
        city(b, r, 'de').text(' in die Nähe ihres Wohnortes.\n');
      },
    ],
    close: (b) => void b.text('\nMit freundlichen kollegialen Grüßen\n'),
  },
  frCompteRendu: {
    open: (b) => void b.text('Cher confrère,\n\n'),
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text("J'ai vu en consultation Mme ");
        nameEntity(b, n, r.chance(0.4) ? hostile.capsFamily(n) : undefined).text(', née le ').entity('DATE', v.frDate()).text(', qui demeure au ');
        address(b, r, 'fr', ' à ', false);
        b.text('.\n');
      },
      (b, r, v) => {
        const age = v.age();
        b.text('Patiente de ');
        if (age > 89) b.entity('AGE', r.chance(0.5) ? String(age) : FR_NINETIES[Math.min(age, 99) - 90]!);
        else b.text(String(age));
        b.text(' ans, veuve, vit seule à ');
        city(b, r, 'fr').text(' depuis le décès de son époux.\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('Son fils, M. ');
        nameEntity(b, n).text(', joignable au ').entity('PHONE', v.phone('fr')).text(', souhaite être tenu informé.\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('Elle est suivie par le Dr ');
        nameEntity(b, n).text(' à ');
        city(b, r, 'fr').text(` depuis ${r.int(1995, 2022)}.\n`);
      },
    ],
    close: (b) => void b.text('\nBien confraternellement.\n'),
  },
  ambulance: {
    items: [
      (b, r, v) => {
        const age = v.age();
        b.text(`Dispatched at ${pad(r.int(0, 23))}:${pad(r.int(0, 59))} to `);
        address(b, r, 'en', ', ', false);
        b.text(` for a `);
        if (age > 89) b.entity('AGE', String(age));
        else b.text(String(age));
        b.text(` year old ${r.pick(['female', 'male'])} fallen in the kitchen.\n`);
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('On arrival pt found on floor by neighbour ');
        nameEntity(b, n, r.chance(0.3) ? hostile.nickname(r, n) : undefined).text(', who has a key.\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('Pt states name is ');
        nameEntity(b, n).text(' and DOB ').entity('DATE', v.enDate()).text('; conveyed to ED at ');
        city(b, r, 'en').text(' General.\n');
      },
    ],
  },
  homeVisit: {
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('Visited Mrs ');
        nameEntity(b, n).text(' at her home on ');
        const [street, , c] = r.pick(ADDRESSES.en);
        b.entity('STREET_ADDRESS', street).text(' in ').entity('CITY', c).text('.\n');
      },
      (b, r, _v) => {
        const age = r.int(90, 104);
        b.text(r.pick(['She is ', 'He is ', 'Now ']));
        b.entity('AGE', age < 100 && r.chance(0.7) ? enWords(age) : String(age));
        b.text(' and still manages the stairs with one stick.\n');
      },
      (b, r, v) => {
        const age = r.int(90, 99);
        b.text('Patient is in ' + r.pick(['her ', 'his ']));
        b.entity('AGE', enOrdinal(age)).text(' year and lives with a daughter, ');
        const n = v.names.one();
        nameEntity(b, n).text('.\n');
      },
    ],
  },
  socialWork: {
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text("Met with patient's niece ");
        nameEntity(b, n).text(', who plans to move her from ');
        city(b, r, 'en').text(' to a care home near ');
        city(b, r, r.pick(['en', 'fr'])).text('.\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        nameEntity(b, n, hostile.wrapped(r, n)).text(' has lived alone at ');
        const [street, zip] = r.pick(ADDRESSES.en);
        b.entity('STREET_ADDRESS', street).text(' since 2009; postcode ').entity('ZIP', zip).text(' is outside our area.\n');
      },
      (b, r, v) => {
        b.text('Contact: the niece on ').entity('PHONE', v.phone('en')).text(' (evenings).\n');
      },
    ],
  },
  pedigree: {
    open: (b) => void b.text('Family history (pedigree drawn)\n'),
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('The proband, ');
        nameEntity(b, n).text(`, was referred at ${r.int(30, 60)} with a personal history of colorectal cancer.\n`);
      },
      (b, r, v) => {
        const n = v.names.one();
        const age = r.int(90, 101);
        b.text('Her maternal grandmother, ');
        nameEntity(b, n).text(', died at ');
        b.entity('AGE', age < 100 && r.chance(0.5) ? enWords(age) : String(age));
        b.text(' in ');
        city(b, r, r.pick(['en', 'de', 'fr'])).text('; no cancer diagnosis is known.\n');
      },
      (b) => void b.text('Lynch syndrome panel (MLH1, MSH2, MSH6, PMS2) pending.\n'),
    ],
  },
  condolence: {
    noFillers: true,
    items: [
      (b, r, v) => {
        const n = v.names.one();
        const relative = v.names.one();
        const age = r.int(90, 103);
        b.text('Dear ').entity('NAME', relative.given, relative.locale).text(',\n\nWe were so sorry to hear of ');
        b.entity('NAME', `${n.given} ${n.family}`, n.locale).text("'s death on ").entity('DATE', v.enDate()).text(' at the age of ');
        b.entity('AGE', age < 100 ? enWords(age) : String(age)).text('. Everyone on the ward remembers her kindness.\n');
      },
    ],
  },
  triage: {
    noFillers: true,
    items: [
      (b, r, v) => {
        const n = v.names.one();
        const age = r.int(90, 102);
        b.text(`${pad(r.int(7, 22))}:${pad(r.int(0, 59))} caller `);
        nameEntity(b, n).text(' rang from ');
        city(b, r, r.pick(['en', 'lu'])).text(' about her father (').entity('AGE', String(age)).text('), breathless since last night.\n');
      },
      (b, r, v) => {
        b.text(`${pad(r.int(7, 22))}:${pad(r.int(0, 59))} call back on `).entity('PHONE', v.phone(r.pick(['en', 'lu']))).text(', advised 999 if worse.\n');
      },
    ],
  },
  incident: {
    open: (b) => void b.text('INCIDENT REPORT — Care home\n'),
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('On ').entity('DATE', v.enDate()).text(` at ${pad(r.int(0, 23))}:${pad(r.int(0, 59))} resident `);
        nameEntity(b, n, r.chance(0.4) ? hostile.capsFamily(n) : undefined).text(` was found on the floor of Room ${r.int(1, 40)}.\n`);
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('Witnessed by carer ');
        nameEntity(b, n).text('; family informed by telephone.\n');
      },
    ],
  },
  transferLu: {
    open: (b) => void b.text('Iwwerweisung / Transfert / Überweisung\n'),
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('Pat. ');
        nameEntity(b, n).text(' wohnt ');
        address(b, r, 'lu', ', ');
        b.text(', und kommt aus dem CHL.\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        const age = v.age();
        b.text('Mme ');
        nameEntity(b, n).text(', ');
        if (age > 89) b.entity('AGE', String(age));
        else b.text(String(age));
        b.text(' ans, transférée le ').entity('DATE', v.frDate()).text('. Famille: ').entity('PHONE', v.phone('lu')).text('.\n');
      },
    ],
  },
};

export function generateEighthHeldOut(count = 300, seed = EIGHTH_SEED): LabelledDocument[] {
  const r = new Rand(seed);
  return assembleDocuments(count, r, new Values(r, new Names(r)), FORMATS, FILLERS, [2, 5]);
}
