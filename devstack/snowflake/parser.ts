import { SnowflakeError } from './errors';
import type { Token } from './lexer';

/** A cursor over tokens for the hand-written account-statement grammar (see lexer.ts). */
export class TokenCursor {
  private i = 0;

  constructor(private readonly tokens: Token[], private readonly sql: string) {}

  get done(): boolean {
    return this.i >= this.tokens.length;
  }

  peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }

  isWord(...words: string[]): boolean {
    return words.every((w, k) => {
      const t = this.tokens[this.i + k];
      return t?.kind === 'word' && t.value === w;
    });
  }

  acceptWords(...words: string[]): boolean {
    if (!this.isWord(...words)) return false;
    this.i += words.length;
    return true;
  }

  expectWords(...words: string[]): void {
    if (!this.acceptWords(...words)) this.fail(`expected ${words.join(' ')}`);
  }

  acceptPunct(value: string): boolean {
    const t = this.peek();
    if (t?.kind === 'punct' && t.value === value) {
      this.i++;
      return true;
    }
    return false;
  }

  expectPunct(value: string): void {
    if (!this.acceptPunct(value)) this.fail(`expected '${value}'`);
  }

  /** One identifier: unquoted (upper-cased) or "quoted" (kept exactly). */
  identifier(what = 'identifier'): string {
    const t = this.peek();
    if (t && (t.kind === 'word' || t.kind === 'quoted')) {
      this.i++;
      if (t.kind === 'quoted' && t.value.length === 0) this.fail('empty identifier');
      return t.value;
    }
    return this.fail(`expected ${what}`);
  }

  /** a, a.b or a.b.c */
  qualifiedName(what = 'object name'): string[] {
    const parts = [this.identifier(what)];
    while (this.acceptPunct('.')) parts.push(this.identifier(what));
    if (parts.length > 3) this.fail(`too many name parts in ${parts.join('.')}`);
    return parts;
  }

  string(what = 'string literal'): string {
    const t = this.peek();
    if (t?.kind === 'string') {
      this.i++;
      return t.value;
    }
    return this.fail(`expected ${what}`);
  }

  /** A property value: string, number, TRUE/FALSE, or a bare word/identifier. */
  value(): string | number | boolean {
    const t = this.peek();
    if (!t) return this.fail('expected a value');
    this.i++;
    if (t.kind === 'string') return t.value;
    if (t.kind === 'number') return Number(t.text);
    if (t.kind === 'word' && t.value === 'TRUE') return true;
    if (t.kind === 'word' && t.value === 'FALSE') return false;
    if (t.kind === 'word' || t.kind === 'quoted') return t.value;
    if (t.kind === 'punct' && t.value === '-' && this.peek()?.kind === 'number') return -Number(this.tokens[this.i++]!.text);
    return this.fail(`unexpected '${t.text}'`);
  }

  end(): void {
    if (!this.done) this.fail(`unexpected '${this.peek()!.text}'`);
  }

  fail(message: string): never {
    const t = this.peek();
    const where = t ? `line ${lineOf(this.sql, t.start)} at position ${t.start} unexpected '${t.text}'` : 'unexpected end of statement';
    throw SnowflakeError.syntax(`${where} (${message}).`);
  }
}

function lineOf(sql: string, offset: number): number {
  return sql.slice(0, offset).split('\n').length;
}
