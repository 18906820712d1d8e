import { SnowflakeError } from './errors';
import type { Token } from './lexer';

/**
 * Snowflake functions DuckDB lacks or spells differently, rebuilt from their translated
 * arguments (see dialect.ts). Each rule cites the documented behaviour it reproduces; a rule
 * returning undefined leaves the call as written. Functions that need no argument rewriting
 * and only a new name live as session macros in engine.ts.
 */
export interface Call {
  name: string;
  args: { name?: string; text: string; raw: string; tokens: Token[] }[];
  /** ORDER BY ... of a WITHIN GROUP clause, translated. */
  orderBy?: string;
  distinct: boolean;
  /** The call is a window function (OVER follows). */
  over: boolean;
}

type Rule = (call: Call) => string | undefined;

const arity = (call: Call, min: number, max = min) => {
  if (call.args.length < min || call.args.length > max) {
    throw new SnowflakeError('000938', `SQL compilation error:\nerror line 1 at position 0\nnot enough arguments for function [${call.name}], expected ${min}, got ${call.args.length}`, '42601');
  }
};

const a = (call: Call, i: number) => call.args[i]!.text;

// https://docs.snowflake.com/en/sql-reference/functions-date-time#supported-date-and-time-parts
const DATE_PARTS: Record<string, string> = {
  YEAR: 'year', Y: 'year', YY: 'year', YYY: 'year', YYYY: 'year', YR: 'year', YEARS: 'year', YRS: 'year',
  QUARTER: 'quarter', Q: 'quarter', QTR: 'quarter', QTRS: 'quarter', QUARTERS: 'quarter',
  MONTH: 'month', MM: 'month', MON: 'month', MONS: 'month', MONTHS: 'month',
  WEEK: 'week', W: 'week', WK: 'week', WEEKOFYEAR: 'week', WOY: 'week', WY: 'week',
  DAY: 'day', D: 'day', DD: 'day', DAYS: 'day', DAYOFMONTH: 'day',
  HOUR: 'hour', H: 'hour', HH: 'hour', HR: 'hour', HOURS: 'hour', HRS: 'hour',
  MINUTE: 'minute', M: 'minute', MI: 'minute', MIN: 'minute', MINUTES: 'minute', MINS: 'minute',
  SECOND: 'second', S: 'second', SEC: 'second', SECONDS: 'second', SECS: 'second',
  MILLISECOND: 'millisecond', MS: 'millisecond', MSEC: 'millisecond', MILLISECONDS: 'millisecond',
  MICROSECOND: 'microsecond', US: 'microsecond', USEC: 'microsecond', MICROSECONDS: 'microsecond',
  NANOSECOND: 'nanosecond', NS: 'nanosecond', NSEC: 'nanosecond', NANOSEC: 'nanosecond', NANOSECONDS: 'nanosecond',
  DAYOFWEEK: 'dayofweek', WEEKDAY: 'dayofweek', DOW: 'dayofweek', DW: 'dayofweek',
  DAYOFYEAR: 'dayofyear', YEARDAY: 'dayofyear', DOY: 'dayofyear', DY: 'dayofyear',
  EPOCH_SECOND: 'epoch', EPOCH: 'epoch',
};

/** A date part as DuckDB names it: Snowflake accepts it unquoted (DATEDIFF(day, ...)) or quoted. */
function datePart(call: Call, i: number): string {
  const arg = call.args[i]!;
  const only = arg.tokens.length === 1 ? arg.tokens[0]! : undefined;
  const word = only && (only.kind === 'word' || only.kind === 'string' || only.kind === 'quoted') ? only.value.toUpperCase() : undefined;
  const part = word ? DATE_PARTS[word] : undefined;
  if (!part) throw new SnowflakeError('002003', `SQL compilation error:\ninvalid date or time part '${arg.raw}' for function ${call.name}`, '42601');
  return part;
}

const INTERVAL_OF: Record<string, (n: string) => string> = {
  year: (n) => `to_years(CAST(${n} AS INTEGER))`,
  quarter: (n) => `to_months(CAST(3 * (${n}) AS INTEGER))`,
  month: (n) => `to_months(CAST(${n} AS INTEGER))`,
  week: (n) => `to_weeks(CAST(${n} AS INTEGER))`,
  day: (n) => `to_days(CAST(${n} AS INTEGER))`,
  hour: (n) => `to_hours(CAST(${n} AS BIGINT))`,
  minute: (n) => `to_minutes(CAST(${n} AS BIGINT))`,
  second: (n) => `to_seconds(CAST(${n} AS DOUBLE))`,
  millisecond: (n) => `to_milliseconds(CAST(${n} AS DOUBLE))`,
  microsecond: (n) => `to_microseconds(CAST(${n} AS BIGINT))`,
};

// https://docs.snowflake.com/en/sql-reference/functions-conversion#date-and-time-formats-in-conversion-functions
const FORMAT_ELEMENTS: [RegExp, string][] = [
  [/^YYYY/i, '%Y'], [/^YY/i, '%y'], [/^MMMM/i, '%B'], [/^MON/i, '%b'], [/^MM/i, '%m'], [/^DD/i, '%d'], [/^DY/i, '%a'],
  [/^HH24/i, '%H'], [/^HH12/i, '%I'], [/^HH/i, '%H'], [/^AM|^PM/i, '%p'], [/^MI/i, '%M'], [/^SS/i, '%S'],
  [/^FF[1-3]?/i, '%g'], [/^FF[4-9]?/i, '%f'], [/^TZH:TZM/i, '%z'], [/^TZHTZM/i, '%z'], [/^TZH/i, '%z'],
];

/** A Snowflake date/time format literal as a strftime/strptime format. */
export function strftimeFormat(format: string): string {
  let out = '';
  let i = 0;
  while (i < format.length) {
    const rest = format.slice(i);
    if (rest[0] === '"') {
      const close = rest.indexOf('"', 1);
      const literal = close < 0 ? rest.slice(1) : rest.slice(1, close);
      out += literal.replace(/%/g, '%%');
      i += close < 0 ? rest.length : close + 1;
      continue;
    }
    const hit = FORMAT_ELEMENTS.find(([re]) => re.test(rest));
    if (hit) {
      out += hit[1];
      i += rest.match(hit[0])![0].length;
    } else {
      out += rest[0] === '%' ? '%%' : rest[0];
      i++;
    }
  }
  return out;
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The literal value of a string argument, if it is one. */
function literal(call: Call, i: number): string | undefined {
  const arg = call.args[i];
  return arg && arg.tokens.length === 1 && arg.tokens[0]!.kind === 'string' ? arg.tokens[0]!.value : undefined;
}

/** TO_CHAR(number, '999,999.00') style formats: digits, group separators, decimals, FM. */
function numberFormat(value: string, format: string): string | undefined {
  if (!/^(FM)?[$]?[09,]*(\.[09]+)?(MI|S)?$/i.test(format) || !/[09]/.test(format)) return undefined;
  const fm = /^FM/i.test(format);
  const body = format.replace(/^FM/i, '');
  const decimals = body.includes('.') ? body.split('.')[1]!.replace(/\D/g, '').length : 0;
  const grouped = body.includes(',');
  const dollar = body.includes('$') ? '$' : '';
  const printed = `'${dollar}' || format('{:${grouped ? ',' : ''}.${decimals}f}', CAST(${value} AS DOUBLE))`;
  // Snowflake pads to the format's width plus a sign position unless FM is given.
  return fm ? `(${printed})` : `lpad(${printed}, ${body.length + 1}, ' ')`;
}

function toChar(call: Call): string | undefined {
  arity(call, 1, 2);
  if (call.args.length === 1) return `CAST(${a(call, 0)} AS VARCHAR)`;
  const format = literal(call, 1);
  if (format === undefined) throw SnowflakeError.unsupported(`${call.name} with a format that is not a string literal`);
  return numberFormat(a(call, 0), format) ?? `strftime(${a(call, 0)}, ${sqlString(strftimeFormat(format))})`;
}

function parseTemporal(type: 'DATE' | 'TIMESTAMP', tryIt: boolean): Rule {
  return (call) => {
    arity(call, 1, 2);
    const cast = tryIt ? 'TRY_CAST' : 'CAST';
    if (call.args.length === 1) {
      const only = call.args[0]!.tokens;
      if (type === 'TIMESTAMP' && only.length === 1 && only[0]!.kind === 'number') return `CAST(to_timestamp(${a(call, 0)}) AT TIME ZONE 'UTC' AS TIMESTAMP)`;
      return `${cast}(${a(call, 0)} AS ${type})`;
    }
    const format = literal(call, 1);
    if (format === undefined) throw SnowflakeError.unsupported(`${call.name} with a format that is not a string literal`);
    if (/^AUTO$/i.test(format)) return `${cast}(${a(call, 0)} AS ${type})`;
    return `CAST(${tryIt ? 'try_strptime' : 'strptime'}(${a(call, 0)}, ${sqlString(strftimeFormat(format))}) AS ${type})`;
  };
}

function toNumber(tryIt: boolean): Rule {
  return (call) => {
    arity(call, 1, 4);
    const cast = tryIt ? 'TRY_CAST' : 'CAST';
    const numbers = call.args.slice(1).filter((x) => x.tokens.length === 1 && x.tokens[0]!.kind === 'number').map((x) => x.raw);
    const [precision, scale] = [numbers[0] ?? '38', numbers[1] ?? '0'];
    return `${cast}(${a(call, 0)} AS DECIMAL(${precision},${scale}))`;
  };
}

/** NULL-safe CASE for DECODE (https://docs.snowflake.com/en/sql-reference/functions/decode: NULL matches NULL). */
function decode(call: Call): string {
  if (call.args.length < 3) arity(call, 3, 255);
  const subject = a(call, 0);
  let out = 'CASE';
  let i = 1;
  for (; i + 1 < call.args.length; i += 2) out += ` WHEN (${subject}) IS NOT DISTINCT FROM (${a(call, i)}) THEN ${a(call, i + 1)}`;
  if (i < call.args.length) out += ` ELSE ${a(call, i)}`;
  return `${out} END`;
}

const simple = (fn: (call: Call) => string, min: number, max = min): Rule => (call) => {
  arity(call, min, max);
  return fn(call);
};

export const FUNCTION_RULES: Record<string, Rule> = {
  // https://docs.snowflake.com/en/sql-reference/functions/nvl and nvl2, zeroifnull, nullifzero, iff
  NVL: simple((c) => `coalesce(${a(c, 0)}, ${a(c, 1)})`, 2),
  IFNULL: simple((c) => `coalesce(${a(c, 0)}, ${a(c, 1)})`, 2),
  NVL2: simple((c) => `CASE WHEN (${a(c, 0)}) IS NOT NULL THEN ${a(c, 1)} ELSE ${a(c, 2)} END`, 3),
  ZEROIFNULL: simple((c) => `coalesce(${a(c, 0)}, 0)`, 1),
  NULLIFZERO: simple((c) => `nullif(${a(c, 0)}, 0)`, 1),
  IFF: simple((c) => `CASE WHEN ${a(c, 0)} THEN ${a(c, 1)} ELSE ${a(c, 2)} END`, 3),
  EQUAL_NULL: simple((c) => `((${a(c, 0)}) IS NOT DISTINCT FROM (${a(c, 1)}))`, 2),
  DIV0: simple((c) => `CASE WHEN (${a(c, 1)}) = 0 THEN 0 ELSE (${a(c, 0)}) / (${a(c, 1)}) END`, 2),
  DIV0NULL: simple((c) => `CASE WHEN coalesce(${a(c, 1)}, 0) = 0 THEN 0 ELSE (${a(c, 0)}) / (${a(c, 1)}) END`, 2),
  SQUARE: simple((c) => `((${a(c, 0)}) * (${a(c, 0)}))`, 1),
  DECODE: decode,
  // https://docs.snowflake.com/en/sql-reference/functions/to_char : TO_CHAR/TO_VARCHAR(expr [, format])
  TO_CHAR: toChar,
  TO_VARCHAR: toChar,
  // https://docs.snowflake.com/en/sql-reference/functions/to_date : TO_DATE(string [, format])
  TO_DATE: parseTemporal('DATE', false),
  DATE: (call) => (call.args.length === 2 ? parseTemporal('DATE', false)(call) : undefined),
  TRY_TO_DATE: parseTemporal('DATE', true),
  TO_TIMESTAMP: parseTemporal('TIMESTAMP', false),
  TO_TIMESTAMP_NTZ: parseTemporal('TIMESTAMP', false),
  TRY_TO_TIMESTAMP: parseTemporal('TIMESTAMP', true),
  TO_TIMESTAMP_LTZ: simple((c) => `CAST(${a(c, 0)} AS TIMESTAMPTZ)`, 1),
  // https://docs.snowflake.com/en/sql-reference/functions/to_decimal : default NUMBER(38,0)
  TO_NUMBER: toNumber(false),
  TO_DECIMAL: toNumber(false),
  TO_NUMERIC: toNumber(false),
  TRY_TO_NUMBER: toNumber(true),
  TRY_TO_DECIMAL: toNumber(true),
  TO_DOUBLE: simple((c) => `CAST(${a(c, 0)} AS DOUBLE)`, 1),
  TRY_TO_DOUBLE: simple((c) => `TRY_CAST(${a(c, 0)} AS DOUBLE)`, 1),
  TO_BOOLEAN: simple((c) => `CAST(${a(c, 0)} AS BOOLEAN)`, 1),
  // https://docs.snowflake.com/en/sql-reference/functions/to_binary : format HEX (default), BASE64, UTF-8
  TO_BINARY: (call) => {
    arity(call, 1, 2);
    const format = (literal(call, 1) ?? 'HEX').toUpperCase();
    if (format === 'HEX') return `unhex(${a(call, 0)})`;
    if (format === 'BASE64') return `from_base64(${a(call, 0)})`;
    if (format === 'UTF-8' || format === 'UTF8') return `encode(${a(call, 0)})`;
    throw new SnowflakeError('100104', `Unsupported binary format '${format}'`, '22000');
  },
  // https://docs.snowflake.com/en/sql-reference/functions/dateadd : DATEADD(part, n, expr), part unquoted
  DATEADD: dateAdd,
  TIMEADD: dateAdd,
  TIMESTAMPADD: dateAdd,
  // https://docs.snowflake.com/en/sql-reference/functions/datediff : boundaries crossed, as DuckDB's date_diff
  DATEDIFF: simple((c) => `date_diff('${datePart(c, 0)}', ${a(c, 1)}, ${a(c, 2)})`, 3),
  TIMEDIFF: simple((c) => `date_diff('${datePart(c, 0)}', ${a(c, 1)}, ${a(c, 2)})`, 3),
  TIMESTAMPDIFF: simple((c) => `date_diff('${datePart(c, 0)}', ${a(c, 1)}, ${a(c, 2)})`, 3),
  // https://docs.snowflake.com/en/sql-reference/functions/date_trunc : a DATE stays a DATE.
  // time_bucket keeps its input's type; its origins (2000-01-01, Monday 2000-01-03) align buckets to calendar units.
  DATE_TRUNC: simple((c) => {
    const part = datePart(c, 0);
    const width = part === 'quarter' ? '3 months' : `1 ${part}`;
    if (!['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second', 'millisecond', 'microsecond'].includes(part)) throw SnowflakeError.unsupported(`DATE_TRUNC to ${part}`);
    return `time_bucket(INTERVAL '${width}', ${a(c, 1)})`;
  }, 2),
  DATE_PART: simple((c) => `date_part('${datePart(c, 0)}', ${a(c, 1)})`, 2),
  // https://docs.snowflake.com/en/sql-reference/functions/current_timestamp (TIMESTAMP_LTZ), current_date, sysdate
  CURRENT_TIMESTAMP: simple(() => 'current_timestamp', 0, 1),
  LOCALTIMESTAMP: simple(() => 'current_timestamp', 0, 1),
  GETDATE: simple(() => 'current_timestamp', 0),
  SYSTIMESTAMP: simple(() => 'current_timestamp', 0),
  CURRENT_DATE: simple(() => 'current_date', 0),
  CURRENT_TIME: simple(() => 'CAST(current_timestamp AS TIME)', 0, 1),
  SYSDATE: simple(() => `CAST(current_timestamp AS TIMESTAMP)`, 0),
  // https://docs.snowflake.com/en/sql-reference/functions/convert_timezone
  CONVERT_TIMEZONE: (call) => {
    arity(call, 2, 3);
    if (call.args.length === 3) return `timezone(${a(call, 1)}, timezone(${a(call, 0)}, CAST(${a(call, 2)} AS TIMESTAMP)))`;
    // Two arguments: a TIMESTAMP_TZ in the target zone (its offset kept, see to_timestamp_tz in engine.ts).
    const value = a(call, 1);
    const instant = /^to_timestamp_tz\(/.test(value) ? `(${value}).sf_tz_utc` : `CAST(${value} AS TIMESTAMPTZ)`;
    return `{'sf_tz_utc': ${instant}, 'sf_tz_offset': CAST((epoch(timezone(${a(call, 0)}, ${instant})) - epoch(${instant})) / 60 AS INTEGER)}`;
  },
  // https://docs.snowflake.com/en/sql-reference/functions/regexp_like : the pattern matches the whole subject
  REGEXP_LIKE: simple((c) => `regexp_full_match(${c.args.map((x) => x.text).join(', ')})`, 2, 3),
  RLIKE: simple((c) => `regexp_full_match(${c.args.map((x) => x.text).join(', ')})`, 2, 3),
  // https://docs.snowflake.com/en/sql-reference/functions/regexp_replace : every occurrence by default
  REGEXP_REPLACE: (call) => (call.args.length <= 3 ? `regexp_replace(${a(call, 0)}, ${a(call, 1)}, ${call.args[2]?.text ?? "''"}, 'g')` : undefined),
  REGEXP_SUBSTR: (call) => (call.args.length === 2 ? `nullif(regexp_extract(${a(call, 0)}, ${a(call, 1)}), '')` : undefined),
  REGEXP_COUNT: simple((c) => `len(regexp_extract_all(${a(c, 0)}, ${a(c, 1)}))`, 2),
  // https://docs.snowflake.com/en/sql-reference/functions/object_construct : NULL values are omitted
  OBJECT_CONSTRUCT: (call) => {
    if (call.args.some((x) => x.raw === '*')) throw SnowflakeError.unsupported('OBJECT_CONSTRUCT(*)');
    if (call.args.length % 2) arity(call, call.args.length + 1);
    return call.args.length ? `json_merge_patch('{}', json_object(${call.args.map((x) => x.text).join(', ')}))` : `json('{}')`;
  },
  OBJECT_CONSTRUCT_KEEP_NULL: (call) => `json_object(${call.args.map((x) => x.text).join(', ')})`,
  // https://docs.snowflake.com/en/sql-reference/functions/array_construct
  ARRAY_CONSTRUCT: (call) => `json_array(${call.args.map((x) => x.text).join(', ')})`,
  ARRAY_SIZE: simple((c) => `json_array_length(CAST(${a(c, 0)} AS JSON))`, 1),
  GET_PATH: simple((c) => `json_extract(CAST(${a(c, 0)} AS JSON), '$.' || ${a(c, 1)})`, 2),
  SPLIT: simple((c) => `to_json(string_split(${a(c, 0)}, ${a(c, 1)}))`, 2),
  // https://docs.snowflake.com/en/sql-reference/functions/array_agg : NULLs are left out; WITHIN GROUP orders
  ARRAY_AGG: (call) => {
    arity(call, 1);
    const inner = `array_agg(${a(call, 0)}${call.orderBy ? ` ${call.orderBy}` : ''})`;
    if (call.over) return inner;
    return `coalesce(${inner} FILTER (WHERE (${call.args[0]!.text.replace(/^\s*DISTINCT\s+/i, '')}) IS NOT NULL), [])`;
  },
  ARRAYAGG: (call) => FUNCTION_RULES.ARRAY_AGG!(call),
  // https://docs.snowflake.com/en/sql-reference/functions/listagg : LISTAGG(expr [, delimiter]) [WITHIN GROUP (ORDER BY ...)]
  LISTAGG: (call) => {
    arity(call, 1, 2);
    return `string_agg(${a(call, 0)}, ${call.args[1]?.text ?? "''"}${call.orderBy ? ` ${call.orderBy}` : ''})`;
  },
  BOOLOR_AGG: simple((c) => `bool_or(${a(c, 0)})`, 1),
  BOOLAND_AGG: simple((c) => `bool_and(${a(c, 0)})`, 1),
  UUID_STRING: simple(() => 'CAST(uuid() AS VARCHAR)', 0),
  CHARINDEX: simple((c) => (c.args.length === 2 ? `strpos(${a(c, 1)}, ${a(c, 0)})` : `(strpos(substr(${a(c, 1)}, ${a(c, 2)}), ${a(c, 0)}) + CASE WHEN strpos(substr(${a(c, 1)}, ${a(c, 2)}), ${a(c, 0)}) > 0 THEN ${a(c, 2)} - 1 ELSE 0 END)`), 2, 3),
  STARTSWITH: simple((c) => `starts_with(${a(c, 0)}, ${a(c, 1)})`, 2),
  ENDSWITH: simple((c) => `ends_with(${a(c, 0)}, ${a(c, 1)})`, 2),
  // https://docs.snowflake.com/en/sql-reference/functions/seq1 : a sequence starting at 0
  SEQ1: simple(() => '(row_number() OVER () - 1)', 0, 1),
  SEQ2: simple(() => '(row_number() OVER () - 1)', 0, 1),
  SEQ4: simple(() => '(row_number() OVER () - 1)', 0, 1),
  SEQ8: simple(() => '(row_number() OVER () - 1)', 0, 1),
  // https://docs.snowflake.com/en/sql-reference/functions/uniform : an integer in [min, max] for integer bounds
  UNIFORM: simple((c) => `CAST(floor((${a(c, 0)}) + random() * ((${a(c, 1)}) - (${a(c, 0)}) + 1)) AS BIGINT)`, 3),
  // CAST(x AS TIMESTAMP_TZ) keeps the offset, like x::TIMESTAMP_TZ.
  CAST: (call) => castTimestampTz(call, false),
  TRY_CAST: (call) => castTimestampTz(call, true),
};

function dateAdd(call: Call): string {
  arity(call, 3);
  const part = datePart(call, 0);
  const interval = INTERVAL_OF[part];
  if (!interval) throw SnowflakeError.unsupported(`DATEADD by ${part}`);
  // A date part added to a DATE gives a DATE, to a timestamp a timestamp (sf_dateadd in engine.ts
  // picks by the argument's type, whatever the expression); smaller parts always give a timestamp.
  const arg = call.args[2]!;
  const value = arg.tokens.length === 1 && arg.tokens[0]!.kind === 'bind' ? `CAST(${arg.text} AS TIMESTAMP)` : arg.text;
  if (['year', 'quarter', 'month', 'week', 'day'].includes(part)) return `sf_dateadd(${value}, ${interval(a(call, 1))})`;
  return `(${value} + ${interval(a(call, 1))})`;
}

function castTimestampTz(call: Call, tryIt: boolean): string | undefined {
  const arg = call.args[0];
  const tokens = arg?.tokens ?? [];
  const n = tokens.length;
  if (call.args.length !== 1 || n < 3 || tokens[n - 1]!.value !== 'TIMESTAMP_TZ' || tokens[n - 2]!.value !== 'AS') return undefined;
  const inner = arg!.text.replace(/\s+AS\s+TIMESTAMPTZ\s*$/i, '').replace(/\s+AS\s+TIMESTAMP_TZ\s*$/i, '');
  return tryIt ? `to_timestamp_tz(TRY_CAST(${inner} AS VARCHAR))` : `to_timestamp_tz(${inner})`;
}
