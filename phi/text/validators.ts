import { isIPv4, isIPv6 } from 'node:net';

/** Digits of a string, separators dropped. */
export const digitsOf = (value: string): string => value.replace(/\D/g, '');

/** Luhn mod-10 (ISO/IEC 7812-1), used by payment cards, NPI and IMEI. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/**
 * SSA rules: area 000, 666 and 900-999 are never issued, nor group 00 or serial 0000.
 * Two numbers are famous for having been printed on sample cards and reused by the public.
 */
export function ssnValid(digits: string): boolean {
  if (!/^\d{9}$/.test(digits)) return false;
  const area = Number(digits.slice(0, 3));
  if (area === 0 || area === 666 || area >= 900) return false;
  if (digits.slice(3, 5) === '00' || digits.slice(5) === '0000') return false;
  return digits !== '078051120' && digits !== '219099999';
}

/** Card brands by issuer prefix and length; a Luhn pass alone is one number in ten. */
export function paymentCardValid(digits: string): boolean {
  const n = digits.length;
  if (n < 13 || n > 19 || !luhnValid(digits)) return false;
  const p2 = Number(digits.slice(0, 2));
  const p4 = Number(digits.slice(0, 4));
  if (digits[0] === '4') return n === 13 || n === 16 || n === 19; // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16; // Mastercard
  if (p2 === 34 || p2 === 37) return n === 15; // American Express
  if (p4 === 6011 || p2 === 65 || (p4 >= 6440 && p4 <= 6499) || (Number(digits.slice(0, 6)) >= 622126 && Number(digits.slice(0, 6)) <= 622925)) return n >= 16; // Discover
  if (p4 >= 3528 && p4 <= 3589) return n >= 16; // JCB
  if (p2 === 36 || p2 === 38 || (p2 === 30 && Number(digits[2]) <= 5)) return n >= 14; // Diners
  if (p2 === 62) return n >= 16; // UnionPay
  return false;
}

/** NPI: 10 digits starting 1 or 2, Luhn over the number prefixed with 80840 (CMS). */
export function npiValid(digits: string): boolean {
  return /^[12]\d{9}$/.test(digits) && luhnValid(`80840${digits}`);
}

/**
 * DEA registration number: registrant-type letter, a letter (registrant's last-name initial, or 9
 * for some business registrations), seven digits whose last is a check digit:
 * (d1 + d3 + d5) + 2 * (d2 + d4 + d6), last digit of that sum.
 */
export function deaValid(value: string): boolean {
  const m = /^([ABCDEFGHJKLMPRSTUX])([A-Z9])(\d{7})$/.exec(value.toUpperCase());
  if (!m) return false;
  const d = m[3]!.split('').map(Number);
  const sum = d[0]! + d[2]! + d[4]! + 2 * (d[1]! + d[3]! + d[5]!);
  return sum % 10 === d[6];
}

const VIN_VALUES: Record<string, number> = {
  A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8, J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9, S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9,
};
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/** VIN check digit (49 CFR 565.15): position 9 is the weighted sum mod 11, 10 written as X. */
export function vinValid(value: string): boolean {
  const vin = value.toUpperCase();
  if (!/^[A-HJ-NPR-Z0-9]{17}$/.test(vin) || !/\d/.test(vin) || !/[A-Z]/.test(vin)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = vin[i]!;
    const v = c >= '0' && c <= '9' ? Number(c) : VIN_VALUES[c]!;
    sum += v * VIN_WEIGHTS[i]!;
  }
  const check = sum % 11;
  return vin[8] === (check === 10 ? 'X' : String(check));
}

export const ipv4Valid = (value: string): boolean => isIPv4(value);
export const ipv6Valid = (value: string): boolean => isIPv6(value);

/** A real calendar date (months 1-12, days within the month, leap years). */
export function calendarValid(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= days;
}
