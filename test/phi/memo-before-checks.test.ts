// maskString asks the memo of clean texts (phi/clean-texts.ts) before its well-formedness and
// binary checks, so a remembered text must be one those checks would pass unchanged: well-formed,
// and not binary-looking under `binary: redact`, whichever policy or path remembered it.
import { maskJson, maskText, parseMaskingPolicy } from '../../phi';
import { forgetCleanTexts, knownClean, rememberClean } from '../../phi/clean-texts';
import { BINARY_PLACEHOLDER } from '../../phi/mask-text';

beforeEach(() => forgetCleanTexts());

// One line, no identifier in it, more than one character in ten a control character.
const binaryLooking = 'pump log \u0001\u0002\u0003\u0004 ok \u0005\u0006\u0007\u000e fine \u000f\u0010\u0011 end';

test('a binary-looking line passed under binary: scan is still withheld under binary: redact with the same scan settings', () => {
  const scan = parseMaskingPolicy({ binary: 'scan' });
  const redact = parseMaskingPolicy({});
  expect(maskText(binaryLooking, scan).text).toBe(binaryLooking);
  expect(knownClean(binaryLooking, scan)).toBe(true);
  expect(maskText(binaryLooking, redact).text).toBe(BINARY_PLACEHOLDER);
  expect(maskJson({ note: binaryLooking }, redact).value).toEqual({ note: BINARY_PLACEHOLDER });
});

test('a binary-looking or ill-formed text is not remembered however it is offered', () => {
  const redact = parseMaskingPolicy({});
  rememberClean(binaryLooking, redact);
  expect(knownClean(binaryLooking, redact)).toBe(false);
  const loneSurrogate = 'ward note \ud800 nothing else';
  rememberClean(loneSurrogate, redact);
  expect(knownClean(loneSurrogate, redact)).toBe(false);
  expect(maskText(loneSurrogate, redact).text).toBe('ward note \ufffd nothing else');
});

test('a column name full of control characters cannot make a sampling probe pass a binary cell', () => {
  // classifyBySample remembers "label value" probes; with such a label the probe looks binary.
  const redact = parseMaskingPolicy({});
  const label = '\u0001\u0002\u0003\u0004\u0005\u0006\u0007'.repeat(6);
  const rows = Array.from({ length: 8 }, () => ({ [label]: 'ab1' }));
  maskJson(rows, redact);
  const probe = `${label} ab1`;
  expect(knownClean(probe, redact)).toBe(false);
  expect(maskJson({ note: probe }, redact).value).toEqual({ note: BINARY_PLACEHOLDER });
});
