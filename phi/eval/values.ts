import type { Faker } from '@faker-js/faker';

/**
 * Synthetic identifier values. Names, streets and cities come from faker (not from the lists the
 * detectors use); numbers that carry a checksum in real life are given a valid one here, by code
 * written for the corpus, not the detectors' validators.
 */
export class Values {
  constructor(private readonly f: Faker) {}

  pick<T>(items: readonly T[]): T {
    return this.f.helpers.arrayElement(items as T[]);
  }
  chance(p: number): boolean {
    return this.f.number.float({ min: 0, max: 1 }) < p;
  }
  int(min: number, max: number): number {
    return this.f.number.int({ min, max });
  }
  sample<T>(items: readonly T[], count: number): T[] {
    return this.f.helpers.arrayElements(items as T[], count);
  }
  digits(n: number): string {
    return this.f.string.numeric({ length: n, allowLeadingZeros: true });
  }

  firstName(): string {
    return this.f.person.firstName();
  }
  lastName(): string {
    return this.f.person.lastName();
  }

  ssn(): string {
    let area: number;
    do area = this.f.number.int({ min: 1, max: 899 });
    while (area === 666);
    const group = this.f.number.int({ min: 1, max: 99 });
    const serial = this.f.number.int({ min: 1, max: 9999 });
    return `${String(area).padStart(3, '0')}-${String(group).padStart(2, '0')}-${String(serial).padStart(4, '0')}`;
  }

  /** An SSN-shaped number the SSA never issues (near miss). */
  invalidSsn(): string {
    return this.pick([`000-${this.digits(2)}-${this.digits(4)}`, `666-${this.digits(2)}-${this.digits(4)}`, `9${this.digits(2)}-${this.digits(2)}-${this.digits(4)}`, `${this.f.number.int({ min: 100, max: 665 })}-00-${this.digits(4)}`]);
  }

  phone(): string {
    const style = this.pick(['national', 'human', 'dots', 'plain-dash', 'intl'] as const);
    const area = `${this.f.number.int({ min: 2, max: 9 })}${this.digits(2)}`;
    const exchange = `${this.f.number.int({ min: 2, max: 9 })}${this.digits(2)}`;
    const line = this.digits(4);
    switch (style) {
      case 'national':
        return `(${area}) ${exchange}-${line}`;
      case 'human':
        return this.f.phone.number({ style: 'human' });
      case 'dots':
        return `${area}.${exchange}.${line}`;
      case 'plain-dash':
        return `${area}-${exchange}-${line}`;
      case 'intl':
        return `+1 ${area} ${exchange} ${line}`;
    }
  }

  email(): string {
    return this.f.internet.email();
  }
  url(): string {
    return `${this.f.internet.url()}${this.pick(['', 'patients/', 'portal/login?id=', 'records/view/'])}${this.chance(0.5) ? this.digits(5) : ''}`;
  }
  ipv4(): string {
    return this.f.internet.ipv4();
  }
  ipv6(): string {
    return this.f.internet.ipv6();
  }
  mac(): string {
    return this.f.internet.mac();
  }

  card(): string {
    const raw = this.f.finance.creditCardNumber(this.pick(['visa', 'mastercard', 'amex', 'discover']));
    const digits = raw.replace(/\D/g, '');
    return this.chance(0.5) ? digits : digits.replace(/(\d{4})(?=\d)/g, '$1 ');
  }

  /** NPI: nine random digits, a Luhn check digit computed over "80840" + those digits. */
  npi(): string {
    const body = `${this.pick(['1', '2'])}${this.digits(8)}`;
    for (let check = 0; check <= 9; check++) {
      const candidate = `80840${body}${check}`;
      let sum = 0;
      for (let i = 0; i < candidate.length; i++) {
        let d = Number(candidate[candidate.length - 1 - i]);
        if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        sum += d;
      }
      if (sum % 10 === 0) return `${body}${check}`;
    }
    throw new Error('unreachable');
  }

  dea(lastName: string): string {
    const d = Array.from({ length: 6 }, () => this.f.number.int({ min: 0, max: 9 }));
    const check = (d[0]! + d[2]! + d[4]! + 2 * (d[1]! + d[3]! + d[5]!)) % 10;
    return `${this.pick(['A', 'B', 'F', 'M'])}${lastName[0]!.toUpperCase()}${d.join('')}${check}`;
  }

  vin(): string {
    const letters = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';
    const chars = Array.from({ length: 17 }, () => letters[this.f.number.int({ min: 0, max: letters.length - 1 })]!);
    const value = (c: string) => ('0123456789'.includes(c) ? Number(c) : [1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 2, 3, 4, 5, 0, 7, 0, 9, 2, 3, 4, 5, 6, 7, 8, 9][c.charCodeAt(0) - 65]!);
    const weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
    chars[0] = this.pick(['1', '2', '3', '4', '5', 'J', 'K', 'W']);
    chars[9] = this.pick(['L', 'M', 'N', 'P', 'R']);
    const sum = chars.reduce((s, c, i) => s + value(c) * weights[i]!, 0) % 11;
    chars[8] = sum === 10 ? 'X' : String(sum);
    return chars.join('');
  }

  plate(): string {
    return this.pick([this.f.vehicle.vrm(), `${this.digits(1)}${this.f.string.alpha({ length: 3, casing: 'upper' })}${this.digits(3)}`, `${this.f.string.alpha({ length: 3, casing: 'upper' })}-${this.digits(4)}`]);
  }

  imei(): string {
    const body = this.digits(14);
    for (let check = 0; check <= 9; check++) {
      const candidate = `${body}${check}`;
      let sum = 0;
      for (let i = 0; i < 15; i++) {
        let d = Number(candidate[14 - i]);
        if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        sum += d;
      }
      if (sum % 10 === 0) return candidate;
    }
    throw new Error('unreachable');
  }

  mrn(): string {
    return this.pick([this.digits(8), this.digits(7), `${this.f.string.alpha({ length: 2, casing: 'upper' })}${this.digits(6)}`, `${this.digits(3)}-${this.digits(4)}`]);
  }
  memberId(): string {
    return this.pick([`${this.f.string.alpha({ length: 3, casing: 'upper' })}${this.digits(9)}`, `W${this.digits(9)}`, `${this.digits(1)}${this.f.string.alphanumeric({ length: 3, casing: 'upper' })}-${this.f.string.alphanumeric({ length: 3, casing: 'upper' })}-${this.f.string.alphanumeric({ length: 4, casing: 'upper' })}`]);
  }
  accountNumber(): string {
    return this.pick([this.f.finance.accountNumber(), this.f.finance.accountNumber(12), `${this.digits(4)}-${this.digits(6)}`]);
  }
  licenseNumber(): string {
    return this.pick([`${this.f.string.alpha({ length: 1, casing: 'upper' })}${this.digits(7)}`, `${this.f.string.alpha({ length: 1, casing: 'upper' })}${this.digits(3)}-${this.digits(3)}-${this.digits(3)}`, `${this.digits(9)}`]);
  }
  serial(): string {
    return this.pick([`${this.f.string.alpha({ length: 2, casing: 'upper' })}${this.digits(6)}`, `${this.f.string.alphanumeric({ length: 10, casing: 'upper' })}`, `${this.digits(4)}-${this.f.string.alphanumeric({ length: 5, casing: 'upper' })}`]).replace(/^([^0-9]*)$/, `$1${this.digits(2)}`);
  }
  otherId(): string {
    return this.pick([`${this.f.string.alpha({ length: 3, casing: 'upper' })}-${this.digits(6)}`, this.digits(10), `${this.digits(2)}-${this.digits(7)}`]);
  }

  streetAddress(): string {
    return this.f.location.streetAddress(this.chance(0.3));
  }
  city(): string {
    return this.f.location.city();
  }
  state(): string {
    return this.f.location.state({ abbreviated: true });
  }
  zip(): string {
    return this.chance(0.8) ? this.f.location.zipCode('#####') : this.f.location.zipCode('#####-####');
  }

  date(): { year: number; month: number; day: number } {
    const d = this.f.date.between({ from: '1925-01-01', to: '2026-10-01' });
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  }
  formatDate(d: { year: number; month: number; day: number }): string {
    const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
    const mm = String(d.month).padStart(2, '0');
    const dd = String(d.day).padStart(2, '0');
    const name = months[d.month - 1]!;
    return this.pick([
      `${mm}/${dd}/${d.year}`,
      `${d.month}/${d.day}/${d.year}`,
      `${d.year}-${mm}-${dd}`,
      `${name} ${d.day}, ${d.year}`,
      `${name.slice(0, 3)} ${d.day} ${d.year}`,
      `${d.day} ${name} ${d.year}`,
      `${dd}-${name.slice(0, 3)}-${d.year}`,
      `${d.month}/${d.day}/${String(d.year).slice(2)}`,
      `${name} ${d.day}`,
      `${name} ${d.year}`,
      `${dd}.${mm}.${d.year}`,
    ]);
  }
}
