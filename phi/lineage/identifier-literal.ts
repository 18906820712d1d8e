import type { CatalogTable } from './catalog';

/** One part of an object name: as written, and whether it was double-quoted (then case-sensitive). */
interface NamePart { text: string; quoted: boolean }

const UNQUOTED = /^[A-Za-z_][A-Za-z0-9_$]*/;

/**
 * The parts of the object name inside `IDENTIFIER('...')`, as Snowflake reads it: one to three
 * parts separated by dots, each an unquoted identifier or a double-quoted one ("" for a quote).
 * Undefined for anything else. The literal is the parser's raw text, so anything Snowflake would
 * unescape first (a backslash, a doubled single quote) is refused rather than guessed at, and so
 * is whitespace, an empty part (`DB..T`) or a fourth part: the caller then leaves the object
 * unresolved.
 */
export function identifierLiteralParts(literal: string): NamePart[] | undefined {
  if (literal.includes('\\') || literal.includes("'")) return undefined;
  const parts: NamePart[] = [];
  let at = 0;
  for (;;) {
    if (literal[at] === '"') {
      let text = '';
      let i = at + 1;
      for (;;) {
        const close = literal.indexOf('"', i);
        if (close < 0) return undefined;
        text += literal.slice(i, close);
        if (literal[close + 1] === '"') {
          text += '"';
          i = close + 2;
          continue;
        }
        at = close + 1;
        break;
      }
      if (text === '') return undefined;
      parts.push({ text, quoted: true });
    } else {
      const m = UNQUOTED.exec(literal.slice(at));
      if (!m) return undefined;
      parts.push({ text: m[0], quoted: false });
      at += m[0].length;
    }
    if (at === literal.length) break;
    if (literal[at] !== '.') return undefined;
    at++;
  }
  return parts.length <= 3 ? parts : undefined;
}

/**
 * Whether a catalog name is the object a name part denotes: a quoted part exactly (case
 * included, so `"Patients"` is not PATIENTS), an unquoted one as Snowflake folds it (upper case).
 */
export const namesPart = (stored: string, part: NamePart): boolean => stored === (part.quoted ? part.text : part.text.toUpperCase());

/** The catalog tables among `candidates` that the parts name exactly (database, schema, table from the right). */
export function exactlyNamed(candidates: CatalogTable[], parts: NamePart[]): CatalogTable[] {
  const [name, schema, database] = [...parts].reverse();
  return candidates.filter((t) => namesPart(t.name, name!) && (!schema || namesPart(t.schema, schema)) && (!database || namesPart(t.database, database)));
}
