import type { EntityType } from '../types';

/** A gold-labelled identifier inside a generated document. */
export interface GoldSpan {
  type: EntityType;
  start: number;
  end: number;
  /** The locale that produced the value, where a set reports recall per locale (names). */
  locale?: string;
}

export interface LabelledDocument {
  text: string;
  spans: GoldSpan[];
}

/** Builds a document piece by piece, remembering where each identifier went. */
export class DocumentBuilder {
  private parts: string[] = [];
  private length = 0;
  readonly spans: GoldSpan[] = [];

  text(value: string): this {
    this.parts.push(value);
    this.length += value.length;
    return this;
  }

  entity(type: EntityType, value: string, locale?: string): this {
    this.spans.push({ type, start: this.length, end: this.length + value.length, ...(locale ? { locale } : {}) });
    return this.text(value);
  }

  build(): LabelledDocument {
    return { text: this.parts.join(''), spans: this.spans };
  }
}

/** What a document set's generator draws from; each set keeps its own random source and values. */
export interface DocumentDraw {
  pick<T>(items: readonly T[]): T;
  int(min: number, max: number): number;
  chance(p: number): boolean;
}

/** A document shape: its opening, the items drawn for its body, its closing. */
export interface DocumentFormat<R, V> {
  items: ((b: DocumentBuilder, r: R, v: V) => void)[];
  open?: (b: DocumentBuilder, r: R, v: V) => void;
  close?: (b: DocumentBuilder, r: R, v: V) => void;
  /** A shape where free filler sentences would break it (a table, a segment file). */
  noFillers?: boolean;
}

/**
 * `count` documents of the held-out sets' common make-up: a shape drawn per document, then
 * `sections` items (each a filler sentence with chance 0.3 where the shape allows it), in the
 * order the random draws were always made, so a set's documents stay byte for byte the same.
 */
export function assembleDocuments<R extends DocumentDraw, V>(
  count: number, r: R, v: V, formats: Record<string, DocumentFormat<R, V>>, fillers: readonly string[], sections: [min: number, max: number] = [2, 4],
): LabelledDocument[] {
  const names = Object.keys(formats);
  return Array.from({ length: count }, () => {
    const f = formats[r.pick(names)]!;
    const b = new DocumentBuilder();
    f.open?.(b, r, v);
    const k = r.int(sections[0], sections[1]);
    for (let i = 0; i < k; i++) {
      if (!f.noFillers && r.chance(0.3)) b.text(r.pick(fillers));
      else r.pick(f.items)(b, r, v);
    }
    f.close?.(b, r, v);
    return b.build();
  });
}
