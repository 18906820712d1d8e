import { DuckDBDecimalType, DuckDBStructType, DuckDBTypeId, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';

/**
 * DuckDB results in Snowflake's JSON result format, which the driver decodes column by column:
 * every value is a string (or null); fixed and real as decimal text, boolean as "1"/"0", date as
 * days since the epoch, time and timestamps as "seconds.fraction" at the column's scale,
 * binary as upper-case hex, variant/object/array as JSON text.
 */
export type SnowflakeType =
  | 'fixed' | 'real' | 'text' | 'boolean' | 'date' | 'time'
  | 'timestamp_ntz' | 'timestamp_ltz' | 'timestamp_tz' | 'variant' | 'object' | 'array' | 'binary';

export interface RowType {
  name: string;
  database: string;
  schema: string;
  table: string;
  nullable: boolean;
  type: SnowflakeType;
  byteLength: number | null;
  length: number | null;
  precision: number | null;
  scale: number | null;
  collation: null;
}

export type Cell = string | null;

export function column(name: string, type: SnowflakeType, extra: Partial<RowType> = {}): RowType {
  const text = type === 'text' || type === 'variant' || type === 'object' || type === 'array' || type === 'binary';
  const temporal = type === 'time' || type.startsWith('timestamp');
  return {
    name,
    database: '',
    schema: '',
    table: '',
    nullable: true,
    type,
    byteLength: text ? 16_777_216 : null,
    length: text ? 16_777_216 : null,
    precision: type === 'fixed' ? 38 : temporal ? 0 : null,
    scale: type === 'fixed' ? 0 : temporal ? 9 : null,
    collation: null,
    ...extra,
  };
}

type Encoder = (value: DuckDBValue) => string;

const INTEGER_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.TINYINT, DuckDBTypeId.SMALLINT, DuckDBTypeId.INTEGER, DuckDBTypeId.BIGINT, DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UTINYINT, DuckDBTypeId.USMALLINT, DuckDBTypeId.UINTEGER, DuckDBTypeId.UBIGINT, DuckDBTypeId.UHUGEINT,
]);

/** "seconds.fraction" with 9 fractional digits, from a count of `unitsPerSecond` units. */
function epochText(units: bigint, unitsPerSecond: bigint): string {
  let seconds = units / unitsPerSecond;
  let rest = units % unitsPerSecond;
  if (rest < 0n) {
    seconds -= 1n;
    rest += unitsPerSecond;
  }
  const nanos = rest * (1_000_000_000n / unitsPerSecond);
  return `${seconds}.${nanos.toString().padStart(9, '0')}`;
}

function decimalText(value: bigint, scale: number): string {
  if (scale === 0) return value.toString();
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** Any DuckDB value as a JSON-ready JavaScript value (for variant, object and array). */
export function toJsonValue(value: DuckDBValue): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  const v = value as unknown as Record<string, unknown>;
  // DECIMAL inside an array or object is a JSON number, as Snowflake's ARRAY_AGG gives it.
  if (typeof v.value === 'bigint' && typeof v.scale === 'number' && typeof v.width === 'number') return Number(decimalText(v.value, v.scale));
  if (Array.isArray(v.items)) return (v.items as DuckDBValue[]).map(toJsonValue);
  if (v.entries && typeof v.entries === 'object' && !Array.isArray(v.entries)) {
    return Object.fromEntries(Object.entries(v.entries as Record<string, DuckDBValue>).map(([k, x]) => [k, toJsonValue(x)]));
  }
  if (Array.isArray(v.entries)) {
    return Object.fromEntries((v.entries as { key: DuckDBValue; value: DuckDBValue }[]).map((e) => [String(e.key), toJsonValue(e.value)]));
  }
  if (v.bytes instanceof Uint8Array) return Buffer.from(v.bytes).toString('hex').toUpperCase();
  return String(value);
}

/** How one DuckDB column is presented to the driver. */
export function encoderFor(name: string, type: DuckDBType): { rowType: RowType; encode: Encoder } {
  const id = type.typeId;
  if (type.alias === 'JSON') return { rowType: column(name, 'variant'), encode: (v) => String(v) };
  if (INTEGER_TYPES.has(id)) return { rowType: column(name, 'fixed'), encode: (v) => String(v) };
  if (id === DuckDBTypeId.DECIMAL) {
    const t = type as DuckDBDecimalType;
    return {
      rowType: column(name, 'fixed', { precision: t.width, scale: t.scale }),
      encode: (v) => decimalText((v as unknown as { value: bigint }).value, t.scale),
    };
  }
  switch (id) {
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return { rowType: column(name, 'real'), encode: (v) => String(v) };
    case DuckDBTypeId.BOOLEAN:
      return { rowType: column(name, 'boolean'), encode: (v) => (v ? '1' : '0') };
    case DuckDBTypeId.DATE:
      return { rowType: column(name, 'date'), encode: (v) => String((v as unknown as { days: number }).days) };
    case DuckDBTypeId.TIME:
      return { rowType: column(name, 'time'), encode: (v) => epochText((v as unknown as { micros: bigint }).micros, 1_000_000n) };
    case DuckDBTypeId.TIMESTAMP:
      return { rowType: column(name, 'timestamp_ntz'), encode: (v) => epochText((v as unknown as { micros: bigint }).micros, 1_000_000n) };
    case DuckDBTypeId.TIMESTAMP_S:
      return { rowType: column(name, 'timestamp_ntz'), encode: (v) => epochText((v as unknown as { seconds: bigint }).seconds, 1n) };
    case DuckDBTypeId.TIMESTAMP_MS:
      return { rowType: column(name, 'timestamp_ntz'), encode: (v) => epochText((v as unknown as { millis: bigint }).millis, 1_000n) };
    case DuckDBTypeId.TIMESTAMP_NS:
      return { rowType: column(name, 'timestamp_ntz'), encode: (v) => epochText((v as unknown as { nanos: bigint }).nanos, 1_000_000_000n) };
    case DuckDBTypeId.TIMESTAMP_TZ:
      return { rowType: column(name, 'timestamp_ltz'), encode: (v) => epochText((v as unknown as { micros: bigint }).micros, 1_000_000n) };
    case DuckDBTypeId.BLOB:
      return { rowType: column(name, 'binary'), encode: (v) => Buffer.from((v as unknown as { bytes: Uint8Array }).bytes).toString('hex').toUpperCase() };
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return { rowType: column(name, 'array'), encode: (v) => JSON.stringify(toJsonValue(v)) };
    case DuckDBTypeId.STRUCT:
      if (isTimestampTz(type)) {
        return {
          rowType: column(name, 'timestamp_tz'),
          encode: (v) => {
            const { sf_tz_utc: utc, sf_tz_offset: offset } = (v as unknown as { entries: { sf_tz_utc: { micros: bigint } | null; sf_tz_offset: number } }).entries;
            return `${epochText(utc!.micros, 1_000_000n)} ${offset + 1440}`;
          },
        };
      }
      return { rowType: column(name, 'object'), encode: (v) => JSON.stringify(toJsonValue(v)) };
    case DuckDBTypeId.MAP:
      return { rowType: column(name, 'object'), encode: (v) => JSON.stringify(toJsonValue(v)) };
    case DuckDBTypeId.VARIANT:
      return { rowType: column(name, 'variant'), encode: (v) => JSON.stringify(toJsonValue(v)) };
    default:
      return { rowType: column(name, 'text'), encode: (v) => String(v) };
  }
}

/**
 * DuckDB has no timestamp that keeps its offset, so TO_TIMESTAMP_TZ() (a macro, see engine.ts)
 * returns STRUCT(sf_tz_utc TIMESTAMPTZ, sf_tz_offset INTEGER), sent to the driver as Snowflake's
 * TIMESTAMP_TZ: "seconds.fraction offsetIndex" with the offset in minutes + 1440.
 */
function isTimestampTz(type: DuckDBType): boolean {
  const names = (type as DuckDBStructType).entryNames;
  return Array.isArray(names) && names.length === 2 && names[0] === 'sf_tz_utc' && names[1] === 'sf_tz_offset';
}
