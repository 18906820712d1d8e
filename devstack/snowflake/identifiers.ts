/**
 * Snowflake identifiers are case-sensitive once quoted ("abc", "ABC" and "Abc" are three columns;
 * unquoted abc resolves to ABC): https://docs.snowflake.com/en/sql-reference/identifiers-syntax .
 * DuckDB binds every name case-insensitively, so a Snowflake name is stored in DuckDB under an
 * encoding that keeps distinct names distinct even when case is ignored: each lower-case letter
 * is marked with MARK ("abc" -> "§a§b§c"), and MARK itself is doubled. Names without lower-case
 * letters (every unquoted name) are stored as they are, so the data files read naturally.
 *
 * Case-insensitively, the encoding is still one-to-one: MARK followed by a letter only ever comes
 * from a lower-case letter, so folding the case of an encoded name loses nothing.
 */
const MARK = '§';

const isLower = (ch: string) => ch !== ch.toUpperCase() && ch === ch.toLowerCase();

/** The DuckDB name under which a Snowflake identifier (as resolved: unquoted already upper-case) is stored. */
export function duckName(name: string): string {
  if (!name.includes(MARK) && ![...name].some(isLower)) return name;
  let out = '';
  for (const ch of name) out += ch === MARK ? MARK + MARK : isLower(ch) ? MARK + ch : ch;
  return out;
}

/** A DuckDB name as Snowflake spells it: marked letters lower-case, everything else as stored. */
export function snowflakeName(duck: string): string {
  if (!duck.includes(MARK)) return duck;
  let out = '';
  const chars = [...duck];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === MARK && i + 1 < chars.length) out += chars[++i]!;
    else out += chars[i]!;
  }
  return out;
}

/**
 * A result column's name as Snowflake gives it. Marked letters are an identifier the client quoted
 * (kept as written); everything else DuckDB wrote itself for an unaliased expression (`upper(x)`),
 * which Snowflake upper-cases like any unquoted text.
 */
export function resultColumnName(duck: string): string {
  let out = '';
  const chars = [...duck];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === MARK && i + 1 < chars.length) out += chars[++i]!;
    else out += chars[i]!.toUpperCase();
  }
  return out;
}

/** `"name"` for DuckDB SQL: the stored name, quoted. */
export function duckId(name: string): string {
  return `"${duckName(name).replace(/"/g, '""')}"`;
}
