import { Faker, de_AT, dv, en, en_HK, en_NP, en_ZA, he, hu, ku_ckb, nl_BE, ro_MD, th, yo_NG, type LocaleDefinition } from '@faker-js/faker';
import { assembleDocuments, DocumentBuilder, type DocumentFormat, type LabelledDocument } from './document';
import { Draws } from './draws';

/**
 * The fifth held-out set, written blind in issue 17's fifth round before any detector changed,
 * and frozen. Sets 3 and 4 are development sets from now on; this one is never tuned on.
 * It is built unlike sets 1–4 on purpose:
 * - name sources: faker locales no other set draws from (Dhivehi in Thaana, Sorani Kurdish in
 *   Arabic script, Hebrew, Hungarian, Thai, Yoruba, Flemish, South African English, Austrian,
 *   Moldovan, Nepali English, Hong Kong surnames), and names written here by hand for
 *   communities no set covers (Malay with bin/binti, Sinhala, Lao, Tongan and Fijian, Andean,
 *   Diné and Lakota, Inuit, Basque, Maltese, Albanian, Lithuanian, Estonian, Uyghur, Pashto,
 *   Tigrinya in Ge'ez, Telugu, Malayalam and Gujarati in their scripts, Hmong, Malagasy,
 *   Haitian, Wolof and Fula, Yiddish, Tamil initials);
 * - document shapes: CDA-like XML, YAML, key=value log lines, vCard and iCalendar, SQL INSERT
 *   statements pasted in a note, fixed-width report columns, PDF-extracted text with
 *   hyphenation at line ends and page furniture, dictation transcripts (lower case, no
 *   punctuation), SMS reminders, fax cover sheets, helpdesk tickets, URLs with query strings,
 *   pharmacy labels;
 * - hostile spellings none of sets 1–4 use: leetspeak digits in a name, full-width Latin letters,
 *   mathematical bold letters, decomposed accents (NFD), HTML tags or Markdown emphasis inside a
 *   name, Greek look-alike letters, a name broken by a hyphen at a line end, underscores or dots
 *   for spaces, "SURNAME Given" in capitals;
 * - dates, phones and postcodes in forms the other sets do not write (1957.03.04, 04Mar57,
 *   Thai Buddhist years, +44 (0)20, +36 30, Dutch 06-, 1012 AB, H-1061).
 *
 * Scored through findInText (the maskText path). First run in phi/README.md "Measuring". Never
 * tune on this set, and never edit it to raise its figures.
 */
export const FIFTH_SEED = 51729;

/** splitmix32: a different generator from the other sets'. */
class Rand extends Draws {
  private s: number;
  constructor(seed: number) {
    super();
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x9e3779b9) | 0;
    let z = this.s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  }
}

const FAKER_LOCALES: Record<string, LocaleDefinition> = { dv, ku_ckb, he, hu, th, yo_NG, nl_BE, en_ZA, de_AT, ro_MD, en_NP };

/** Full names written by hand, [given, family] (family may be empty for single-name cultures). */
const HAND: Record<string, readonly (readonly [string, string])[]> = {
  ms: [['Nur Aisyah', 'binti Abdullah'], ['Muhammad Hafiz', 'bin Ismail'], ['Siti Nurhaliza', 'binti Tarudin'], ['Ahmad Fauzi', 'bin Yusof'], ['Wan Nurul', 'Izzati']],
  si: [['Chaminda', 'Wickramasinghe'], ['Dilrukshi', 'Jayawardena'], ['Kumudu', 'Senanayake'], ['Thilini', 'Gunawardena'], ['Nuwan', 'Kulasekara']],
  lo: [['Souksavanh', 'Phommachanh'], ['Khamphao', 'Sisavath'], ['Vilaykham', 'Inthavong'], ['Bounmy', 'Keophilavong']],
  'to-fj': [['Sione', 'Taufa'], ['Mele', 'Tupou'], ['Losana', 'Vakaloloma'], ['Epeli', 'Rokotuiveikau'], ['Salote', 'Fifita']],
  andean: [['Wayra', 'Quispe Mamani'], ['Yupanqui', 'Huamán'], ['Killa', 'Condori'], ['Ñusta', 'Choquehuanca'], ['Amaru', 'Ticona Apaza']],
  'nv-lkt': [['Shandiin', 'Begay'], ['Hózhó', 'Yazzie'], ['Chaska', 'Two Bulls'], ['Wíyaka', 'Iron Cloud'], ['Nizhoni', 'Tsosie']],
  iu: [['Nuvuja', 'Kilabuk'], ['Aputi', 'Qaqqasiq'], ['Siqiniq', 'Anowtalik'], ['Kallik', 'Iqaluk']],
  eu: [['Aitziber', 'Arrizabalaga'], ['Iñaki', 'Goikoetxea'], ['Nerea', 'Urkullu'], ['Unai', 'Zubizarreta']],
  mt: [['Ġużeppi', 'Borġ'], ['Marija', 'Camilleri'], ['Ċensu', 'Żammit'], ['Doreen', 'Xuereb']],
  sq: [['Blerina', 'Hoxha'], ['Arbër', 'Krasniqi'], ['Drita', 'Gashi'], ['Ermal', 'Berisha']],
  lt: [['Rūta', 'Žukauskienė'], ['Gintautas', 'Kazlauskas'], ['Eglė', 'Paulauskaitė'], ['Vytautas', 'Jankūnas']],
  et: [['Tõnu', 'Saar'], ['Kadri', 'Tamm'], ['Jüri', 'Mägi'], ['Liis', 'Kõiv']],
  ug: [['ئابدۇرېھىم', 'ئەلى'], ['Abdurehim', 'Eli'], ['Gulnar', 'Tursun'], ['Mihray', 'Abduqadir']],
  ps: [['Zarghuna', 'Wardak'], ['Gulalai', 'Yousafzai'], ['Naqibullah', 'Mangal'], ['Shabana', 'Achakzai']],
  ti: [['ሰላም', 'ተኽለ'], ['ዳዊት', 'ገብረሂወት'], ['Selam', 'Tekle'], ['Dawit', 'Gebrehiwet']],
  indic: [['వెంకట', 'రమణ'], ['సుజాత', 'రెడ్డి'], ['അനൂപ്', 'മേനോൻ'], ['ലക്ഷ്മി', 'നായർ'], ['ભાવિકા', 'પટેલ'], ['હિરેન', 'શાહ']],
  hmn: [['Pa Nhia', 'Vang'], ['Tou Fue', 'Xiong'], ['Mai Yer', 'Thao'], ['Ntxhi', 'Yang']],
  mg: [['Haingonirina', 'Rakotomalala'], ['Andry', 'Rajaonarison'], ['Voahangy', 'Andrianaivo'], ['Fanja', 'Razafindrakoto']],
  ht: [['Wisline', 'Jean-Baptiste'], ['Dieunel', 'Pierre-Louis'], ['Mirlande', 'Exantus'], ['Frantzy', 'Dorcéus']],
  'wo-ff': [['Mame Diarra', 'Ndiaye'], ['Ousmane', 'Sow'], ['Aminata', 'Diallo'], ['Cheikh Tidiane', 'Mbengue']],
  yi: [['Chaim Yankel', 'Shteinberg'], ['Rivka', 'Grinshpan'], ['Mendel', 'Teitelbaum'], ['Ruchel', 'Weisz']],
  'ta-init': [['R. Senthilkumar', ''], ['K. S. Meenakshi', ''], ['P. Anbarasan', ''], ['V. R. Kalaiselvi', '']],
};

interface Name {
  given: string;
  family: string;
  locale: string;
}

class Names {
  private readonly fakers = new Map<string, Faker>();
  private readonly hk: Faker;
  constructor(private readonly r: Rand) {
    for (const [key, def] of Object.entries(FAKER_LOCALES)) {
      const f = new Faker({ locale: [def, en] });
      f.seed(FIFTH_SEED + key.charCodeAt(0) * 131 + key.charCodeAt(key.length - 1) * 17 + key.length);
      this.fakers.set(key, f);
    }
    this.hk = new Faker({ locale: [en_HK, en] });
    this.hk.seed(FIFTH_SEED ^ 0x5a5a);
  }
  one(): Name {
    const roll = this.r.next();
    if (roll < 0.45) {
      const key = this.r.pick(Object.keys(FAKER_LOCALES));
      const f = this.fakers.get(key)!;
      return { given: f.person.firstName(), family: f.person.lastName(), locale: key };
    }
    if (roll < 0.52) return { given: this.hk.person.firstName(), family: this.hk.person.lastName(), locale: 'en_HK' };
    const locale = this.r.pick(Object.keys(HAND));
    const [given, family] = this.r.pick(HAND[locale]!);
    return { given, family, locale };
  }
  full(n: Name = this.one()): string {
    return n.family ? `${n.given} ${n.family}` : n.given;
  }
  city(): string {
    const key = this.r.pick(['he', 'hu', 'th', 'nl_BE', 'de_AT', 'ro_MD', 'en_ZA', 'en_NP']);
    return this.fakers.get(key)!.location.city();
  }
}

// Hostile spellings none of sets 1–4 use.
const LEET: Record<string, string> = { a: '4', e: '3', i: '1', o: '0', s: '5', t: '7' };
const GREEK_LOOKS: Record<string, string> = { A: 'Α', B: 'Β', E: 'Ε', H: 'Η', I: 'Ι', K: 'Κ', M: 'Μ', N: 'Ν', O: 'Ο', P: 'Ρ', T: 'Τ', X: 'Χ', Y: 'Υ', Z: 'Ζ', o: 'ο', v: 'ν' };
const hostile = {
  leet: (s: string) => [...s].map((c, i) => (i % 2 === 0 ? (LEET[c] ?? c) : c)).join(''),
  fullWidth: (s: string) => [...s].map((c) => (/[A-Za-z]/.test(c) ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join(''),
  mathBold: (s: string) =>
    [...s]
      .map((c) => {
        const code = c.charCodeAt(0);
        if (code >= 65 && code <= 90) return String.fromCodePoint(0x1d400 + code - 65);
        if (code >= 97 && code <= 122) return String.fromCodePoint(0x1d41a + code - 97);
        return c;
      })
      .join(''),
  decomposed: (s: string) => s.normalize('NFD'),
  htmlInside: (s: string) => {
    const cut = Math.max(1, Math.floor(s.indexOf(' ') / 2));
    return `${s.slice(0, cut)}<span></span>${s.slice(cut)}`;
  },
  emphasis: (s: string) => {
    const sp = s.indexOf(' ');
    return sp > 0 ? `**${s.slice(0, sp)}**${s.slice(sp)}` : `_${s}_`;
  },
  greek: (s: string) => [...s].map((c) => GREEK_LOOKS[c] ?? c).join(''),
  underscores: (s: string) => s.replace(/ /g, '_'),
  dots: (s: string) => s.replace(/ /g, '.'),
  capsFamilyFirst: (s: string) => {
    const sp = s.lastIndexOf(' ');
    return sp > 0 ? `${s.slice(sp + 1).toUpperCase()} ${s.slice(0, sp)}` : s.toUpperCase();
  },
};

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const THAI_MON = ['ม.ค.', 'ก.พ.', 'มี.ค.', 'เม.ย.', 'พ.ค.', 'มิ.ย.', 'ก.ค.', 'ส.ค.', 'ก.ย.', 'ต.ค.', 'พ.ย.', 'ธ.ค.'];

class Values {
  constructor(
    private readonly r: Rand,
    readonly names: Names,
  ) {}
  date(): string {
    const y = this.r.int(1920, 2024);
    const m = this.r.int(1, 12);
    const d = this.r.int(1, 28);
    return this.r.pick([
      `${y}.${pad(m)}.${pad(d)}`,
      `${y}. ${pad(m)}. ${pad(d)}.`,
      `${pad(d)}${MON[m - 1]}${String(y).slice(2)}`,
      `${d} ${THAI_MON[m - 1]} ${y + 543}`,
      `${pad(d)}.${pad(m)}.${String(y).slice(2)}`,
      `${MON[m - 1]}-${pad(d)}-${y}`,
      `${d}-${m}-${y}`,
      `${MON[m - 1]!.toUpperCase()} ${d} ${y}`,
    ]);
  }
  isoDate(): string {
    return `${this.r.int(1920, 2024)}-${pad(this.r.int(1, 12))}-${pad(this.r.int(1, 28))}`;
  }
  phone(): string {
    return this.r.pick([
      `+44 (0)20 7${this.r.digits(3)} ${this.r.digits(4)}`,
      `+36 30 ${this.r.digits(3)} ${this.r.digits(4)}`,
      `06-${this.r.digits(8)}`,
      `+972-5${this.r.int(0, 8)}-${this.r.digits(3)}-${this.r.digits(4)}`,
      `+66 8${this.r.digits(1)} ${this.r.digits(3)} ${this.r.digits(4)}`,
      `(${this.r.int(201, 989)}) ${this.r.int(200, 989)} ${this.r.digits(4)}`,
      `+960 7${this.r.digits(2)}-${this.r.digits(4)}`,
      `+43 664 ${this.r.digits(7)}`,
      `+234 80${this.r.digits(1)} ${this.r.digits(3)} ${this.r.digits(4)}`,
      `${this.r.int(201, 989)}.${this.r.int(200, 989)}.${this.r.digits(4)} x${this.r.int(10, 99)}`,
    ]);
  }
  email(n?: Name): string {
    const base = `${n?.given ?? 'pt'} ${n?.family ?? 'x'}`
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z ]/g, '')
      .trim()
      .split(/\s+/);
    const a = base[0] || 'patient';
    const b2 = base[base.length - 1] || 'x';
    const user = this.r.pick([`${a}${b2}`, `${a}-${b2}`, `${b2}.${a[0]}`, `${a}${this.r.int(1950, 2005)}`]);
    return `${user}@${this.r.pick(['example.hu', 'mail.example.il', 'example.co.th', 'example.mv', 'example.be', 'inbox.example.md'])}`;
  }
  mrn(): string {
    return this.r.pick([`${this.r.digits(3)} ${this.r.digits(3)} ${this.r.digits(3)}`, `P${this.r.digits(6)}/${this.r.int(10, 26)}`, `${this.r.digits(10)}`, `UR-${this.r.digits(6)}`]);
  }
  ssn(): string {
    return `${pad(this.r.int(1, 665), 3)} ${pad(this.r.int(1, 99))} ${pad(this.r.int(1, 9999), 4)}`;
  }
  age(): number {
    return this.r.chance(0.4) ? this.r.int(90, 106) : this.r.int(18, 88);
  }
}

/** [street, postcode, city] in forms the other sets do not use. */
const ADDRESSES: readonly (readonly [string, string, string])[] = [
  ['Andrássy út 60. II. em. 4.', 'H-1062', 'Budapest'],
  ['Váci utca 12/B', '1052', 'Budapest'],
  ['רחוב הרצל 12 דירה 4', '6578201', 'תל אביב'],
  ['Rehov Ben Yehuda 34', '6380309', 'Tel Aviv'],
  ['99/12 ซอยสุขุมวิท 21', '10110', 'กรุงเทพมหานคร'],
  ['99/12 Soi Sukhumvit 21', '10110', 'Bangkok'],
  ['Meir 24 bus 3', '2000', 'Antwerpen'],
  ['Rue Neuve 118 boîte 5', '1000', 'Bruxelles'],
  ['Mariahilfer Straße 77/2/14', '1060', 'Wien'],
  ['Strada Ștefan cel Mare 134, ap. 21', 'MD-2012', 'Chișinău'],
  ['Ward 4, Baneshwor Marga', '44600', 'Kathmandu'],
  ['H. Fehiveli, Majeedhee Magu', '20026', 'Malé'],
  ['Block 123 Ang Mo Kio Ave 3 #04-567', '560123', 'Singapore'],
  ['Flat 3B, 22 Nathan Road', '', 'Tsim Sha Tsui'],
  ['No. 12, Jalan Ampang', '50450', 'Kuala Lumpur'],
  ['Laugavegur 28b', '101', 'Reykjavík'],
  ['Narva mnt 5-12', '10117', 'Tallinn'],
  ['Gedimino pr. 9-7', 'LT-01103', 'Vilnius'],
  ['Triq il-Kbira 45', 'ZBR 1020', 'Żabbar'],
  ['94-1234 Kaʻahumanu St', '96797', 'Waipahu'],
  ['Pasaje Los Aromos 1234, depto 502', '8320000', 'Santiago'],
  ['Keizersgracht 455 hs', '1017 DK', 'Amsterdam'],
  ['14 Ffordd y Brenin', 'LL55 4RE', 'Caernarfon'],
  ['Rruga Ismail Qemali 27/3', '1019', 'Tiranë'],
  ['Plot 5, Kololo Hill Drive', '', 'Kampala'],
  ['HC 61 Box 2240', '86514', 'Teec Nos Pos'],
  ['Lot II M 85 Ter Antsahavola', '101', 'Antananarivo'],
  ['Rue 10 x Corniche, Villa 4', '', 'Dakar'],
];

/** Lines with no PHI, some in the new shapes: everything here that is masked counts against precision. */
const FILLERS = [
  'Page 2 of 3\n',
  '-- continued on next page --\n',
  'CONFIDENTIAL — Printed by Health Information Services\n',
  'Apley scratch test limited on the left; Hawkins-Kennedy positive.\n',
  'Finkelstein test positive; de Quervain tenosynovitis suspected.\n',
  'Homans sign not relied upon; Wells criteria applied.\n',
  'Kernig and Brudzinski signs negative.\n',
  'Kussmaul breathing resolved after insulin infusion.\n',
  'Chvostek sign and Trousseau sign absent.\n',
  'Murphy sign positive; Courvoisier law considered.\n',
  'Valsalva maneuver terminated the SVT.\n',
  'Korotkoff sounds audible to 60.\n',
  'Seen at Karolinska and Charité before moving; Sheba Medical Center records requested.\n',
  'Referred to Groote Schuur for the Fontan assessment.\n',
  'Hashimoto thyroiditis on levothyroxine; Graves disease excluded.\n',
  'Kawasaki disease in childhood, no aneurysm on echo.\n',
  'Meds: Ozempic 0.5 mg weekly, Jardiance 10 mg, Lipitor 40 mg nocte.\n',
  'Brilinta stopped; Plavix started per Cardiology.\n',
  'Parkinson Disease Nurse Specialist to review.\n',
  'Wilson disease screen: caeruloplasmin normal.\n',
  'Gleason 3+4 on biopsy; Breslow thickness 0.8 mm.\n',
  'Glasgow-Blatchford score 3; Rockall 2.\n',
  'Ticket Status: Resolved | Component: Order Entry\n',
  'Build 4.2.1 deployed to Staging Environment.\n',
  'Dashboard Widgets: Bed Board, Theatre List, Pharmacy Queue.\n',
  'level=info msg="cache warmed" entries=5120 took=38ms\n',
  'Cc: Medical Records; Health Information Management\n',
  'Moderna booster given; Pfizer series complete.\n',
  'Hartmann solution 1 L over 8 h; Ringer lactate if unavailable.\n',
  'Allen test normal before the radial line.\n',
];

function nameEntity(b: DocumentBuilder, n: Name, text: string = `${n.given}${n.family ? ` ${n.family}` : ''}`): DocumentBuilder {
  return b.entity('NAME', text, n.locale);
}

function maybeAge(b: DocumentBuilder, age: number, text: string): DocumentBuilder {
  return age > 89 ? b.entity('AGE', text) : b.text(text);
}

const FORMATS: Record<string, DocumentFormat<Rand, Values>> = {
  cda: {
    noFillers: true,
    open: (b) => void b.text('<ClinicalDocument xmlns="urn:hl7-org:v3">\n'),
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('  <patient><name><given>').entity('NAME', n.given, n.locale).text('</given>');
        if (n.family) b.text('<family>').entity('NAME', n.family, n.locale).text('</family>');
        b.text('</name><birthTime value="').entity('DATE', v.isoDate().replace(/-/g, '')).text('"/></patient>\n');
      },
      (b, r, _v) => {
        const [street, post, city] = r.pick(ADDRESSES);
        b.text('  <addr use="HP"><streetAddressLine>').entity('STREET_ADDRESS', street).text('</streetAddressLine><city>').entity('CITY', city).text('</city>');
        if (post) b.text('<postalCode>').entity('ZIP', post).text('</postalCode>');
        b.text('</addr>\n');
      },
      (b, r, v) => {
        b.text('  <telecom value="tel:').entity('PHONE', v.phone()).text('"/><id root="2.16.840.1.113883.19.5" extension="').entity('MRN', v.mrn()).text('"/>\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('  <author><assignedPerson><name>');
        nameEntity(b, n).text('</name></assignedPerson></author>\n');
      },
    ],
    close: (b) => void b.text('</ClinicalDocument>\n'),
  },
  yaml: {
    noFillers: true,
    open: (b) => void b.text('---\nkind: referral\n'),
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text(`${r.pick(['subject', 'who', 'pt', 'person'])}: `);
        nameEntity(b, n).text('\n');
      },
      (b, r, v) => {
        b.text(`${r.pick(['born', 'd', 'when'])}: `).entity('DATE', v.isoDate()).text('\n');
      },
      (b, r, _v) => {
        const [street, post, city] = r.pick(ADDRESSES);
        b.text('home:\n  line1: ').entity('STREET_ADDRESS', street).text('\n  town: ').entity('CITY', city).text('\n');
        if (post) b.text('  code: "').entity('ZIP', post).text('"\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('contacts:\n  - ');
        nameEntity(b, n).text(' (').text(r.pick(['sister', 'son', 'neighbour', 'carer'])).text(')\n    reach: ').entity('PHONE', v.phone()).text('\n');
      },
      (b, r, v) => {
        b.text('ids: [').entity('MRN', v.mrn()).text(', ').entity('SSN', v.ssn()).text(']\n');
      },
    ],
  },
  log: {
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text(`2026-11-${pad(r.int(1, 28))}T0${r.int(0, 9)}:${pad(r.int(0, 59))}:12Z level=warn svc=adt msg="merge candidate" patient=`);
        nameEntity(b, n, hostile.underscores(v.names.full(n))).text(' dob=').entity('DATE', v.isoDate()).text('\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('level=info user_display="');
        nameEntity(b, n).text('" email=').entity('EMAIL', v.email(n)).text(' action=login\n');
      },
      (b, r, v) => {
        b.text('level=debug caller=+').entity('PHONE', v.phone().replace(/^\+/, '')).text(' ivr=refill mrn=').entity('MRN', v.mrn().replace(/ /g, '')).text('\n');
      },
    ],
  },
  vcard: {
    noFillers: true,
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('BEGIN:VCARD\nVERSION:4.0\nFN:');
        nameEntity(b, n).text('\nN:');
        if (n.family) b.entity('NAME', n.family, n.locale);
        b.text(';').entity('NAME', n.given, n.locale).text(';;;\nTEL;TYPE=cell:').entity('PHONE', v.phone()).text('\nBDAY:').entity('DATE', v.isoDate()).text('\n');
        const [street, post, city] = r.pick(ADDRESSES);
        b.text('ADR;TYPE=home:;;').entity('STREET_ADDRESS', street).text(';').entity('CITY', city).text(';;');
        if (post) b.entity('ZIP', post);
        b.text(';\nEND:VCARD\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('BEGIN:VEVENT\nSUMMARY:Follow-up\nDTSTART:').entity('DATE', v.isoDate().replace(/-/g, '')).text('T103000\nATTENDEE;CN=');
        nameEntity(b, n).text(';ROLE=REQ-PARTICIPANT:mailto:').entity('EMAIL', v.email(n)).text('\nEND:VEVENT\n');
      },
    ],
  },
  sql: {
    noFillers: true,
    open: (b) => void b.text('Pasted from the migration script:\n'),
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('INSERT INTO t VALUES (').text(String(r.int(1, 999))).text(", '");
        nameEntity(b, n).text("', '").entity('DATE', v.isoDate()).text("', '").entity('PHONE', v.phone()).text("');\n");
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text("UPDATE t SET c2 = '");
        if (n.family) b.entity('NAME', n.family.replace(/'/g, "''"), n.locale);
        else b.entity('NAME', n.given, n.locale);
        b.text("' WHERE c1 = '").entity('MRN', v.mrn()).text("';\n");
      },
    ],
  },
  fixedWidth: {
    noFillers: true,
    open: (b) => void b.text('WARD CENSUS                                   RUN 06:00\n----------------------------------------------------------\n'),
    items: [
      (b, r, v) => {
        const n = v.names.one();
        const written = hostile.capsFamilyFirst(v.names.full(n));
        const bed = `${r.pick(['A', 'B', 'C'])}${pad(r.int(1, 30))}`;
        b.text(`${bed}   `);
        nameEntity(b, n, written).text(' '.repeat(Math.max(2, 30 - written.length)));
        const age = v.age();
        maybeAge(b, age, `${age}`).text(`   ${r.pick(['M', 'F'])}   `).entity('MRN', v.mrn()).text('\n');
      },
    ],
  },
  pdf: {
    open: (b, r, v) => {
      const n = v.names.one();
      b.text('DISCHARGE SUMMARY    Patient: ');
      nameEntity(b, n).text('    DOB: ').entity('DATE', v.date()).text('\n');
    },
    items: [
      (b, r, v) => {
        const n = v.names.one();
        const full = v.names.full(n);
        const cut = Math.max(2, Math.floor(full.length / 2));
        b.text('The patient was accompanied by her daughter ');
        nameEntity(b, n, `${full.slice(0, cut)}-\n${full.slice(cut)}`).text(', who will\nsupervise medications at home.\n');
      },
      (b, r, v) => {
        const [street, post, city] = r.pick(ADDRESSES);
        b.text('Discharged to ').entity('STREET_ADDRESS', street).text(',\n');
        if (post) b.entity('ZIP', post).text(' ');
        b.entity('CITY', city).text(', on ').entity('DATE', v.date()).text('.\n');
      },
      (b, r, v) => {
        const age = v.age();
        b.text('This ');
        maybeAge(b, age, `${age}-year-old`).text(' was reviewed by ');
        nameEntity(b, v.names.one()).text(' (Geriatrics).\n');
      },
    ],
  },
  dictation: {
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('this is a dictation for ');
        nameEntity(b, n, v.names.full(n).toLowerCase()).text(' date of birth ').entity('DATE', v.date()).text(' seen today in clinic with her husband ');
        const h = v.names.one();
        nameEntity(b, h, h.given.toLowerCase()).text(' period new paragraph\n');
      },
      (b, r, v) => {
        b.text('she can be contacted on ').entity('PHONE', v.phone()).text(' and her social is ').entity('SSN', v.ssn()).text(' period\n');
      },
      (b, r, v) => {
        const age = v.age();
        b.text('patient is ');
        maybeAge(b, age, `${age} years of age`).text(' and lives at ');
        const [street] = r.pick(ADDRESSES);
        b.entity('STREET_ADDRESS', street.toLowerCase()).text(' with ');
        const n = v.names.one();
        nameEntity(b, n, v.names.full(n).toLowerCase()).text(' comma her carer\n');
      },
    ],
  },
  sms: {
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text(`SMS to ${r.pick(['', '+'])}`).entity('PHONE', v.phone().replace(/^\+/, '')).text(': Hi ').entity('NAME', n.given, n.locale).text(`, reminder of your appt ${r.pick(['tmrw', 'on'])} `).entity('DATE', v.date()).text(' at 9:40. Reply Y to confirm\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('SMS from pt: ').text(r.pick(['its ', 'this is ', '']));
        nameEntity(b, n, r.pick([hostile.leet, hostile.dots, (s: string) => s.toLowerCase()])(v.names.full(n))).text(' cant make it, pls call\n');
      },
    ],
  },
  fax: {
    open: (b, r, v) => {
      const to = v.names.one();
      const from = v.names.one();
      b.text('FAX COVER SHEET\nTo: ');
      nameEntity(b, to).text('   Fax: ').entity('FAX', v.phone()).text('\nFrom: ');
      nameEntity(b, from).text('   Phone: ').entity('PHONE', v.phone()).text('\nPages: 4   Re: ');
      const n = v.names.one();
      nameEntity(b, n, hostile.capsFamilyFirst(v.names.full(n))).text('\n');
    },
    items: [
      (b, r, v) => {
        b.text('Patient SSN ').entity('SSN', v.ssn()).text(', MRN ').entity('MRN', v.mrn()).text('.\n');
      },
    ],
  },
  ticket: {
    open: (b, r) => void b.text(`INC${r.digits(7)} — ${r.pick(['Wrong patient merged', 'Portal login issue', 'Duplicate record', 'Label printer'])}\n`),
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('Reporter comment: records for ');
        nameEntity(b, n, r.pick([hostile.htmlInside, hostile.emphasis, hostile.greek, (s: string) => s])(v.names.full(n))).text(' and ');
        const m = v.names.one();
        nameEntity(b, m, r.pick([hostile.fullWidth, hostile.mathBold, hostile.decomposed])(v.names.full(m))).text(' look merged.\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('Screenshot shows ');
        const q = encodeURIComponent(v.names.full(n)).replace(/%20/g, '+');
        b.text('https://ehr.example.org/search?q=').entity('NAME', q, n.locale).text('&dob=').entity('DATE', v.isoDate()).text('\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('Assigned to ');
        nameEntity(b, n).text(` (ext. ${r.int(2000, 2999)}).\n`);
      },
    ],
  },
  label: {
    noFillers: true,
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('Rx#').text(r.digits(7)).text('  ');
        nameEntity(b, n, v.names.full(n).toUpperCase()).text('\nTAKE 1 TABLET BY MOUTH TWICE DAILY\nDr. ');
        const d = v.names.one();
        nameEntity(b, d, d.family || d.given).text('   Filled: ').entity('DATE', v.date()).text('\n');
        const [street, post, city] = r.pick(ADDRESSES);
        b.entity('STREET_ADDRESS', street.toUpperCase()).text(', ').entity('CITY', city.toUpperCase());
        if (post) b.text(' ').entity('ZIP', post);
        b.text('\n');
      },
    ],
  },
};

export function generateFifthHeldOut(count = 300, seed = FIFTH_SEED): LabelledDocument[] {
  const r = new Rand(seed);
  return assembleDocuments(count, r, new Values(r, new Names(r)), FORMATS, FILLERS);
}
