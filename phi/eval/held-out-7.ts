import { en_AU_ocker, eo, fr_BE, fr_CH, type LocaleDefinition } from '@faker-js/faker';
import { assembleDocuments, DocumentBuilder, type DocumentFormat, type LabelledDocument } from './document';
import { Draws } from './draws';
import { NameSource, type HandNames, type Name } from './name-source';

/**
 * The seventh held-out set, written blind at the start of issue 17's eighth round, before any
 * detector of that round changed, and frozen. Set 6 is a development set since the seventh
 * round, so this is the only blind set. Its misses are never listed. Built unlike sets 1–6:
 * - generator: xoshiro128** seeded by an LCG, a generator no other set uses;
 * - name sources: faker locales no other set draws from (Swiss French, Belgian French,
 *   Esperanto, Australian "ocker"), and names written here by hand for communities no set
 *   covers, most with apostrophes, hyphens or particles (Italian D'/Dell'/Lo, Portuguese and
 *   Brazilian compounds with da/dos/e, Goan D'Souza, Scottish Gaelic Mac/Nic, Catalan i and
 *   the interpunct, Mapuche, Chamorro, Oromo, Hausa with glottal apostrophes, Kabyle Aït/N',
 *   Lebanese Abi/Bou/El-, Faroese í/á, Greenlandic, English double-barrels with ffrench/ap);
 * - document shapes: Portuguese and Italian discharge summaries, surgical pathology reports,
 *   hospital pharmacy dispensing labels, claims in CSV with abbreviated headers, patient-portal
 *   chat transcripts, OCR-damaged referral letters, lab results as Markdown tables,
 *   addressograph labels, ward census lines; record numbers without a label in several formats
 *   (zero-padded 10 digits, hospital letter prefixes, "#" after a name, year/serial, bracketed);
 * - hostile spellings none of sets 1–6 use: OCR confusions inside names and numbers (l/1, O/0,
 *   rn/m), apostrophes as U+02BC, U+2032 or a backtick, SQL-doubled apostrophes, hyphens as
 *   U+2010/U+2011/en dash, a word joiner (U+2060) inside a name, particles in odd case;
 * - dates, phones and postcodes in forms the other sets do not write ("4 de março de 1957",
 *   "4 marzo 1957", "57-03-04", "Mar-04-1957", +351 9xx, +39 3xx, Brazilian (11) 9xxxx-xxxx,
 *   +41 79, Portuguese 1000-001, Brazilian CEP 01310-100, Italian CAP, CH-1204);
 * - PHI-free lines full of numbers: lab values, doses, ICD-10/CPT/LOINC/NDC codes, lot numbers.
 *
 * Scored through findInText (the maskText path). First run in phi/README.md "Measuring". Never
 * tune on this set, never look at its misses, and never edit it to raise its figures.
 */
export const SEVENTH_SEED = 70907;

/** xoshiro128**, its state filled by an LCG. */
class Rand extends Draws {
  private readonly s = new Uint32Array(4);
  constructor(seed: number) {
    super();
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      this.s[i] = x;
    }
  }
  next(): number {
    const s = this.s;
    const rotl = (v: number, k: number) => ((v << k) | (v >>> (32 - k))) >>> 0;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result / 4294967296;
  }
}

const FAKER_LOCALES: Record<string, LocaleDefinition> = { fr_CH, fr_BE, eo, en_AU_ocker };

/** Full names written by hand, [given, family]. */
const HAND: HandNames = {
  'it-part': [['Gianluca', "D'Alessandro"], ['Maria Grazia', "Dell'Orto"], ['Salvatore', 'Lo Presti'], ['Annunziata', 'Di Pietrantonio'], ['Carmela', 'La Spina']],
  'pt-part': [['Maria da Conceição', 'dos Anjos Ribeiro'], ['João Baptista', 'de Sousa e Melo'], ['Luíza', 'Vasconcelos da Cunha'], ['Thiago', 'Nogueira Bastos'], ['Ana Beatriz', 'do Nascimento']],
  goan: [['Savio', "D'Souza"], ['Lavina', 'Fernandes'], ['Agnelo', 'Menezes'], ['Rosy', "D'Cruz"]],
  gd: [['Catrìona', 'NicLeòid'], ['Ruairidh', 'MacGillivray'], ['Eilidh', 'MacAskill'], ['Seumas', 'Mac an t-Saoir']],
  ca: [['Montserrat', 'Puig i Cadafalch'], ['Jordi', 'Mas i Ferrer'], ['Gal·la', 'Vall-llosera'], ['Marcel·lí', 'Roig']],
  arn: [['Ayelén', 'Huenchumilla'], ['Lautaro', 'Painemal'], ['Millaray', 'Ancalao'], ['Nahuel', 'Curiñir']],
  ch: [['Jesusa', 'Taitano'], ['Vicente', 'Quitugua'], ['Rosalia', 'Tainatongo'], ['Kiko', 'Babauta']],
  om: [['Chaltu', 'Gutu'], ['Tolessa', 'Abdisa'], ['Lensa', 'Dinsa'], ['Gemechu', 'Wakjira']],
  ha: [['Aisha', "Sa'idu"], ['Bashir', "Mu'azu"], ['Hauwa', "Ya'u"], ['Nasiru', 'Danjuma']],
  kab: [['Dihya', 'Aït Ahmed'], ['Massinissa', "N'Aït Ouali"], ['Tassadit', 'Ouchène'], ['Idir', 'Aït Menguellet']],
  lev: [['Rania', 'Abi Nader'], ['Georges', 'El-Khoury'], ['Nadine', 'Bou Saab'], ['Walid', 'Abou Jaoudé']],
  fo: [['Rókur', 'Joensen'], ['Sólja', 'í Dali'], ['Høgni', 'Poulsen'], ['Ragnhild', 'á Lakjuni']],
  kl: [['Naja', 'Lyberth'], ['Aqqaluk', 'Kleist'], ['Nivi', 'Olsen-Heilmann'], ['Pipaluk', 'Rosing']],
  'en-dbl': [['Imogen', 'Fortescue-Brickdale'], ['Hugo', 'ffrench-Mullen'], ['Araminta', 'ap Rhys-Pryce'], ['Rupert', 'Twisleton-Wykeham-Fiennes']],
};


class Names extends NameSource {
  constructor(r: Rand) {
    super(r, FAKER_LOCALES, HAND, 0.4, (key) => SEVENTH_SEED + key.charCodeAt(0) * 31 + key.length * 977);
  }
}

const OCR: Record<string, string> = { l: '1', I: 'l', O: '0', o: '0', m: 'rn', e: 'c', S: '5', B: '8', '0': 'O', '1': 'l' };
const hostile = {
  /** Two OCR confusions somewhere in the text. */
  ocr: (r: Rand, s: string) => {
    const chars = [...s];
    const at = chars.map((c, i) => (OCR[c] ? i : -1)).filter((i) => i >= 0);
    for (let k = 0; k < 2 && at.length; k++) {
      const i = at.splice(r.int(0, at.length - 1), 1)[0]!;
      chars[i] = OCR[chars[i]!]!;
    }
    return chars.join('');
  },
  apostrophe: (r: Rand, s: string) => s.replace(/'/g, r.pick(['\u02bc', '\u2032', '`', "' "])),
  sqlDoubled: (s: string) => s.replace(/'/g, "''"),
  hyphen: (r: Rand, s: string) => s.replace(/-/g, r.pick(['\u2010', '\u2011', '\u2013'])),
  wordJoiner: (s: string) => [...s].map((c, i) => (i === 3 ? `\u2060${c}` : c)).join(''),
  oddCase: (s: string) => s.replace(/\b(d|dell|lo|la|di|da|dos|de|do|mac|nic|el|abi|bou|ap)(?=['\s-]|\p{Lu})/giu, (p) => (p[0] === p[0]!.toUpperCase() ? p.toLowerCase() : p[0]!.toUpperCase() + p.slice(1))),
};

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const PT_MON = ['janeiro', 'fevereiro', 'março', 'abril', 'maio', 'junho', 'julho', 'agosto', 'setembro', 'outubro', 'novembro', 'dezembro'];
const IT_MON = ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'];

class Values {
  constructor(
    private readonly r: Rand,
    readonly names: Names,
  ) {}
  ymd() {
    return { y: this.r.int(1921, 2024), m: this.r.int(1, 12), d: this.r.int(1, 28) };
  }
  date(): string {
    const { y, m, d } = this.ymd();
    return this.r.pick([`${String(y).slice(2)}-${pad(m)}-${pad(d)}`, `${MON[m - 1]}-${pad(d)}-${y}`, `${pad(d)}.${pad(m)}.${String(y).slice(2)}`, `${m}/${d}/${String(y).slice(2)}`, `${y}/${pad(m)}/${pad(d)}`]);
  }
  ptDate(): string {
    const { y, m, d } = this.ymd();
    return this.r.pick([`${d} de ${PT_MON[m - 1]} de ${y}`, `${pad(d)}-${pad(m)}-${y}`]);
  }
  itDate(): string {
    const { y, m, d } = this.ymd();
    return this.r.pick([`${d} ${IT_MON[m - 1]} ${y}`, `${pad(d)}/${pad(m)}/${y}`]);
  }
  phone(): string {
    return this.r.pick([
      `+351 9${this.r.int(1, 6)}${this.r.digits(1)} ${this.r.digits(3)} ${this.r.digits(3)}`,
      `+39 3${this.r.digits(2)} ${this.r.digits(3)} ${this.r.digits(4)}`,
      `(11) 9${this.r.digits(4)}-${this.r.digits(4)}`,
      `+41 79 ${this.r.digits(3)} ${this.r.digits(2)} ${this.r.digits(2)}`,
      `${this.r.int(201, 989)}.${this.r.int(200, 989)}.${this.r.digits(4)} x${this.r.digits(3)}`,
    ]);
  }
  /** Record numbers as hospitals print them, no label. */
  mrn(): string {
    return this.r.pick([
      `00${this.r.digits(8)}`,
      `${this.r.pick(['SMH', 'RVH', 'HUC', 'OSR'])}${this.r.int(1, 9)}${this.r.digits(6)}`,
      `${this.r.int(10, 24)}/${this.r.digits(6)}`,
      `${this.r.int(1, 9)}${this.r.digits(7)}`,
      `E${this.r.digits(3)}-${this.r.digits(3)}-${this.r.digits(3)}`,
    ]);
  }
  age(): number {
    return this.r.chance(0.5) ? this.r.int(90, 103) : this.r.int(19, 88);
  }
}

/** [street, postcode, city]. */
const ADDRESSES: readonly (readonly [string, string, string])[] = [
  ['Rua de Santa Catarina 312, 2.º Esq.', '4000-447', 'Porto'],
  ['Avenida da Liberdade 144, 5.º', '1250-146', 'Lisboa'],
  ['Rua Augusta 1600, apto 82', '01304-001', 'São Paulo'],
  ['Via dei Serpenti 35, int. 6', '00184', 'Roma'],
  ['Corso Buenos Aires 77, scala B', '20124', 'Milano'],
  ['Vico Lungo Gelso 12', '80134', 'Napoli'],
  ['Rue de Carouge 18bis', 'CH-1205', 'Genève'],
  ['Chaussée de Wavre 1042, bte 3', '1160', 'Auderghem'],
  ['Carrer de Verdi 21, 3r 2a', '08012', 'Barcelona'],
  ['Marine Drive 4, Kilkee Terrace', 'PA34 4LU', 'Oban'],
  ['Lot 112 Chalan Kanton Tasi', '96950', 'Saipan'],
  ['Aqqusinersuaq 9, lejl. 102', '3900', 'Nuuk'],
];

const FILLERS = [
  'Na 138 mmol/L, K 4.1, Cr 92 µmol/L, eGFR 71, Hb 118 g/L.\n',
  'Metoprolol succinate 47.5 mg OD; enoxaparin 40 mg SC daily x 28 days.\n',
  'Coded: ICD-10 I48.91, E11.65; CPT 93000, 99223; LOINC 4548-4.\n',
  'Dispensed NDC 0093-7214-01, lot 4R7720, exp 08/2027.\n',
  'Troponin 14 ng/L at 0 h and 16 ng/L at 3 h (ref < 34).\n',
  'Ventilator: PEEP 8, FiO2 0.35, TV 450 mL, RR 16.\n',
  'pT2 pN1a (2/14) M0, margins clear by 4 mm; Ki-67 22 %.\n',
  'Terapia: ramipril 5 mg 1 cp/die, bisoprololo 2,5 mg.\n',
  'Receita: amoxicilina 875 mg de 12/12 h durante 7 dias.\n',
  'Room 4112, extension 2231 for the charge nurse.\n',
];

const nameEntity = (b: DocumentBuilder, n: Name, text: string = `${n.given} ${n.family}`) => b.entity('NAME', text, n.locale);
const ageEntity = (b: DocumentBuilder, age: number) => (age > 89 ? b.entity('AGE', String(age)) : b.text(String(age)));

const FORMATS: Record<string, DocumentFormat<Rand, Values>> = {
  ptDischarge: {
    open: (b) => void b.text('NOTA DE ALTA — Serviço de Medicina Interna\n'),
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('Nome: ');
        nameEntity(b, n).text('\nData de nascimento: ').entity('DATE', v.ptDate()).text('   Processo n.º ').entity('MRN', r.digits(7)).text('\n');
      },
      (b, r, v) => {
        const [street, post, city] = r.pick(ADDRESSES);
        b.text('Morada: ').entity('STREET_ADDRESS', street).text(', ').entity('ZIP', post).text(' ').entity('CITY', city).text('\nTelemóvel: ').entity('PHONE', v.phone()).text('\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('Doente do sexo feminino, ');
        ageEntity(b, v.age()).text(' anos, internada de ').entity('DATE', v.ptDate()).text(' a ').entity('DATE', v.ptDate()).text(' por pneumonia. Acompanhada pela filha, ');
        nameEntity(b, n).text('.\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('Doente ');
        nameEntity(b, n, r.chance(0.4) ? hostile.oddCase(`${n.given} ${n.family}`) : undefined).text(', ').entity('MRN', v.mrn()).text(', reavaliado em consulta.\n');
      },
    ],
  },
  itDischarge: {
    open: (b) => void b.text('LETTERA DI DIMISSIONE\n'),
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('Cognome e nome: ').entity('NAME', n.family.toUpperCase(), n.locale).text(' ').entity('NAME', n.given, n.locale).text('\nnata il ').entity('DATE', v.itDate()).text('\n');
      },
      (b, r, v) => {
        const [street, post, city] = r.pick(ADDRESSES);
        b.text('residente in ').entity('STREET_ADDRESS', street).text(' - ').entity('ZIP', post).text(' ').entity('CITY', city).text(', tel. ').entity('PHONE', v.phone()).text('\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('Si dimette in data odierna la Sig.ra ');
        nameEntity(b, n, r.chance(0.5) ? hostile.apostrophe(r, `${n.given} ${n.family}`) : undefined).text(', di anni ');
        ageEntity(b, v.age()).text(', cartella ').entity('MRN', v.mrn()).text('.\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('Medico curante: dott. ');
        nameEntity(b, n).text('; controllo il ').entity('DATE', v.itDate()).text('.\n');
      },
    ],
  },
  pathology: {
    open: (b) => void b.text('SURGICAL PATHOLOGY REPORT\n'),
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('Patient: ').entity('NAME', n.family.toUpperCase(), n.locale).text(', ').entity('NAME', n.given, n.locale).text('    ').entity('MRN', v.mrn()).text('    DOB ').entity('DATE', v.date()).text('\nAccession: ').entity('OTHER_ID', `S${r.int(18, 24)}-${r.digits(5)}`).text('\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('GROSS: Received in formalin labelled "');
        nameEntity(b, n, hostile.hyphen(r, `${n.given} ${n.family}`)).text('" and "left breast, wide local excision", 42 x 30 x 18 mm.\n');
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('Submitting physician: ');
        nameEntity(b, n).text(', MD. Collected ').entity('DATE', v.date()).text('.\n');
      },
      (b) => void b.text('DIAGNOSIS: Invasive ductal carcinoma, Nottingham grade 2 (3+2+2), ER 95 %, PR 80 %, HER2 1+.\n'),
    ],
  },
  pharmacyLabel: {
    noFillers: true,
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text(`DISPENSED ${pad(r.int(1, 28))}/${pad(r.int(1, 12))}/25  Ward ${r.int(1, 12)}B\n`);
        b.entity('NAME', n.family.toUpperCase(), n.locale).text(' ').entity('NAME', n.given, n.locale).text('  ').entity('MRN', v.mrn()).text('\n');
      },
      (b, r) => void b.text(`APIXABAN 5 MG TABLETS  Qty ${r.pick([28, 56, 60])}\nTake ONE tablet TWICE a day. Keep out of reach of children.\n`),
      (b, r, v) => {
        const n = v.names.one();
        b.text('Checked: ').entity('NAME', `${n.given[0]}. ${n.family}`, n.locale).text(` (pharmacist)  Item ${r.int(1, 9)} of ${r.int(9, 12)}\n`);
      },
    ],
  },
  claimsCsv: {
    noFillers: true,
    open: (b) => void b.text('mbr_lst,mbr_1st,dob_yyyymmdd,clm_ctl#,pat_ctl_no,svc_frm,cpt,dx1,billed_amt,zip5\n'),
    items: [
      (b, r, v) => {
        const n = v.names.one();
        const family = n.family.includes("'") && r.chance(0.6) ? hostile.sqlDoubled(n.family) : n.family;
        const { y, m, d } = v.ymd();
        b.entity('NAME', family.toUpperCase(), n.locale).text(',').entity('NAME', n.given.toUpperCase(), n.locale).text(',').entity('DATE', `${y}${pad(m)}${pad(d)}`).text(',');
        b.entity('OTHER_ID', `${r.int(20, 25)}${r.digits(3)}${r.digits(9)}`).text(',').entity('ACCOUNT_NUMBER', `PCN${r.digits(8)}`).text(',').entity('DATE', `2025${pad(r.int(1, 12))}${pad(r.int(1, 28))}`);
        b.text(`,${r.pick(['99213', '99214', '93000', '80053'])},${r.pick(['E11.9', 'I10', 'J44.1', 'M17.11'])},${r.int(40, 900)}.${r.digits(2)},`).entity('ZIP', r.digits(5)).text('\n');
      },
    ],
  },
  portalChat: {
    noFillers: true,
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text(`[${pad(r.int(8, 18))}:${pad(r.int(0, 59))}] Agent 3: Can you confirm the patient's name and date of birth?\n[${pad(r.int(8, 18))}:${pad(r.int(0, 59))}] Visitor: it's for my mum, `);
        nameEntity(b, n, r.chance(0.5) ? hostile.wordJoiner(`${n.given} ${n.family}`) : `${n.given} ${n.family}`.toLowerCase()).text(', born ').entity('DATE', v.date()).text('\n');
      },
      (b, r, v) => {
        b.text(`[${pad(r.int(8, 18))}:${pad(r.int(0, 59))}] Visitor: the number on her card is `).entity('MRN', v.mrn()).text(' if that helps\n');
      },
      (b, r, v) => {
        b.text(`[${pad(r.int(8, 18))}:${pad(r.int(0, 59))}] Visitor: you can ring me back on `).entity('PHONE', v.phone()).text('\n');
      },
    ],
  },
  ocrLetter: {
    open: (b) => void b.text('Dear Co1league,\n'),
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('Re: ');
        nameEntity(b, n, hostile.ocr(r, `${n.given} ${n.family}`)).text('  D0B ').entity('DATE', hostile.ocr(r, v.date())).text('\n');
      },
      (b, r, _v) => {
        const [street, post, city] = r.pick(ADDRESSES);
        b.entity('STREET_ADDRESS', hostile.ocr(r, street)).text('\n').entity('CITY', city).text(' ').entity('ZIP', post).text('\n');
      },
      (b, r, v) => {
        b.text('Hosp N0: ').entity('MRN', v.mrn().replace(/0/g, () => (r.chance(0.3) ? 'O' : '0'))).text('   Te1: ').entity('PHONE', v.phone()).text('\n');
      },
      (b) => void b.text('I wou1d be gratefu1 if you cou1d see this patient in c1inic.\n'),
    ],
  },
  labMarkdown: {
    noFillers: true,
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text('### Results — ');
        nameEntity(b, n).text(' (').entity('MRN', v.mrn()).text(')\n\n| Test | Result | Units | Ref range | Flag |\n|---|---|---|---|---|\n');
        b.text(`| Sodium | ${r.int(128, 146)} | mmol/L | 135–145 | |\n| HbA1c | ${r.int(5, 11)}.${r.int(0, 9)} | % | 4.0–5.6 | H |\n| LDL-C | ${r.int(1, 5)}.${r.int(0, 9)} | mmol/L | < 3.0 | |\n`);
        b.text('| Collected | ').entity('DATE', v.date()).text(' | | | |\n\n');
      },
    ],
  },
  addressograph: {
    noFillers: true,
    items: [
      (b, r, v) => {
        const n = v.names.one();
        const [street, post, city] = r.pick(ADDRESSES);
        b.entity('NAME', n.family.toUpperCase(), n.locale).text(', ').entity('NAME', n.given, n.locale).text(` (${r.pick(['Mrs', 'Mr', 'Ms'])})\n`);
        b.entity('STREET_ADDRESS', street).text('\n').entity('CITY', city).text(' ').entity('ZIP', post).text('\n');
        b.entity('DATE', v.date()).text(`  ${r.pick(['F', 'M'])}  `).entity('MRN', v.mrn()).text('\n');
      },
    ],
  },
  census: {
    open: (b) => void b.text('Ward 7 census\n'),
    items: [
      (b, r, v) => {
        const n = v.names.one();
        b.text(`Bed ${r.int(1, 28)}  `);
        nameEntity(b, n, `${n.family.toUpperCase()}, ${n.given}`).text('  ');
        const age = v.age();
        ageEntity(b, age).text(`${r.pick(['M', 'F'])}  `).entity('MRN', v.mrn()).text(`  ${r.pick(['CHF', 'CAP', 'NSTEMI', 'AKI', '#NOF'])}\n`);
      },
      (b, r, v) => {
        const n = v.names.one();
        b.text('Transfer in: ');
        nameEntity(b, n).text(' #').entity('MRN', r.digits(r.int(6, 8))).text(` from ED, bed ${r.int(1, 28)}\n`);
      },
    ],
  },
};

export function generateSeventhHeldOut(count = 300, seed = SEVENTH_SEED): LabelledDocument[] {
  const r = new Rand(seed);
  return assembleDocuments(count, r, new Values(r, new Names(r)), FORMATS, FILLERS);
}
