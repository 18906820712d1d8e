import type { ElicitRequest } from '@modelcontextprotocol/client';
import { PhiMasker } from '../../proxy';
import { connectClient, endSession, startTestGateway, type TestGateway } from './support';

/**
 * The issue's reproduction, through the real gateway with the real masker (phi/) in front of the
 * reference "everything" server: its elicitation's requestedSchema used to arrive as
 * {"type":"[NAME]","description":"[NAME]",...}, which the official client refused (invalid_union),
 * so the tool failed; its resource links' names came back as [NAME].
 */
describe('protocol structure through the gateway (server-everything, PhiMasker)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ masker: (target) => new PhiMasker(target) });
  });
  afterAll(() => gw?.close());

  test('an elicitation reaches the client valid, with its schema intact, and the tool completes', async () => {
    const { token } = await gw.grant('everything');
    const c = await connectClient(gw.url, 'everything', token);
    const asked: ElicitRequest['params'][] = [];
    // The SDK client validates the request against ElicitRequestSchema (its schema for 'elicitation/create') before this handler runs.
    c.client.setRequestHandler('elicitation/create', (request) => {
      asked.push(request.params);
      return { action: 'accept', content: { name: 'Test User', check: true, integer: 7 } };
    });
    const result = await c.client.callTool({ name: 'trigger-elicitation-request', arguments: {} });
    expect(result.isError).not.toBe(true);
    expect(asked).toHaveLength(1);
    const schema = (asked[0] as { requestedSchema: { properties: Record<string, Record<string, unknown>> } }).requestedSchema;
    expect(schema.properties.name).toEqual({ title: 'String', type: 'string', description: 'Your full, legal name' });
    expect(schema.properties.birthdate).toMatchObject({ type: 'string', format: 'date', description: 'Your date of birth' });
    expect(schema.properties.integer).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 42 });
    expect(schema.properties.titledSingleSelectEnum!.oneOf).toEqual([{ const: 'hero-1', title: 'Superman' }, { const: 'hero-2', title: 'Green Lantern' }, { const: 'hero-3', title: 'Wonder Woman' }]);
    expect(Object.values(schema.properties).every((p) => typeof p.type === 'string' && !String(p.type).startsWith('['))).toBe(true);
    await endSession(c);
  });

  test('resource links keep their names and URIs; the tool listing keeps its schemas', async () => {
    const { token } = await gw.grant('everything');
    const c = await connectClient(gw.url, 'everything', token);
    const links = await c.client.callTool({ name: 'get-resource-links', arguments: { count: 2 } });
    const named = (links.content as { type: string; name?: string; uri?: string }[]).filter((b) => b.type === 'resource_link');
    expect(named.map((b) => b.name)).toEqual(['Blob Resource 1', 'Text Resource 2']);
    expect(named.every((b) => typeof b.uri === 'string' && b.uri.startsWith('demo://resource/'))).toBe(true);
    const tools = await c.client.listTools();
    const sum = tools.tools.find((t) => t.name === 'get-sum')!;
    expect(Object.keys(sum.inputSchema.properties ?? {})).toEqual(['a', 'b']);
    expect(sum.description).toBeTruthy();
    await endSession(c);
  });
});
