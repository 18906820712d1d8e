import { maskString } from '../mask-text';
import { MaskingError, type OperatorContext } from '../operators';
import type { MaskingPolicy } from '../policy';
import type { ReportBuilder } from '../report';
import { classifyByName, type ColumnClass } from './classify';
import { maskCell, maskJsonValue, setMember } from './json';

/**
 * A JSON Schema (a tool's inputSchema / outputSchema, an elicitation's requestedSchema) is
 * structure, not data: its keywords, property names, types and formats pass as they are, so the
 * masked schema still validates and still means the same thing. The data inside it is masked:
 *
 * - `default`, `const`, `enum` and `examples` hold values of the property they describe: masked
 *   as that property's class when its name announces PHI (`name`, `dob`, `ssn`, ...), otherwise
 *   by their own content. A masked value that changed its JSON type (a number default masked to
 *   a label) is dropped from `default` / `examples`, since a schema with a label where a number
 *   belongs would no longer validate.
 * - `title`, `description`, `$comment`, `enumNames` and `pattern` are scanned as free text.
 * - Property names are scanned by content (a hostile server could name a property after a
 *   patient); a renamed property is renamed in `required` too.
 * - Numeric constraints are kept unless their digits scan as an identifier, then dropped.
 * - Any keyword this walker does not know is masked as data (unknown means protected).
 */

/** Keywords whose value is one subschema. */
const SUBSCHEMA = new Set(['items', 'additionalProperties', 'unevaluatedProperties', 'unevaluatedItems', 'contains', 'propertyNames', 'not', 'if', 'then', 'else', 'additionalItems', 'contentSchema']);
/** Keywords whose value is an array of subschemas. */
const SUBSCHEMA_ARRAY = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
/** Keywords whose value maps names to subschemas. */
const SUBSCHEMA_MAP = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
/** Keywords that are structure and pass as they are. */
const STRUCTURE = new Set([
  '$schema', '$id', '$ref', '$anchor', '$dynamicRef', '$dynamicAnchor', '$vocabulary', 'format', 'uniqueItems', 'readOnly', 'writeOnly',
  'deprecated', 'contentMediaType', 'contentEncoding', 'nullable',
]);
const NUMERIC = new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'minContains', 'maxContains']);
const TEXT = new Set(['title', 'description', '$comment', 'pattern', 'format']);
const JSON_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
const isJsonType = (v: unknown) => (typeof v === 'string' && JSON_TYPES.has(v)) || (Array.isArray(v) && v.every((t) => typeof t === 'string' && JSON_TYPES.has(t)));
/** Values of the property the schema describes. */
const VALUE = new Set(['default', 'const']);
const VALUE_ARRAY = new Set(['enum', 'examples']);

/** A JSON Schema nested deeper than this is refused (the response is withheld), never walked. */
export const MAX_SCHEMA_DEPTH = 64;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

interface Walk {
  policy: MaskingPolicy;
  context: OperatorContext;
  report: ReportBuilder;
}

/** Masks a JSON Schema; `column` is the class its property name announces (none at the root). */
export function maskJsonSchemaValue(schema: unknown, policy: MaskingPolicy, context: OperatorContext, report: ReportBuilder, path = '', column?: ColumnClass): unknown {
  return walkSchema(schema, { policy, context, report }, path, column, 0);
}

function walkSchema(schema: unknown, w: Walk, path: string, column: ColumnClass | undefined, depth: number): unknown {
  if (depth > MAX_SCHEMA_DEPTH) throw new MaskingError('input-too-large', `a JSON Schema nested deeper than ${MAX_SCHEMA_DEPTH} levels cannot be masked`);
  if (typeof schema === 'boolean') return schema;
  // Not a schema: masked as data.
  if (!isRecord(schema)) return maskJsonValue(schema, w.policy, w.context, w.report, path);
  const out: Record<string, unknown> = {};
  const renamed = new Map<string, string>();
  for (const [key, value] of Object.entries(schema)) {
    const at = `${path}/${key}`;
    if (SUBSCHEMA.has(key)) out[key] = walkSchema(value, w, at, column, depth + 1);
    else if (SUBSCHEMA_ARRAY.has(key) && Array.isArray(value)) out[key] = value.map((s, i) => walkSchema(s, w, `${at}/${i}`, column, depth + 1));
    else if (key === 'items' && Array.isArray(value)) out[key] = value.map((s, i) => walkSchema(s, w, `${at}/${i}`, column, depth + 1));
    else if (SUBSCHEMA_MAP.has(key) && isRecord(value)) out[key] = walkProperties(value, w, at, depth, key === 'properties' ? renamed : undefined);
    else if (key === 'type' && isJsonType(value)) out[key] = value;
    else if (STRUCTURE.has(key) && isStructureValue(value)) out[key] = value;
    else if (key === 'required' && Array.isArray(value) && value.every((v) => typeof v === 'string')) out[key] = value;
    else if (key === 'dependentRequired' && isRecord(value)) out[key] = value;
    else if (NUMERIC.has(key) && typeof value === 'number') {
      const masked = maskJsonValue(value, w.policy, w.context, w.report, at);
      if (masked === value) out[key] = value;
    } else if (TEXT.has(key) && typeof value === 'string') out[key] = maskString(value, w.policy, w.context, w.report, at);
    else if (key === 'enumNames' && Array.isArray(value)) out[key] = value.map((v, i) => (typeof v === 'string' ? maskString(v, w.policy, w.context, w.report, `${at}/${i}`) : maskData(v, w, column, `${at}/${i}`)));
    else if (VALUE.has(key)) {
      const masked = maskData(value, w, column, at);
      if (key === 'const' || jsonType(masked) === jsonType(value)) out[key] = masked;
    } else if (VALUE_ARRAY.has(key) && Array.isArray(value)) {
      const masked = value.map((v, i) => maskData(v, w, column, `${at}/${i}`));
      out[key] = key === 'enum' ? masked : masked.filter((m, i) => jsonType(m) === jsonType(value[i]));
    } else setMember(out, key, maskJsonValue(value, w.policy, w.context, w.report, at));
  }
  if (renamed.size && Array.isArray(out.required)) out.required = (out.required as string[]).map((name) => renamed.get(name) ?? name);
  return out;
}

/** `type` may be a string or an array of strings; anything else under a structure keyword is data. */
function isStructureValue(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'boolean' || (Array.isArray(value) && value.every((v) => typeof v === 'string')) || (isRecord(value) && Object.values(value).every((v) => typeof v === 'boolean'));
}

function walkProperties(map: Record<string, unknown>, w: Walk, path: string, depth: number, renamed?: Map<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, sub] of Object.entries(map)) {
    const masked = name.length >= 4 ? maskString(name, w.policy, w.context, w.report, `${path}/${name}#name`) : name;
    let key = masked;
    while (key !== name && Object.hasOwn(out, key)) key += '#';
    if (key !== name) renamed?.set(name, key);
    // The property's name decides the class of the values its schema holds (default, enum, ...).
    const column = classifyByName(name, w.policy);
    setMember(out, key, walkSchema(sub, w, `${path}/${key}`, column, depth + 1));
  }
  return out;
}

/**
 * A value the schema holds for its property: by the property's PHI class, else by its own content.
 * A property name the policy declares `none` still gets its values scanned: the server chose the
 * name, so it may add masking but never switch it off.
 */
function maskData(value: unknown, w: Walk, column: ColumnClass | undefined, path: string): unknown {
  if (column?.kind === 'phi') return maskCell(value, column, w.policy, w.context, w.report, path);
  return maskJsonValue(value, w.policy, w.context, w.report, path);
}
