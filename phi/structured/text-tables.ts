import type { MaskingPolicy } from '../policy';
import type { ReportBuilder } from '../report';
import type { Finding } from '../types';
import { classifyColumn, identifiersInPhiTable, type ColumnClass } from './classify';
import { typeFromColumnName } from './column-names';
import { rowOfValues } from './value-shapes';

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

/** The pipes of the line delimiterOf last read to its end (no tab): headerlessRows' count for that line, without a second pass. */
let pipesOfLine = 0;

/**
 * The delimiter a line uses: tab, comma or semicolon, in that order of preference. (A loop
 * bounded by the line, not indexOf, which would search the rest of the text for every line.)
 */
function delimiterOf(text: string, start: number, end: number): string {
  let comma = false;
  let semicolon = false;
  let pipes = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 9) return '\t';
    if (c === 44) comma = true;
    else if (c === 59) semicolon = true;
    else if (c === 124) pipes++;
  }
  pipesOfLine = pipes;
  return comma ? ',' : semicolon ? ';' : '';
}

function tableFindings(text: string, table: Table, policy: MaskingPolicy, report: ReportBuilder | undefined, path: string, out: Finding[], names?: readonly string[]): void {
  const { width, rows } = table;
  const headers = names ?? Array.from({ length: width }, (_, col) => text.slice(table.header.starts[col], table.header.ends[col]));
  const sampled: string[][] = [];
  const classes: ColumnClass[] = [];
  for (let col = 0; col < width; col++) {
    const name = headers[col]!;
    // Only the cells sampling will look at are cut out of the text.
    const step = Math.max(1, Math.floor(rows / policy.sampling.rows));
    const values: string[] = [];
    for (let r = 0; r < rows && values.length < policy.sampling.rows; r += step) values.push(text.slice(table.starts[r * width + col], table.ends[r * width + col]));
    sampled.push(values);
    classes.push(classifyColumn(name, values, policy, report));
  }
  // Headers that say nothing (c1, c2...): the table-level rule finds unlabelled ids and names.
  identifiersInPhiTable(classes, (col) => sampled[col]!, policy, headers);
  for (let col = 0; col < width; col++) {
    const name = headers[col]!;
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

/** The header line of `table` reads as a row of its values (value-shapes.ts rowOfValues). */
function firstLineIsRow(text: string, table: Table): boolean {
  if (table.rows < 2) return false;
  const { header, width } = table;
  const cells = header.starts.map((s, c) => text.slice(s, header.ends[c]));
  const columnOf = (c: number): string[] => {
    const values: string[] = [];
    for (let r = 0; r < table.rows && r < 8; r++) values.push(text.slice(table.starts[r * width + c], table.ends[r * width + c]));
    return values;
  };
  return rowOfValues(cells, columnOf, (cell) => typeFromColumnName(cell) !== undefined);
}

/** A segment of HL7 v2 ("PID|"), X12 or the like: its own readers know its fields by position. */
const SEGMENT = /^[A-Z][A-Z0-9]{2}[|*^~]$/;

/** Column names for rows that came without any: "1", "2"... (they say nothing, like `c1`). */
const numbered = (width: number): string[] => Array.from({ length: width }, (_, col) => String(col + 1));

/** A cell of a headerless row: short, at most four words (a sentence is no cell). */
function cellLike(text: string, start: number, end: number): boolean {
  if (end - start > 48) return false;
  let spaces = 0;
  for (let k = start; k < end; k++) if (text.charCodeAt(k) === 32 && ++spaces > 3) return false;
  return true;
}

/**
 * Rows of values with no header line, from line `i`: at least two lines (three when commas
 * separate them) split by the same tab, comma, semicolon (the delimiter the caller found, by its
 * preference) or pipe into the same number of cells,
 * three or more, every cell short. Their columns are classified with names that say nothing
 * ("1", "2"...), so a column is PHI by its values alone (a column of dates, of names, of codes
 * in a table that holds PHI). Returns the line after the rows, or `i` when there were none.
 */
function headerlessRows(text: string, starts: Int32Array, ends: Int32Array, count: number, i: number, found: string, policy: MaskingPolicy, report: ReportBuilder | undefined, path: string, out: Finding[], pipes = -1): number {
  const s0 = starts[i]!;
  const e0 = ends[i]!;
  if (e0 - s0 > MAX_LINE || e0 === s0 || i + 1 >= count) return i;
  const first = firstNonBlank(text, s0, e0);
  if (first === '{' || first === '[') return jsonRows(text, starts, ends, count, i, policy, report, path, out);
  // The caller found no tab, comma or semicolon: a pipe is the one delimiter left.
  const delimiter = found || ((pipes >= 0 ? pipes : occurrences(text, s0, e0, 124)) >= 2 ? '|' : '');
  if (!delimiter || SEGMENT.test(text.slice(s0, s0 + 4))) return i;
  // Cheap first: this line and the next hold the same number of delimiters, two or more (unless a
  // quote may hide one; then the cells decide).
  if (occurrences(text, s0, e0, 34) === 0) {
    const here = occurrences(text, s0, e0, delimiter.charCodeAt(0));
    if (here < 2 || occurrences(text, starts[i + 1]!, ends[i + 1]!, delimiter.charCodeAt(0)) !== here) return i;
  }
  const table: Table = { header: { starts: [], ends: [] }, width: 0, rows: 0, starts: [], ends: [] };
  let j = i;
  for (; j < count && ends[j]! - starts[j]! <= MAX_LINE; j++) {
    const before = table.starts.length;
    const cells = splitInto(text, starts[j]!, ends[j]!, delimiter, table.starts, table.ends);
    let ok = cells >= 3 && (j === i || cells === table.width);
    for (let c = before; ok && c < table.starts.length; c++) ok = cellLike(text, table.starts[c]!, table.ends[c]!);
    if (!ok) {
      table.starts.length = before;
      table.ends.length = before;
      break;
    }
    table.width = cells;
    table.rows++;
  }
  if (table.rows < (delimiter === ',' ? 3 : 2)) return i;
  tableFindings(text, table, policy, report, path, out, numbered(table.width));
  return j;
}

/** How many times the character `code` occurs in text[start, end). */
function occurrences(text: string, start: number, end: number, code: number): number {
  let n = 0;
  for (let k = start; k < end; k++) if (text.charCodeAt(k) === code) n++;
  return n;
}

/**
 * The values of one JSON line (an object or an array on one line, a trailing comma allowed):
 * strings (without their quotes) and bare numbers, each with the key before it (or its position
 * in an array). Undefined when the line is not such a row.
 */
function jsonRow(text: string, start: number, end: number): { keys: string[]; starts: number[]; ends: number[] } | undefined {
  let s = start;
  let e = end;
  while (s < e && isBlank(text.charCodeAt(s))) s++;
  while (e > s && (isBlank(text.charCodeAt(e - 1)) || text[e - 1] === ',')) e--;
  const open = text[s];
  if (!((open === '{' && text[e - 1] === '}') || (open === '[' && text[e - 1] === ']'))) return undefined;
  const row = { keys: [] as string[], starts: [] as number[], ends: [] as number[] };
  let key = '';
  let k = s + 1;
  while (k < e - 1) {
    const c = text[k]!;
    if (c === '"') {
      let q = k + 1;
      while (q < e && text[q] !== '"') q += text[q] === '\\' ? 2 : 1;
      if (q >= e) return undefined;
      let after = q + 1;
      while (after < e && isBlank(text.charCodeAt(after))) after++;
      if (text[after] === ':') key = text.slice(k + 1, q);
      else {
        row.keys.push(open === '{' ? key : String(row.keys.length + 1));
        row.starts.push(k + 1);
        row.ends.push(q);
      }
      k = q + 1;
    } else if ((c >= '0' && c <= '9') || c === '-') {
      let q = k + 1;
      while (q < e && /[0-9.eE+-]/.test(text[q]!)) q++;
      row.keys.push(open === '{' ? key : String(row.keys.length + 1));
      row.starts.push(k);
      row.ends.push(q);
      k = q;
    } else k++;
  }
  return row.keys.length >= 2 ? row : undefined;
}

/**
 * JSON lines (`{"c1":"...","c2":"..."}` a line) and JSON arrays of arrays written a row a line,
 * inside text: at least two consecutive rows become a table whose columns are the union of their
 * keys (an array's by position, which says nothing), in the order first seen; a row missing a key
 * has an empty cell there. Each row shares two keys with the rows before it (all of its keys when
 * it has fewer); a key a row holds twice is a column per occurrence (its first "k", its second "k").
 */
function jsonRows(text: string, starts: Int32Array, ends: Int32Array, count: number, i: number, policy: MaskingPolicy, report: ReportBuilder | undefined, path: string, out: Finding[]): number {
  // A column per key and occurrence ("k" and "k\u0000" for a row's second "k"), named by its key.
  const columns = new Map<string, number>();
  const names: string[] = [];
  const rows: { starts: number[]; ends: number[] }[] = [];
  let j = i;
  for (; j < count && ends[j]! - starts[j]! <= MAX_LINE; j++) {
    const row = jsonRow(text, starts[j]!, ends[j]!);
    if (!row) break;
    const seen = new Map<string, string>();
    const ids = row.keys.map((k) => {
      const id = seen.has(k) ? `${seen.get(k)!}\u0000` : k;
      seen.set(k, id);
      return id;
    });
    if (rows.length > 0 && ids.filter((id) => columns.has(id)).length < Math.min(2, ids.length)) break;
    const cells = { starts: [] as number[], ends: [] as number[] };
    ids.forEach((id, c) => {
      let col = columns.get(id);
      if (col === undefined) {
        columns.set(id, (col = columns.size));
        names.push(row.keys[c]!);
      }
      cells.starts[col] = row.starts[c]!;
      cells.ends[col] = row.ends[c]!;
    });
    rows.push(cells);
  }
  if (rows.length < 2) return i;
  const width = columns.size;
  const table: Table = { header: { starts: [], ends: [] }, width, rows: rows.length, starts: [], ends: [] };
  for (const row of rows) {
    for (let c = 0; c < width; c++) {
      // A key this row lacks: an empty cell (start = end), which is neither sampled nor masked.
      table.starts.push(row.starts[c] ?? 0);
      table.ends.push(row.ends[c] ?? 0);
    }
  }
  tableFindings(text, table, policy, report, path, out, names);
  return j;
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
      // (delimiterOf has just read line i to its end and counted its pipes.)
      i = Math.max(i + 1, headerlessRows(text, starts, ends, count, i, '', policy, report, path, out, pipesOfLine));
      continue;
    }
    const header = { starts: [] as number[], ends: [] as number[] };
    const [hs, he] = markdown ? markdownBounds(text, starts[i]!, ends[i]!) : [starts[i]!, ends[i]!];
    const width = splitInto(text, hs, he, delimiter, header.starts, header.ends);
    if (!isHeader(text, header.starts, header.ends)) {
      const next = markdown ? i + 1 : headerlessRows(text, starts, ends, count, i, delimiter, policy, report, path, out);
      i = Math.max(i + 1, next);
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
    // A first line of values without digits ("Okonkwo;Amara;Salem") is a row like the others.
    if (!markdown && firstLineIsRow(text, table)) {
      const next = headerlessRows(text, starts, ends, count, i, delimiter, policy, report, path, out);
      if (next > i) {
        i = next;
        continue;
      }
    }
    tableFindings(text, table, policy, report, path, out);
    i = j;
  }
  return out;
}
