import { assembleDocuments, type DocumentBuilder, type DocumentFormat, type LabelledDocument } from './document';
import { Draws } from './draws';
import { NameSource, type HandNames, type Name } from './name-source';
import { pad, SetValues } from './set-values';

/**
 * The tenth held-out set, written blind at the start of issue 17's twelfth round and committed
 * alone with its first run before any detector of that round changed. Sets 8 and 9 have been
 * looked at by their per-type figures and tuned towards, so this is the only blind set; its
 * misses are never listed. Built unlike sets 1–9:
 * - generator: Park–Miller "minimal standard" Lehmer generator (multiplier 48271 modulo 2^31 − 1),
 *   which no other set uses;
 * - name sources: written by hand for 32 communities no set covers (Georgian in Mkhedruli and
 *   romanised, Azerbaijani, Uzbek Latin with the oʻ/gʻ letters, Tajik Cyrillic, Kyrgyz, Latvian,
 *   Slovene, Slovak, Serbian and Macedonian Cyrillic, Bulgarian, Greek in Greek letters and
 *   romanised, Romanian with ș/ț, Odia, Assamese, Amharic in Ge'ez, Swahili, Zulu, Tswana,
 *   Tetum, Nahuatl, Warlpiri skin names, Indo-Trinidadian, Cape Verdean, Sephardic, Crimean
 *   Tatar, Kurmanji, Vietnamese and Japanese/Taiwanese in their own scripts written by hand,
 *   English double-barrels), none taken from faker, chance, stdlib or cspell;
 * - document shapes: guardianship court orders, insurance appeal letters, interpreter request
 *   logs, clinical-trial screening logs without a header, dental chart notes, birth notifications,
 *   correctional health transfers, crisis-line speech-to-text logs, complaint e-mails, team chat
 *   with @mentions, JSON lines with keys c1..c6, TSV pasted without a header, refugee health
 *   screening, discharge lines in Romanian, Latvian, Slovak, Greek, Serbian, Turkish, Georgian,
 *   Vietnamese and Japanese, dictated referrals with spelled-out numbers, EHR paste with
 *   normalisation tricks;
 * - addresses: street type first and non-English (Strada, iela, cesta, Odos, Cad., ko'chasi,
 *   Rua, Av., C/, Jl., Phố, Via, Vesterbrogade "3. tv."), US State Route / County Road / PO Box /
 *   RR Box / HC Box, Indian flats, Japanese block addresses, Kenyan PO boxes; cities alone after
 *   "near", "outside", "just past", "up from";
 * - spelled-out SSNs, phones, dates and e-mails; ages over 89 in digits and English words;
 * - hostile spellings: "Family, Given" inside a sentence, a nickname in quotes or brackets,
 *   possessives ("Nodira's"), a surname in capitals, a line break inside an SSN, full-width
 *   digits, zero-width spaces, soft hyphens, NBSP, left-to-right marks, NFD accents;
 * - PHI-free sentences naming eponyms and institutions that carry a person's or a place's name
 *   (Mayo Clinic, Great Ormond Street, Sloan Kettering, Kussmaul, Trousseau, Virchow).
 *
 * Scored through findInText (the maskText path). First run in phi/README.md "Measuring". Never
 * tune on this set, never look at its misses, and never edit it to raise its figures.
 */
export const TENTH_SEED = 101017;

/** Park–Miller minimal standard (1993 constants): x ← 48271·x mod (2^31 − 1). */
class Rand extends Draws {
  private x: number;
  constructor(seed: number) {
    super();
    this.x = (seed % 2147483646) + 1;
  }
  next(): number {
    this.x = Number((BigInt(this.x) * 48271n) % 2147483647n);
    return (this.x - 1) / 2147483646;
  }
}

/** Full names written by hand, [given, family]; CJK locales are written family first, no space. */
const HAND: HandNames = {
  ka: [['ნინო', 'ბერიძე'], ['გიორგი', 'მაისურაძე'], ['თამარ', 'ქავთარაძე'], ['ლევან', 'ჯაფარიძე']],
  ka_Latn: [['Ketevan', 'Tsiklauri'], ['Zurab', 'Gelashvili'], ['Eka', 'Chkheidze'], ['Davit', 'Lomidze']],
  az: [['Günel', 'Məmmədova'], ['Elçin', 'Hüseynov'], ['Aysel', 'Qasımova'], ['Rəşad', 'Əlizadə']],
  uz: [['Nodira', 'Yoʻldosheva'], ['Dilshod', 'Tursunov'], ['Gulnora', 'Rahimova'], ['Oʻtkir', 'Xoʻjayev']],
  tg: [['Фарангис', 'Раҳимова'], ['Ҷамшед', 'Қодиров'], ['Нигина', 'Шарипова'], ['Бахтиёр', 'Ҳусейнов']],
  ky: [['Aizada', 'Toktogulova'], ['Nurbek', 'Asanbekov'], ['Cholpon', 'Ismailova'], ['Kubanychbek', 'Jumaliev']],
  lv: [['Līga', 'Bērziņa'], ['Jānis', 'Kalniņš'], ['Inese', 'Ozoliņa'], ['Māris', 'Liepiņš']],
  sl: [['Špela', 'Kovačič'], ['Matjaž', 'Žagar'], ['Urška', 'Potočnik'], ['Rok', 'Vrhovnik']],
  sk: [['Zuzana', 'Hrušovská'], ['Ľubomír', 'Ďurica'], ['Mária', 'Kováčová'], ['Ondrej', 'Šťastný']],
  sr: [['Милица', 'Јовановић'], ['Душан', 'Петровић'], ['Јелена', 'Стојановић'], ['Небојша', 'Ђорђевић']],
  mk: [['Билјана', 'Трајковска'], ['Ивана', 'Николовска'], ['Филип', 'Анастасовски'], ['Бојан', 'Ристески']],
  bg: [['Цветелина', 'Георгиева'], ['Стоян', 'Димитров'], ['Радка', 'Иванова'], ['Пламен', 'Тодоров']],
  el: [['Ελένη', 'Παπαδοπούλου'], ['Γιώργος', 'Οικονόμου'], ['Κατερίνα', 'Βασιλείου'], ['Σπύρος', 'Καραγιάννης']],
  el_Latn: [['Eleftheria', 'Papadaki'], ['Stavros', 'Kontogiannis'], ['Vasiliki', 'Athanasiou'], ['Panagiotis', 'Tsakalos']],
  ro: [['Ioana', 'Ștefănescu'], ['Mihai', 'Țîrlea'], ['Florentina', 'Dumitrașcu'], ['Sorin', 'Bălănescu']],
  or: [['Sunita', 'Mohanty'], ['Bijaya', 'Pattanayak'], ['Lopamudra', 'Sahoo'], ['Debasis', 'Panigrahi']],
  as: [['Jonali', 'Bora'], ['Bhaskar', 'Gogoi'], ['Anamika', 'Hazarika'], ['Pranjal', 'Saikia']],
  am: [['መሠረት', 'ተስፋዬ'], ['ዳዊት', 'ገብረመድኅን'], ['ሰላማዊት', 'አበበ'], ['ዮናስ', 'ወልደማርያም']],
  sw: [['Rehema', 'Mwakyusa'], ['Juma', 'Kombo'], ['Neema', 'Mbwambo'], ['Hamisi', 'Mfinanga']],
  zu: [['Nomvula', 'Dlamini'], ['Sibusiso', 'Ngcobo'], ['Thandeka', 'Mkhize'], ['Sifiso', 'Zungu']],
  tn: [['Kagiso', 'Molefe'], ['Boitumelo', 'Seretse'], ['Onalenna', 'Mogapi'], ['Tshepo', 'Kgosietsile']],
  tet: [['Imaculada', 'da Costa Belo'], ['Aniceto', 'Guterres Lopes'], ['Filomena', 'Soares Ximenes'], ['Januário', 'Ximenes Pinto']],
  nah: [['Xochitl', 'Tecuatl'], ['Cuauhtémoc', 'Coyotzin'], ['Citlali', 'Tlapalcoyotl'], ['Tonatiuh', 'Xicohténcatl']],
  wbp: [['Rosie', 'Napaljarri'], ['Darcy', 'Tjungurrayi'], ['Lorna', 'Nangala'], ['Jimmy', 'Jampijinpa']],
  tt: [['Savitri', 'Ramkissoon'], ['Deodath', 'Maharaj'], ['Indira', 'Boodhoo'], ['Kavindra', 'Persad-Bissessar']],
  kea: [['Djenifer', 'Tavares Fortes'], ['Nhonhô', 'Semedo'], ['Kátia', 'Lopes Monteiro'], ['Djidjí', 'Andrade Varela']],
  lad: [['Rivka', 'Benveniste'], ['Avram', 'Alhadeff'], ['Bulisa', 'Menasche'], ['Yako', 'Hasson']],
  crh: [['Ayşe', 'Bekirova'], ['Refat', 'Ablayev'], ['Lenüse', 'Seitablaeva'], ['Server', 'Mustafayev']],
  kmr: [['Rojda', 'Xelîl'], ['Bêrîvan', 'Şêxmûs'], ['Azad', 'Zaxoyî'], ['Nêçîrvan', 'Bêrwarî']],
  vi: [['Thị Hồng Nhung', 'Nguyễn'], ['Văn Đức', 'Phạm'], ['Ngọc Ánh', 'Trần'], ['Quang Vinh', 'Lê']],
  ja_zh: [['陽菜', '佐々木'], ['翔太', '高橋'], ['志明', '陳'], ['淑芬', '林']],
  en_dbl: [['Harriet', 'Smith-Jones'], ['Delphine', 'Okonkwo-Barrett'], ['Marisol', 'Whitfield-Ortega'], ['Tobias', 'Lindqvist-Avery']],
};
const CJK = new Set(['ja_zh']);
const FAMILY_FIRST = new Set(['vi']);

const NICKS = ['Ninny', 'Gigi', 'Bobo', 'Lulu', 'Zazu', 'Pip', 'Tiko', 'Mimi', 'Dodo', 'Kiki'];

/** How a name is written in a document. */
const full = (n: Name): string => (CJK.has(n.locale) ? `${n.family}${n.given}` : FAMILY_FIRST.has(n.locale) ? `${n.family} ${n.given}` : `${n.given} ${n.family}`);
const hostile = {
  familyGiven: (n: Name) => (CJK.has(n.locale) ? full(n) : `${n.family}, ${n.given}`),
  capsFamily: (n: Name) => (CJK.has(n.locale) ? full(n) : `${n.family.toUpperCase()} ${n.given}`),
  quotedNick: (n: Name, r: Rand) => (CJK.has(n.locale) ? full(n) : `${n.given} "${r.pick(NICKS)}" ${n.family}`),
  bracketNick: (n: Name, r: Rand) => (CJK.has(n.locale) ? full(n) : `${n.given} (${r.pick(NICKS)}) ${n.family}`),
  softHyphen: (n: Name) => full(n).replace(/^(.{3})/u, '$1\u00ad'),
  nbsp: (n: Name) => full(n).replace(' ', '\u00a0'),
  nfd: (n: Name) => full(n).normalize('NFD'),
  zwsp: (n: Name) => full(n).replace(/^(.{2})/u, '$1\u200b'),
};
type Hostile = keyof typeof hostile;

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const TEENS = ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const ORD = ['', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth', 'twentieth'];
const under100 = (n: number): string => (n < 10 ? ONES[n]! : n < 20 ? TEENS[n - 10]! : `${TENS[Math.floor(n / 10)]}${n % 10 ? `-${ONES[n % 10]}` : ''}`);
const ageWords = (n: number): string => (n < 100 ? under100(n) : `one hundred${n > 100 ? ` and ${under100(n - 100)}` : ''}`);
const ordinal = (d: number): string => (d <= 20 ? ORD[d]! : d < 30 ? `twenty-${ORD[d - 20]}` : 'thirtieth');
const yearWords = (y: number): string => `${under100(Math.floor(y / 100))} ${y % 100 === 0 ? 'hundred' : y % 100 < 10 ? `oh ${ONES[y % 100]}` : under100(y % 100)}`;
const digitWords = (s: string): string => [...s].map((c) => (/\d/.test(c) ? ONES[Number(c)] : c === '-' ? 'dash' : c)).join(' ').replace(/ dash /g, ', ');

const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const RO_MONTHS = ['ianuarie', 'februarie', 'martie', 'aprilie', 'mai', 'iunie', 'iulie', 'august', 'septembrie', 'octombrie', 'noiembrie', 'decembrie'];
const LV_MONTHS = ['janvārī', 'februārī', 'martā', 'aprīlī', 'maijā', 'jūnijā', 'jūlijā', 'augustā', 'septembrī', 'oktobrī', 'novembrī', 'decembrī'];
const TR_MONTHS = ['Ocak', 'Şubat', 'Mart', 'Nisan', 'Mayıs', 'Haziran', 'Temmuz', 'Ağustos', 'Eylül', 'Ekim', 'Kasım', 'Aralık'];
const EL_MONTHS = ['Ιανουαρίου', 'Φεβρουαρίου', 'Μαρτίου', 'Απριλίου', 'Μαΐου', 'Ιουνίου', 'Ιουλίου', 'Αυγούστου', 'Σεπτεμβρίου', 'Οκτωβρίου', 'Νοεμβρίου', 'Δεκεμβρίου'];

type Country = 'ge' | 'lv' | 'sk' | 'si' | 'rs' | 'gr' | 'ro' | 'tr' | 'az' | 'uz' | 'br' | 'mx' | 'es' | 'it' | 'dk' | 'id' | 'vn' | 'jp' | 'in' | 'ke' | 'us';
type Style = 'en' | 'iso' | 'ro' | 'lv' | 'tr' | 'el' | 'dot' | 'vi' | 'ja' | 'words' | 'short';

/** [street, postcode, city] per country, in that country's way; '' where it writes none. */
const ADDRESSES: Record<Country, readonly (readonly [string, string, string])[]> = {
  ge: [['Chavchavadze Ave 37, apt 12', '0179', 'Tbilisi'], ['ქ. რუსთაველის გამზირი 12', '0108', 'თბილისი'], ['Tsereteli St 4', '4600', 'Kutaisi']],
  lv: [['Brīvības iela 102-15', 'LV-1001', 'Rīga'], ['Rīgas iela 7 k-2', 'LV-5401', 'Daugavpils'], ['Graudu iela 22', 'LV-3401', 'Liepāja']],
  sk: [['Hlavná 14', '040 01', 'Košice'], ['Ulica 17. novembra 9', '080 01', 'Prešov'], ['Námestie Andreja Hlinku 3', '010 01', 'Žilina']],
  si: [['Prešernova cesta 10', '1000', 'Ljubljana'], ['Ulica heroja Šaranoviča 27', '2000', 'Maribor'], ['Cesta v Trnovlje 5', '3000', 'Celje']],
  rs: [['Булевар краља Александра 73', '11000', 'Београд'], ['Knez Mihailova 12', '11000', 'Beograd'], ['Vožda Karađorđa 48', '18000', 'Niš']],
  gr: [['Οδός Ερμού 25', '105 63', 'Αθήνα'], ['Odos Tsimiski 41', '546 23', 'Thessaloniki'], ['Λεωφόρος Κηφισίας 112', '115 26', 'Αθήνα']],
  ro: [['Strada Lipscani 14, bl. A2, sc. 1, et. 3, ap. 12', '030031', 'București'], ['Calea Dorobanților 6', '400117', 'Cluj-Napoca'], ['Bd. Independenței 9', '700102', 'Iași']],
  tr: [['Atatürk Cad. No: 45 D: 7', '34710', 'Kadıköy'], ['Bağdat Cd. No:210 Daire 3', '34728', 'Kadıköy'], ['Çankaya Sk. No: 8', '26010', 'Eskişehir']],
  az: [['Nizami küç. 58, mənzil 14', 'AZ1000', 'Bakı'], ['Füzuli pr. 21', 'AZ2000', 'Gəncə']],
  uz: [["Amir Temur ko'chasi 15, 4-xonadon", '100000', 'Toshkent'], ["Registon ko'chasi 3", '140100', 'Samarqand']],
  br: [['Rua Augusta, 1500, apto 42', '01304-001', 'São Paulo'], ['Av. Afonso Pena, 3111', '30130-008', 'Belo Horizonte']],
  mx: [['Av. Insurgentes Sur 1602, Col. Crédito Constructor', '03940', 'Ciudad de México'], ['Calle Macedonio Alcalá 407', '68000', 'Oaxaca de Juárez']],
  es: [['C/ Mayor, 12, 3º B', '28013', 'Madrid'], ['Carrer de Verdi 88, 2n 1a', '08012', 'Barcelona']],
  it: [['Via dei Mille 23', '80121', 'Napoli'], ['Piazza Garibaldi 4, int. 5', '43121', 'Parma']],
  dk: [['Vesterbrogade 41, 3. tv.', '1620', 'København V'], ['Østergade 7, 1. sal', '8000', 'Aarhus C'], ['Kongensgade 60, st. th.', '5000', 'Odense C']],
  id: [['Jl. Malioboro No. 52', '55271', 'Yogyakarta'], ['Jalan Gatot Subroto Kav. 18', '12930', 'Jakarta Selatan']],
  vn: [['Số 12 Ngõ 45 Phố Huế, Quận Hai Bà Trưng', '', 'Hà Nội'], ['88 Đường Lê Lợi, Phường Bến Nghé, Quận 1', '', 'TP. Hồ Chí Minh']],
  jp: [['西新宿2-8-1', '〒163-8001', '新宿区'], ['中央区銀座4-6-16', '〒104-0061', '東京都']],
  in: [['Flat 4B, Shanti Apartments, MG Road', '560001', 'Bengaluru'], ['Plot 21, Saheed Nagar', '751007', 'Bhubaneswar']],
  ke: [['P.O. Box 30197', '00100', 'Nairobi'], ['Moi Avenue, Bima Towers, 5th Floor', '80100', 'Mombasa']],
  us: [['4410 State Route 9', 'NY 12986', 'Tupper Lake'], ['PO Box 412', 'MT 59043', 'Lame Deer'], ['RR 2 Box 118', 'KY 41501', 'Pikeville'], ['HC 65 Box 20', 'AK 99752', 'Kotzebue'], ['1250 County Road 14 NW', 'MN 56601', 'Bemidji'], ['Hwy 264 Mile Marker 3', 'AZ 86515', 'Window Rock']],
};
/** Towns for "lives near X" and the like. */
const TOWNS = ['Ennis', 'Kutaisi', 'Ostrava', 'Tulsa', 'Zugdidi', 'Trnava', 'Jelgava', 'Kranj', 'Larissa', 'Brașov', 'Bemidji', 'Pikeville', 'Andijon', 'Sumqayıt', 'Gulu', 'Mwanza'];

class Values extends SetValues<Rand> {
  date(style: Style): string {
    const { y, m, d } = this.ymd(1915, 2024);
    const r = this.r;
    switch (style) {
      case 'iso': return `${y}-${pad(m)}-${pad(d)}`;
      case 'ro': return `${d} ${RO_MONTHS[m - 1]} ${y}`;
      case 'lv': return `${y}. gada ${d}. ${LV_MONTHS[m - 1]}`;
      case 'tr': return `${d} ${TR_MONTHS[m - 1]} ${y}`;
      case 'el': return `${d} ${EL_MONTHS[m - 1]} ${y}`;
      case 'dot': return `${pad(d)}.${pad(m)}.${y}`;
      case 'vi': return `ngày ${d} tháng ${m} năm ${y}`;
      case 'ja': return `${y}年${m}月${d}日`;
      case 'words': return r.pick([`the ${ordinal(d)} of ${EN_MONTHS[m - 1]}, ${yearWords(y)}`, `${EN_MONTHS[m - 1]} ${ordinal(d)}, ${yearWords(y)}`]);
      case 'short': return `${pad(m)}/${pad(d)}/${String(y).slice(2)}`;
      default: return r.pick([`${EN_MONTHS[m - 1]} ${d}, ${y}`, `${m}/${d}/${y}`, `${d} ${EN_MONTHS[m - 1]!.slice(0, 3)} ${y}`]);
    }
  }
  phone(c: Country): string {
    const r = this.r;
    const d = (n: number) => r.digits(n);
    switch (c) {
      case 'ge': return `+995 5${d(2)} ${d(2)} ${d(2)} ${d(2)}`;
      case 'lv': return `+371 2${d(3)} ${d(4)}`;
      case 'tr': return `0532 ${d(3)} ${d(2)} ${d(2)}`;
      case 'br': return `(11) 9${d(4)}-${d(4)}`;
      case 'mx': return `55 ${d(4)} ${d(4)}`;
      case 'vn': return `090 ${d(3)} ${d(4)}`;
      case 'jp': return `090-${d(4)}-${d(4)}`;
      case 'dk': return `+45 ${d(2)} ${d(2)} ${d(2)} ${d(2)}`;
      case 'ro': return `07${d(2)} ${d(3)} ${d(3)}`;
      default: return r.pick([`${r.int(201, 989)}.${r.int(201, 989)}.${d(4)}`, `${r.int(201, 989)}${r.int(201, 989)}${d(4)}`, `(${r.int(201, 989)}) ${r.int(201, 989)} ${d(4)}`]);
    }
  }
  ssn(): string {
    return `${this.r.int(100, 665)}-${pad(this.r.int(1, 99))}-${pad(this.r.int(1, 9999), 4)}`;
  }
  email(n: Name): string {
    const base = `${n.given}.${n.family}`.normalize('NFD').replace(/[^A-Za-z.]/g, '').toLowerCase() || `pt${this.r.digits(5)}`;
    return `${base.replace(/^\.|\.$/g, '') || 'p'}${this.r.int(1, 99)}@${this.r.pick(['gmail.com', 'mail.ru', 'yahoo.co.jp', 'outlook.com', 'posteo.de'])}`;
  }
  mrn(): string {
    return this.r.pick([this.r.digits(8), `${this.r.digits(3)}-${this.r.digits(4)}`, `MR${this.r.digits(7)}`]);
  }
}

const nameEntity = (b: DocumentBuilder, n: Name, text = full(n)) => b.entity('NAME', text, n.locale);
/** A name, hostile in the given share of draws. */
const someName = (b: DocumentBuilder, r: Rand, n: Name, share = 0.35, kinds: Hostile[] = Object.keys(hostile) as Hostile[]) => {
  if (!r.chance(share)) return nameEntity(b, n);
  const kind = r.pick(kinds);
  return nameEntity(b, n, hostile[kind](n, r));
};
const address = (b: DocumentBuilder, r: Rand, c: Country) => {
  const [street, zip, city] = r.pick(ADDRESSES[c]);
  b.entity('STREET_ADDRESS', street);
  if (c === 'us') {
    const [state, code] = zip.split(' ');
    b.text(', ').entity('CITY', city).text(`, ${state} `).entity('ZIP', code!);
  } else if (c === 'jp') b.text('、').entity('CITY', city).text(' ').entity('ZIP', zip);
  else if (c === 'vn') b.text(', ').entity('CITY', city);
  else if (c === 'ke') b.text(' - ').entity('ZIP', zip).text(', ').entity('CITY', city);
  else if (c === 'br') b.text(', ').entity('CITY', city).text(' - SP, ').entity('ZIP', zip);
  else if (c === 'in' || c === 'ge' || c === 'az' || c === 'uz') b.text(', ').entity('CITY', city).text(' ').entity('ZIP', zip);
  else b.text(', ').entity('ZIP', zip).text(' ').entity('CITY', city);
};
const age = (b: DocumentBuilder, v: Values, words = false) => {
  const a = v.age();
  if (a > 89) b.entity('AGE', words ? ageWords(a) : String(a));
  else b.text(words ? ageWords(a) : String(a));
};

const FILLERS = [
  'Second opinion from the Mayo Clinic agreed with Hashimoto thyroiditis; levothyroxine 75 mcg.\n',
  'Kussmaul breathing resolved after the insulin drip; anion gap 12.\n',
  'Trousseau sign positive, Chvostek sign negative; calcium 1.9 mmol/L.\n',
  'Left supraclavicular (Virchow) node palpable, referred to Sloan Kettering.\n',
  'Previously treated at Great Ormond Street for Kawasaki disease.\n',
  'Mallory-Weiss tear on OGD; Forrest III, no intervention.\n',
  'Ménière disease on betahistine 16 mg TDS; Dix-Hallpike negative.\n',
  'Dupuytren contracture of the right ring finger, Tubiana stage 2.\n',
  'Bell palsy, House-Brackmann III; prednisolone 60 mg for 5 days.\n',
  'Follow-up at Johns Hopkins for Takayasu arteritis, ESR 34 mm/h.\n',
  'Kaiser Permanente formulary prefers apixaban 5 mg BID.\n',
  'St. Jude protocol completed in 2009; echo EF 58 %.\n',
];

const FORMATS: Record<string, DocumentFormat<Rand, Values>> = {
  guardianship: {
    open: (b, r, v) => {
      const n = v.names.one();
      b.text('IN THE MATTER OF THE GUARDIANSHIP OF ');
      nameEntity(b, n, CJK.has(n.locale) ? full(n) : full(n).toUpperCase()).text(', an incapacitated adult, age ');
      age(b, v);
      b.text('.\n\n');
    },
    items: [
      (b, r, v) => {
        b.text('The Respondent resides at ');
        address(b, r, 'us');
        b.text(' and has lived there since ').entity('DATE', v.date('en')).text('.\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('Petitioner ');
        someName(b, r, n).text(", the Respondent's ").text(r.pick(['niece', 'son', 'daughter-in-law', 'neighbour'])).text(', appeared in person; ');
        if (CJK.has(n.locale)) b.text('the testimony was credible.\n');
        else b.entity('NAME', n.given, n.locale).text("'s testimony was credible.\n");
      },
      (b, r, v) => void b.text('The Respondent was born on ').entity('DATE', v.date('words')).text(', in ').entity('CITY', r.pick(TOWNS)).text('.\n'),
      (b, r, v) => {
        b.text('The court finds the Respondent, now ');
        age(b, v, r.chance(0.5));
        b.text(' years old, unable to manage her affairs.\n');
      },
    ],
  },
  appealLetter: {
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('Re: Appeal for ');
        nameEntity(b, n, hostile.familyGiven(n)).text(' - Member ID ').entity('HEALTH_PLAN_ID', `${r.pick(['XJH', 'WQB', 'MBR'])}${r.digits(9)}`).text('\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        const c = r.pick<Country>(['ge', 'lv', 'ro', 'tr', 'br', 'dk', 'it']);
        b.text('My mother, ');
        someName(b, r, n).text(', is ');
        age(b, v);
        b.text(' years old and lives with me at ');
        address(b, r, c);
        b.text('.\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('You can reach me at ').entity('PHONE', v.phone('us')).text(' or ');
        if (r.chance(0.5)) b.entity('EMAIL', v.email(n).replace('@', ' at ').replace(/\./g, ' dot '));
        else b.entity('EMAIL', v.email(n));
        b.text('.\n');
      },
      (b, r, v) => void b.text('Date of service: ').entity('DATE', v.date(r.pick<Style>(['en', 'short', 'iso']))).text('. The denial letter is attached.\n'),
    ],
  },
  interpreterLog: {
    noFillers: true,
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.entity('DATE', v.date('iso')).text(' | ');
        someName(b, r, n, 0.3, ['capsFamily', 'familyGiven', 'nfd']).text(` | ${r.pick(['Georgian', 'Uzbek', 'Amharic', 'Latvian', 'Tetum', 'Greek', 'Serbian', 'Swahili', 'Vietnamese'])} | `);
        b.entity('PHONE', v.phone(r.pick<Country>(['us', 'ge', 'lv', 'vn']))).text(` | Rm ${r.int(100, 499)}\n`);
      },
    ],
  },
  screeningLog: {
    noFillers: true,
    items: [
      (b, r, v) => {
        const n = v.names.one();
        const [, zip, city] = r.pick(ADDRESSES[r.pick<Country>(['us', 'lv', 'sk', 'it'])]);
        b.entity('MRN', v.mrn()).text(',');
        if (CJK.has(n.locale)) b.entity('NAME', full(n), n.locale).text(',');
        else b.entity('NAME', n.family.toUpperCase(), n.locale).text(',').entity('NAME', n.given, n.locale).text(',');
        b.entity('DATE', v.date('iso')).text(',');
        b.entity('ZIP', zip.replace(/^[A-Z]{2} /, '')).text(',').entity('CITY', city).text(`,${r.pick(['eligible', 'screen fail', 'consented', 'withdrawn'])}\n`);
      },
    ],
  },
  dentalNote: {
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('Pt ');
        nameEntity(b, n, r.chance(0.5) ? hostile.bracketNick(n, r) : hostile.quotedNick(n, r)).text(', ');
        age(b, v);
        b.text(' y/o, presented for #14 MOD composite; tolerated well.\n');
      },
      (b, r) => void b.text(r.pick(['Lives near ', 'Drives in from just outside ', 'Moved here from '])).entity('CITY', r.pick(TOWNS)).text(', prefers morning slots.\n'),
      (b, r, v) => {
        const n = v.names.one();
        if (CJK.has(n.locale)) return void b.text('Recall in 6 months.\n');
        b.entity('NAME', n.given, n.locale).text("'s dentures relined; recall in 6 months.\n");
      },
    ],
  },
  birthNotification: {
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('Mother: ');
        nameEntity(b, n).text(', born ').entity('DATE', v.date('dot')).text('\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('Father: ');
        nameEntity(b, n, hostile.familyGiven(n)).text('\n');
      },
      (b, r) => {
        b.text('Address: ');
        address(b, r, r.pick<Country>(['dk', 'lv', 'sk', 'si']));
        b.text('\n');
      },
      (b, r, v) => void b.text('Baby girl born ').entity('DATE', v.date('dot')).text(` at ${r.int(0, 23)}:${pad(r.int(0, 59))}, ${r.int(2400, 4300)} g, Apgar 9/10.\n`),
    ],
  },
  correctional: {
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('Inmate ');
        nameEntity(b, n, CJK.has(n.locale) ? full(n) : `${n.family.toUpperCase()}, ${n.given}`).text(' #').entity('OTHER_ID', r.digits(r.int(6, 8))).text(', DOB ').entity('DATE', v.date('short')).text(', transferred to medical unit B.\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('Next of kin: ');
        someName(b, r, n).text(` (${r.pick(['sister', 'wife', 'uncle', 'grandmother'])}), `).entity('PHONE', v.phone('us')).text('.\n');
      },
    ],
  },
  crisisLine: {
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('caller says her name is ');
        nameEntity(b, n, full(n).toLowerCase()).text(' and she lives on ');
        const [street, zip, city] = r.pick(ADDRESSES.us);
        b.entity('STREET_ADDRESS', street.toLowerCase()).text(' in ').entity('CITY', city.toLowerCase()).text(' ').entity('ZIP', zip.split(' ')[1]!.split('').join(' ')).text('\n');
      },
      (b, r, v) => void b.text('her number is ').entity('PHONE', digitWords(v.phone('us').replace(/\D/g, ''))).text(' she said call back after six\n'),
      (b, r, v) => {
        b.text('she is ');
        age(b, v, true);
        b.text(' and lives alone since her husband passed\n');
      },
      (b, r, v) => void b.text('social is ').entity('SSN', digitWords(v.ssn())).text(' for the benefits form\n'),
    ],
  },
  complaintEmail: {
    open: (b, r, v) => {
      const n = v.names.one();
      b.text('From: ').entity('EMAIL', v.email(n)).text('\nSubject: complaint\n\n');
    },
    items: [
      (b, r, v) => {
        b.text('My name is ');
        someName(b, r, v.names.one()).text(' and I am writing about my father ');
        someName(b, r, v.names.one()).text(', who turned ');
        age(b, v, true);
        b.text(' in March.\n');
      },
      (b, r, v) => void b.text('He was admitted on ').entity('DATE', v.date('en')).text(' and nobody called us until the next day.\n'),
      (b, r, v) => {
        b.text('Please write to us at ');
        address(b, r, r.pick<Country>(['us', 'es', 'mx', 'id', 'in']));
        b.text(' or call ').entity('PHONE', v.phone(r.pick<Country>(['us', 'mx']))).text('.\n');
      },
    ],
  },
  teamChat: {
    noFillers: true,
    items: [
      (b, r, v) => {
        const n = v.names.one();
        const m = v.names.one();
        b.text(`[${pad(r.int(7, 22))}:${pad(r.int(0, 59))}] @charge: bed ${r.int(1, 30)} is `);
        if (CJK.has(n.locale)) nameEntity(b, n);
        else b.entity('NAME', n.given, n.locale).text("'s mum, ").entity('NAME', n.family.toUpperCase(), n.locale);
        b.text("; she's ");
        age(b, v);
        b.text('. daughter ');
        nameEntity(b, m, CJK.has(m.locale) ? full(m) : m.given).text(' on ').entity('PHONE', v.phone('us')).text('\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text(`[${pad(r.int(7, 22))}:${pad(r.int(0, 59))}] @pharm: can someone check `);
        nameEntity(b, n).text(' allergies? chart says NKDA\n');
      },
    ],
  },
  jsonLines: {
    noFillers: true,
    items: [
      (b, r, v) => {
        const n = v.names.one();
        const [street, zip, city] = r.pick(ADDRESSES[r.pick<Country>(['lv', 'sk', 'si', 'rs', 'ro', 'it'])]);
        b.text('{"c1":"').entity('NAME', n.family, n.locale).text('","c2":"').entity('NAME', n.given, n.locale).text('","c3":"').entity('DATE', v.date('iso'));
        b.text('","c4":"').entity('STREET_ADDRESS', street).text('","c5":"').entity('ZIP', zip).text('","c6":"').entity('CITY', city).text(`","c7":${r.int(1, 5)}}\n`);
      },
    ],
  },
  tsvPaste: {
    noFillers: true,
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.entity('MRN', v.mrn()).text('\t');
        nameEntity(b, n).text('\t').entity('DATE', v.date(r.pick<Style>(['short', 'dot', 'iso']))).text('\t').entity('PHONE', v.phone(r.pick<Country>(['us', 'ge', 'tr', 'jp']))).text(`\t${r.pick(['A1c 7.2', 'INR 2.4', 'eGFR 41', 'BNP 880'])}\n`);
      },
    ],
  },
  refugeeScreening: {
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('Arrived ').entity('DATE', v.date('en')).text(' from ').entity('CITY', r.pick(['Batumi', 'Andijon', 'Gonder', 'Dili', 'Kirkuk', 'Khujand'])).text(' with ');
        someName(b, r, n).text(` (${r.pick(['spouse', 'brother', 'cousin'])}).\n`);
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('Interpreter confirmed ');
        nameEntity(b, n).text(' is ');
        age(b, v);
        b.text('; TB screen negative, Hep B sAg negative.\n');
      },
      (b, r) => {
        b.text('Temporary address: ');
        address(b, r, r.pick<Country>(['ke', 'in', 'us']));
        b.text('\n');
      },
    ],
  },
  europeanDischarge: {
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('Pacienta ');
        nameEntity(b, n).text(', în vârstă de ');
        age(b, v);
        b.text(' ani, domiciliată în ');
        address(b, r, 'ro');
        b.text(', internată la data de ').entity('DATE', v.date('ro')).text('.\n');
      },
      (b, r, v) => {
        b.text('Pacients ');
        nameEntity(b, v.names.one()).text(', dzim. ').entity('DATE', v.date('lv')).text(', dzīvo ');
        address(b, r, 'lv');
        b.text('.\n');
      },
      (b, r, v) => {
        b.text('Pacientka ');
        nameEntity(b, v.names.one()).text(', nar. ').entity('DATE', v.date('dot')).text(', bytom ');
        address(b, r, 'sk');
        b.text(', tel. ').entity('PHONE', `09${r.digits(2)} ${r.digits(3)} ${r.digits(3)}`).text('.\n');
      },
      (b, r, v) => {
        b.text('Ο ασθενής ');
        nameEntity(b, v.names.one()).text(', ');
        age(b, v);
        b.text(' ετών, κάτοικος ');
        address(b, r, 'gr');
        b.text(', γεν. ').entity('DATE', v.date('el')).text('.\n');
      },
      (b, r, v) => {
        b.text('Пацијент ');
        nameEntity(b, v.names.one()).text(', рођен ').entity('DATE', v.date('dot')).text(', станује ');
        address(b, r, 'rs');
        b.text('.\n');
      },
      (b, r, v) => {
        b.text('Hasta ');
        nameEntity(b, v.names.one()).text(', ');
        age(b, v);
        b.text(' yaşında, adres: ');
        address(b, r, 'tr');
        b.text(', doğum tarihi ').entity('DATE', v.date('tr')).text('.\n');
      },
      (b, r, v) => {
        b.text('Pacient ');
        nameEntity(b, v.names.one()).text(', stanuje na naslovu ');
        address(b, r, 'si');
        b.text(', GSM ').entity('PHONE', `041 ${r.digits(3)} ${r.digits(3)}`).text('.\n');
      },
    ],
  },
  asianDischarge: {
    items: [
      (b, r, v) => {
        b.text('პაციენტი ');
        nameEntity(b, v.names.one()).text(', ');
        age(b, v);
        b.text(' წლის, მისამართი: ');
        address(b, r, 'ge');
        b.text('.\n');
      },
      (b, r, v) => {
        b.text('Bệnh nhân ');
        nameEntity(b, v.names.one()).text(', ');
        age(b, v);
        b.text(' tuổi, địa chỉ ');
        address(b, r, 'vn');
        b.text(', sinh ').entity('DATE', v.date('vi')).text(', ĐT ').entity('PHONE', v.phone('vn')).text('.\n');
      },
      (b, r, v) => {
        b.text('患者 ');
        nameEntity(b, v.names.one()).text('（');
        age(b, v);
        b.text('歳）、住所：');
        address(b, r, 'jp');
        b.text('、生年月日 ').entity('DATE', v.date('ja')).text('、電話 ').entity('PHONE', v.phone('jp')).text('。\n');
      },
      (b, r, v) => {
        b.text('Bemor ');
        nameEntity(b, v.names.one()).text(', manzil: ');
        address(b, r, r.pick<Country>(['uz', 'az']));
        b.text('.\n');
      },
      (b, r, v) => {
        b.text('Pasien ');
        nameEntity(b, v.names.one()).text(', alamat ');
        address(b, r, 'id');
        b.text(', lahir ').entity('DATE', v.date('dot')).text('.\n');
      },
    ],
  },
  dictatedReferral: {
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('referral for ');
        someName(b, r, n, 0.3, ['familyGiven', 'capsFamily']).text(' date of birth ').entity('DATE', v.date('words')).text(' period\n');
      },
      (b, r, v) => void b.text('social security number ').entity('SSN', digitWords(v.ssn()).replace(/,/g, ' dash')).text(' period\n'),
      (b, r, v) => void b.text('best number is ').entity('PHONE', digitWords(v.phone('us').replace(/\D/g, ''))).text(' comma after four pm period\n'),
      (b, r, v) => {
        const n = v.names.one();
        b.text('email ').entity('EMAIL', v.email(n).replace('@', ' at ').replace(/\./g, ' dot ')).text(' period\n');
      },
      (b, r, v) => {
        b.text('patient is a ');
        age(b, v, true);
        b.text(' year old with heart failure new paragraph\n');
      },
    ],
  },
  ehrPaste: {
    items: [
      (b, r, v) => {
        const ssn = v.ssn();
        b.text('SSN: ').entity('SSN', r.pick([ssn.replace(/-(\d{4})$/, '-\n$1'), ssn.replace(/\d/g, (c) => String.fromCharCode(0xff10 + Number(c))), ssn.replace('-', '\u200b-'), `\u200e${ssn}\u200e`])).text('\n');
      },
      (b, r, v) => {
        const p = v.phone('us');
        b.text('Phone: ').entity('PHONE', r.pick([p.replace(/\d/g, (c) => String.fromCharCode(0xff10 + Number(c))), p.replace(/(\d{3})/, '$1\u200b'), p.replace(/(\d)(\d)$/, '$1\u00ad$2')])).text('\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('Patient: ');
        someName(b, r, n, 0.7, ['softHyphen', 'nbsp', 'nfd', 'zwsp']).text('  DOB: ').entity('DATE', v.date('short')).text('\n');
      },
      (b, r, v) => void b.text('MRN: ').entity('MRN', v.mrn().replace(/\d/g, (c) => (r.chance(0.3) ? String.fromCharCode(0xff10 + Number(c)) : c))).text('\n'),
      (b, r, v) => {
        b.text('Age: ');
        age(b, v);
        b.text('\n');
      },
    ],
  },
};

export function generateTenthHeldOut(count = 300, seed = TENTH_SEED): LabelledDocument[] {
  const r = new Rand(seed);
  const names = new NameSource(r, {}, HAND, 0, () => 0);
  return assembleDocuments(count, r, new Values(r, names), FORMATS, FILLERS, [2, 5]);
}
