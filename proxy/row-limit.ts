/**
 * Row limits on tool results, as a backstop to the upstream's own: a table result carries its
 * rows in structuredContent.rows, and its text rendering is the same object as JSON. Both are cut
 * to the limit and marked truncated.
 */
export function limitRows(result: Record<string, unknown>, limit: number): { result: Record<string, unknown>; rows?: number } {
  let rows: number | undefined;
  let out = result;
  const structured = result.structuredContent;
  if (isTable(structured)) {
    const cut = cutTable(structured, limit);
    rows = cut.rows.length;
    out = { ...out, structuredContent: cut };
  }
  if (Array.isArray(result.content)) {
    let changed = false;
    const content = (result.content as unknown[]).map((item) => {
      const text = (item as { type?: unknown; text?: unknown }).text;
      if ((item as { type?: unknown }).type !== 'text' || typeof text !== 'string' || !text.startsWith('{') || !text.includes('"rows"')) return item;
      // Cheap bounds before parsing: N rows need N-1 row separators, so fewer separators than the limit cannot exceed it;
      // and each separator ends in its own '[' or '{', so fewer of those than the limit (counted without a regex) cannot either.
      if (countUpTo(text, '[', limit) + countUpTo(text, '{', limit) < limit) return item;
      if ((text.match(ROW_SEPARATOR)?.length ?? 0) < limit) return item;
      try {
        const parsed: unknown = JSON.parse(text);
        if (!isTable(parsed) || parsed.rows.length <= limit) return item;
        changed = true;
        const cut = cutTable(parsed, limit);
        rows ??= cut.rows.length;
        return { ...(item as object), text: JSON.stringify(cut) };
      } catch {
        return item;
      }
    });
    if (changed) out = { ...out, content };
  }
  return rows === undefined ? { result: out } : { result: out, rows };
}

const ROW_SEPARATOR = /\]\s*,\s*\[|\}\s*,\s*\{/g;

/** How often `char` occurs in `text`, counted up to `max`. */
function countUpTo(text: string, char: string, max: number): number {
  let n = 0;
  for (let i = text.indexOf(char); i >= 0 && n < max; i = text.indexOf(char, i + 1)) n += 1;
  return n;
}

interface Table { rows: unknown[]; [key: string]: unknown }

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && Array.isArray((value as { rows?: unknown }).rows);
}

function cutTable(table: Table, limit: number): Table {
  if (table.rows.length <= limit) return table;
  return { ...table, rows: table.rows.slice(0, limit), truncated: true, rowLimit: limit };
}
