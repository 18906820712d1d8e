import { applyOperator, type OperatorContext } from '../operators';
import { maskString, operatorFor } from '../mask-text';
import type { MaskingPolicy } from '../policy';
import type { ReportBuilder } from '../report';
import { classifyByName, classifyColumn, identifiersInPhiTable, type ColumnClass } from './classify';
import { serializeJson } from './serialize';

/** Strings that hold JSON documents (MCP tool results do) are masked structurally to this depth. */
const MAX_EMBEDDED_JSON = 3;
const TEXT: ColumnClass = { kind: 'text' };

type Container = Record<string, unknown> | unknown[];
interface Frame {
  src: Container;
  dst: Container;
  keys: string[];
  i: number;
  path: string;
  /** Every scalar below is masked as this class (a PHI key's value that is itself an object). */
  forced?: ColumnClass;
  /** For an array of records: the class of each key its records use. */
  elementColumns?: Map<string, ColumnClass>;
  /** For one record of such an array: the same classes. */
  recordColumns?: Map<string, ColumnClass>;
  /** For one row of an array of arrays: the class of each position. */
  positionColumns?: ColumnClass[];
  /** For an array of arrays: the classes its rows use. */
  rowColumns?: ColumnClass[];
}

/** First non-blank character is "{" or "[". */
function startsLikeJson(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 123 || c === 91) return true;
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return false;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Sets an own member of a copy. `copy.__proto__ = v` would set the copy's prototype instead (the
 * member lost, and an object value's keys then read as inherited ones), so that key is defined.
 */
export function setMember(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}
const pointer = (path: string, key: string) => `${path}/${key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key}`;

/** Masks one cell of a PHI column, whatever its JSON type (null stays null). */
export function maskCell(value: unknown, column: Extract<ColumnClass, { kind: 'phi' }>, policy: MaskingPolicy, context: OperatorContext, report: ReportBuilder, path: string): unknown {
  if (value === null || value === undefined || value === '') return value;
  const text = typeof value === 'string' ? value : typeof value === 'object' ? serializeJson(value) : String(value);
  const operator = operatorFor(column.type, policy);
  report.add({ type: column.type, path, operator });
  return applyOperator(operator, column.type, text, context);
}

/** The column classes of an array of records, from the keys of (a sample of) its records. */
function recordColumns(records: readonly unknown[], policy: MaskingPolicy, report: ReportBuilder, path: string): Map<string, ColumnClass> | undefined {
  const sample = records.slice(0, Math.max(policy.sampling.rows, 8));
  if (sample.length < 2 || !sample.every(isRecord)) return undefined;
  const keys = new Set<string>();
  for (const r of sample) for (const k of Object.keys(r)) keys.add(k);
  const names = [...keys];
  const valuesOf = (index: number) => records.map((r) => (isRecord(r) ? r[names[index]!] : undefined));
  const classes = names.map((key, index) => classifyColumn(key, valuesOf(index), policy, report));
  identifiersInPhiTable(classes, valuesOf, policy, names);
  const columns = new Map<string, ColumnClass>();
  names.forEach((key, index) => {
    const decision = classes[index]!;
    columns.set(key, decision);
    if (decision.kind === 'phi') report.column({ path, column: key, type: decision.type, reason: decision.reason });
  });
  return columns;
}

/** Column names next to an array of row arrays: {columns|fields|rowType: [...], rows|data: [[...]]}. */
function columnNamesFor(owner: Record<string, unknown>): string[] | undefined {
  const meta = isRecord(owner.resultSetMetaData) ? owner.resultSetMetaData.rowType : undefined;
  for (const candidate of [owner.columns, owner.fields, owner.rowType, owner.columnNames, meta]) {
    if (!Array.isArray(candidate) || candidate.length === 0) continue;
    const names = candidate.map((c) => (typeof c === 'string' ? c : isRecord(c) && typeof c.name === 'string' ? c.name : undefined));
    if (names.every((n): n is string => n !== undefined)) return names;
  }
  return undefined;
}

function rowColumns(names: string[], rows: unknown[], policy: MaskingPolicy, report: ReportBuilder, path: string): ColumnClass[] {
  const valuesOf = (index: number) => rows.map((r) => (Array.isArray(r) ? r[index] : undefined));
  const classes = names.map((name, index) => classifyColumn(name, valuesOf(index), policy, report));
  identifiersInPhiTable(classes, valuesOf, policy, names);
  classes.forEach((decision, index) => {
    if (decision.kind === 'phi') report.column({ path, column: names[index]!, type: decision.type, reason: decision.reason });
  });
  return classes;
}

function maskScalar(value: unknown, column: ColumnClass, policy: MaskingPolicy, context: OperatorContext, report: ReportBuilder, path: string, embedded: number): unknown {
  if (column.kind === 'none') return value;
  if (column.kind === 'phi') return maskCell(value, column, policy, context, report, path);
  if (typeof value === 'string') {
    if (embedded < MAX_EMBEDDED_JSON && startsLikeJson(value)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        parsed = undefined;
      }
      if (parsed !== undefined && typeof parsed === 'object' && parsed !== null) {
        return serializeJson(maskJsonValue(parsed, policy, context, report, `${path}#json`, embedded + 1));
      }
    }
    return maskString(value, policy, context, report, path);
  }
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) >= 1_000_000) {
    // Seven or more digits can be a phone number, an MRN or an SSN stored as a number.
    const text = String(value);
    const masked = maskString(text, policy, context, report, path);
    return masked === text ? value : masked;
  }
  return value;
}

/**
 * Masks any JSON value without recursion (deeply nested input cannot overflow the stack).
 * Keys are classified like column names; arrays of records and {columns, rows} tables are
 * classified per column, including by sampling values; every other string is free text.
 */
export function maskJsonValue(value: unknown, policy: MaskingPolicy, context: OperatorContext, report: ReportBuilder, path = '', embedded = 0): unknown {
  if (typeof value !== 'object' || value === null) return maskScalar(value, TEXT, policy, context, report, path || '/', embedded);
  const rootDst: Container = Array.isArray(value) ? [] : {};
  const stack: Frame[] = [];
  const rootFrame: Frame = { src: value as Container, dst: rootDst, keys: Array.isArray(value) ? [] : Object.keys(value), i: 0, path };
  if (Array.isArray(value)) rootFrame.elementColumns = recordColumns(value, policy, report, path || '/');
  stack.push(rootFrame);

  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const isArray = Array.isArray(frame.src);
    const length = isArray ? (frame.src as unknown[]).length : frame.keys.length;
    if (frame.i >= length) {
      stack.pop();
      continue;
    }
    const index = frame.i++;
    const key = isArray ? String(index) : frame.keys[index]!;
    const child = isArray ? (frame.src as unknown[])[index] : (frame.src as Record<string, unknown>)[key];
    // Paths are built only while the report still lists locations, or for containers.
    const childPath = report.wantsLocations || (typeof child === 'object' && child !== null) ? pointer(frame.path, key) : '';

    let column: ColumnClass = TEXT;
    if (frame.forced) column = frame.forced;
    else if (isArray && frame.positionColumns) column = frame.positionColumns[index] ?? TEXT;
    else if (!isArray && frame.recordColumns) column = frame.recordColumns.get(key) ?? TEXT;
    else if (!isArray) column = classifyByName(key, policy) ?? TEXT;

    let outKey = key;
    if (!isArray && !frame.forced && column.kind === 'text' && key.length >= 6 && /[A-Za-z0-9]{2}/.test(key)) {
      outKey = maskString(key, policy, context, report, `${childPath}#key`);
      while (outKey !== key && Object.hasOwn(frame.dst, outKey)) outKey += '#';
    }

    let out: unknown;
    if (typeof child === 'object' && child !== null && column.kind !== 'none') {
      const dst: Container = Array.isArray(child) ? [] : {};
      out = dst;
      const next: Frame = { src: child as Container, dst, keys: Array.isArray(child) ? [] : Object.keys(child), i: 0, path: childPath };
      if (column.kind === 'phi') next.forced = column;
      else if (isArray && frame.rowColumns && Array.isArray(child)) next.positionColumns = frame.rowColumns;
      else if (isArray && frame.elementColumns && !Array.isArray(child)) next.recordColumns = frame.elementColumns;
      else if (!isArray && Array.isArray(child) && child.length > 0 && child.every(Array.isArray)) {
        const names = columnNamesFor(frame.src as Record<string, unknown>);
        if (names) next.rowColumns = rowColumns(names, child, policy, report, childPath);
      }
      if (Array.isArray(child) && !next.forced && !next.positionColumns && !next.rowColumns) next.elementColumns = recordColumns(child, policy, report, childPath);
      stack.push(next);
    } else {
      out = maskScalar(child, column, policy, context, report, childPath, embedded);
    }
    if (isArray) (frame.dst as unknown[]).push(out);
    else setMember(frame.dst as Record<string, unknown>, outKey, out);
  }
  return rootDst;
}
