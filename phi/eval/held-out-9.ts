import { assembleDocuments, type DocumentBuilder, type DocumentFormat, type LabelledDocument } from './document';
import { Draws } from './draws';
import { NameSource, type HandNames, type Name } from './name-source';
import { pad, SetValues } from './set-values';

/**
 * The ninth held-out set, written blind at the start of issue 17's tenth round, before any
 * detector of that round changed, and committed alone with its first run. Blind beside set 8
 * (which stays blind); sets 5–7 are the development sets. Its misses are never listed. Built
 * unlike sets 1–8:
 * - generator: Mulberry32, which no other set uses;
 * - name sources: every faker locale is drawn by some earlier set, so all names here are written
 *   by hand, for 31 communities no set covers: Icelandic patronymics, Northern Sámi, Irish
 *   (Ní/Ó/Mac), Manx, Friulian, Sardinian, Occitan, Galician, Western Armenian, Assyrian,
 *   Chechen, Sakha, Javanese, Bugis, Meitei, Mizo, Sindhi, Hazara, Turkmen, Shona, Sesotho,
 *   Luganda, Kikuyu, Bambara, Paraguayan Guaraní, K'iche', Hawaiian (ʻokina), Marshallese,
 *   Cree/Ojibwe, Cherokee, Yup'ik;
 * - document shapes: Dutch GP referral letters, Swedish and Norwegian nursing notes, Polish
 *   discharge prose, US hospice narratives, chaplaincy notes, speech-to-text call transcripts,
 *   funeral-home release notes written as an obituary, pharmacy delivery run sheets, welfare-check
 *   reports;
 * - addresses, postcodes and cities in the running text of those languages ("wonende aan de
 *   Kerkstraat 12, 1017 GA Amsterdam", "bor på Storgatan 5, 114 55 Stockholm", "zam. ul. Długa
 *   7/3, 00-238 Warszawa", "of Dayton, OH 45402", Irish Eircodes, Danish floor-and-side suffixes),
 *   and cities alone after a preposition in five languages;
 * - ages over 89 in digits and in Dutch, Swedish and Polish words ("drieënnegentig jaar",
 *   "nittiotvå år", "dziewięćdziesiąt dwa lata");
 * - hostile spellings none of sets 1–8 use: an initial for the given name ("S. Ní Bhriain"),
 *   "Family, Given" inside a sentence, a nickname in parentheses, speech-to-text in lower case
 *   with the name spelled out after it, a possessive in Dutch and Swedish ("Guðrúns dotter");
 * - PHI-free sentences in Dutch, Swedish, Polish and English with eponyms and institutions that
 *   carry a person's name (Antoni van Leeuwenhoek, Karolinska, Sjögren, Leśniowski-Crohn).
 *
 * Scored through findInText (the maskText path). First run in phi/README.md "Measuring". Never
 * tune on this set, never look at its misses, and never edit it to raise its figures.
 */
export const NINTH_SEED = 90917;

/** Mulberry32 (Tommy Ettinger): a 32-bit counter through a two-multiply mix. */
class Rand extends Draws {
  private s: number;
  constructor(seed: number) {
    super();
    this.s = (seed * 2654435761) >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** Full names written by hand, [given, family]. */
const HAND: HandNames = {
  is: [['Guðrún', 'Sigurðardóttir'], ['Þórður', 'Ólafsson'], ['Hrafnhildur', 'Einarsdóttir'], ['Ævar', 'Kristjánsson']],
  se: [['Máret', 'Somby'], ['Ánde', 'Gaup'], ['Elle Marja', 'Eira'], ['Nils-Aslak', 'Valkeapää']],
  ga: [['Siobhán', 'Ní Bhriain'], ['Pádraig', 'Ó Súilleabháin'], ['Caoimhe', 'Mac Giolla Phádraig'], ['Tadhg', 'Ó Dálaigh']],
  gv: [['Juan', 'Quayle'], ['Ealish', 'Kermode'], ['Illiam', 'Corlett'], ['Moirrey', 'Quilliam']],
  fur: [['Pieri', 'Tomasin'], ['Catine', 'Zuliani'], ['Tite', 'Cjandet'], ['Gjenio', 'Del Fabbro']],
  sc: [['Bachisio', 'Pinna'], ['Tonina', 'Murgia'], ['Efisio', 'Sanna'], ['Gavina', 'Porcu']],
  oc: [['Jòrdi', 'Fabre'], ['Mirelha', 'Cabanas'], ['Estève', 'Roqueta'], ['Joana', 'Dellac']],
  gl: [['Xosé Manuel', 'Outeiriño'], ['Uxía', 'Cendón'], ['Xoán', 'Barreiro Lamas'], ['Iria', 'Pazos']],
  hyw: [['Hagop', 'Der Bedrossian'], ['Araksi', 'Kouyoumdjian'], ['Sarkis', 'Mardirossian'], ['Zabel', 'Boyajian']],
  syr: [['Ninos', 'Odisho'], ['Shamiram', 'Benyamin'], ['Sargon', 'Khoshaba'], ['Ashur', 'Yalda']],
  ce: [['Ruslan', 'Dudurkaev'], ['Zarema', 'Bisultanova'], ['Adlan', 'Magomadov'], ['Kheda', 'Saratova']],
  sah: [['Aital', 'Nikiforov'], ['Sardaana', 'Unarova'], ['Ayaal', 'Struchkov'], ['Kyunney', 'Vasilyeva']],
  jv: [['Sri', 'Mulyani'], ['Bambang', 'Sutrisno'], ['Tri', 'Rismaharini'], ['Slamet', 'Riyadi']],
  bug: [['Andi', 'Mappanyukki'], ['Besse', 'Tenriawaru'], ['Andi', 'Tenri Ajeng'], ['Daeng', 'Matutu']],
  mni: [['Ibomcha', 'Laishram'], ['Thoibi', 'Ningombam'], ['Tomba', 'Khumanthem'], ['Memcha', 'Yumnam']],
  lus: [['Lalrinpuii', 'Ralte'], ['Vanlalhruaia', 'Hmar'], ['Zothanpuii', 'Chhangte'], ['Lalthlamuana', 'Sailo']],
  sd: [['Ghulam Hyder', 'Soomro'], ['Shabnam', 'Memon'], ['Naveed', 'Junejo'], ['Rukhsana', 'Abro']],
  haz: [['Sakina', 'Yaqubi'], ['Qurban Ali', 'Changezi'], ['Fatema', 'Jaghori'], ['Ismail', 'Behishti']],
  tk: [['Ogulgerek', 'Annaýewa'], ['Serdar', 'Baýramdurdyýew'], ['Maral', 'Atayewa'], ['Döwlet', 'Orazmyradow']],
  sn: [['Tendai', 'Mutasa'], ['Rudo', 'Chikwanha'], ['Farai', 'Madzivanyika'], ['Nyasha', 'Zvobgo']],
  st: [['Palesa', 'Mokoena'], ['Thabo', 'Letsie'], ['Lineo', 'Matšela'], ['Teboho', 'Ramokhoase']],
  lg: [['Nakato', 'Ssekandi'], ['Mukasa', 'Kiwanuka'], ['Namubiru', 'Nalwoga'], ['Ssemakula', 'Lubega']],
  ki: [['Wanjiru', 'Kamau'], ['Njoroge', 'wa Gathoni'], ['Wambui', 'Mwangi'], ['Kariuki', "Ng'ang'a"]],
  bm: [['Fatoumata', 'Diarra'], ['Seydou', 'Koné'], ['Aminata', 'Sangaré'], ['Boubacar', 'Coulibaly']],
  gn: [['Ramona', 'Arevalos Benítez'], ['Celso', 'Ayala Ñamandú'], ['Liduvina', 'Ortiz Cáceres'], ['Higinio', 'Insfrán']],
  quc: [['Ixchel', 'Tzoc'], ['Tomás', 'Xiloj Ajpop'], ['Rigoberta', 'Tum'], ['Baltazar', 'Ixcoy']],
  haw: [['Kealoha', 'Kahananui'], ['Leilani', 'Kaʻawaloa'], ['Keoni', 'Pukahi'], ['Mahealani', 'Kealamakia']],
  mh: [['Jina', 'Lanwi'], ['Rubon', 'Jetnil'], ['Tarlang', 'Lakjohn'], ['Neijon', 'Rilang']],
  cr: [['Keewatin', 'Sinclair'], ['Nokomis', 'Wabasha'], ['Waseyabin', 'Kakegamic'], ['Migizi', 'Beardy']],
  chr: [['Wilma', 'Sixkiller'], ['Redbird', 'Oosahwe'], ['Ahyoka', 'Crittenden'], ['Tsali', 'Sequoyah']],
  ypk: [['Anguyaluk', 'Nanalook'], ['Cikigaq', 'Nicori'], ['Akiuk', 'Paniyak'], ['Angalgaq', 'Oscar']],
};

const hostile = {
  initial: (n: Name) => `${n.given[0]}. ${n.family}`,
  familyFirst: (n: Name) => `${n.family}, ${n.given}`,
  nickname: (n: Name) => `${n.given} (${n.given.slice(0, 3)}) ${n.family}`,
  lower: (n: Name) => `${n.given} ${n.family}`.toLowerCase(),
};

const NL_MON = ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'];
const SV_MON = ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'];
const PL_MON = ['stycznia', 'lutego', 'marca', 'kwietnia', 'maja', 'czerwca', 'lipca', 'sierpnia', 'września', 'października', 'listopada', 'grudnia'];
const EN_MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const NL_UNITS = ['', 'een', 'twee', 'drie', 'vier', 'vijf', 'zes', 'zeven', 'acht', 'negen'];
const SV_UNITS = ['', 'ett', 'två', 'tre', 'fyra', 'fem', 'sex', 'sju', 'åtta', 'nio'];
const PL_UNITS = ['', 'jeden', 'dwa', 'trzy', 'cztery', 'pięć', 'sześć', 'siedem', 'osiem', 'dziewięć'];
const nlWords = (n: number) => (n === 90 ? 'negentig' : `${NL_UNITS[n - 90]}${/[ae]$/.test(NL_UNITS[n - 90]!) ? 'ën' : 'en'}negentig`);
const svWords = (n: number) => `nittio${SV_UNITS[n - 90]}`;
const plWords = (n: number) => `dziewięćdziesiąt${n > 90 ? ` ${PL_UNITS[n - 90]}` : ''}`;

type Lang = 'nl' | 'sv' | 'nb' | 'pl' | 'us' | 'ie' | 'da';

class Values extends SetValues<Rand> {
  date(lang: Lang): string {
    const { y, m, d } = this.ymd();
    const r = this.r;
    if (lang === 'nl') return r.pick([`${d} ${NL_MON[m - 1]} ${y}`, `${pad(d)}-${pad(m)}-${y}`]);
    if (lang === 'sv') return r.pick([`${y}-${pad(m)}-${pad(d)}`, `${d} ${SV_MON[m - 1]} ${y}`, `${String(y).slice(2)}${pad(m)}${pad(d)}`]);
    if (lang === 'nb' || lang === 'da') return r.pick([`${pad(d)}.${pad(m)}.${y}`, `${d}. ${SV_MON[m - 1]!.replace('maj', 'mai')} ${y}`]);
    if (lang === 'pl') return r.pick([`${d} ${PL_MON[m - 1]} ${y} r.`, `${pad(d)}.${pad(m)}.${y} r.`]);
    return r.pick([`${m}/${d}/${y}`, `${EN_MON[m - 1]} ${d} ${y}`, `${d}-${EN_MON[m - 1]}-${y}`]);
  }
  phone(lang: Lang): string {
    const r = this.r;
    if (lang === 'nl') return r.pick([`06-${r.digits(8)}`, `+31 6 ${r.digits(4)} ${r.digits(4)}`, `020-${r.digits(7)}`]);
    if (lang === 'sv') return r.pick([`070-${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`, `08-${r.digits(3)} ${r.digits(3)} ${r.digits(2)}`]);
    if (lang === 'nb' || lang === 'da') return r.pick([`${r.int(4, 9)}${r.digits(2)} ${r.digits(2)} ${r.digits(3)}`, `+47 ${r.digits(3)} ${r.digits(2)} ${r.digits(3)}`, `+45 ${r.digits(2)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`]);
    if (lang === 'pl') return r.pick([`${r.int(500, 799)} ${r.digits(3)} ${r.digits(3)}`, `+48 ${r.int(500, 799)}-${r.digits(3)}-${r.digits(3)}`]);
    if (lang === 'ie') return r.pick([`08${r.int(3, 9)} ${r.digits(3)} ${r.digits(4)}`, `(021) ${r.digits(3)} ${r.digits(4)}`]);
    return r.pick([`${r.int(201, 989)}.${r.int(200, 989)}.${r.digits(4)}`, `${r.int(201, 989)}-${r.int(200, 989)}-${r.digits(4)}`]);
  }
}

/** [street, postcode, city] per country, written the way that country writes them. */
const ADDRESSES: Record<Lang, readonly (readonly [string, string, string])[]> = {
  nl: [['Kerkstraat 12', '1017 GA', 'Amsterdam'], ['Oude Gracht 214', '3511 NR', 'Utrecht'], ['Dorpsweg 3a', '8271 BT', 'IJsselmuiden'], ['Burgemeester Roelenweg 9', '8021 EV', 'Zwolle']],
  sv: [['Storgatan 5', '114 55', 'Stockholm'], ['Kungsgatan 48 B', '753 21', 'Uppsala'], ['Skolvägen 7', '903 30', 'Umeå'], ['Norra Strandgatan 2', '972 34', 'Luleå']],
  nb: [['Storgata 3', '0155', 'Oslo'], ['Kirkegata 22', '9008', 'Tromsø'], ['Bjørnstjerne Bjørnsons gate 11', '3044', 'Drammen']],
  da: [['Nørregade 14, 2. th.', '1165', 'København K'], ['Vestergade 8, st. tv.', '8000', 'Aarhus C']],
  pl: [['ul. Długa 7/3', '00-238', 'Warszawa'], ['os. Piastów 21 m. 40', '31-624', 'Kraków'], ['al. Grunwaldzka 113/5', '80-244', 'Gdańsk'], ['ul. Świętojańska 5', '81-368', 'Gdynia']],
  us: [['1420 Elm Hollow Rd', 'OH 45402', 'Dayton'], ['77 N Sunflower Ave, Apt 2C', 'KS 67202', 'Wichita'], ['3301 Old Seward Hwy', 'AK 99503', 'Anchorage'], ['518 W Cherokee St', 'OK 74464', 'Tahlequah']],
  ie: [['17 Harbour View Terrace', 'P24 X302', 'Cobh'], ['Apartment 6, The Maltings, Mill Street', 'H91 K2T4', 'Galway'], ['2 Bóthar na Trá', 'V92 H2YT', 'Dingle']],
};

/** Polish cities in the locative, as "mieszka w ..." inflects them. */
const PL_CITY_IN = ['Gdyni', 'Krakowie', 'Łodzi', 'Białymstoku', 'Zielonej Górze'];

const FILLERS = [
  'Behandeld in het Antoni van Leeuwenhoek; ziekte van Kahler in remissie.\n',
  'Bekend met het syndroom van Sjögren, gebruikt hydroxychloroquine 200 mg.\n',
  'Remiss till Karolinska Universitetssjukhuset, Huddinge, för bedömning av Hashimotos tyreoidit.\n',
  'Choroba Leśniowskiego-Crohna od 2011 r., leczona azatiopryną; objaw Chełmońskiego ujemny.\n',
  'Consult from the Cleveland Clinic noted Addison disease, on hydrocortisone 15 mg daily.\n',
  'Parkinsonism, Hoehn and Yahr 3; carbidopa/levodopa 25/100 TID.\n',
  'Sat 94% on room air, HR 88, BP 132/78, temp 36.9 °C, MMSE 21/30.\n',
  'Szpital Wojewódzki im. Mikołaja Kopernika, oddział wewnętrzny, sala 4.\n',
  'Diagnos: Alzheimers sjukdom, MMT 18 poäng; ordination: donepezil 5 mg.\n',
  'Hospice aide visits M/W/F; Norco 5/325 q6h PRN, Senna 8.6 mg HS.\n',
];

const nameEntity = (b: DocumentBuilder, n: Name, text = `${n.given} ${n.family}`) => b.entity('NAME', text, n.locale);
/** Street, then postcode and city in the order (and with the joins) the country writes them. */
const address = (b: DocumentBuilder, r: Rand, lang: Lang) => {
  const [street, zip, city] = r.pick(ADDRESSES[lang]);
  b.entity('STREET_ADDRESS', street);
  if (lang === 'us') {
    const [state, code] = zip.split(' ');
    b.text(', ').entity('CITY', city).text(`, ${state} `).entity('ZIP', code!);
  } else if (lang === 'ie') b.text(', ').entity('CITY', city).text(', ').entity('ZIP', zip);
  else b.text(r.pick([', ', ' ', '\n'])).entity('ZIP', zip).text(lang === 'sv' ? ' ' : r.pick([' ', '  '])).entity('CITY', city);
};
const city = (b: DocumentBuilder, r: Rand, lang: Lang) => b.entity('CITY', r.pick(ADDRESSES[lang])[2]);
const ageIn = (b: DocumentBuilder, age: number, words: (n: number) => string, useWords: boolean) => {
  if (age > 89) b.entity('AGE', useWords && age < 100 ? words(age) : String(age));
  else b.text(String(age));
};

const FORMATS: Record<string, DocumentFormat<Rand, Values>> = {
  nlVerwijsbrief: {
    open: (b) => void b.text('Geachte collega,\n\n'),
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text(r.pick(['Hierbij verwijs ik mevrouw ', 'Graag uw beoordeling van dhr. ', 'Ik zag op het spreekuur ']));
        nameEntity(b, n, r.chance(0.3) ? hostile.initial(n) : undefined).text(', geboren ').entity('DATE', v.date('nl')).text(', wonende aan de ');
        address(b, r, 'nl');
        b.text('.\n');
      },
      (b, r, v) => {
        const age = v.age();
        b.text('Mevrouw is ');
        ageIn(b, age, nlWords, r.chance(0.5));
        b.text(' jaar en woont sinds kort bij haar dochter in ');
        city(b, r, 'nl').text('.\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('Contactpersoon is haar zoon ');
        nameEntity(b, n).text(' (').entity('PHONE', v.phone('nl')).text(').\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.entity('NAME', n.given, n.locale).text("'s kleindochter ");
        nameEntity(b, v.names.one()).text(' regelt de medicatie.\n');
      },
    ],
    close: (b) => void b.text('\nMet collegiale groet,\n'),
  },
  svOmvardnad: {
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('Patienten ');
        nameEntity(b, n).text(', född ').entity('DATE', v.date('sv')).text(', bor ensam på ');
        address(b, r, 'sv');
        b.text(' och har hemtjänst två gånger dagligen.\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('Dottern ');
        nameEntity(b, n).text(' ringde från ');
        city(b, r, r.pick(['sv', 'nb'])).text(' och bad om återkoppling på ').entity('PHONE', v.phone('sv')).text('.\n');
      },
      (b, r, v) => {
        const age = v.age();
        b.text('Pat. är ');
        ageIn(b, age, svWords, r.chance(0.5));
        b.text(' år, orienterad till person men ej tid.\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.entity('NAME', `${n.given}s`, n.locale).text(' dotter vill att hon flyttas närmare ');
        city(b, r, 'sv').text('.\n');
      },
    ],
  },
  nbSykepleie: {
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('Pasienten ');
        nameEntity(b, n).text(' (f. ').entity('DATE', v.date('nb')).text(') bor i ');
        address(b, r, r.pick(['nb', 'da']));
        b.text(', 3. etasje uten heis.\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('Pårørende: ektefelle ');
        nameEntity(b, n, r.chance(0.4) ? hostile.nickname(n) : undefined).text(', tlf. ').entity('PHONE', v.phone('nb')).text('.\n');
      },
    ],
  },
  plWypis: {
    items: [
      (b, r, v) => {
        const n = v.names.one();
        const age = v.age();
        b.text('Pacjentka ');
        nameEntity(b, n).text(', lat ');
        ageIn(b, age, plWords, false);
        b.text(', zam. ');
        address(b, r, 'pl');
        b.text(', przyjęta w trybie pilnym.\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('Córka pacjentki, Pani ');
        nameEntity(b, n).text(', mieszka w ');
        b.entity('CITY', r.pick(PL_CITY_IN)).text(' i prosi o kontakt pod nr ').entity('PHONE', v.phone('pl')).text('.\n');
      },
      (b, r, v) => {
        const age = r.int(90, 99);
        b.text('Chora w wieku ');
        b.entity('AGE', plWords(age)).text(age % 10 >= 2 && age % 10 <= 4 ? ' lata' : ' lat').text(', data urodzenia ').entity('DATE', v.date('pl')).text(' według dokumentów.\n');
      },
    ],
  },
  hospice: {
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('RN visit. ');
        nameEntity(b, n).text(' remains at home at ');
        address(b, r, 'us');
        b.text(' with her son as primary caregiver.\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text(r.pick(["Pt's daughter ", 'Her grandson ', 'His niece ']));
        nameEntity(b, n).text(' flew in from ');
        city(b, r, 'us').text(' yesterday and can be reached at ').entity('PHONE', v.phone('us')).text('.\n');
      },
      (b, r, v) => {
        const age = r.int(90, 104);
        b.text(r.pick(['She turned ', 'He turned ', 'Pt turned ']));
        b.entity('AGE', String(age)).text(' on ').entity('DATE', v.date('us')).text('; family held a small party at bedside.\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('Spouse of 61 years, ');
        nameEntity(b, n, r.chance(0.5) ? hostile.familyFirst(n) : undefined).text(', died in ').text(String(r.int(2010, 2023))).text('.\n');
      },
    ],
  },
  chaplaincy: {
    items: [
      (b, r, v) => {
        const n = v.names.one();
        const pastor = v.names.one();
        b.text('Spiritual care visit with ');
        nameEntity(b, n).text('. Her pastor, Rev. ');
        nameEntity(b, pastor).text(' of ');
        city(b, r, r.pick(['us', 'ie'])).text(', was called at her request.\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        const m = v.names.one();
        b.text('Prayed with ');
        nameEntity(b, n).text(' and granddaughter ');
        nameEntity(b, m).text(' before the family meeting.\n');
      },
    ],
  },
  callTranscript: {
    noFillers: true,
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('agent: thank you for calling who am i speaking with\ncaller: hi yes this is ');
        nameEntity(b, n, hostile.lower(n)).text(' calling about my mom\n');
      },
      (b, r, _v) => {
        const [street, zip, c] = r.pick(ADDRESSES.us);
        b.text("agent: and the address on file\ncaller: it's ").entity('STREET_ADDRESS', street.toLowerCase()).text(' in ').entity('CITY', c.toLowerCase()).text(' zip ').entity('ZIP', zip.split(' ')[1]!).text('\n');
      },
      (b, r, v) => {
        b.text('agent: best number to reach you\ncaller: ').entity('PHONE', v.phone('us')).text('\n');
      },
      (b, r, _v) => {
        const age = r.int(90, 103);
        b.text("caller: she's ").entity('AGE', String(age)).text(' now and she fell again last night\n');
      },
    ],
  },
  obituary: {
    items: [
      (b, r, v) => {
        const n = v.names.one();
        const age = r.int(90, 105);
        b.text('Release of remains. ');
        nameEntity(b, n).text(', ').entity('AGE', String(age)).text(', of ');
        city(b, r, r.pick(['us', 'ie'])).text(', passed away peacefully on ').entity('DATE', v.date('us')).text('.\n');
      },
      (b, r, v) => {
        const a = v.names.one();
        const c = v.names.one();
        b.text('Survived by her children ');
        nameEntity(b, a).text(' of ');
        city(b, r, 'us').text(' and ');
        nameEntity(b, c).text(' of ');
        city(b, r, r.pick(['us', 'ie', 'sv'])).text('.\n');
      },
    ],
  },
  deliveries: {
    open: (b) => void b.text('PHARMACY DELIVERY RUN\n'),
    noFillers: true,
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text(`${r.int(1, 24)}. `);
        nameEntity(b, n).text(' — ');
        address(b, r, 'ie');
        b.text(` — ${r.int(1, 4)} bags, fridge item\n`);
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text(`${r.int(1, 24)}. leave with neighbour `);
        nameEntity(b, n, r.chance(0.5) ? hostile.initial(n) : undefined).text(` at no. ${r.int(2, 40)} if no answer; ring `).entity('PHONE', v.phone('ie')).text('\n');
      },
    ],
  },
  welfareCheck: {
    items: [
      (b, r, v) => {
        const n = v.names.one();
        const [street, zip, c] = r.pick(ADDRESSES.ie);
        b.text('Gardaí attended ').entity('STREET_ADDRESS', street).text(', ').entity('CITY', c).text(' ').entity('ZIP', zip).text(' at the request of the niece, ');
        nameEntity(b, n).text('.\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('The occupant, ');
        nameEntity(b, n, hostile.familyFirst(n)).text(', was found alert on the floor and brought to ');
        city(b, r, 'ie').text(' University Hospital.\n');
      },
    ],
  },
};

export function generateNinthHeldOut(count = 300, seed = NINTH_SEED): LabelledDocument[] {
  const r = new Rand(seed);
  const names = new NameSource(r, {}, HAND, 0, () => 0);
  return assembleDocuments(count, r, new Values(r, names), FORMATS, FILLERS, [2, 5]);
}
