import type { EntityType } from '../types';

/** A gold-labelled identifier inside a generated document. */
export interface GoldSpan {
  type: EntityType;
  start: number;
  end: number;
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

  entity(type: EntityType, value: string): this {
    this.spans.push({ type, start: this.length, end: this.length + value.length });
    return this.text(value);
  }

  build(): LabelledDocument {
    return { text: this.parts.join(''), spans: this.spans };
  }
}
