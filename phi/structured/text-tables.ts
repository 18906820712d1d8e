import type { MaskingPolicy } from '../policy';
import type { ReportBuilder } from '../report';
import type { Finding } from '../types';
import { classifyColumn, identifiersInPhiTable, type ColumnClass } from './classify';

/**
 * Tables inside text: Markdown pipe tables and CSV/TSV blocks with a header row. Columns are
 * classified like SQL columns; every cell of a PHI column becomes a finding (score 1), and the
 * rest of the table is left to free-text detection. Everything here is a single forward pass
 * without regular expressions over whole lines, and cells are kept as offsets in flat arrays,
 * so a table of a million rows costs no more per row than one of ten.
 */

const MAX_LINE = 16_384;

/** Cell boundaries of a table, row after row: cell c of row r is at index r * width + c. */
interface Table {
  header: { starts: number[]; ends: number[] };
  width: number;
  rows: number;
  starts: number[];
  ends: number[];
}

/** Line boundaries (a trailing "\r" excluded), as two typed arrays to spare the collector. */
function lines(text: string): { starts: Int32Array; ends: Int32Array; count: number } {
  let count = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  const starts = new Int32Array(count);
  const ends = new Int32Array(count);
  let start = 0;
  for (let k = 0; k < count; k++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    starts[k] = start;
    ends[k] = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    start = end + 1;
  }
  return { starts, ends, count };
}

const isBlank = (c: number) => c === 32 || c === 9 || c === 13 || c === 11 || c === 12 || c === 0xa0;

/**
 * Appends the cells of text[start, end) split on `delimiter` (honouring double quotes) to the
 * arrays; spans exclude quotes and padding. Returns how many cells the line had.
 */
function splitInto(text: string, start: number, end: number, delimiter: string, starts: number[], ends: number[]): number {
  let cells = 0;
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
    while (cellStart < cellEnd && isBlank(text.charCodeAt(cellStart))) cellStart++;
    while (cellEnd > cellStart && isBlank(text.charCodeAt(cellEnd - 1))) cellEnd--;
    starts.push(cellStart);
    ends.push(cellEnd);
    cells++;
    i++; // past the delimiter
  }
  return cells;
}

/** "| a | b |" without its outer pipes. */
function markdownBounds(text: string, start: number, end: number): [number, number] {
  let s = start;
  let e = end;
  while (s < e && isBlank(text.charCodeAt(s))) s++;
  while (e > s && isBlank(text.charCodeAt(e - 1))) e--;
  if (text[s] === '|') s++;
  if (e > s && text[e - 1] === '|') e--;
  return [s, e];
}

/** "|---|:---:|": only pipes, colons, dashes and blanks, with a run of at least three dashes. */
function isMarkdownRule(text: string, start: number, end: number): boolean {
  let run = 0;
  let longest = 0;
  for (let i = start; i < end; i++) {
    const c = text[i]!;
    if (c === '-') longest = Math.max(longest, ++run);
    else if (c === '|' || c === ':' || isBlank(text.charCodeAt(i))) run = 0;
    else return false;
  }
  return longest >= 3;
}

const HEADER_CELL = /^[A-Za-z_][A-Za-z0-9_ .#/()-]{0,63}$/;

/**
 * Words with a number of three digits or more: a value ("BP 135/88", "6628 Nicholas Bypass"), not a
 * column name. An identifier-shaped name with digits ("field100", "c_2024") is still a name.
 */
const VALUE_DIGITS = /\d{3}/;
const WORDS_OR_RATIO = /[ /]/;

/**
 * A header line: two or more short names. Prose with commas ("BP 135/88, HR 72") is no header:
 * a cell holding a number of three digits or more is a value, so the line is a sentence.
 */
function isHeader(text: string, starts: number[], ends: number[]): boolean {
  if (starts.length < 2) return false;
  for (let c = 0; c < starts.length; c++) {
    if (ends[c]! - starts[c]! > 64) return false;
    const cell = text.slice(starts[c], ends[c]);
    if (!HEADER_CELL.test(cell) || (VALUE_DIGITS.test(cell) && WORDS_OR_RATIO.test(cell))) return false;
  }
  return true;
}

function firstNonBlank(text: string, start: number, end: number): string {
  for (let i = start; i < end; i++) if (!isBlank(text.charCodeAt(i))) return text[i]!;
  return '';
}

/**
 * The delimiter a line uses: tab, comma or semicolon, in that order of preference. (A loop
 * bounded by the line, not indexOf, which would search the rest of the text for every line.)
 */
function delimiterOf(text: string, start: number, end: number): string {
  let comma = false;
  let semicolon = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 9) return '\t';
    if (c === 44) comma = true;
    else if (c === 59) semicolon = true;
  }
  return comma ? ',' : semicolon ? ';' : '';
}

function tableFindings(text: string, table: Table, policy: MaskingPolicy, report: ReportBuilder | undefined, path: string, out: Finding[]): void {
  const { width, rows } = table;
  const sampled: string[][] = [];
  const classes: ColumnClass[] = [];
  for (let col = 0; col < width; col++) {
    const name = text.slice(table.header.starts[col], table.header.ends[col]);
    // Only the cells sampling will look at are cut out of the text.
    const step = Math.max(1, Math.floor(rows / policy.sampling.rows));
    const values: string[] = [];
    for (let r = 0; r < rows && values.length < policy.sampling.rows; r += step) values.push(text.slice(table.starts[r * width + col], table.ends[r * width + col]));
    sampled.push(values);
    classes.push(classifyColumn(name, values, policy, report));
  }
  // Headers that say nothing (c1, c2...): the table-level rule finds unlabelled ids and names.
  const headers = Array.from({ length: width }, (_, col) => text.slice(table.header.starts[col], table.header.ends[col]));
  identifiersInPhiTable(classes, (col) => sampled[col]!, policy, headers);
  for (let col = 0; col < width; col++) {
    const name = text.slice(table.header.starts[col], table.header.ends[col]);
    const decision = classes[col]!;
    if (decision.kind !== 'phi') continue;
    report?.column({ path, column: name, type: decision.type, reason: decision.reason });
    for (let r = 0; r < rows; r++) {
      const start = table.starts[r * width + col]!;
      const end = table.ends[r * width + col]!;
      if (end > start) out.push({ type: decision.type, start, end, score: 1 });
    }
  }
}

export function findTextTables(text: string, policy: MaskingPolicy, report?: ReportBuilder, path = 'text'): Finding[] {
  if (!text.includes('\n')) return [];
  const { starts, ends, count } = lines(text);
  const out: Finding[] = [];
  const short = (k: number) => ends[k]! - starts[k]! <= MAX_LINE;
  let i = 0;
  while (i < count - 1) {
    if (!short(i)) {
      i++;
      continue;
    }
    const markdown = firstNonBlank(text, starts[i]!, ends[i]!) === '|' && short(i + 1) && isMarkdownRule(text, starts[i + 1]!, ends[i + 1]!);
    const delimiter = markdown ? '|' : delimiterOf(text, starts[i]!, ends[i]!);
    if (!delimiter) {
      i++;
      continue;
    }
    const header = { starts: [] as number[], ends: [] as number[] };
    const [hs, he] = markdown ? markdownBounds(text, starts[i]!, ends[i]!) : [starts[i]!, ends[i]!];
    const width = splitInto(text, hs, he, delimiter, header.starts, header.ends);
    if (!isHeader(text, header.starts, header.ends)) {
      i++;
      continue;
    }
    const table: Table = { header, width, rows: 0, starts: [], ends: [] };
    let j = markdown ? i + 2 : i + 1;
    while (j < count && short(j) && (!markdown || firstNonBlank(text, starts[j]!, ends[j]!) === '|')) {
      const [rs, re] = markdown ? markdownBounds(text, starts[j]!, ends[j]!) : [starts[j]!, ends[j]!];
      const before = table.starts.length;
      const cells = splitInto(text, rs, re, delimiter, table.starts, table.ends);
      if (cells !== width) {
        table.starts.length = before;
        table.ends.length = before;
        break;
      }
      table.rows++;
      j++;
    }
    if (table.rows === 0) {
      i++;
      continue;
    }
    tableFindings(text, table, policy, report, path, out);
    i = j;
  }
  return out;
}
