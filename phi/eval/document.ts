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
