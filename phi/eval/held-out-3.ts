import { DocumentBuilder } from './document';
import type { WorldDocument } from './held-out-world';

/**
 * The third held-out set, the unseen one. Sets 1 (held-out.ts) and 2 (held-out-world.ts) have
 * informed the detectors; this one must not. Its names are not drawn from faker nor from the
 * detectors' dictionaries: they are written here by hand per locale, in the locale's own script
 * and romanised (with and without diacritics), and appear without titles, in lower and upper
 * case, family name first, as "Family, Given" and with initials. Its addresses are forms sets 1
 * and 2 do not use (Finnish, Turkish, Indian, Vietnamese, Polish, Nigerian, Japanese, Dutch,
 * British and US grid forms), and its obfuscations are ones they do not use (other digit
 * scripts, HTML and JSON escapes, spaced and dotted SSNs, "[at]" e-mail, international phones,
 * European and CJK dates). Fillers carry eponyms and foreign clinical words, to measure
 * over-masking.
 *
 * Written before any tuning of issue 17's third round and scored once as is; first run in
 * phi/README.md "Measuring" and /tmp notes of issue 17. Tune on sets 1 and 2, never on this one,
 * and do not edit it to raise its figures.
 */
export const THIRD_SEED = 9173;

/** [own script, romanised] pairs; romanised only when the locale writes in Latin letters. */
type Pair = readonly [string, string];

interface Locale {
  given: readonly Pair[];
  family: readonly Pair[];
  /** How a full name is written: given first (default), family first, or Vietnamese order. */
  order?: 'family-first';
}

const same = (...names: string[]): Pair[] => names.map((n) => [n, n] as const);

const LOCALES: Record<string, Locale> = {
  fi: {
    given: [['Aino', 'Aino'], ['Eero', 'Eero'], ['Päivi', 'Paivi'], ['Tuomas', 'Tuomas'], ['Riikka', 'Riikka'], ['Jyrki', 'Jyrki'], ['Sanna', 'Sanna'], ['Ilkka', 'Ilkka'], ['Outi', 'Outi'], ['Väinö', 'Vaino']],
    family: [['Mäkelä', 'Makela'], ['Hämäläinen', 'Hamalainen'], ['Järvinen', 'Jarvinen'], ['Kärkkäinen', 'Karkkainen'], ['Laaksonen', 'Laaksonen'], ['Heikkilä', 'Heikkila'], ['Kuusisto', 'Kuusisto'], ['Ylönen', 'Ylonen'], ['Pöyhönen', 'Poyhonen'], ['Rautiainen', 'Rautiainen']],
  },
  tr: {
    given: [['Ayşe', 'Ayse'], ['Mehmet', 'Mehmet'], ['Gülşen', 'Gulsen'], ['Oğuz', 'Oguz'], ['Büşra', 'Busra'], ['Çağrı', 'Cagri'], ['İlknur', 'Ilknur'], ['Şükrü', 'Sukru'], ['Ebru', 'Ebru'], ['Tuğba', 'Tugba']],
    family: [['Yılmaz', 'Yilmaz'], ['Öztürk', 'Ozturk'], ['Çelik', 'Celik'], ['Şahin', 'Sahin'], ['Kılıç', 'Kilic'], ['Doğan', 'Dogan'], ['Aydın', 'Aydin'], ['Erdoğan', 'Erdogan'], ['Güneş', 'Gunes'], ['Karataş', 'Karatas']],
  },
  hi: {
    given: [['प्रिया', 'Priya'], ['राहुल', 'Rahul'], ['अनन्या', 'Ananya'], ['विकास', 'Vikas'], ['सुनीता', 'Sunita'], ['आदित्य', 'Aditya'], ['मीनाक्षी', 'Meenakshi'], ['हरप्रीत', 'Harpreet']],
    family: [['शर्मा', 'Sharma'], ['वर्मा', 'Verma'], ['चट्टोपाध्याय', 'Chattopadhyay'], ['देशपांडे', 'Deshpande'], ['श्रीवास्तव', 'Srivastava'], ['त्रिपाठी', 'Tripathi'], ['कुलकर्णी', 'Kulkarni'], ['ढिल्लों', 'Dhillon']],
  },
  ta: {
    given: [['லட்சுமி', 'Lakshmi'], ['வெங்கடேஷ்', 'Venkatesh'], ['கார்த்திக்', 'Karthik'], ['மீனா', 'Meena'], ['செந்தில்', 'Senthil']],
    family: [['நாராயணன்', 'Narayanan'], ['சுப்பிரமணியன்', 'Subramanian'], ['ராகவன்', 'Raghavan'], ['ஐயர்', 'Iyer'], ['பழனிசாமி', 'Palaniswamy']],
  },
  vi: {
    given: [['Thị Lan', 'Thi Lan'], ['Văn Hùng', 'Van Hung'], ['Thị Hồng Nhung', 'Thi Hong Nhung'], ['Minh Tuấn', 'Minh Tuan'], ['Đức Anh', 'Duc Anh'], ['Quốc Bảo', 'Quoc Bao'], ['Thanh Hương', 'Thanh Huong'], ['Ngọc Ánh', 'Ngoc Anh']],
    family: [['Nguyễn', 'Nguyen'], ['Trần', 'Tran'], ['Lê', 'Le'], ['Phạm', 'Pham'], ['Hoàng', 'Hoang'], ['Vũ', 'Vu'], ['Đặng', 'Dang'], ['Bùi', 'Bui'], ['Đỗ', 'Do'], ['Huỳnh', 'Huynh']],
    order: 'family-first',
  },
  yo: {
    given: [['Olúwaseun', 'Oluwaseun'], ['Adébáyọ̀', 'Adebayo'], ['Fọláṣadé', 'Folasade'], ['Ayọ̀délé', 'Ayodele'], ['Tèmítọ́pẹ́', 'Temitope'], ['Bàbátúndé', 'Babatunde'], ['Yétúndé', 'Yetunde'], ['Oláwálé', 'Olawale']],
    family: [['Adéyẹmí', 'Adeyemi'], ['Ògúnlèyé', 'Ogunleye'], ['Ọlálékan', 'Olalekan'], ['Àjàyí', 'Ajayi'], ['Òkè', 'Oke'], ['Adésànyà', 'Adesanya'], ['Ọ̀ṣúnbọ̀', 'Osunbo'], ['Fáṣọlá', 'Fasola']],
  },
  pl: {
    given: [['Małgorzata', 'Malgorzata'], ['Grzegorz', 'Grzegorz'], ['Łukasz', 'Lukasz'], ['Agnieszka', 'Agnieszka'], ['Zbigniew', 'Zbigniew'], ['Jadwiga', 'Jadwiga'], ['Wojciech', 'Wojciech'], ['Bożena', 'Bozena']],
    family: [['Wiśniewska', 'Wisniewska'], ['Brzęczyszczykiewicz', 'Brzeczyszczykiewicz'], ['Wójcik', 'Wojcik'], ['Dąbrowska', 'Dabrowska'], ['Szymański', 'Szymanski'], ['Jabłoński', 'Jablonski'], ['Krzyżanowska', 'Krzyzanowska'], ['Pietrzyk', 'Pietrzyk']],
  },
  el: {
    given: [['Γιώργος', 'Giorgos'], ['Ελένη', 'Eleni'], ['Δημήτρης', 'Dimitris'], ['Κατερίνα', 'Katerina']],
    family: [['Παπαδόπουλος', 'Papadopoulos'], ['Οικονόμου', 'Oikonomou'], ['Χατζηδάκης', 'Chatzidakis'], ['Καραγιάννη', 'Karagianni']],
  },
  he: {
    given: [['יעל', 'Yael'], ['אבישי', 'Avishai'], ['נועה', 'Noa'], ['איתמר', 'Itamar']],
    family: [['כהן', 'Cohen'], ['אזולאי', 'Azoulay'], ['ברקוביץ', 'Berkovitz'], ['שפירא', 'Shapira']],
  },
  th: {
    given: [['สมชาย', 'Somchai'], ['สุภาพร', 'Supaporn'], ['ธนพล', 'Thanaphon'], ['วิไลวรรณ', 'Wilaiwan']],
    family: [['ใจดี', 'Jaidee'], ['ศรีสุข', 'Srisuk'], ['วงศ์สวัสดิ์', 'Wongsawat'], ['บุญมา', 'Boonma']],
  },
  hu: {
    given: [['Erzsébet', 'Erzsebet'], ['Zsolt', 'Zsolt'], ['Ildikó', 'Ildiko'], ['Gyula', 'Gyula']],
    family: [['Nagy', 'Nagy'], ['Szőke', 'Szoke'], ['Horváth', 'Horvath'], ['Törőcsik', 'Torocsik']],
    order: 'family-first',
  },
  sw: {
    given: same('Wanjiru', 'Otieno', 'Akinyi', 'Kiprono', 'Nyokabi'),
    family: same('Kamau', 'Odhiambo', 'Wambui', 'Chepkoech', 'Mwangi'),
  },
  am: {
    given: [['ትዕግስት', 'Tigist'], ['ዮሐንስ', 'Yohannes'], ['መሰረት', 'Meseret']],
    family: [['ኃይሌ', 'Haile'], ['ገብረመድህን', 'Gebremedhin'], ['ተስፋዬ', 'Tesfaye']],
  },
  id: {
    given: same('Dewi', 'Budi', 'Wulan', 'Agus', 'Ratna'),
    family: same('Kusumawati', 'Santoso', 'Wibowo', 'Simanjuntak', 'Nasution'),
  },
  ka: {
    given: [['ნინო', 'Nino'], ['გიორგი', 'Giorgi'], ['თამარ', 'Tamar']],
    family: [['ბერიძე', 'Beridze'], ['კვარაცხელია', 'Kvaratskhelia'], ['ლომიძე', 'Lomidze']],
  },
  hy: {
    given: [['Արամ', 'Aram'], ['Անի', 'Ani'], ['Տիգրան', 'Tigran']],
    family: [['Պետրոսյան', 'Petrosyan'], ['Հովհաննիսյան', 'Hovhannisyan'], ['Սարգսյան', 'Sargsyan']],
  },
  ga: {
    given: same('Siobhán', 'Niamh', 'Pádraig', 'Caoimhe', 'Oisín'),
    family: same('Ó Súilleabháin', 'Ní Bhriain', 'Mac Giolla Phádraig', "O'Donoghue", 'Nic Aoidh'),
  },
  nl: {
    given: same('Sanne', 'Joost', 'Femke', 'Thijs'),
    family: same('van der Berg', 'de Vries', 'van Dijk', 'Bakker-Schouten'),
  },
  is: {
    given: same('Guðrún', 'Þórður', 'Sigríður', 'Ævar'),
    family: same('Sigurðardóttir', 'Jónsson', 'Ólafsdóttir', 'Þorsteinsson'),
  },
  haw: {
    given: same('Keʻalohilani', 'Kawika', 'Leilani', 'Makoa'),
    family: same('Kahananui', 'Kealoha', 'Kamakau', 'Nāpua'),
  },
};

/** Addresses in forms sets 1 and 2 do not use: [street part, postcode or '', city]. */
const ADDRESSES: readonly (readonly [string, string, string])[] = [
  ['Mannerheimintie 12 A 5', '00100', 'Helsinki'],
  ['Hämeenkatu 27 B 14', '33200', 'Tampere'],
  ['Atatürk Cad. No: 45 D: 3', '34710', 'Kadıköy'],
  ['Bağdat Caddesi No 112/4', '34728', 'İstanbul'],
  ['Gazi Mustafa Kemal Bulvarı No:88', '06570', 'Ankara'],
  ['Flat 302, Sai Krupa Apartments, 14th Cross', '560038', 'Bengaluru'],
  ['H.No. 5-9-22/1, Road No. 3, Banjara Hills', '500034', 'Hyderabad'],
  ['B-14, Sector 62', '201309', 'Noida'],
  ['Số 12 Ngõ 34 Phố Huế', '', 'Hà Nội'],
  ['123 Đường Lê Lợi, Quận 1', '', 'Thành phố Hồ Chí Minh'],
  ['ul. Marszałkowska 84/92 m. 15', '00-514', 'Warszawa'],
  ['al. Jerozolimskie 65/79', '00-697', 'Warszawa'],
  ['os. Tysiąclecia 12/3', '31-610', 'Kraków'],
  ['Plot 14, Adeola Odeku Street, Victoria Island', '', 'Lagos'],
  ['No. 7 Awolowo Road, Ikoyi', '', 'Lagos'],
  ['新宿区西新宿2-8-1', '163-8001', '東京都'],
  ['Keizersgracht 123-II', '1015 CJ', 'Amsterdam'],
  ['Flat 3, 27 Kensington Gardens Square', 'W2 4BH', 'London'],
  ['N6W23001 Bluemound Rd', '53072', 'Pewaukee'],
  ['301 E 57th St Apt. 5C', '10022', 'New York'],
  ['1600 Pennsylvania Ave NW', '20500', 'Washington'],
  ['Odos Ermou 44', '105 63', 'Athina'],
  ['Rehov Herzl 18', '6578502', 'Tel Aviv'],
  ['99/12 Moo 4, Soi Sukhumvit 71', '10110', 'Bangkok'],
  ['Váci utca 19, 2. emelet 5. ajtó', '1052', 'Budapest'],
  ['Laugavegur 56', '101', 'Reykjavík'],
];

/** Digits of other scripts (NFKC leaves them as they are). */
const ARABIC_INDIC = '٠١٢٣٤٥٦٧٨٩';
const DEVANAGARI = '०१२३४५६७८९';

class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** mulberry32 */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
}

const stripMarks = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/ı/g, 'i').replace(/ł/g, 'l').replace(/Ł/g, 'L').replace(/đ/g, 'd').replace(/Đ/g, 'D');

class Names {
  constructor(private readonly r: Rng) {}
  locale(): string {
    return this.r.pick(Object.keys(LOCALES));
  }
  /** One name form: 0 own script (or with diacritics), 1 romanised, 2 romanised without marks. */
  private form(pair: Pair, how: number): string {
    return how === 0 ? pair[0] : how === 1 ? pair[1] : stripMarks(pair[1]);
  }
  full(locale: string): string {
    const l = LOCALES[locale]!;
    const how = this.r.int(0, 2);
    const given = this.form(this.r.pick(l.given), how);
    const family = this.form(this.r.pick(l.family), how);
    if (l.order === 'family-first') return `${family} ${given}`;
    return `${given} ${family}`;
  }
  /** "Family, Given", "G. Family", upper or lower case: how records and chat write names. */
  variant(locale: string): string {
    const l = LOCALES[locale]!;
    const how = this.r.int(1, 2);
    const given = this.form(this.r.pick(l.given), how);
    const family = this.form(this.r.pick(l.family), how);
    return this.r.pick([`${family}, ${given}`, `${given[0]}. ${family}`, `${given} ${family}`.toUpperCase(), `${given} ${family}`.toLowerCase(), `${family.toUpperCase()} ${given}`]);
  }
}

const spellSsnDigits = (s: string, digits: string) => s.replace(/\d/g, (d) => digits[Number(d)]!);

type Template = (b: DocumentBuilder, r: Rng, n: Names) => void;

const templates: Template[] = [
  // Names without titles, in running text.
  (b, r, n) => {
    const l = n.locale();
    b.entity('NAME', n.full(l), l).text(r.pick([' presented to triage with fever for three days.\n', ' was discharged home in stable condition.\n', ' tolerated the procedure well.\n', "'s glucose log reviewed; no hypoglycaemia.\n"]));
  },
  (b, r, n) => {
    const l = n.locale();
    b.text(r.pick(['Spoke with ', 'Discussed the plan with ', 'Consent obtained from ', 'Interpreter present for ', 'Visited by '])).entity('NAME', n.full(l), l).text(r.pick([' today.\n', ' at the bedside.\n', ' (son) by phone.\n', ', who agrees with the plan.\n']));
  },
  (b, r, n) => {
    const a = n.locale();
    const c = n.locale();
    b.text('Family present: ').entity('NAME', n.full(a), a).text(' and ').entity('NAME', n.full(c), c).text('.\n');
  },
  (b, r, n) => {
    const l = n.locale();
    b.text(r.pick(['Name: ', 'patient_name=', 'Pt: ', 'NOK: ', 'Caregiver - '])).entity('NAME', n.variant(l), l).text('\n');
  },
  (b, r, n) => {
    const l = n.locale();
    b.text(`${r.int(8, 17)}:${r.pick(['05', '20', '45'])} `).entity('NAME', n.full(l), l).text(r.pick([' checked in\n', ' - no show\n', ' left a voicemail asking about results\n']));
  },
  (b, r, n) => {
    const l = n.locale();
    b.text('Thanks, ').entity('NAME', n.full(l), l).text('\n');
  },
  // Addresses in forms sets 1 and 2 do not use.
  (b, r) => {
    const [street, post, city] = r.pick(ADDRESSES);
    b.text(r.pick(['Address: ', 'Home address ', 'Lives at ', 'Mailing: '])).entity('STREET_ADDRESS', street).text(', ');
    if (post) b.entity('ZIP', post).text(' ');
    b.entity('CITY', city).text('\n');
  },
  (b, r) => {
    const [street] = r.pick(ADDRESSES);
    b.text('Transport to pick her up from ').entity('STREET_ADDRESS', street).text(' at 7 am.\n');
  },
  // Obfuscations sets 1 and 2 do not use.
  (b, r) => {
    const s = `${String(r.int(1, 665)).padStart(3, '0')}-${r.digits(2)}-${r.digits(4)}`;
    const forms = [s.replace(/-/g, ' '), s.replace(/-/g, '.'), s.replace(/-/g, '/'), spellSsnDigits(s, ARABIC_INDIC), spellSsnDigits(s, DEVANAGARI), s.split('').join(' '), [...s].map((c) => `&#${c.charCodeAt(0)};`).join(''), [...s].map((c) => `\\u00${c.charCodeAt(0).toString(16)}`).join('')];
    b.text(r.pick(['SSN: ', 'social security no. ', 'ssn=', 'SS# '])).entity('SSN', r.pick(forms)).text(r.pick([' (verified)\n', '\n', ' per patient.\n']));
  },
  (b, r) => {
    const user = r.pick(['ayse.yilmaz', 'priya_s', 'nguyen.lan84', 'oluwaseun', 'gosia.wisniewska', 'eero.m']);
    const host = r.pick(['gmail', 'outlook', 'yahoo', 'proton']);
    b.text(r.pick(['Email: ', 'Send results to ', 'e-mail '])).entity('EMAIL', r.pick([`${user}[at]${host}[dot]com`, `${user} (at) ${host} (dot) com`, `${user} @ ${host} . com`, `${user}＠${host}.com`])).text('\n');
  },
  (b, r) => {
    const phone = r.pick([`+358 40 ${r.digits(3)} ${r.digits(4)}`, `+90 532 ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`, `+91 98${r.digits(3)} ${r.digits(5)}`, `+84 912 ${r.digits(3)} ${r.digits(3)}`, `+234 803 ${r.digits(3)} ${r.digits(4)}`, `+48 601 ${r.digits(3)} ${r.digits(3)}`, `0${r.int(40, 50)}-${r.digits(7)}`]);
    b.text(r.pick(['Mobile ', 'WhatsApp: ', 'Reach daughter on ', 'Tel '])).entity('PHONE', phone).text('\n');
  },
  (b, r) => {
    const y = r.int(1920, 1999);
    const m = r.int(1, 12);
    const d = r.int(1, 28);
    const pad = (x: number) => String(x).padStart(2, '0');
    const date = r.pick([`${pad(d)}.${pad(m)}.${y}`, `${y}年${m}月${d}日`, `${d} ${['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'][m - 1]} ${y}`, `${d}. ${['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'][m - 1]} ${y}`, `${d}/${m}/${String(y).slice(2)}`]);
    b.text(r.pick(['DOB ', 'Born ', 'Date of birth: ', 'Fecha de nacimiento: '])).entity('DATE', date).text('\n');
  },
  (b, r) => {
    const age = r.int(90, 104);
    b.text(r.pick(['Aged ', 'Pt is ', ''])).entity('AGE', r.pick([`${age}yo`, `${age}-yr-old`, `${age} años`, `${age} Jahre`, `${age}y`])).text(' with hip fracture.\n');
  },
  (b, r) => {
    b.text(r.pick(['Medical record no ', 'Hospital no. ', 'UHID '])).entity('MRN', `${r.pick(['', 'H', 'MR'])}${r.digits(r.int(7, 9))}`).text('\n');
  },
  () => undefined,
];

/** PHI-free lines: eponyms, foreign clinical words and protocol words that must stay readable. */
const fillers = [
  'History of Kawasaki disease in childhood; echo normal.\n',
  'Takayasu arteritis considered; CRP 42 mg/L.\n',
  'Hashimoto thyroiditis on levothyroxine 75 mcg.\n',
  'Behçet disease with oral ulcers, on colchicine.\n',
  'Guillain-Barré syndrome ruled out; CSF protein normal.\n',
  'Sjögren syndrome, dry eyes, Schirmer test positive.\n',
  'Ménière disease; betahistine continued.\n',
  'Kikuchi disease on biopsy, self-limiting.\n',
  'Osgood-Schlatter in adolescence, resolved.\n',
  'Paciente refiere mejoría; continúa con paracetamol.\n',
  'tool call failed: resource_not_found (retry 2/3)\n',
  'Plan: MRI brain, Holter monitor, Apley scratch test.\n',
  'Kaposi sarcoma excluded; HHV-8 negative.\n',
  'Started Ozempic 0.25 mg weekly; Jardiance held.\n',
];

export function generateThirdHeldOut(count = 300, seed = THIRD_SEED): WorldDocument[] {
  const r = new Rng(seed);
  const names = new Names(r);
  return Array.from({ length: count }, () => {
    const b = new DocumentBuilder();
    const k = r.int(3, 6);
    for (let i = 0; i < k; i++) {
      if (r.next() < 0.3) b.text(r.pick(fillers));
      else r.pick(templates)(b, r, names);
    }
    return b.build();
  });
}
