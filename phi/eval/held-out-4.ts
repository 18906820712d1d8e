import { Faker, az, cs_CZ, el, en, en_GH, en_NG, fr_SN, hy, id_ID, ka_GE, ku_kmr_latin, lv, mk, ne, pt_PT, ro, sk, sl_SI, sr_RS_latin, ur, uz_UZ_latin, zh_TW, zu_ZA, af_ZA, type LocaleDefinition } from '@faker-js/faker';
import { assembleDocuments, DocumentBuilder, type DocumentFormat, type LabelledDocument } from './document';
import { Draws } from './draws';

/**
 * The fourth held-out set, frozen before issue 17's fourth round tuned anything. It is built
 * unlike sets 1–3 on purpose:
 * - sources: names from faker locales no other set uses (Azerbaijani, Czech, Greek, Ghanaian,
 *   Nigerian, Senegalese, Armenian, Indonesian, Georgian, Kurdish, Latvian, Macedonian, Nepali,
 *   Portuguese, Romanian, Slovak, Slovene, Serbian, Urdu, Uzbek, Taiwanese, Zulu, Afrikaans), in
 *   their own script and romanised by the tables below; and hand-written romanisation variants
 *   (Wade-Giles, Cantonese and Hokkien spellings of Chinese names, two Korean and three Japanese
 *   romanisations, Arabic, Persian, Russian spellings as English, French and German write them,
 *   Somali orthography, Sikh, Bengali, Igbo, Xhosa, Filipino, Samoan, Māori, Khmer, Burmese,
 *   Mongolian, Kazakh, Tibetan, Iberian compound surnames);
 * - formats: chat transcripts, e-mails with headers and signatures, SOAP notes, CSV and TSV with
 *   headers that say nothing, JSON inside text (flat, FHIR-like, split fields, \u escapes), HL7 v2
 *   segments, referral letters, Markdown with headings and tables;
 * - dates and identifiers in formats the other sets do not write (04-MAR-1957, 19570304,
 *   ISO timestamps, Roman-numeral months, NHS and NHI numbers, Medicare MBIs, Aadhaar);
 * - hostile spellings an agent can ask a model for: letters spaced or dotted or hyphenated,
 *   zero-width characters inside a name, Cyrillic homoglyphs in a Latin name, a name split across
 *   JSON fields or chat messages;
 * - PHI-free lines: title-case headings, resource and product names, eponymous tests and signs,
 *   institutions, drug brands (over-masking counts against precision).
 *
 * Scored through findInText (the maskText path: free text plus tables inside text). First run in
 * phi/README.md "Measuring". Never tune on this set, and never edit it to raise its figures.
 */
export const FOURTH_SEED = 40417;

/** sfc32: a different generator from the other sets' mulberry32 and faker's Mersenne Twister. */
class Rand extends Draws {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number) {
    super();
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }
  letters(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(65 + this.int(0, 25));
    return s;
  }
}

// Romanisation tables (generation only): Greek (ELOT 743, simplified), Macedonian Cyrillic,
// Armenian (Hübschmann-Meillet, simplified), Georgian (national system).
const GREEK: Record<string, string> = { α: 'a', ά: 'a', β: 'v', γ: 'g', δ: 'd', ε: 'e', έ: 'e', ζ: 'z', η: 'i', ή: 'i', θ: 'th', ι: 'i', ί: 'i', ϊ: 'i', ΐ: 'i', κ: 'k', λ: 'l', μ: 'm', ν: 'n', ξ: 'x', ο: 'o', ό: 'o', π: 'p', ρ: 'r', σ: 's', ς: 's', τ: 't', υ: 'y', ύ: 'y', ϋ: 'y', φ: 'f', χ: 'ch', ψ: 'ps', ω: 'o', ώ: 'o' };
const MACEDONIAN: Record<string, string> = { а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', ѓ: 'gj', е: 'e', ж: 'zh', з: 'z', ѕ: 'dz', и: 'i', ј: 'j', к: 'k', л: 'l', љ: 'lj', м: 'm', н: 'n', њ: 'nj', о: 'o', п: 'p', р: 'r', с: 's', т: 't', ќ: 'kj', у: 'u', ф: 'f', х: 'h', ц: 'c', ч: 'ch', џ: 'dzh', ш: 'sh' };
const ARMENIAN: Record<string, string> = { ա: 'a', բ: 'b', գ: 'g', դ: 'd', ե: 'e', զ: 'z', է: 'e', ը: 'y', թ: 't', ժ: 'zh', ի: 'i', լ: 'l', խ: 'kh', ծ: 'ts', կ: 'k', հ: 'h', ձ: 'dz', ղ: 'gh', ճ: 'ch', մ: 'm', յ: 'y', ն: 'n', շ: 'sh', ո: 'o', չ: 'ch', պ: 'p', ջ: 'j', ռ: 'r', ս: 's', վ: 'v', տ: 't', ր: 'r', ց: 'ts', ւ: 'v', փ: 'p', ք: 'k', օ: 'o', ֆ: 'f' };
const GEORGIAN: Record<string, string> = { ა: 'a', ბ: 'b', გ: 'g', დ: 'd', ე: 'e', ვ: 'v', ზ: 'z', თ: 't', ი: 'i', კ: 'k', ლ: 'l', მ: 'm', ნ: 'n', ო: 'o', პ: 'p', ჟ: 'zh', რ: 'r', ს: 's', ტ: 't', უ: 'u', ფ: 'p', ქ: 'k', ღ: 'gh', ყ: 'q', შ: 'sh', ჩ: 'ch', ც: 'ts', ძ: 'dz', წ: 'ts', ჭ: 'ch', ხ: 'kh', ჯ: 'j', ჰ: 'h' };

function romanise(s: string, table: Record<string, string>): string {
  let out = '';
  for (const ch of s) {
    const lower = ch.toLowerCase();
    const r = table[lower];
    if (r === undefined) out += ch;
    else out += ch !== lower ? r.charAt(0).toUpperCase() + r.slice(1) : r;
  }
  // Each word starts upper case (Armenian and Georgian have no case).
  return out.replace(/(^|[\s-])(\p{Ll})/gu, (_, sep: string, c: string) => sep + c.toUpperCase());
}

const FAKER_LOCALES: Record<string, { def: LocaleDefinition; table?: Record<string, string>; familyFirst?: boolean }> = {
  az: { def: az },
  cs_CZ: { def: cs_CZ },
  el: { def: el, table: GREEK },
  en_GH: { def: en_GH },
  en_NG: { def: en_NG },
  fr_SN: { def: fr_SN },
  hy: { def: hy, table: ARMENIAN },
  id_ID: { def: id_ID },
  ka_GE: { def: ka_GE, table: GEORGIAN },
  ku: { def: ku_kmr_latin },
  lv: { def: lv },
  mk: { def: mk, table: MACEDONIAN },
  ne: { def: ne },
  pt_PT: { def: pt_PT },
  ro: { def: ro },
  sk: { def: sk },
  sl_SI: { def: sl_SI },
  sr_RS: { def: sr_RS_latin },
  ur: { def: ur },
  uz: { def: uz_UZ_latin },
  zh_TW: { def: zh_TW, familyFirst: true },
  zu_ZA: { def: zu_ZA },
  af_ZA: { def: af_ZA },
};

/** Full names as their owners' communities romanise them, several spellings of one name side by side. */
const ROMANISED: Record<string, readonly string[]> = {
  'zh-rom': ['Chang Wei-ming', 'Zhang Weiming', 'Cheung Wai Ming', 'Teo Boon Huat', 'Lim Siew Ling', 'Ng Kah Wai', 'Hsu Chia-hui', 'Xu Jiahui', 'Kwok Ka-yan', 'Guo Jiayan', 'Tsai Ing-hsuan', 'Ong Bee Lian'],
  'ko-rom': ['Park Ji-hoon', 'Bak Jihun', 'Lee Seo-yeon', 'Yi Seoyeon', 'Rhee Min-jun', 'Choi Yoo-jin', 'Choe Yujin', 'Jeong Ha-eun', 'Chung Haeun', 'Kang Dong-hyun'],
  'ja-rom': ['Satō Haruto', 'Sato Haruto', 'Satou Haruto', 'Itō Yui', 'Itoh Yui', 'Ōno Shōta', 'Ohno Shota', 'Oono Shouta', 'Haruto Satoh', 'Yui Itou'],
  'ar-rom': ['Mohammed Al-Rashid', 'Muhammad ibn Rashid', 'Mohamed El Rachid', 'Abdulrahman Al-Otaibi', "Abd al-Rahman al-'Utaybi", 'Fatimah Al-Zahrani', 'Fatma Zahrani', 'Khadija bint Saleh', 'Youssef Ben Ammar', 'Yusuf bin Ammar'],
  'fa-rom': ['Mohammad-Reza Hosseini', 'Mohammadreza Hoseyni', 'Zahra Rezaei', 'Zahra Rezaee', 'Golnaz Tehrani', 'Shirin Ghasemzadeh'],
  'ru-rom': ['Pyotr Chaykovskiy', 'Piotr Tchaikovsky', 'Yekaterina Kuznetsova', 'Ekaterina Kouznetsova', 'Jekaterina Kusnezowa', 'Aleksandr Shcherbakov', 'Alexandre Chtcherbakov', 'Nataliya Khrushcheva'],
  pa: ['Gurpreet Kaur Sandhu', 'Manjit Singh Gill', 'Harjinder Kaur', 'Jaswinder Singh Dhaliwal', 'Navdeep Kaur Grewal'],
  'bn-rom': ['Sourav Gangopadhyay', 'Saurav Ganguly', 'Tanushree Bhattacharjee', 'Rabindra Mukhopadhyay', 'Moushumi Chakraborty'],
  so: ['Faadumo Cabdi Xasan', 'Fadumo Abdi Hassan', 'Maxamed Cali Warsame', 'Mohamed Ali Warsame', 'Hodan Xuseen Jaamac'],
  ig: ['Chiamaka Nwachukwu', 'Obiageli Okafor', 'Ifeanyichukwu Eze', 'Ngozi Okonkwo-Obi', 'Chukwuemeka Anyanwu'],
  xh: ['Nokuthula Dlamini', 'Xolani Ngcobo', 'Nqobile Mkhize', 'Siyabonga Mthethwa', 'Thandiwe Qwabe'],
  fil: ['Ma. Theresa Dela Cruz', 'Rowena Bautista-Santos', 'Jericho Macapagal', 'Divina Gracia Manalo', 'Reynaldo Dimaculangan'],
  'sm-mi': ['Tavita Leiataua', 'Mele Fonoti', 'Aroha Te Whata', 'Wiremu Ngata', 'Rangi Parata', 'Tuilagi Fa’asalele'],
  km: ['Sokha Chan', 'Vannak Sok', 'Sreymom Chea', 'Dara Sovannarith'],
  my: ['Aung Kyaw Moe', 'Thandar Hlaing', 'Hnin Wai Phyo', 'Zaw Min Htut'],
  mn: ['Batbayar Ganbold', 'Oyunchimeg Tserendorj', 'Enkhjargal Dashdavaa'],
  kk: ['Nurlan Abdikarimov', 'Aigerim Zhaksylykova', 'Dauren Tokhtarov'],
  bo: ['Tenzin Dolma', 'Pema Tsering', 'Lobsang Choedon'],
  iberian: ['María del Carmen Ruiz de Alarcón', 'João Pedro dos Santos Ferreira', 'Ana Lucía de los Santos', 'Xosé Manuel Núñez Seixas', 'Itziar Etxeberria Goikoetxea'],
};

interface Name {
  text: string;
  locale: string;
}

class Names {
  private readonly fakers = new Map<string, Faker>();
  constructor(private readonly r: Rand) {
    for (const [key, { def }] of Object.entries(FAKER_LOCALES)) {
      const f = new Faker({ locale: [def, en] });
      f.seed(FOURTH_SEED ^ (key.length * 7919 + key.charCodeAt(0) * 104729 + key.charCodeAt(1)));
      this.fakers.set(key, f);
    }
  }
  /** Given and family name, from either source. */
  parts(): { given: string; family: string; locale: string; familyFirst: boolean } {
    if (this.r.chance(0.5)) {
      const key = this.r.pick(Object.keys(FAKER_LOCALES));
      const { table, familyFirst } = FAKER_LOCALES[key]!;
      const f = this.fakers.get(key)!;
      let given = f.person.firstName();
      let family = f.person.lastName();
      if (table && this.r.chance(0.5)) {
        given = romanise(given, table);
        family = romanise(family, table);
      }
      return { given, family, locale: key, familyFirst: familyFirst ?? false };
    }
    const locale = this.r.pick(Object.keys(ROMANISED));
    const full = this.r.pick(ROMANISED[locale]!);
    const cut = full.lastIndexOf(' ');
    return { given: full.slice(0, cut), family: full.slice(cut + 1), locale, familyFirst: false };
  }
  /** A full name as written in running text. */
  full(): Name {
    const p = this.parts();
    if (p.familyFirst) return { text: `${p.family}${p.given}`, locale: p.locale };
    return { text: `${p.given} ${p.family}`, locale: p.locale };
  }
  /** The ways records, chats and lists write a name. */
  variant(): Name {
    const p = this.parts();
    if (p.familyFirst) return { text: `${p.family}${p.given}`, locale: p.locale };
    const text = this.r.pick([
      `${p.family.toUpperCase()}, ${p.given}`,
      `${p.family}, ${p.given}`,
      `${p.given} ${p.family}`.toLowerCase(),
      `${p.given} ${p.family}`.toUpperCase(),
      `${[...p.given][0]}. ${p.family}`,
      `${p.family} ${p.given}`,
    ]);
    return { text, locale: p.locale };
  }
  /** How a greeting or a chat writes the given name alone: its first word (two for "Ma. Theresa"). */
  given(): Name {
    const p = this.parts();
    const words = p.given.split(' ');
    const text = words[0]!.endsWith('.') && words.length > 1 ? `${words[0]} ${words[1]}` : words[0]!;
    return { text, locale: p.locale };
  }
  family(): Name {
    const p = this.parts();
    return { text: p.family, locale: p.locale };
  }
  city(): string {
    const key = this.r.pick(['az', 'cs_CZ', 'en_GH', 'fr_SN', 'id_ID', 'lv', 'ro', 'sk', 'sr_RS', 'uz', 'pt_PT', 'sl_SI']);
    return this.fakers.get(key)!.location.city();
  }
  street(): string {
    const key = this.r.pick(['az', 'cs_CZ', 'en_GH', 'fr_SN', 'id_ID', 'lv', 'ro', 'sk', 'sr_RS', 'uz', 'pt_PT', 'sl_SI']);
    return this.fakers.get(key)!.location.streetAddress();
  }
}

// Hostile spellings an agent can ask a model to produce.
const HOMOGLYPHS: Record<string, string> = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', x: 'х', y: 'у', A: 'А', B: 'В', E: 'Е', H: 'Н', K: 'К', M: 'М', O: 'О', P: 'Р', C: 'С', T: 'Т', X: 'Х' };
const hostile = {
  spaced: (s: string) => [...s].filter((c) => c !== ' ').join(' '),
  wideSpaced: (s: string) =>
    s
      .split(' ')
      .map((w) => [...w].join(' '))
      .join('   '),
  dotted: (s: string) =>
    s
      .split(' ')
      .map((w) => [...w].join('.').toUpperCase())
      .join(' '),
  hyphenated: (s: string) =>
    s
      .split(' ')
      .map((w) => [...w].join('-').toUpperCase())
      .join(' '),
  zeroWidth: (s: string) => [...s].map((c, i) => (i % 2 === 1 && c !== ' ' ? `\u200B${c}` : c)).join(''),
  joiner: (s: string) => [...s].join('\u200D'),
  homoglyph: (s: string) => [...s].map((c) => HOMOGLYPHS[c] ?? c).join(''),
};

const MONTHS3 = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

class Values {
  constructor(
    private readonly r: Rand,
    readonly names: Names,
  ) {}
  /** A date of birth or of a visit, in a format the other sets do not write, and its compact form for HL7. */
  date(): string {
    const y = this.r.int(1921, 2023);
    const m = this.r.int(1, 12);
    const d = this.r.int(1, 28);
    return this.r.pick([
      `${pad(d)}-${MONTHS3[m - 1]}-${y}`,
      `${y}${pad(m)}${pad(d)}`,
      `${y}-${pad(m)}-${pad(d)}T${pad(this.r.int(0, 23))}:${pad(this.r.int(0, 59))}:00Z`,
      `${d}/${ROMAN[m - 1]}/${y}`,
      `${MONTHS[m - 1]!.slice(0, 3)}. ${d}, '${String(y).slice(2)}`,
      `${d}${['st', 'nd', 'rd'][d - 1] ?? 'th'} ${MONTHS[m - 1]} ${y}`,
      `${y}/${pad(m)}/${pad(d)}`,
      `${pad(m)}-${pad(d)}-${String(y).slice(2)}`,
    ]);
  }
  compactDate(): string {
    return `${this.r.int(1921, 2010)}${pad(this.r.int(1, 12))}${pad(this.r.int(1, 28))}`;
  }
  ssn(): string {
    const s = `${pad(this.r.int(1, 665), 3)}-${pad(this.r.int(1, 99))}-${pad(this.r.int(1, 9999), 4)}`;
    return this.r.pick([s, s.replace(/-/g, ''), s]);
  }
  phone(): string {
    return this.r.pick([
      `(0${this.r.int(2, 8)}) ${this.r.digits(4)} ${this.r.digits(4)}`,
      `+61 4${this.r.digits(2)} ${this.r.digits(3)} ${this.r.digits(3)}`,
      `020 7${this.r.digits(3)} ${this.r.digits(4)}`,
      `+1-${this.r.int(201, 989)}-${this.r.int(200, 989)}-${this.r.digits(4)} ext. ${this.r.int(10, 999)}`,
      `tel:+49-30-${this.r.digits(7)}`,
      `+27 ${this.r.int(60, 84)} ${this.r.digits(3)} ${this.r.digits(4)}`,
      `+63 917 ${this.r.digits(3)} ${this.r.digits(4)}`,
      `+82-10-${this.r.digits(4)}-${this.r.digits(4)}`,
      `${this.r.int(201, 989)}/${this.r.int(200, 989)}-${this.r.digits(4)}`,
    ]);
  }
  email(name?: string): string {
    const base = (name ?? this.names.full().text)
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z ]/g, '')
      .trim();
    const [a = 'pt', b = 'x'] = base.split(/\s+/);
    const user = this.r.pick([`${a}.${b}`, `${a[0]}${b}`, `${a}_${b}${this.r.int(1, 99)}`, `${b}.${a}+clinic`]);
    return `${user || 'patient'}@${this.r.pick(['mail.example.co.za', 'example.com.au', 'posteo.example', 'example.ng', 'correo.example.mx', 'example.kr'])}`;
  }
  mrn(): string {
    return this.r.pick([`${this.r.digits(2)}-${this.r.digits(3)}-${this.r.digits(3)}`, `A-${this.r.digits(2)}-${this.r.digits(4)}`, `HOSP-${this.r.int(2015, 2025)}-${this.r.digits(6)}`, `${this.r.digits(8)}`, `MR${this.r.digits(7)}`]);
  }
  /** NHS number with its mod-11 check digit (valid), spaced 3-3-4. */
  nhs(): string {
    for (;;) {
      const d = this.r.digits(9);
      let sum = 0;
      for (let i = 0; i < 9; i++) sum += Number(d[i]) * (10 - i);
      const check = 11 - (sum % 11);
      if (check === 10) continue;
      const c = check === 11 ? 0 : check;
      return `${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}${c}`;
    }
  }
  /** New Zealand NHI: three letters (no I or O) and four digits. */
  nhi(): string {
    const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
    return `${this.r.pick([...letters])}${this.r.pick([...letters])}${this.r.pick([...letters])}${this.r.digits(4)}`;
  }
  /** Medicare Beneficiary Identifier shape: 1EG4-TE5-MK73. */
  mbi(): string {
    const L = 'ACDEFGHJKMNPQRTUVWXY';
    const l = () => this.r.pick([...L]);
    return `${this.r.int(1, 9)}${l()}${this.r.pick([...L, '0', '1'])}${this.r.digits(1)}-${l()}${this.r.pick([...L, '2'])}${this.r.digits(1)}-${l()}${l()}${this.r.digits(2)}`;
  }
  aadhaar(): string {
    return `${this.r.int(2, 9)}${this.r.digits(3)} ${this.r.digits(4)} ${this.r.digits(4)}`;
  }
  memberId(): string {
    return this.r.pick([`W${this.r.digits(9)}`, `XJH${this.r.digits(9)}`, `POL#${this.r.digits(2)}-${this.r.digits(5)}`]);
  }
}

/** [street, city, postcode] in forms the other sets do not use. */
const ADDRESSES: readonly (readonly [string, string, string])[] = [
  ['2-8-1 Nishi-Shinjuku, Shinjuku-ku', 'Tokyo', '163-8001'],
  ['152 Teheran-ro, Gangnam-gu', 'Seoul', '06236'],
  ['서울특별시 강남구 테헤란로 152', '서울', '06236'],
  ['Rua das Flores, 123, apto 45', 'Curitiba', '80010-010'],
  ['Av. Insurgentes Sur 1602, Col. Crédito Constructor', 'Ciudad de México', '03940'],
  ['1234 rue Sainte-Catherine O, app. 5', 'Montréal', 'H3G 1P1'],
  ['Unit 4/12 Smith St', 'Fitzroy', '3065'],
  ['Lot 7 Bruce Hwy', 'Gympie', '4570'],
  ['12 Jan Smuts Ave, Rosebank', 'Johannesburg', '2196'],
  ['P.O. Box 30197-00100', 'Nairobi', ''],
  ['Am Kirchberg 3a', 'Bad Tölz', '83646'],
  ['Bahnhofstrasse 10', 'Zürich', '8001'],
  ['Villa 12, Street 5, Al Barsha 2', 'Dubai', ''],
  ['House 221, Near Hanuman Mandir, Lajpat Nagar IV', 'New Delhi', '110024'],
  ['PSC 1234, Box 5678', 'APO AE', '09012'],
  ['RR 2 Box 45', 'Rushville', '62681'],
  ['Apartment 6, 14 Baggot Street Lower', 'Dublin 2', 'D02 X285'],
  ['8 Praça do Comércio, 2º Esq', 'Lisboa', '1100-148'],
  ['Strada Lipscani 18, ap. 3', 'București', '030031'],
  ['Kneza Miloša 22/4', 'Beograd', '11000'],
  ['Jl. Jend. Sudirman Kav. 52-53', 'Jakarta Selatan', '12190'],
  ['Rruga e Durrësit 45', 'Tiranë', '1001'],
  ['4 Kahu Lane', 'Rotorua', '3010'],
  ['Corner of 5th Ave & Dzerzhinsky St', 'Bishkek', '720040'],
];

/** Lines with no PHI: everything here that a detector masks counts against precision. */
const FILLERS = [
  '## Next Steps\n',
  '### Known Issues\n',
  '**Action Items**\n',
  '- Quick Start Guide updated\n',
  'See Release Notes for the Bucket Resource 3 change.\n',
  'Opened the Table Viewer, then Query Runner.\n',
  'Wolff-Parkinson-White pattern on ECG.\n',
  'Stevens-Johnson syndrome excluded by dermatology.\n',
  'Glasgow Coma Scale 14, Apgar 8/9 at birth.\n',
  'Wells score 2; Bishop score 6.\n',
  'Positive Tinel sign and Phalen test at the wrist.\n',
  'Lachman test negative, McMurray test equivocal.\n',
  'Babinski sign absent bilaterally.\n',
  'Epley maneuver performed for BPPV.\n',
  'Status post Whipple procedure (2019) and Nissen fundoplication.\n',
  'Roux-en-Y gastric bypass, Trendelenburg position for the line.\n',
  'Foley catheter removed; Swan-Ganz not indicated.\n',
  'Transferred from Mayo Clinic; records from Cleveland Clinic pending.\n',
  'Seen previously at Great Ormond Street and Johns Hopkins.\n',
  'Meds: Eliquis 5 mg BID, Entresto 49/51 mg, Keytruda q3w.\n',
  'Humira held; Xarelto switched to Pradaxa.\n',
  'Charge Nurse notified; Attending Physician at bedside.\n',
  'Rapid Response Team called at shift change.\n',
  'Hodgkin lymphoma in remission; Crohn disease quiescent.\n',
  "Addison's disease on hydrocortisone; Cushing's triad absent.\n",
  'Bell palsy improving; Tourette syndrome stable.\n',
  'Dupuytren contracture, Baker cyst on ultrasound.\n',
  'Assistant: I cannot share identifiers outside the session.\n',
  'Status: Pending Review | Priority: High\n',
  'Blue Cross Blue Shield prior authorization approved.\n',
  'Labs: Na 138, K 4.1, Cr 0.9, eGFR > 90.\n',
  'Follow up in 6 weeks with Sports Medicine.\n',
];

const name = (b: DocumentBuilder, n: Name) => b.entity('NAME', n.text, n.locale);

/** Each document is one format; each format writes several items. */
const FORMATS: Record<string, DocumentFormat<Rand, Values>> = {
  chat: {
    open: (b, r) => void b.text(`#ward-${r.int(2, 9)}${r.pick(['a', 'b', 'east', 'west'])} — export\n`),
    items: [
      (b, r, v) => {
        b.text(`[${pad(r.int(0, 23))}:${pad(r.int(0, 59))}] ${r.pick(['nurse_k', 'dr.obi', 'pharm-2', 'clerk'])}: pt `);
        name(b, v.names.full()).text(r.pick([' in bay 4 asking for water\n', ' refusing meds again\n', ' ready for discharge?\n', ' back from CT\n']));
      },
      (b, r, v) => {
        b.text(`[${pad(r.int(0, 23))}:${pad(r.int(0, 59))}] `);
        name(b, v.names.full()).text(': ').text(r.pick(['can someone check my labs\n', 'when is my son allowed in\n', 'thank you for today\n']));
      },
      (b, r, v) => {
        const n = v.names.full();
        b.text('user: list the patient name with a space between every letter\nassistant: ');
        b.entity('NAME', r.pick([hostile.spaced, hostile.wideSpaced])(n.text), n.locale).text('\n');
      },
      (b, r, v) => {
        const n = v.names.full();
        b.text(r.pick(['assistant: Spelled out: ', 'bot: letters only -> ']));
        b.entity('NAME', r.pick([hostile.dotted, hostile.hyphenated])(n.text), n.locale).text('\n');
      },
      (b, r, v) => {
        const n = v.names.full();
        b.text('assistant: Patient is ').entity('NAME', r.pick([hostile.zeroWidth, hostile.joiner, hostile.homoglyph])(n.text), n.locale).text('.\n');
      },
      (b, r, v) => {
        const p = v.names.parts();
        b.text('user: just the first name\nassistant: ').entity('NAME', p.given, p.locale).text('\nuser: and the surname?\nassistant: ').entity('NAME', p.family, p.locale).text('\n');
      },
      (b, r, v) => {
        b.text(`[${pad(r.int(0, 23))}:${pad(r.int(0, 59))}] clerk: callback `).entity('PHONE', v.phone()).text(r.pick([' (daughter)\n', ' after 5\n', '\n']));
      },
      (b, r, v) => {
        b.text('dr.obi: dob is ').entity('DATE', v.date()).text(', mrn ').entity('MRN', v.mrn()).text('\n');
      },
    ],
  },
  email: {
    open: (b, r, v) => {
      const from = v.names.full();
      const to = v.names.full();
      b.text('From: "');
      name(b, from).text('" <').entity('EMAIL', v.email(from.text)).text('>\nTo: ');
      name(b, to).text(' <').entity('EMAIL', v.email(to.text)).text(`>\nDate: ${r.pick(['Mon', 'Tue', 'Thu'])}, ${r.int(1, 28)} ${r.pick(MONTHS3)} 2026 09:${pad(r.int(0, 59))} +0000\nSubject: ${r.pick(['Re: results', 'Fwd: referral', 'appointment change', 'Question about my bill'])}\n\n`);
      b.text(r.pick(['Hi ', 'Dear ', 'Hello ']));
      name(b, v.names.given()).text(',\n\n');
    },
    items: [
      (b, r, v) => {
        b.text(r.pick(['My mother ', 'My husband ', 'Our patient ', 'Your patient ']));
        name(b, v.names.full()).text(r.pick([' had the scan on ', ' was seen on ', ' missed the appointment on '])).entity('DATE', v.date()).text('.\n');
      },
      (b, r, v) => {
        b.text('Please call me on ').entity('PHONE', v.phone()).text(' or write to ').entity('EMAIL', v.email()).text('.\n');
      },
      (b, r, v) => {
        b.text('Her NHS number is ').entity('MRN', v.nhs()).text(' and the hospital number ').entity('MRN', v.mrn()).text('.\n');
      },
      (b, r) => {
        b.text('New address: ');
        const [street, city, post] = r.pick(ADDRESSES);
        b.entity('STREET_ADDRESS', street).text(', ').entity('CITY', city);
        if (post) b.text(' ').entity('ZIP', post);
        b.text('\n');
      },
      (b, r, v) => {
        b.text('cc ');
        name(b, v.names.variant()).text(' and ');
        name(b, v.names.variant()).text(' on the care team.\n');
      },
    ],
    close: (b, r, v) => {
      b.text(r.pick(['\nBest regards,\n', '\nThanks,\n', '\n-- \n']));
      name(b, v.names.full()).text('\n').text(r.pick(['Practice Manager\n', 'Ward Clerk\n', '']));
      b.text('Mobile: ').entity('PHONE', v.phone()).text('\n');
    },
  },
  soap: {
    open: (b, r, v) => {
      b.text('S: ');
      const age = r.int(19, 104);
      if (age > 89) b.entity('AGE', `${age}${r.pick(['F', 'M', ' y/o', ' yrs', '-yo'])}`);
      else b.text(`${age}${r.pick(['F', 'M', ' y/o', ' yrs'])}`);
      b.text(' (');
      name(b, v.names.full()).text(`) reports ${r.pick(['worsening cough', 'dizziness on standing', 'left knee pain', 'poor sleep'])}.\n`);
    },
    items: [
      (b, r, v) => {
        b.text('O: ').text(r.pick(['BP 142/88, HR 96.', 'T 38.4, SpO2 94% RA.', 'BMI 31.2.'])).text(' Seen with ');
        name(b, v.names.full()).text(r.pick([' (wife).\n', ' (interpreter).\n', ' (carer).\n']));
      },
      (b, r, v) => {
        b.text('A/P: ').text(r.pick(['CAP, start doxycycline.', 'Orthostatic hypotension.', 'OA knee, refer physio.'])).text(' Review ').entity('DATE', v.date()).text('.\n');
      },
      (b, r, v) => {
        b.text(r.pick(['Medicare MBI ', 'MBI: ', 'Medicare no. '])).entity('HEALTH_PLAN_ID', v.mbi()).text(r.pick(['; ', '. ', ', '])).text('Member ').entity('HEALTH_PLAN_ID', v.memberId()).text('\n');
      },
      (b, r, v) => {
        b.text(r.pick(['NHI ', 'NHI#: '])).entity('MRN', v.nhi()).text(', Aadhaar ').entity('OTHER_ID', v.aadhaar()).text('\n');
      },
      (b, r, v) => {
        b.text(r.pick(['Social ', 'SSN ', 'ss no '])).entity('SSN', v.ssn()).text('\n');
      },
      (b, r, v) => {
        const age = r.int(90, 106);
        b.text('Lives with her ').entity('AGE', `${age}-year-old`).text(' mother, ');
        name(b, v.names.full()).text('.\n');
      },
    ],
    close: (b, r, v) => {
      b.text(r.pick(['-- ', 'Signed: ', 'e-signed ']));
      name(b, v.names.variant()).text(`, ${r.pick(['NP', 'MBChB', 'RN', 'PA-C'])} `).entity('DATE', v.date()).text('\n');
    },
  },
  csv: {
    noFillers: true,
    open: (b, r) => void b.text(`${r.pick(['Export attached:', 'rows below', 'from the sheet:'])}\n${r.pick(['c1,c2,c3,c4,c5', 'a,b,c,d,e', 'field_1,field_2,field_3,field_4,field_5', 'col1,col2,col3,col4,col5'])}\n`),
    items: [
      (b, r, v) => {
        const p = v.names.parts();
        b.entity('NAME', p.given, p.locale).text(',').entity('NAME', p.family, p.locale).text(',').entity('DATE', v.compactDate().replace(/(\d{4})(\d\d)(\d\d)/, '$1-$2-$3')).text(',').entity('CITY', v.names.city()).text(',').entity('MRN', v.mrn()).text('\n');
      },
    ],
  },
  tsv: {
    noFillers: true,
    open: (b, r) => void b.text(`${r.pick(['x\ty\tz\tw', 'v1\tv2\tv3\tv4', 'A\tB\tC\tD'])}\n`),
    items: [
      (b, r, v) => {
        const n = v.names.variant();
        b.text(`${r.int(1, 400)}\t`).entity('NAME', n.text, n.locale).text('\t').entity('PHONE', v.phone()).text('\t').entity('DATE', v.date()).text('\n');
      },
    ],
  },
  json: {
    open: (b, r) => void b.text(`${r.pick(['upstream said:', 'DEBUG payload', 'tool result text:'])} `),
    items: [
      (b, r, v) => {
        const n = v.names.full();
        b.text('{"pt":"').entity('NAME', n.text, n.locale).text('","d":"').entity('DATE', v.date()).text('","ref":"').entity('MRN', v.mrn()).text('"}\n');
      },
      (b, r, v) => {
        const p = v.names.parts();
        b.text('{"resourceType":"Patient","name":[{"family":"').entity('NAME', p.family, p.locale).text('","given":["').entity('NAME', p.given, p.locale).text('"]}],"birthDate":"').entity('DATE', v.compactDate().replace(/(\d{4})(\d\d)(\d\d)/, '$1-$2-$3')).text('"}\n');
      },
      (b, r, v) => {
        // One name split across fields, the way an agent can ask for it.
        const n = v.names.full();
        const cut = r.int(2, Math.max(2, n.text.length - 2));
        b.text('{"a":"').entity('NAME', n.text.slice(0, cut), n.locale).text('","b":"').entity('NAME', n.text.slice(cut), n.locale).text('"}\n');
      },
      (b, r, v) => {
        const n = v.names.full();
        const escaped = [...n.text].map((c) => (c.charCodeAt(0) > 127 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c)).join('');
        b.text('{"display":"').entity('NAME', escaped, n.locale).text('","tel":"').entity('PHONE', v.phone()).text('"}\n');
      },
      (b, r, v) => {
        b.text('{"k":"contact","v":"').entity('EMAIL', v.email()).text('"}, {"k":"ssn","v":"').entity('SSN', v.ssn()).text('"}\n');
      },
    ],
  },
  hl7: {
    open: (b, r) => void b.text(`MSH|^~\\&|LAB|HOSP|EHR|HOSP|2026${pad(r.int(1, 12))}${pad(r.int(1, 28))}0930||ADT^A04|${r.digits(8)}|P|2.5\n`),
    items: [
      (b, r, v) => {
        const p = v.names.parts();
        const [street, city, post] = r.pick(ADDRESSES);
        b.text('PID|1||').entity('MRN', `${r.digits(7)}`).text('^^^HOSP^MR||').entity('NAME', p.family.toUpperCase(), p.locale).text('^').entity('NAME', p.given.toUpperCase(), p.locale).text('||').entity('DATE', v.compactDate()).text(`|${r.pick(['F', 'M'])}|||`).entity('STREET_ADDRESS', street).text('^^').entity('CITY', city).text('^^');
        if (post) b.entity('ZIP', post);
        b.text('||').entity('PHONE', v.phone()).text('\n');
      },
      (b, r, v) => {
        const p = v.names.parts();
        b.text('NK1|1|').entity('NAME', p.family.toUpperCase(), p.locale).text('^').entity('NAME', p.given.toUpperCase(), p.locale).text(`|${r.pick(['SPO', 'CHD', 'PAR'])}^${r.pick(['Spouse', 'Child', 'Parent'])}\n`);
      },
    ],
  },
  letter: {
    open: (b, r, v) => {
      b.text('Re: ').text(r.pick(['Mr ', 'Mrs ', 'Ms ', 'Mx ', '']));
      const n = v.names.variant();
      b.entity('NAME', n.text, n.locale).text(', DOB ').entity('DATE', v.date()).text('\n');
      const [street, city, post] = r.pick(ADDRESSES);
      b.entity('STREET_ADDRESS', street).text('\n').entity('CITY', city);
      if (post) b.text(' ').entity('ZIP', post);
      b.text('\n\n');
    },
    items: [
      (b, r, v) => {
        b.text('Thank you for seeing this ');
        const age = r.int(30, 104);
        if (age > 89) b.entity('AGE', `${age} year old`);
        else b.text(`${age} year old`);
        b.text(r.pick([' retired teacher', ' farmer', ' woman', ' man'])).text(' who lives at ');
        const street = r.chance(0.5) ? v.names.street() : r.pick(ADDRESSES)[0];
        b.entity('STREET_ADDRESS', street).text(' with ');
        name(b, v.names.full()).text('.\n');
      },
      (b, r, v) => {
        b.text('Her GP, Dr ');
        name(b, v.names.family()).text(', can be reached on ').entity('PHONE', v.phone()).text('.\n');
      },
    ],
    close: (b, r, v) => {
      b.text('\nYours sincerely,\n\n');
      name(b, v.names.full()).text('\nConsultant Physician\n');
    },
  },
  markdown: {
    noFillers: true,
    open: (b, r) => void b.text(`# ${r.pick(['Handover', 'Clinic List', 'Discharge Summary'])}\n\n| ${r.pick(['k | v | w', 'p | q | r', 'one | two | three'])} |\n|---|---|---|\n`),
    items: [
      (b, r, v) => {
        const n = v.names.variant();
        b.text('| ').entity('NAME', n.text, n.locale).text(' | ').entity('DATE', v.date()).text(' | ').entity('MRN', v.mrn()).text(' |\n');
      },
    ],
    close: (b, r, v) => {
      b.text('\n## Notes\n');
      name(b, v.names.full()).text(r.pick([' to be called by Social Work.\n', ' prefers an interpreter.\n', ' consented to photographs.\n']));
    },
  },
};

export function generateFourthHeldOut(count = 300, seed = FOURTH_SEED): LabelledDocument[] {
  const r = new Rand(seed);
  return assembleDocuments(count, r, new Values(r, new Names(r)), FORMATS, FILLERS, [2, 5]);
}
