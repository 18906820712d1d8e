import { eachMatchNear, finding, type Detector } from '../detector';
import type { Finding } from '../../types';

/**
 * Ages over 89 written in German, French, Spanish, Portuguese and Italian words
 * ("dreiundneunzig Jahre", "die vierundneunzigjährige Patientin", "âgée de quatre-vingt-douze
 * ans", "nonante-trois ans", "noventa y dos años", "noventa e um anos", "novantatré anni"). The
 * number word alone is no age ("quatre-vingt-dix pour cent"): a unit after it or an age word
 * before it says so. English words are spelled-out.ts's.
 */
const DE_ONES = '(?:ein|zwei|drei|vier|fünf|fuenf|sechs|sieben|acht|neun)';
const DE = `(?:${DE_ONES}undneunzig|neunzig|hundert(?:(?:und)?(?:ein|eins|zwei|drei|vier|fünf|sechs|sieben|acht|neun))?|einhundert(?:(?:und)?(?:ein|eins|zwei|drei|vier|fünf))?)`;
const FR_TEENS = '(?:dix|onze|douze|treize|quatorze|quinze|seize|dix[- ]sept|dix[- ]huit|dix[- ]neuf)';
const FR_ONES = '(?:un|deux|trois|quatre|cinq|six|sept|huit|neuf)';
const FR = `(?:quatre[- ]vingts?[- ](?:et[- ])?${FR_TEENS}|nonante(?:[- ](?:et[- ])?${FR_ONES})?|cent(?:[- ](?:et[- ])?(?:${FR_ONES}|un))?)`;
const ES_PT_ONES = '(?:uno|una|um|uma|dos|duas|dois|tres|três|cuatro|quatro|cinco|seis|siete|sete|ocho|oito|nueve|nove)';
const ES_PT = `(?:noventa(?:[ ](?:y|e)[ ]${ES_PT_ONES})?|cien(?:[ ]${ES_PT_ONES})?|ciento[ ]${ES_PT_ONES}|cem|cento[ ]e[ ]${ES_PT_ONES})`;
const IT = '(?:novanta|novantuno|novantadue|novantatré|novantatre|novantaquattro|novantacinque|novantasei|novantasette|novantotto|novantanove|cento)';
/** Dutch ("zevenennegentig", "tweeënnegentig"), Swedish ("nittiotvå"), Norwegian ("nittito"), Danish ("enoghalvfems"), Polish ("dziewięćdziesiąt dziewięć"). */
const NL = '(?:(?:een|twee|drie|vier|vijf|zes|zeven|acht|negen)[eë]nnegentig|negentig|honderd(?:een|twee|drie|vier|vijf|zes|zeven|acht|negen)?)';
const NORDIC = '(?:nittio(?:en|ett|två|tre|fyra|fem|sex|sju|åtta|nio)?|nitti(?:en|to|tre|fire|fem|seks|sju|syv|åtte|ni)?|(?:(?:en|to|tre|fire|fem|seks|syv|otte|ni)og)?halvfems|(?:ett[ ]?|et[ ]?)?hundr[ae](?:en|ett|två|tre|fyra|fem)?)';
const PL_ONES = '(?:jeden|dwa|trzy|cztery|pięć|sześć|siedem|osiem|dziewięć)';
const PL = `(?:dziewięćdziesiąt(?:[ ]${PL_ONES})?)`;
const NUMBER = `(?:${DE}|${FR}|${ES_PT}|${IT}|${NL}|${NORDIC}|${PL})`;
/** The number word, then a unit after it ("Jahre", "-jährig", "ans", "años", "anos", "anni"). */
const WORD_THEN_UNIT = new RegExp(`(?<![\\p{L}-])(${NUMBER})(?=[ \\u00a0](?:Jahre|Jahren|ans|años|anos|anni|jaar|år|lat)(?![\\p{L}])|[-\\u2010\\u2011]?jährige?[nrsm]?(?![\\p{L}]))`, 'giu');
/** An age word before it ("im Alter von neunzig", "âgée de nonante", "à l'âge de cent", "di anni novanta"). */
const AGE_WORD_THEN_NUMBER = new RegExp(`(?:im Alter von|Alter|âgée? de|à l'âge de|a la edad de|edad|idade|di anni|all'età di|età)[ \\u00a0:]{1,2}(${NUMBER})(?![\\p{L}])`, 'giu');
const HINT = /neunzig|hundert|vingt|nonante|cent|noventa|cien|cem|novant|negentig|honderd|nitti|hundr|halvfems|dziewięćdziesi/i;
/**
 * Every number word above holds one of HINT's stems within its first ten letters and ends within 30
 * of it; an age word before it is at most 14 long. So both patterns run only on windows around the
 * stems (HINT_AT is a literal-led scan; the patterns, lookbehind- or word-led, would try every position).
 */
const HINT_AT = new RegExp(HINT.source, 'gi');
const NEAR_HINT = { before: 40, after: 80, tailRoom: 25 };

export const ageWordsDetector: Detector = {
  name: 'age-words',
  patterns: [WORD_THEN_UNIT, AGE_WORD_THEN_NUMBER, HINT, HINT_AT],
  detect(text) {
    const out: Finding[] = [];
    if (!HINT.test(text)) return out;
    for (const pattern of [WORD_THEN_UNIT, AGE_WORD_THEN_NUMBER]) eachMatchNear(pattern, text, HINT_AT, NEAR_HINT, (m, index) => {
      const start = index + m[0].length - m[1]!.length;
      out.push(finding('AGE', start, start + m[1]!.length, 0.85));
    });
    return out;
  },
};
