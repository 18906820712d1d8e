import { Faker, en, type LocaleDefinition } from '@faker-js/faker';
import type { Draws } from './draws';

export interface Name {
  given: string;
  family: string;
  locale: string;
}

/** Hand-written names per community, [given, family]. */
export type HandNames = Record<string, readonly (readonly [string, string])[]>;

/**
 * A held-out set's names: with chance `fakerShare` from one of its faker locales (each faker
 * seeded by `seedOf(key)`, so a set's names stay its own), else one of its hand-written names.
 */
export class NameSource {
  private readonly fakers = new Map<string, Faker>();
  constructor(
    private readonly r: Draws,
    private readonly locales: Record<string, LocaleDefinition>,
    private readonly hand: HandNames,
    private readonly fakerShare: number,
    seedOf: (key: string) => number,
  ) {
    for (const [key, def] of Object.entries(locales)) {
      const f = new Faker({ locale: [def, en] });
      f.seed(seedOf(key));
      this.fakers.set(key, f);
    }
  }
  one(): Name {
    if (this.r.chance(this.fakerShare)) {
      const key = this.r.pick(Object.keys(this.locales));
      const f = this.fakers.get(key)!;
      return { given: f.person.firstName(), family: f.person.lastName(), locale: key };
    }
    const locale = this.r.pick(Object.keys(this.hand));
    const [given, family] = this.r.pick(this.hand[locale]!);
    return { given, family, locale };
  }
}
