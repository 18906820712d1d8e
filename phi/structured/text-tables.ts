import type { MaskingPolicy } from '../policy';
import type { Finding } from '../types';
import { classifyColumn } from './classify';
import type { ReportBuilder } from '../report';

/**
 * Tables inside text: Markdown pipe tables and CSV/TSV blocks with a header row. Columns are
 * classified like SQL columns; every cell of a PHI column becomes a finding (score 1), and the
 * rest of the table is left to free-text detection.
 */
interface Cell {
  start: number;
  end: number;
}
interface Row {
  cells: Cell[];
}

const MAX_LINE = 16_384;

function lines(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    out.push({ start, end: end > start && text[end - 1] === '\r' ? end - 1 : end });
    start = end + 1;
  }
  return out;
}

/** Cells of one delimited line, honouring double quotes; spans exclude quotes and padding. */
function splitDelimited(text: string, start: number, end: number, delimiter: string): Cell[] {
  const cells: Cell[] = [];
  let i = start;
  while (i <= end) {
    let cellStart = i;
    let cellEnd: number;
    if (text[i] === '"') {
      let j = i + 1;
      while (j < end && !(text[j] === '"' && text[j + 1] !== '"')) j += text[j] === '"' ? 2 : 1;
      cellStart = i + 1;
      cellEnd = j;
      i = j + 1;
      while (i < end && text[i] !== delimiter) i++;
    } else {
      let j = i;
      while (j < end && text[j] !== delimiter) j++;
      cellEnd = j;
      i = j;
    }
    while (cellStart < cellEnd && /\s/.test(text[cellStart]!)) cellStart++;
    while (cellEnd > cellStart && /\s/.test(text[cellEnd - 1]!)) cellEnd--;
    cells.push({ start: cellStart, end: cellEnd });
    i++; // past the delimiter
  }
  return cells;
}

function splitMarkdown(text: string, start: number, end: number): Cell[] {
  let s = start;
  let e = end;
  while (s < e && /\s/.test(text[s]!)) s++;
  while (e > s && /\s/.test(text[e - 1]!)) e--;
  if (text[s] === '|') s++;
  if (e > s && text[e - 1] === '|') e--;
  return splitDelimited(text, s, e, '|');
}

const HEADER_CELL = /^[A-Za-z_][A-Za-z0-9_ .#/()-]{0,63}$/;
const MARKDOWN_RULE = /^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$/;

function isHeader(text: string, cells: Cell[]): boolean {
  return cells.length >= 2 && cells.every((c) => HEADER_CELL.test(text.slice(c.start, c.end)));
}

function tableFindings(text: string, header: Cell[], rows: Row[], policy: MaskingPolicy, report: ReportBuilder | undefined, path: string): Finding[] {
  const out: Finding[] = [];
  header.forEach((h, col) => {
    const name = text.slice(h.start, h.end);
    const values = rows.map((r) => (r.cells[col] ? text.slice(r.cells[col]!.start, r.cells[col]!.end) : ''));
    const decision = classifyColumn(name, values, policy, report);
    if (decision.kind !== 'phi') return;
    report?.column({ path, column: name, type: decision.type, reason: decision.reason });
    for (const r of rows) {
      const cell = r.cells[col];
      if (cell && cell.end > cell.start) out.push({ type: decision.type, start: cell.start, end: cell.end, score: 1 });
    }
  });
  return out;
}

export function findTextTables(text: string, policy: MaskingPolicy, report?: ReportBuilder, path = 'text'): Finding[] {
  if (!text.includes('\n')) return [];
  const all = lines(text);
  const out: Finding[] = [];
  let i = 0;
  while (i < all.length - 1) {
    const line = all[i]!;
    const next = all[i + 1]!;
    if (line.end - line.start > MAX_LINE) {
      i++;
      continue;
    }
    const first = text.slice(line.start, Math.min(line.end, line.start + 4)).trimStart();
    // Markdown: | a | b |, then |---|---|.
    if (first.startsWith('|') && MARKDOWN_RULE.test(text.slice(next.start, Math.min(next.end, next.start + MAX_LINE)))) {
      const header = splitMarkdown(text, line.start, line.end);
      const rows: Row[] = [];
      let j = i + 2;
      while (j < all.length && text.slice(all[j]!.start, all[j]!.end).trimStart().startsWith('|')) {
        rows.push({ cells: splitMarkdown(text, all[j]!.start, all[j]!.end) });
        j++;
      }
      if (isHeader(text, header) && rows.length > 0) out.push(...tableFindings(text, header, rows, policy, report, path));
      i = j;
      continue;
    }
    // CSV / TSV / semicolon: a header of names, then rows with the same number of fields.
    const raw = text.slice(line.start, line.end);
    const delimiter = raw.includes('\t') ? '\t' : raw.includes(',') ? ',' : raw.includes(';') ? ';' : '';
    if (delimiter) {
      const header = splitDelimited(text, line.start, line.end, delimiter);
      if (isHeader(text, header)) {
        const rows: Row[] = [];
        let j = i + 1;
        while (j < all.length && all[j]!.end - all[j]!.start <= MAX_LINE) {
          const cells = splitDelimited(text, all[j]!.start, all[j]!.end, delimiter);
          if (cells.length !== header.length) break;
          rows.push({ cells });
          j++;
        }
        if (rows.length > 0) {
          out.push(...tableFindings(text, header, rows, policy, report, path));
          i = j;
          continue;
        }
      }
    }
    i++;
  }
  return out;
}
