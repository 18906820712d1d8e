import Chance from 'chance';

/**
 * Word lists the detectors use, from chance's data sets (its `get` accessor is not in its type
 * definitions). The eval corpus draws its names and addresses from a different package (faker),
 * so the measured recall is not the dictionary grading itself.
 */
const data = new Chance() as unknown as { get(name: string): unknown };

const firstNames = data.get('firstNames') as Record<string, Record<string, string[]>>;
const lastNames = data.get('lastNames') as Record<string, string[]>;
const streetSuffixes = data.get('street_suffixes') as Record<string, { name: string; abbreviation: string }[]>;

/** Lower-case given names, every gender and locale chance ships (en, it, nl, fr). */
export const FIRST_NAMES: ReadonlySet<string> = new Set(
  Object.values(firstNames)
    .flatMap((byLocale) => Object.values(byLocale).flat())
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
