import { calendarValid, deaValid, luhnValid, npiValid, paymentCardValid, ssnValid, vinValid } from '../../phi/text/validators';

describe('validators', () => {
  it('Luhn accepts check-digit-correct numbers only', () => {
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
    expect(luhnValid('')).toBe(false);
    expect(luhnValid('12a4')).toBe(false);
  });

  it.each([
    ['123456789', true],
    ['000123456', false], // area 000
    ['666123456', false], // area 666
    ['900123456', false], // areas 900-999 (ITINs and never issued)
    ['123004567', false], // group 00
    ['123450000', false], // serial 0000
    ['078051120', false], // the Woolworth wallet-card number
    ['219099999', false], // printed in a 1940s advertisement
    ['12345678', false],
  ])('SSN %s valid=%s', (digits, valid) => expect(ssnValid(digits)).toBe(valid));

  it('payment cards need a brand prefix, a brand length and Luhn', () => {
    expect(paymentCardValid('4111111111111111')).toBe(true); // Visa
    expect(paymentCardValid('5555555555554444')).toBe(true); // Mastercard
    expect(paymentCardValid('378282246310005')).toBe(true); // Amex
    expect(paymentCardValid('6011111111111117')).toBe(true); // Discover
    expect(paymentCardValid('4111111111111112')).toBe(false); // Luhn fails
    expect(paymentCardValid('9111111111111119')).toBe(false); // no such brand
    expect(paymentCardValid('37828224631000')).toBe(false); // Amex is 15 digits
  });

  it('NPI: Luhn over the 80840 prefix, first digit 1 or 2', () => {
    expect(npiValid('1234567893')).toBe(true); // CMS example
    expect(npiValid('1234567890')).toBe(false);
    expect(npiValid('3234567893')).toBe(false);
  });

  it('DEA: registrant letter, initial, six digits and the weighted check digit', () => {
    expect(deaValid('AB1234563')).toBe(true);
    expect(deaValid('ab1234563')).toBe(true);
    expect(deaValid('AB1234564')).toBe(false); // wrong check digit
    expect(deaValid('IB1234563')).toBe(false); // I is not a registrant type
    expect(deaValid('A91234563')).toBe(true); // 9 for some business registrations
  });

  it('VIN: position 9 is the weighted check digit, no I, O or Q', () => {
    expect(vinValid('1HGCM82633A004352')).toBe(true);
    expect(vinValid('1HGCM82643A004352')).toBe(false);
    expect(vinValid('1HGCM8263OA004352')).toBe(false); // letter O
    expect(vinValid('11111111111111111')).toBe(false); // digits only are not a VIN
  });

  it('calendar dates', () => {
    expect(calendarValid(2024, 2, 29)).toBe(true);
    expect(calendarValid(2023, 2, 29)).toBe(false);
    expect(calendarValid(2023, 13, 1)).toBe(false);
    expect(calendarValid(2023, 4, 31)).toBe(false);
  });
});
