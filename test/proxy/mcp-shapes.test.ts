import * as mcp from '@modelcontextprotocol/core';
import type { z } from 'zod';
import { PhiMasker } from '../../proxy';
import { BINARY_WITHHELD, knownResultMethods, knownServerMessageMethods } from '../../proxy/mcp-structure';

/**
 * Every MCP message a server sends through the gateway (the results of every client request,
 * every server request, every server notification in the v2 SDK's zod schemas, @modelcontextprotocol/core), one representative
 * each, with PHI in every data position and PHI-looking property names (name, age, dob) in
 * every schema. Masked, each must still validate against its zod schema, keep its structure,
 * and carry none of the PHI: a hostile server cannot hide a patient in a description, a schema
 * default, an enum, a title, a log line or a resource name.
 */

const PATIENT = 'Patient Maria Gonzalez, SSN 123-45-6789, call 617-555-0100, maria.gonzalez@example.com';
/** Every one of these is PHI that must not come out of the gateway. */
const LEAKS = ['Gonzalez', '123-45-6789', '617-555-0100', 'maria.gonzalez@', 'Zyx Qwerty', '1948', '00123456'];
const IMAGE = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGBgAAAABQABpfZFQAAAAABJRU5ErkJggg==';

/** A JSON Schema with PHI-looking property names and PHI in every data position. */
const schemaWithPhi = () => ({
  type: 'object',
  title: `Record of ${PATIENT}`,
  description: PATIENT,
  properties: {
    name: { type: 'string', title: 'Full name', description: 'as on the chart, e.g. Maria Gonzalez', default: 'Zyx Qwerty', minLength: 1 },
    age: { type: 'integer', minimum: 0, maximum: 130, default: 93 },
    dob: { type: 'string', format: 'date', default: '03/15/1948', examples: ['03/15/1948'] },
    contact: { type: 'string', enum: ['617-555-0100', 'maria.gonzalez@example.com'], enumNames: ['Phone 617-555-0100', 'Mail maria.gonzalez@example.com'] },
    ssn: { type: 'string', oneOf: [{ const: '123-45-6789', title: 'SSN 123-45-6789' }] },
    visits: { type: 'array', items: { type: 'string', enum: ['MRN00123456 follow-up', 'routine'] }, default: ['routine'] },
  },
  required: ['name', 'age'],
});
/** The same restricted to what an elicitation's requestedSchema may hold. */
const elicitationSchema = () => {
  const s = schemaWithPhi();
  return { type: 'object' as const, properties: s.properties, required: s.required };
};

const text = (t = PATIENT) => ({ type: 'text', text: t });
const annotations = { audience: ['user'], priority: 0.5, lastModified: '2026-01-02T03:04:05Z' };
const resourceLink = { type: 'resource_link', uri: 'https://modelcontextprotocol.io/docs/spec', name: 'Blob Resource 1', title: 'Blob Resource 1', description: PATIENT, mimeType: 'text/plain', annotations };
const embedded = { type: 'resource', resource: { uri: 'file:///notes/1.txt', mimeType: 'text/plain', text: PATIENT } };
const image = { type: 'image', data: IMAGE, mimeType: 'image/png' };
const tool = {
  name: 'lookup_patient', title: 'Lookup patient', description: `Finds ${PATIENT}`, inputSchema: schemaWithPhi(), outputSchema: schemaWithPhi(),
  annotations: { title: 'Lookup', readOnlyHint: true }, icons: [{ src: 'https://example.org/icon.png', mimeType: 'image/png', sizes: ['16x16'] }],
};
const task = { taskId: 'task-1', status: 'working', ttl: 60_000, createdAt: '2026-01-02T03:04:05Z', lastUpdatedAt: '2026-01-02T03:04:05Z', pollInterval: 1000, statusMessage: PATIENT };
const meta = { progressToken: 4_155_550_100, 'example.com/patient': PATIENT };

interface Shape { schema: z.ZodType; value: unknown; tool?: string }

/** Results of every client request, by the request's method: the schema the client checks it with. */
const RESULTS: Record<string, Shape> = {
  'initialize': {
    schema: mcp.InitializeResultSchema,
    value: { protocolVersion: '2025-11-25', capabilities: { tools: { listChanged: true }, experimental: { note: { text: PATIENT } } }, serverInfo: { name: 'everything', version: '1.0.0', title: 'Everything', websiteUrl: 'https://modelcontextprotocol.io/docs' }, instructions: PATIENT },
  },
  'ping': { schema: mcp.EmptyResultSchema, value: { _meta: meta } },
  'logging/setLevel': { schema: mcp.EmptyResultSchema, value: {} },
  'resources/subscribe': { schema: mcp.EmptyResultSchema, value: {} },
  'resources/unsubscribe': { schema: mcp.EmptyResultSchema, value: {} },
  'tools/list': { schema: mcp.ListToolsResultSchema, value: { tools: [tool], nextCursor: 'c-2' } },
  'tools/call': {
    schema: mcp.CallToolResultSchema, tool: 'lookup_patient',
    value: {
      content: [text(), text(JSON.stringify({ name: 'Zyx Qwerty', dob: '03/15/1948' })), resourceLink, embedded, image, { type: 'audio', data: IMAGE, mimeType: 'audio/wav' }, text('## Notes\n\nSeen by Dr. Maria Gonzalez.')],
      structuredContent: { patient: { name: 'Zyx Qwerty', dob: '03/15/1948', ssn: '123-45-6789' } },
      isError: false, _meta: meta,
    },
  },
  'prompts/list': { schema: mcp.ListPromptsResultSchema, value: { prompts: [{ name: 'summarize', title: 'Summarize', description: PATIENT, arguments: [{ name: 'patient_name', description: `e.g. ${PATIENT}`, required: true }] }] } },
  'prompts/get': { schema: mcp.GetPromptResultSchema, value: { description: PATIENT, messages: [{ role: 'user', content: text() }, { role: 'assistant', content: embedded }, { role: 'user', content: image }] } },
  'resources/list': { schema: mcp.ListResourcesResultSchema, value: { resources: [{ uri: 'https://ehr.example.org/patients/123-45-6789', name: 'Blob Resource 1', description: PATIENT, mimeType: 'text/plain', size: 12 }], nextCursor: 'c' } },
  'resources/templates/list': { schema: mcp.ListResourceTemplatesResultSchema, value: { resourceTemplates: [{ uriTemplate: 'ehr://patients/{id}', name: 'Patient record', description: PATIENT, mimeType: 'application/json' }] } },
  'resources/read': { schema: mcp.ReadResourceResultSchema, value: { contents: [{ uri: 'file:///notes/1.txt', mimeType: 'text/plain', text: PATIENT }, { uri: 'file:///scan.png', mimeType: 'image/png', blob: IMAGE }] } },
  'completion/complete': { schema: mcp.CompleteResultSchema, value: { completion: { values: ['Maria Gonzalez', '123-45-6789'], total: 2, hasMore: false } } },
  'tasks/get': { schema: mcp.GetTaskResultSchema, value: task },
  'tasks/cancel': { schema: mcp.CancelTaskResultSchema, value: { ...task, status: 'cancelled' } },
  'tasks/list': { schema: mcp.ListTasksResultSchema, value: { tasks: [task] } },
  'tasks/result': { schema: mcp.CallToolResultSchema, value: { content: [text()], structuredContent: { ssn: '123-45-6789' } } },
};

/** Requests and notifications a server sends: the whole message, checked with its schema. */
const SERVER_MESSAGES: Record<string, Shape> = {
  'ping': { schema: mcp.PingRequestSchema, value: { _meta: meta } },
  'roots/list': { schema: mcp.ListRootsRequestSchema, value: {} },
  'sampling/createMessage': {
    schema: mcp.CreateMessageRequestSchema,
    value: {
      messages: [
        { role: 'user', content: [text(), image, { type: 'tool_result', toolUseId: 'u1', content: [text()], structuredContent: { ssn: '123-45-6789' } }] },
        { role: 'assistant', content: { type: 'tool_use', id: 'u1', name: 'lookup_patient', input: { name: 'Zyx Qwerty' } } },
      ],
      systemPrompt: PATIENT, includeContext: 'none', temperature: 0.2, maxTokens: 100, stopSequences: ['Maria Gonzalez'], metadata: { patient: PATIENT },
      modelPreferences: { hints: [{ name: 'claude' }], costPriority: 0.5 }, tools: [tool],
    },
  },
  'elicitation/create': { schema: mcp.ElicitRequestSchema, value: { mode: 'form', message: PATIENT, requestedSchema: elicitationSchema() } },
  'tasks/get': { schema: mcp.GetTaskRequestSchema, value: { taskId: 'task-1' } },
  'tasks/result': { schema: mcp.GetTaskPayloadRequestSchema, value: { taskId: 'task-1' } },
  'tasks/cancel': { schema: mcp.CancelTaskRequestSchema, value: { taskId: 'task-1' } },
  'tasks/list': { schema: mcp.ListTasksRequestSchema, value: { cursor: 'c-1' } },
  'notifications/cancelled': { schema: mcp.CancelledNotificationSchema, value: { requestId: 7, reason: PATIENT } },
  'notifications/progress': { schema: mcp.ProgressNotificationSchema, value: { progressToken: 4_155_550_100, progress: 1, total: 2, message: PATIENT } },
  'notifications/message': { schema: mcp.LoggingMessageNotificationSchema, value: { level: 'info', logger: 'ehr', data: { patient: { name: 'Zyx Qwerty', note: PATIENT } } } },
  'notifications/resources/updated': { schema: mcp.ResourceUpdatedNotificationSchema, value: { uri: 'https://ehr.example.org/patients/123-45-6789' } },
  'notifications/resources/list_changed': { schema: mcp.ResourceListChangedNotificationSchema, value: {} },
  'notifications/tools/list_changed': { schema: mcp.ToolListChangedNotificationSchema, value: {} },
  'notifications/prompts/list_changed': { schema: mcp.PromptListChangedNotificationSchema, value: {} },
  'notifications/tasks/status': { schema: mcp.TaskStatusNotificationSchema, value: task },
  'notifications/elicitation/complete': { schema: mcp.ElicitationCompleteNotificationSchema, value: { elicitationId: 'e-1' } },
};
// The url form of elicitation, a second representative of its union.
const ELICIT_URL: Shape = { schema: mcp.ElicitRequestSchema, value: { mode: 'url', message: PATIENT, url: 'https://forms.example.org/consent?ssn=123-45-6789', elicitationId: 'e-1' } };

/** The method literal(s) of each member of a zod union of requests or notifications. */
function methodsOf(union: z.ZodType): string[] {
  const options = (union as unknown as { options: { shape: { method: { value?: string; def?: { values?: string[] } } } }[] }).options;
  return options.flatMap((o) => (o.shape.method.value !== undefined ? [o.shape.method.value] : o.shape.method.def?.values ?? []));
}

/**
 * What the v2 SDK's unions hold that never reaches the masker: the gateway answers a client's
 * `server/discover` and `subscriptions/listen` itself (an upstream's own are read by the gateway,
 * not relayed), and sends its own `notifications/subscriptions/acknowledged`.
 */
const ANSWERED_BY_GATEWAY = { requests: ['server/discover', 'subscriptions/listen'], serverMessages: ['notifications/subscriptions/acknowledged'] };
/**
 * 2025-11-25 Tasks: an extension in the v2 SDK, outside its unions (its schemas stay in
 * @modelcontextprotocol/core), still relayed and masked for a 2025-era client.
 */
const TASKS = {
  requests: ['tasks/get', 'tasks/result', 'tasks/cancel', 'tasks/list'],
  serverMessages: ['tasks/get', 'tasks/result', 'tasks/cancel', 'tasks/list', 'notifications/tasks/status'],
};
const relayed = (methods: string[], answered: string[], tasks: string[]) => [...methods.filter((m) => !answered.includes(m)), ...tasks].sort();

const masker = new PhiMasker({ name: 'ehr', masking: {} });
const leaksIn = (value: unknown) => LEAKS.filter((l) => JSON.stringify(value).includes(l));

describe('every MCP message shape, masked, is still valid and carries no PHI', () => {
  test('the suite covers every request of the schema (whose results the gateway masks) and every server request and notification', () => {
    expect(Object.keys(RESULTS).sort()).toEqual(relayed(methodsOf(mcp.ClientRequestSchema), ANSWERED_BY_GATEWAY.requests, TASKS.requests));
    expect(Object.keys(SERVER_MESSAGES).sort())
      .toEqual(relayed([...methodsOf(mcp.ServerRequestSchema), ...methodsOf(mcp.ServerNotificationSchema)], ANSWERED_BY_GATEWAY.serverMessages, TASKS.serverMessages));
    // The masker has a field map for each; a method it does not know is masked whole as data.
    expect(knownResultMethods().sort()).toEqual(Object.keys(RESULTS).sort());
    expect(knownServerMessageMethods().sort()).toEqual(Object.keys(SERVER_MESSAGES).sort());
  });

  test.each(Object.entries(RESULTS))('result of %s', async (method, shape) => {
    expect(shape.schema.safeParse(shape.value).error).toBeUndefined();
    const out = await masker.mask(shape.value, { target: 'ehr', part: 'result', method, ...(shape.tool ? { tool: shape.tool } : {}) });
    expect(shape.schema.safeParse(out.masked).error).toBeUndefined();
    expect(leaksIn(out.masked)).toEqual([]);
    if (JSON.stringify(shape.value).includes('Gonzalez')) expect(out.report.total).toBeGreaterThan(0);
  });

  test.each([...Object.entries(SERVER_MESSAGES), ['elicitation/create (url)', ELICIT_URL] as const])('%s from the server', async (name, shape) => {
    const method = name.replace(/ \(url\)$/, '');
    const message = { method, params: shape.value };
    expect(shape.schema.safeParse(message).error).toBeUndefined();
    const out = await masker.mask(shape.value, { target: 'ehr', part: 'notification', method });
    expect(shape.schema.safeParse({ method, params: out.masked }).error).toBeUndefined();
    expect(leaksIn(out.masked)).toEqual([]);
  });
});

describe('structure stays, data inside it is masked', () => {
  const mask = async <T>(method: string, value: T, part: 'result' | 'notification' = 'result') => (await masker.mask(value, { target: 'ehr', part, method })).masked as T;

  test('a JSON Schema keeps its keywords and property names; default, enum, const and examples are masked by the property\'s class or content', async () => {
    const out = await mask('elicitation/create', SERVER_MESSAGES['elicitation/create']!.value as { requestedSchema: ReturnType<typeof elicitationSchema> }, 'notification');
    const p = out.requestedSchema.properties as Record<string, Record<string, unknown>>;
    expect(Object.keys(p)).toEqual(['name', 'age', 'dob', 'contact', 'ssn', 'visits']);
    expect(out.requestedSchema.required).toEqual(['name', 'age']);
    // The report: {"type":"[NAME]","description":"[NAME]","default":"[NAME]"} — never again.
    expect(p.name).toEqual({ type: 'string', title: 'Full name', description: 'as on the chart, e.g. [NAME]', default: '[NAME]', minLength: 1 });
    // A number default masked would no longer be a number: dropped, not turned into a label.
    expect(p.age).toEqual({ type: 'integer', minimum: 0, maximum: 130 });
    expect(p.dob).toEqual({ type: 'string', format: 'date', default: '[DATE]', examples: ['[DATE]'] });
    expect(p.contact!.enum).toEqual(['[PHONE]', '[EMAIL]']);
    expect(p.contact!.enumNames).toEqual(['Phone [PHONE]', 'Mail [EMAIL]']);
    expect(p.ssn!.oneOf).toEqual([{ const: '[SSN]', title: 'SSN [SSN]' }]);
    // A property named after a column the policy declares harmless: its default is still scanned.
    const declared = new PhiMasker({ name: 'ehr', masking: { columns: { patient_id: 'none' } } });
    const smuggled = await declared.mask({ mode: 'form', message: 'm', requestedSchema: { type: 'object', properties: { patient_id: { type: 'string', default: 'SSN 123-45-6789' } } } },
      { target: 'ehr', part: 'notification', method: 'elicitation/create' });
    expect(smuggled.masked.requestedSchema.properties.patient_id).toEqual({ type: 'string', default: 'SSN [SSN]' });
    const visits = (p.visits!.items as { enum: string[] }).enum;
    expect(visits[0]).not.toContain('00123456');
    expect(visits[1]).toBe('routine');
    expect(p.visits!.default).toEqual(['routine']);
  });

  test('tool, resource and prompt names, resource links and public URIs are not data; their descriptions are scanned', async () => {
    const tools = await mask('tools/list', { tools: [tool] });
    expect(tools.tools[0]!.name).toBe('lookup_patient');
    expect(tools.tools[0]!.description).toBe('Finds Patient [NAME], SSN [SSN], call [PHONE], [EMAIL]');
    expect(tools.tools[0]!.icons![0]!.src).toBe('https://example.org/icon.png');
    const result = await mask('tools/call', { content: [resourceLink] });
    expect(result.content[0]).toMatchObject({ type: 'resource_link', uri: 'https://modelcontextprotocol.io/docs/spec', name: 'Blob Resource 1', title: 'Blob Resource 1', mimeType: 'text/plain', annotations });
    // A URI is structure, but an identifier inside it is still masked.
    const list = await mask('resources/list', RESULTS['resources/list']!.value as { resources: { uri: string; name: string }[] });
    expect(list.resources[0]).toMatchObject({ uri: 'https://ehr.example.org/patients/[SSN]', name: 'Blob Resource 1' });
  });

  test('a tool result whose content is not a list (a hostile server breaking the schema) is masked as data, never passed through', async () => {
    for (const content of [PATIENT, { type: 'text', text: PATIENT }, { rows: [[PATIENT]] }]) {
      const out = await masker.mask({ content, isError: false }, { target: 'ehr', part: 'result', method: 'tools/call' });
      expect(leaksIn(out.masked)).toEqual([]);
      expect(out.masked).toMatchObject({ isError: false });
    }
  });

  test('each value of a tool result is masked and counted once (issue 18: no second pass over content the result is built from)', async () => {
    const out = await masker.mask({ content: [text(PATIENT)] }, { target: 'ehr', part: 'result', method: 'tools/call' });
    expect(out.masked).toEqual({ content: [text('Patient [NAME], SSN [SSN], call [PHONE], [EMAIL]')] });
    expect(out.report.counts).toEqual({ NAME: 1, SSN: 1, PHONE: 1, EMAIL: 1 });
  });

  test('a text block that is the structuredContent\'s JSON is written from the masked structuredContent', async () => {
    const structured = { record: { name: 'Zyx Qwerty', ssn: '123-45-6789' } };
    const out = await mask('tools/call', { content: [text(JSON.stringify(structured))], structuredContent: structured });
    expect(out.structuredContent).toEqual({ record: { name: '[NAME]', ssn: '[SSN]' } });
    expect(JSON.parse(out.content[0]!.text)).toEqual(out.structuredContent);
  });

  test('images, audio and blobs are withheld as a text note (no detector reads them), unless the policy says binary: scan', async () => {
    const out = await mask('tools/call', { content: [image] });
    expect(out.content).toEqual([{ type: 'text', text: BINARY_WITHHELD }]);
    const read = await mask('resources/read', { contents: [{ uri: 'file:///scan.png', mimeType: 'image/png', blob: IMAGE }] });
    expect(read.contents).toEqual([{ uri: 'file:///scan.png', mimeType: 'text/plain', text: BINARY_WITHHELD }]);
    const scanning = new PhiMasker({ name: 'ehr', masking: { binary: 'scan' } });
    const kept = await scanning.mask({ content: [image] }, { target: 'ehr', part: 'result', method: 'tools/call' });
    expect(kept.masked.content).toEqual([image]);
  });

  test('_meta: the protocol\'s own keys stay (a numeric progress token is not a phone number), the rest is data', async () => {
    const out = await mask('ping', { _meta: meta });
    expect(out._meta).toEqual({ progressToken: 4_155_550_100, 'example.com/patient': 'Patient [NAME], SSN [SSN], call [PHONE], [EMAIL]' });
    const progress = await mask('notifications/progress', { progressToken: 4_155_550_100, progress: 1, message: 'done' }, 'notification');
    expect(progress).toEqual({ progressToken: 4_155_550_100, progress: 1, message: 'done' });
  });

  test('completion values are masked as values of the argument being completed (from the forwarded request), else by content', async () => {
    const values = { completion: { values: ['Zyx Qwerty', 'Qwerty Zyx'], total: 2, hasMore: false } };
    const named = await masker.mask(values, { target: 'ehr', part: 'result', method: 'completion/complete', completing: 'patient_name' });
    expect(named.masked.completion.values).toEqual(['[NAME]', '[NAME]']);
    expect(mcp.CompleteResultSchema.safeParse(named.masked).success).toBe(true);
    const plain = await masker.mask(values, { target: 'ehr', part: 'result', method: 'completion/complete', completing: 'language' });
    expect(plain.masked.completion.values).toEqual(['Zyx Qwerty', 'Qwerty Zyx']);
    // The agent names the argument: a name the policy declares harmless passes nothing unscanned.
    const declared = new PhiMasker({ name: 'ehr', masking: { columns: { language: 'none' } } });
    const steered = await declared.mask({ completion: { values: ['SSN 123-45-6789'] } }, { target: 'ehr', part: 'result', method: 'completion/complete', completing: 'language' });
    expect(steered.masked.completion.values).toEqual(['SSN [SSN]']);
  });

  test('structure strings (cursors, ids, versions, mime types) pass as they are, unless they hide a checksum-backed identifier', async () => {
    const page = await mask('tools/list', { tools: [], nextCursor: 'eyJvZmZzZXQiOjEwfQ==' });
    expect(page.nextCursor).toBe('eyJvZmZzZXQiOjEwfQ==');
    const init = await mask('initialize', { protocolVersion: '2025-11-25', capabilities: { tools: { listChanged: true } }, serverInfo: { name: 'ehr', version: '2.4.1-rc.1+build.20260102' } });
    expect(init).toEqual({ protocolVersion: '2025-11-25', capabilities: { tools: { listChanged: true } }, serverInfo: { name: 'ehr', version: '2.4.1-rc.1+build.20260102' } });
    const hostile = await mask('tools/list', { tools: [], nextCursor: 'ssn=123-45-6789' });
    expect(hostile.nextCursor).toBe('ssn=[SSN]');
    const parked = await mask('tasks/get', { ...task, taskId: 'maria.gonzalez@example.com', statusMessage: 'working' });
    expect(parked.taskId).toBe('[EMAIL]');
    expect(parked.createdAt).toBe(task.createdAt);
    const mime = await mask('resources/read', { contents: [{ uri: 'file:///a', mimeType: 'text/plain; patient=123-45-6789', text: 'ok' }] });
    expect(mime.contents[0]!.mimeType).toBe('text/plain; patient=[SSN]');
  });

  test('hostile shapes: an unknown method, an unknown content type and an unknown field are masked as data; a too-deep schema is refused', async () => {
    const unknown = await mask('vendor/export', { rows: [{ name: 'Zyx Qwerty' }] });
    expect(leaksIn(unknown)).toEqual([]);
    const block = await mask('tools/call', { content: [{ type: 'patient_card', name: 'Zyx Qwerty' }], extra: { ssn: '123-45-6789' } });
    expect(leaksIn(block)).toEqual([]);
    const renamed = await mask('tools/list', { tools: [{ name: 't', inputSchema: { type: 'object', properties: { '123-45-6789': { type: 'string' } }, required: ['123-45-6789'] } }] });
    expect(renamed.tools[0]!.inputSchema).toEqual({ type: 'object', properties: { '[SSN]': { type: 'string' } }, required: ['[SSN]'] });
    const smuggled = await mask('tools/list', { tools: [{ name: 't', inputSchema: { type: 'object', 'x-note': PATIENT, properties: { a: { type: 'Maria Gonzalez' } } } }] });
    expect(leaksIn(smuggled)).toEqual([]);
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 100; i++) deep = { type: 'object', properties: { a: deep } };
    await expect(Promise.resolve().then(() => masker.mask({ tools: [{ name: 't', inputSchema: deep }] }, { target: 'ehr', part: 'result', method: 'tools/list' }))).rejects.toThrow(/deeper than 64/);
  });
});
