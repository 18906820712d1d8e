/**
 * Where data lives in an MCP message, field by field (schema 2025-11-25, as the SDK's zod types
 * define it). The gateway masks what a server sends to a client; this module decides, per field,
 * which masking applies, so the masked message still has the shape its schema demands:
 *
 * - keep: protocol structure (`type`, `role`, `mimeType`, ids, tokens, cursors, counts, flags):
 *   numbers and flags pass; strings pass unless a checksum-backed identifier (SSN, card, NPI, DEA,
 *   VIN, IP, e-mail) is found in them, which is masked even if that breaks the message (a hostile
 *   server cannot park an SSN in a cursor or a task id).
 * - text: words a person reads (text blocks, descriptions, titles, names of tools, resources
 *   and prompts, log messages): scanned by their own content, never forced by the key they sit
 *   under, so "Blob Resource 1" stays and "Maria Gonzalez" in a description does not.
 * - uri: scanned by content, except that a URL is not PHI for being a URL.
 * - data: values from the server's sources (structuredContent, tool_use input, log data,
 *   completion values, _meta, anything unknown): masked as JSON (keys classify values).
 * - schema: JSON Schema (inputSchema, outputSchema, requestedSchema): see phi maskJsonSchema.
 * - binary: base64 images, audio and blobs, which no text detector can read: withheld and
 *   replaced by a text note, unless the policy says `binary: scan`.
 *
 * Anything this module does not know (a field, a content type, a method) is masked as data:
 * unknown means protected.
 */

import { sameJson } from '../phi';

export interface FieldMaskers {
  /** A string of protocol structure (id, cursor, version): kept unless it holds a checksum-backed identifier. */
  opaque(value: string): string;
  text(value: string): string;
  uri(value: string): string;
  data(value: unknown): unknown;
  schema(value: unknown): unknown;
  /** The base64 payload to send on, or undefined when it is withheld. */
  binary(value: string): string | undefined;
  /** A tool result's structuredContent, masked once (its JSON twin in a text block follows it). */
  structured?(value: unknown): unknown;
  /** A suggested value of the argument being completed (masked as that argument's values). */
  completionValue?(value: unknown): unknown;
}

type Walker = (value: unknown, f: FieldMaskers) => unknown;
type Role = 'keep' | 'text' | 'uri' | 'data' | 'schema' | Walker;

export const BINARY_WITHHELD = '[binary content withheld by the gateway: it cannot be checked for PHI]';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `_meta` keys the protocol itself defines; everything else in `_meta` is data. */
const META_STRUCTURE = new Set(['progressToken', 'io.modelcontextprotocol/related-task', 'io.modelcontextprotocol/model-immediate-response']);

const meta: Walker = (value, f) => {
  if (!isRecord(value)) return f.data(value);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, META_STRUCTURE.has(k) ? keep(v, f) : f.data(v)]));
};

/** Structure: every string inside checked as opaque, everything else as it is. */
function keep(value: unknown, f: FieldMaskers, depth = 0): unknown {
  if (typeof value === 'string') return f.opaque(value);
  if (depth > 16 || value === null || typeof value !== 'object') return depth > 16 ? f.data(value) : value;
  if (Array.isArray(value)) return value.map((v) => keep(v, f, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, keep(v, f, depth + 1)]));
}

function apply(role: Role, value: unknown, f: FieldMaskers): unknown {
  if (value === undefined) return value;
  switch (role) {
    case 'keep':
      return keep(value, f);
    case 'text':
      return typeof value === 'string' ? f.text(value) : f.data(value);
    case 'uri':
      return typeof value === 'string' ? f.uri(value) : f.data(value);
    case 'data':
      return f.data(value);
    case 'schema':
      return f.schema(value);
    default:
      return role(value, f);
  }
}

/**
 * A table's own entry for a key a message chose. `fields.constructor` is Object, and a member named
 * so was once passed as Object(value), i.e. raw; `__proto__`, `toString` and the like threw or worse.
 */
const own = <V>(table: Record<string, V>, key: string): V | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);

/** An object whose fields have the given roles; `_meta` is walked as meta, unknown fields as data. */
function shape(fields: Record<string, Role>): Walker {
  return (value, f) => {
    if (!isRecord(value)) return f.data(value);
    // fromEntries defines each member (an assigned `__proto__` would set the copy's prototype instead).
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === '_meta' ? meta(v, f) : apply(own(fields, k) ?? 'data', v, f)]));
  };
}

const list = (item: Role): Walker => (value, f) => (Array.isArray(value) ? value.map((v) => apply(item, v, f)) : f.data(value));
const oneOrList = (item: Walker): Walker => (value, f) => (Array.isArray(value) ? value.map((v) => item(v, f)) : item(value, f));

const annotations = shape({ audience: 'keep', priority: 'keep', lastModified: 'keep' });
const icon = shape({ src: 'uri', mimeType: 'keep', sizes: 'keep', theme: 'keep' });
const icons = list(icon);

const resourceFields: Record<string, Role> = {
  uri: 'uri', name: 'text', title: 'text', description: 'text', mimeType: 'keep', size: 'keep', annotations, icons,
};

const resourceContents: Walker = (value, f) => {
  if (!isRecord(value)) return f.data(value);
  if (typeof value.blob !== 'string') return shape({ uri: 'uri', mimeType: 'keep', text: 'text' })(value, f);
  const blob = f.binary(value.blob);
  const { blob: _blob, ...rest } = value;
  const masked = shape({ uri: 'uri', mimeType: 'keep' })(rest, f) as Record<string, unknown>;
  return blob === undefined ? { ...masked, mimeType: 'text/plain', text: BINARY_WITHHELD } : { ...masked, blob };
};

/** A content block (text, image, audio, resource link, embedded resource, tool use, tool result). */
const contentBlock: Walker = (value, f) => {
  if (!isRecord(value)) return f.data(value);
  switch (value.type) {
    case 'text':
      return shape({ type: 'keep', text: 'text', annotations })(value, f);
    case 'image':
    case 'audio': {
      const data = typeof value.data === 'string' ? f.binary(value.data) : undefined;
      if (data === undefined) return { type: 'text', text: BINARY_WITHHELD };
      const { data: _data, ...rest } = value;
      return { ...(shape({ type: 'keep', mimeType: 'keep', annotations })(rest, f) as object), data };
    }
    case 'resource_link':
      return shape({ type: 'keep', ...resourceFields })(value, f);
    case 'resource':
      return shape({ type: 'keep', resource: resourceContents, annotations })(value, f);
    case 'tool_use':
      return shape({ type: 'keep', id: 'keep', name: 'text', input: 'data' })(value, f);
    case 'tool_result':
      return shape({ type: 'keep', toolUseId: 'keep', content: list(contentBlock), structuredContent: 'data', isError: 'keep' })(value, f);
    default:
      return f.data(value);
  }
};

const tool = shape({
  name: 'text', title: 'text', description: 'text', inputSchema: 'schema', outputSchema: 'schema',
  annotations: shape({ title: 'text', readOnlyHint: 'keep', destructiveHint: 'keep', idempotentHint: 'keep', openWorldHint: 'keep' }),
  icons, execution: 'keep',
});

const taskFields: Record<string, Role> = {
  taskId: 'keep', status: 'keep', ttl: 'keep', createdAt: 'keep', lastUpdatedAt: 'keep', pollInterval: 'keep', statusMessage: 'text',
};
const task = shape(taskFields);

/**
 * A tool result: the text block that is structuredContent's own JSON is written from the masked
 * structuredContent (masked once, counted once), never masked a second time on its own. Each
 * field is walked once: content and structuredContent here, the other fields by their roles.
 * A content that is not a list (a server breaking the schema) is masked as data, never passed.
 */
const callToolResult: Walker = (value, f) => {
  if (!isRecord(value)) return f.data(value);
  if (isRecord(value.task)) return shape({ task })(value, f);
  const { content: rawContent, structuredContent: rawStructured, ...others } = value;
  const twin = rawStructured !== undefined ? JSON.stringify(rawStructured) : undefined;
  const structured = rawStructured === undefined ? undefined : (f.structured ?? f.data)(rawStructured);
  const content = Array.isArray(rawContent)
    ? rawContent.map((block) => (isRecord(block) && block.type === 'text' && block.text === twin ? { ...block, text: sameJson(rawStructured, structured) ? twin : JSON.stringify(structured) } : contentBlock(block, f)))
    : apply('data', rawContent, f);
  const rest = shape({ isError: 'keep' })(others, f) as Record<string, unknown>;
  return { ...rest, ...(content !== undefined ? { content } : {}), ...(structured !== undefined ? { structuredContent: structured } : {}) };
};

const implementation = shape({ name: 'text', title: 'text', version: 'keep', websiteUrl: 'uri', description: 'text', icons });
const capabilities: Walker = (value, f) => (isRecord(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'experimental' ? f.data(v) : keep(v, f)])) : f.data(value));

const promptMessage = shape({ role: 'keep', content: contentBlock });
const samplingMessage = shape({ role: 'keep', content: oneOrList(contentBlock) });

/** Results of the requests a client sends, by the request's method. */
const RESULTS: Record<string, Walker> = {
  'initialize': shape({ protocolVersion: 'keep', capabilities, serverInfo: implementation, instructions: 'text' }),
  'ping': shape({}),
  'logging/setLevel': shape({}),
  'resources/subscribe': shape({}),
  'resources/unsubscribe': shape({}),
  'tools/list': shape({ tools: list(tool), nextCursor: 'keep' }),
  'tools/call': callToolResult,
  'prompts/list': shape({
    prompts: list(shape({ name: 'text', title: 'text', description: 'text', icons, arguments: list(shape({ name: 'text', title: 'text', description: 'text', required: 'keep' })) })),
    nextCursor: 'keep',
  }),
  'prompts/get': shape({ description: 'text', messages: list(promptMessage) }),
  'resources/list': shape({ resources: list(shape(resourceFields)), nextCursor: 'keep' }),
  'resources/templates/list': shape({
    resourceTemplates: list(shape({ ...resourceFields, uriTemplate: 'uri' })),
    nextCursor: 'keep',
  }),
  'resources/read': shape({ contents: list(resourceContents) }),
  'completion/complete': shape({ completion: shape({ values: list((v, f) => (f.completionValue ?? f.data)(v)), total: 'keep', hasMore: 'keep' }) }),
  'tasks/get': shape(taskFields),
  'tasks/cancel': shape(taskFields),
  'tasks/list': shape({ tasks: list(task), nextCursor: 'keep' }),
  // The payload of a finished task is the result of the request it ran (a tool call, mostly).
  'tasks/result': callToolResult,
};

/** Params of the requests and notifications a server sends, by method. */
const SERVER_MESSAGES: Record<string, Walker> = {
  'ping': shape({}),
  'roots/list': shape({}),
  'sampling/createMessage': shape({
    messages: list(samplingMessage), systemPrompt: 'text', includeContext: 'keep', temperature: 'keep', maxTokens: 'keep',
    stopSequences: list('text'), metadata: 'data', tools: list(tool), toolChoice: 'keep', task: 'keep',
    modelPreferences: shape({ hints: list(shape({ name: 'text' })), costPriority: 'keep', speedPriority: 'keep', intelligencePriority: 'keep' }),
  }),
  'elicitation/create': shape({ mode: 'keep', message: 'text', requestedSchema: 'schema', url: 'uri', elicitationId: 'keep', task: 'keep' }),
  'tasks/get': shape({ taskId: 'keep' }),
  'tasks/result': shape({ taskId: 'keep' }),
  'tasks/cancel': shape({ taskId: 'keep' }),
  'tasks/list': shape({ cursor: 'keep' }),
  'notifications/cancelled': shape({ requestId: 'keep', reason: 'text' }),
  'notifications/progress': shape({ progressToken: 'keep', progress: 'keep', total: 'keep', message: 'text' }),
  'notifications/message': shape({ level: 'keep', logger: 'text', data: 'data' }),
  'notifications/resources/updated': shape({ uri: 'uri' }),
  'notifications/resources/list_changed': shape({}),
  'notifications/tools/list_changed': shape({}),
  'notifications/prompts/list_changed': shape({}),
  'notifications/tasks/status': shape(taskFields),
  'notifications/elicitation/complete': shape({ elicitationId: 'keep' }),
};

/** The masked result of a client's request (`method` is the request's method). */
export function maskResultFields<T>(method: string, result: T, f: FieldMaskers): T {
  const walker = own(RESULTS, method);
  return (walker ? walker(result, f) : f.data(result)) as T;
}

/** The masked params of a request or notification a server sends. */
export function maskServerMessageFields<T>(method: string, params: T, f: FieldMaskers): T {
  const walker = own(SERVER_MESSAGES, method);
  return (walker ? walker(params, f) : f.data(params)) as T;
}

/** Methods this module knows the shape of (the schema-walk suite checks it knows them all). */
export const knownResultMethods = (): string[] => Object.keys(RESULTS);
export const knownServerMessageMethods = (): string[] => Object.keys(SERVER_MESSAGES);
