import { Faker, ar, da, de, de_CH, en, es, es_MX, fa, fi, fr, hr, it, ja, ko, nb_NO, pl, pt_BR, ru, sv, tr, uk, vi, zh_CN, en_IN, type LocaleDefinition } from '@faker-js/faker';
import { DocumentBuilder, type GoldSpan, type LabelledDocument } from './document';

/**
 * The second held-out set: names and places of the whole world, non-English address forms and
 * obfuscated identifiers (normalisation tricks, encodings, numbers in words). Its names come from
 * faker's non-English locales, in their own scripts, never from the detectors' dictionaries;
 * its address forms, encodings and spellings are written here.
 *
 * Written before any detector change of issue 17 and scored once as is. First run (detectors of
 * commit 9688c27): see phi/README.md "Measuring". Do not edit it to raise the figures.
 */
export const WORLD_SEED = 4242;

/** A labelled span that says which locale produced it (for per-locale name recall). */
export type WorldSpan = GoldSpan;
export type WorldDocument = LabelledDocument;

const LOCALES: Record<string, LocaleDefinition> = { es, es_MX, vi, nb_NO, sv, da, fi, ru, uk, pl, hr, ar, fa, en_IN, zh_CN, ja, ko, fr, de, de_CH, it, pt_BR, tr };

class World {
  readonly fakers = new Map<string, Faker>();
  constructor(readonly f: Faker) {
    for (const [name, locale] of Object.entries(LOCALES)) {
      const faker = new Faker({ locale: [locale, en] });
      faker.seed(WORLD_SEED + name.length * 31 + name.charCodeAt(0));
      this.fakers.set(name, faker);
    }
  }
  pick<T>(items: readonly T[]): T {
    return this.f.helpers.arrayElement(items as T[]);
  }
  int(min: number, max: number): number {
    return this.f.number.int({ min, max });
  }
  digits(n: number): string {
    return this.f.string.numeric({ length: n, allowLeadingZeros: true });
  }
  locale(): string {
    return this.pick([...this.fakers.keys()]);
  }
  /** A full name as people of that locale write it (family name first in East Asia). */
  name(locale: string): string {
    const f = this.fakers.get(locale)!;
    const first = f.person.firstName();
    const last = f.person.lastName();
    if (locale === 'zh_CN' || locale === 'ja' || locale === 'ko') return `${last}${first}`;
    if (locale === 'vi') return `${last} ${first}`;
    return `${first} ${last}`;
  }
  lastName(locale: string): string {
    return this.fakers.get(locale)!.person.lastName();
  }
  city(locale: string): string {
    return this.fakers.get(locale)!.location.city();
  }
  ssn(): string {
    return `${String(this.int(1, 665)).padStart(3, '0')}-${String(this.int(1, 99)).padStart(2, '0')}-${String(this.int(1, 9999)).padStart(4, '0')}`;
  }
  phoneParts(): [string, string, string] {
    return [`${this.int(2, 9)}${this.digits(2)}`, `${this.int(2, 9)}${this.digits(2)}`, this.digits(4)];
  }
  streetName(): string {
    const locale = this.pick(['es', 'fr', 'it', 'de', 'pt_BR', 'sv', 'nb_NO', 'pl', 'es_MX']);
    return this.pick([this.lastName(locale), this.city(locale), 'Luna', 'Saint-Denis', 'Mayor', 'San Martín', 'Roma', 'Garibaldi', 'Paulista', 'Bahnhof', 'Linden', 'del Sol', 'de la Paz', 'Victor Hugo']);
  }
}

/** Non-English and street-type-first address forms (with and without units). */
function address(w: World): string {
  const n = String(w.int(1, 4999));
  const name = w.streetName();
  const unit = w.pick(['', '', '', ', Apt 4B', ', Piso 3', ' 2º B', ', Suite 210', ' #12', ', Unit 7', ', 3e étage']);
  return (
    w.pick([
      `${n} Rue ${name}`,
      `${n}, rue ${name}`,
      `${n} Calle ${name}`,
      `Calle ${name} ${n}`,
      `Calle ${name}, ${n}`,
      `Avenida ${name}, ${n}`,
      `Av. ${name} ${n}`,
      `Via ${name} ${n}`,
      `Viale ${name}, ${n}`,
      `Piazza ${name} ${n}`,
      `${name}straße ${n}`,
      `${name}strasse ${n}`,
      `${name} Straße ${n}`,
      `${name}gatan ${n}`,
      `${name}vej ${n}`,
      `${name}veien ${n}`,
      `ul. ${name} ${n}`,
      `Rua ${name}, ${n}`,
      `${n} State Route ${w.int(1, 299)}`,
      `${n} Route ${w.int(1, 99)}`,
      `${n} Highway ${w.int(1, 199)}`,
      `${n} County Road ${w.int(1, 99)}`,
      `${n} US Highway ${w.int(1, 99)}`,
      `PO Box ${w.digits(4)}`,
      `P.O. Box ${w.digits(3)}`,
      `RR ${w.int(1, 9)} Box ${w.int(1, 199)}`,
      `Rural Route ${w.int(1, 9)}, Box ${w.int(1, 199)}`,
      `HC ${w.int(1, 80)} Box ${w.int(1, 999)}`,
    ]) + unit
  );
}

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const TEENS = ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const ORDINALS = ['', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth', 'twentieth'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function under100(n: number): string {
  if (n < 10) return ONES[n]!;
  if (n < 20) return TEENS[n - 10]!;
  return n % 10 ? `${TENS[Math.floor(n / 10)]}-${ONES[n % 10]}` : TENS[Math.floor(n / 10)]!;
}
const spellDigits = (digits: string) => [...digits].map((d) => ONES[Number(d)]!).join(' ');
const yearInWords = (y: number) => `${under100(Math.floor(y / 100))} ${y % 100 === 0 ? 'hundred' : y % 100 < 10 ? `oh ${ONES[y % 100]}` : under100(y % 100)}`;

function base64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

type Template = (b: DocumentBuilder, w: World) => void;

const templates: Template[] = [
  // Names of the world, with the context clinical notes give them.
  (b, w) => {
    const l = w.locale();
    b.text('Patient: ').entity('NAME', w.name(l), l).text('\n');
  },
  (b, w) => {
    const l = w.locale();
    b.text(w.pick(['Seen with her daughter ', 'Accompanied by ', 'Emergency contact: ', 'Referred by Dr. '])).entity('NAME', w.name(l), l).text('.\n');
  },
  (b, w) => {
    const l = w.pick(['es', 'es_MX', 'fr', 'de', 'it', 'pt_BR', 'sv', 'nb_NO', 'da', 'fi', 'pl', 'hr', 'tr', 'vi', 'en_IN']);
    b.entity('NAME', w.name(l), l).text(w.pick([' was admitted overnight for chest pain.\n', ' reports good adherence to metformin.\n', ' denies fever or chills.\n']));
  },
  (b, w) => {
    const l = w.locale();
    b.text(w.pick(['Mr. ', 'Mrs. ', 'Ms. ', 'Dr. ', 'Sr. ', 'Sra. ', 'Herr ', 'Frau ', 'M. ', 'Mme '])).entity('NAME', w.lastName(l), l).text(' called to reschedule.\n');
  },
  (b, w) => {
    const l = w.locale();
    b.text('Electronically signed by ').entity('NAME', w.name(l), l).text(', MD\n');
  },
  // Addresses in non-English and street-type-first forms.
  (b, w) => {
    b.text('Address: ').entity('STREET_ADDRESS', address(w)).text('\n');
  },
  (b, w) => {
    b.text('Lives at ').entity('STREET_ADDRESS', address(w)).text(' with her husband.\n');
  },
  (b, w) => {
    b.text('Mail to ').entity('STREET_ADDRESS', address(w)).text(', ').entity('CITY', w.city(w.pick(['es', 'fr', 'it', 'de']))).text(`\n`);
  },
  // Normalisation tricks.
  (b, w) => {
    const s = w.ssn();
    b.text('SSN ').entity('SSN', w.pick([s.replace('-', '-\n'), s.replace(/-(\d{2})-/, '-$1-\n'), s.split('').join('\u200B'), s.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))), s.replace(/\d{4}$/, (x) => `${x.slice(0, 2)}\u00AD${x.slice(2)}`), `\u202A${s}\u202C`])).text(' on file.\n');
  },
  (b, w) => {
    const [a, e, l] = w.phoneParts();
    b.text(w.pick(['Call back at ', 'Reach her at ', 'Phone ', 'Cell: ', 'Best number '])).entity('PHONE', w.pick([`${a}.${e}.${l}`, `${a}${e}${l}`, `(${a}) ${e}-\n${l}`, `${a}\u2011${e}\u2011${l}`, `${a}-${e}-${l}`.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)))])).text('.\n');
  },
  (b, w) => {
    const [a, e, l] = w.phoneParts();
    b.text('Daughter can be reached on ').entity('PHONE', `${a}.${e}.${l}`).text(' after 5 pm.\n');
  },
  // Encoded payloads (masked whole when they hold PHI).
  (b, w) => {
    const l = w.locale();
    const record = JSON.stringify({ name: w.name(l), ssn: w.ssn(), dob: `19${w.int(30, 99)}-0${w.int(1, 9)}-1${w.int(0, 9)}` });
    b.text('payload=').entity('SSN', base64(record)).text(' rejected by upstream\n');
  },
  (b, w) => {
    b.text('GET /lookup?ssn=').entity('SSN', encodeURIComponent(w.ssn()).replace(/-/g, '%2D')).text(' 404\n');
  },
  (b, w) => {
    b.text('debug blob ').entity('SSN', Buffer.from(`ssn ${w.ssn()}`).toString('hex')).text('\n');
  },
  // Numbers, emails, dates and ages in words.
  (b, w) => {
    const s = w.ssn().replace(/-/g, '');
    b.text('Her social is ').entity('SSN', `${spellDigits(s.slice(0, 3))} ${spellDigits(s.slice(3, 5))} ${spellDigits(s.slice(5))}`).text('.\n');
  },
  (b, w) => {
    const [a, e, l] = w.phoneParts();
    b.text('Call him at ').entity('PHONE', spellDigits(`${a}${e}${l}`)).text('.\n');
  },
  (b, w) => {
    const l = w.pick(['es', 'fr', 'de', 'sv']);
    const user = w.fakers.get(l)!.person.firstName().toLowerCase().normalize('NFD').replace(/[^a-z]/g, '') || 'maria';
    const last = w.lastName('en_IN').toLowerCase().replace(/[^a-z]/g, '') || 'shah';
    b.text('Email her: ').entity('EMAIL', `${user} dot ${last} at ${w.pick(['gmail', 'yahoo', 'outlook'])} dot com`).text('\n');
  },
  (b, w) => {
    const y = w.int(1925, 1999);
    b.text('Born on the ').entity('DATE', `${ORDINALS[w.int(1, 20)]} of ${w.pick(MONTHS)}, ${yearInWords(y)}`).text('.\n');
  },
  (b, w) => {
    b.text('She is ').entity('AGE', under100(w.int(90, 99))).text(' years old and lives independently.\n');
  },
  (b, w) => {
    b.text('A ').entity('AGE', `${under100(w.int(90, 99))}-year-old`).text(' man presents with dyspnea.\n');
  },
  // Non-ASCII labels and mixed scripts around identifiers.
  (b, w) => {
    const l = w.pick(['ru', 'uk', 'ar', 'fa', 'zh_CN', 'ja', 'ko']);
    b.text(w.pick(['Пациент: ', 'المريض: ', '患者：', 'Nom du patient : ', 'Paciente: ', 'Patientin: '])).entity('NAME', w.name(l), l).text('\n');
  },
  () => undefined,
];

const fillers = [
  'No acute distress. Lungs clear bilaterally.\n',
  'Continue apixaban 5 mg twice daily.\n',
  'Positive Murphy sign; ultrasound ordered.\n',
  'Referred to Physical Therapy for gait training.\n',
  'Paciente refiere dolor abdominal leve.\n',
  'Assessment: Graves disease, on methimazole.\n',
];

export function generateWorldHeldOut(count = 300, seed = WORLD_SEED): WorldDocument[] {
  const faker = new Faker({ locale: [en] });
  faker.seed(seed);
  const w = new World(faker);
  return Array.from({ length: count }, () => {
    const b = new DocumentBuilder();
    const n = w.int(3, 6);
    for (let i = 0; i < n; i++) {
      if (w.f.number.float({ min: 0, max: 1 }) < 0.25) b.text(w.pick(fillers));
      else w.pick(templates)(b, w);
    }
    return b.build();
  });
}
