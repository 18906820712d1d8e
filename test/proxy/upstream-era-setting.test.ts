import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { startProcess, waitFor, type ManagedProcess } from '../../devstack';
import { newGrantId, newRequestId, type GrantRecord } from '../../lib';
import { ConfigError, parseConfig, type TargetConfig } from '../../policy';
import { openUpstream } from '../../proxy/upstream';
import { UpstreamCaller } from '../../proxy/upstream-caller';
import { UpstreamEraCache } from '../../proxy/upstream-era';

const tsx = join(__dirname, '../../node_modules/tsx/dist/cli.mjs');
const fixtures = join(__dirname, 'fixtures');
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-era-setting-'));
const switchFile = join(dir, 'era');
const httpLog = join(dir, 'http.log');

const stdio = (args: string[], env: Record<string, string> = {}, era?: string) => `{ type: stdio, command: ${JSON.stringify(process.execPath)}, args: ${JSON.stringify(args)}, env: ${JSON.stringify(env)}${era ? `, era: ${era}` : ''} }`;
const target = (name: string, upstream: string) => `
  - name: ${name}
    upstream: ${upstream}
    credentials: none
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }`;
const configOf = (targets: string) => `
version: 1
groups: { approvers: [alice@example.org] }
targets:${targets}
`;

function grantFor(name: string): GrantRecord {
  const requestId = newRequestId();
  return {
    grantId: newGrantId(), requestId, target: name, subject: 'carol@example.org', principal: 'GH_X', credentialRef: `cred_${requestId}`,
    issuedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 60_000).toISOString(),
  };
}
const text = (answer: unknown) => ((answer as { result?: { content?: { text?: string }[] } }).result?.content ?? [])[0]?.text;
/** The server/discover requests the modern HTTP upstream received (its log has every HTTP request's headers). */
const discovers = () => {
  try {
    return readFileSync(httpLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { headers?: Record<string, string> }).filter((e) => e.headers?.['mcp-method'] === 'server/discover').length;
  } catch {
    return 0;
  }
};

describe('upstream.era in gatehouse.yaml', () => {
  const parse = (era: string) => parseConfig(configOf(target('t', `{ type: stdio, command: node${era ? `, era: ${era}` : ''} }`)), 'era-test.yaml').targets[0]!.upstream.era;

  test('auto by default; 2025 and 2026-07-28 as YAML writes them (a bare 2025 is a number, quoted or not the same setting)', () => {
    expect(parse('')).toBe('auto');
    expect(parse('auto')).toBe('auto');
    expect(parse('2025')).toBe('2025');
    expect(parse('"2025"')).toBe('2025');
    expect(parse('2026-07-28')).toBe('2026-07-28');
    expect(parseConfig(configOf(target('h', '{ type: http, url: "http://127.0.0.1:1/mcp", era: 2026-07-28 }')), 'x.yaml').targets[0]!.upstream.era).toBe('2026-07-28');
  });

  test.each(['modern', '2024', '2025-11-25', 'true'])('era: %s is a configuration error that names the field and the choices', (value) => {
    expect(() => parse(value)).toThrow(ConfigError);
    expect(() => parse(value)).toThrow(/targets\[0\]\.upstream\.era: must be one of auto, 2025 or 2026-07-28/);
  });
});

/**
 * Which era the gateway speaks to a target's upstream: the setting, else the answer of a
 * `server/discover` probe remembered per target for a bounded time, forgotten when the upstream
 * answers like a server of another era. Real upstream servers: the v2 SDK's modern-only server
 * (stdio and HTTP) and the v1 SDK's 2025 server, and one that is "redeployed" between eras.
 */
describe('the era of a target\'s upstream: setting, remembered probe, fail closed', () => {
  let http: ManagedProcess;
  let byName: Map<string, TargetConfig>;
  const opened: UpstreamCaller[] = [];
  const open = async (name: string, eras: UpstreamEraCache) => {
    const caller = await UpstreamCaller.open(byName.get(name)!, grantFor(name), undefined, { timeoutMs: 30_000, eras });
    opened.push(caller);
    return caller;
  };

  beforeAll(async () => {
    let url: string | undefined;
    http = startProcess('modern-upstream', process.execPath, [tsx, join(fixtures, 'modern-upstream.ts'), 'http'], {
      env: { ...process.env, MODERN_UPSTREAM_LOG: httpLog },
      onLine: (line) => { url = /^listening (\S+)/.exec(line)?.[1] ?? url; },
    });
    await waitFor('the modern HTTP upstream', async () => url, 60_000, http);
    const legacy = [tsx, join(fixtures, 'legacy-elicit-upstream.ts')];
    const modern = [tsx, join(fixtures, 'modern-upstream.ts'), 'stdio'];
    const config = parseConfig(configOf(
      target('modern-http', `{ type: http, url: ${JSON.stringify(url)} }`)
      + target('legacy', stdio(legacy))
      + target('legacy-pinned-2025', stdio(legacy, {}, '2025'))
      + target('legacy-pinned-modern', stdio(legacy, {}, '2026-07-28'))
      + target('modern-pinned-2025', stdio(modern, {}, '2025'))
      + target('modern-pinned', stdio(modern, {}, '2026-07-28'))
      + target('neither', stdio([join(fixtures, 'hostile-upstream.js'), 'neither']))
      + target('redeployed', stdio([join(fixtures, 'switch-upstream.js')], { SWITCH_UPSTREAM_ERA: switchFile })),
    ), 'era-test.yaml');
    byName = new Map(config.targets.map((t) => [t.name, t]));
  }, 90_000);
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.close()));
    await http?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('auto, modern HTTP upstream: the first link probes, the next links of other grants reuse the answer (one server/discover on the wire)', async () => {
    const eras = new UpstreamEraCache();
    const a = await open('modern-http', eras);
    const b = await open('modern-http', eras);
    expect([a.era, b.era]).toEqual(['modern', 'modern']);
    expect(b.initialized).toMatchObject({ protocolVersion: '2026-07-28', serverInfo: { name: 'modern-upstream', version: '7.0.0' }, instructions: 'A modern test server.' });
    expect(discovers()).toBe(1);
    expect(eras.probes(byName.get('modern-http')!)).toBe(1);
    expect(text(await b.call('tools/call', { name: 'lookup', arguments: { mrn: 'M-1' } }, { timeoutMs: 20_000 }))).toBe('patient M-1 has SSN 123-45-6789');
  });

  test('a hostile agent cannot make the gateway forget the era or drop its link with what it sends: unknown tools, bad arguments, odd names are answered, the link stays', async () => {
    const eras = new UpstreamEraCache();
    const caller = await open('modern-http', eras);
    const target = byName.get('modern-http')!;
    const answers = [
      await caller.call('tools/call', { name: 'drop_everything', arguments: {} }, { timeoutMs: 20_000 }),
      await caller.call('tools/call', { name: 'lookup', arguments: { mrn: 42 } }, { timeoutMs: 20_000 }),
      await caller.call('tools/call', { name: '=?base64?bG9va3Vw?=', arguments: { mrn: 'M-9' } }, { timeoutMs: 20_000 }),
      await caller.call('tools/call', { name: 'lööküp\r\nMcp-Method: tools/list', arguments: {} }, { timeoutMs: 20_000 }),
      await caller.call('no/such/method', {}, { timeoutMs: 20_000 }),
      // Over the upstream's body limit (the v2 SDK's 4 MiB): its HTTP 413 is not era evidence.
      await caller.call('tools/call', { name: 'lookup', arguments: { mrn: 'M'.repeat(5 * 1024 * 1024) } }, { timeoutMs: 20_000 }),
    ];
    // Each is refused (a JSON-RPC error, or a tool result marked isError): none ran, none looked like another era.
    for (const answer of answers) expect({ answer, refused: 'error' in answer || (answer as { result?: { isError?: boolean } }).result?.isError === true }).toEqual({ answer, refused: true });
    expect(eras.get(target)).toMatchObject({ era: 'modern' });
    expect(text(await caller.call('tools/call', { name: 'lookup', arguments: { mrn: 'M-9' } }, { timeoutMs: 20_000 }))).toBe('patient M-9 has SSN 123-45-6789');
    expect(eras.probes(target)).toBe(1);
  });

  test('the answer is trusted for a bounded time: past its lifetime the next link probes again', async () => {
    let now = 1_000_000;
    const eras = new UpstreamEraCache(60_000, () => now);
    const before = discovers();
    await open('modern-http', eras);
    now += 59_000;
    await open('modern-http', eras);
    expect(discovers()).toBe(before + 1);
    now += 2_000;
    await open('modern-http', eras);
    expect(discovers()).toBe(before + 2);
    expect(eras.probes(byName.get('modern-http')!)).toBe(2);
  });

  test('auto, 2025 stdio upstream: probed once, remembered as legacy; the next link initializes straight away and works', async () => {
    const eras = new UpstreamEraCache();
    const a = await open('legacy', eras);
    const b = await open('legacy', eras);
    expect([a.era, b.era]).toEqual(['legacy', 'legacy']);
    expect(eras.probes(byName.get('legacy')!)).toBe(1);
    expect(eras.get(byName.get('legacy')!)).toMatchObject({ era: 'legacy' });
    expect(text(await b.call('tools/call', { name: 'lookup', arguments: { mrn: 'M-2' } }, { timeoutMs: 20_000 }))).toBe('patient M-2 has SSN 123-45-6789');
  });

  test('pinned to 2025: never probed; a modern-only server behind that pin is refused naming the target and the setting', async () => {
    const eras = new UpstreamEraCache();
    const caller = await open('legacy-pinned-2025', eras);
    expect(caller.era).toBe('legacy');
    expect(eras.probes(byName.get('legacy-pinned-2025')!)).toBe(0);
    await expect(open('modern-pinned-2025', eras)).rejects.toThrow(/target modern-pinned-2025 is pinned to the 2025 era \(upstream\.era\)/);
    expect(eras.probes(byName.get('modern-pinned-2025')!)).toBe(0);
  });

  test('pinned to 2026-07-28: a 2025 server fails closed with an error naming the target (no fallback to a session), and nothing is remembered', async () => {
    const eras = new UpstreamEraCache();
    await expect(open('legacy-pinned-modern', eras)).rejects.toThrow(/target legacy-pinned-modern cannot be used: the configuration pins it to the 2026-07-28 revision \(upstream\.era\), but it answered as a 2025-era server/);
    expect(eras.get(byName.get('legacy-pinned-modern')!)).toBeUndefined();
    const modern = await open('modern-pinned', eras);
    expect(modern.era).toBe('modern');
    await open('modern-pinned', eras);
    expect(eras.probes(byName.get('modern-pinned')!)).toBe(1);
  });

  test('a server that answers the probe like a 2025 one but fails initialize is not remembered as one: each open says it speaks neither era', async () => {
    const eras = new UpstreamEraCache();
    await expect(open('neither', eras)).rejects.toThrow(/target neither speaks neither MCP era/);
    expect(eras.get(byName.get('neither')!)).toBeUndefined();
    await expect(open('neither', eras)).rejects.toThrow(/target neither speaks neither MCP era/);
    expect(eras.probes(byName.get('neither')!)).toBe(2);
  });

  test('a redeployed upstream: a remembered era that no longer holds is forgotten and the upstream asked again, both ways', async () => {
    const eras = new UpstreamEraCache();
    const redeployed = byName.get('redeployed')!;
    writeFileSync(switchFile, 'legacy');
    expect((await open('redeployed', eras)).era).toBe('legacy');
    // Redeployed as a 2026-07-28-only server: the remembered "2025" makes initialize fail; the link is opened again, probed.
    writeFileSync(switchFile, 'modern');
    const modern = await open('redeployed', eras);
    expect(modern.era).toBe('modern');
    expect(eras.probes(redeployed)).toBe(2);
    expect(text(await modern.call('tools/call', { name: 'lookup', arguments: { mrn: 'M-3' } }, { timeoutMs: 20_000 }))).toBe('patient M-3 has SSN 123-45-6789');
    // And back to 2025: the remembered "modern" link's first call gets an answer without a resultType:
    // withheld, the era forgotten, the link closed; the next link probes and works.
    writeFileSync(switchFile, 'legacy');
    const stale = await open('redeployed', eras);
    expect(stale.era).toBe('modern');
    const refused = await stale.call('tools/call', { name: 'lookup', arguments: { mrn: 'M-4' } }, { timeoutMs: 20_000 });
    expect(refused).toEqual({ error: expect.objectContaining({ message: expect.stringMatching(/target redeployed answered with no resultType/) }) });
    expect(eras.get(redeployed)).toBeUndefined();
    const again = await open('redeployed', eras);
    expect(again.era).toBe('legacy');
    expect(eras.probes(redeployed)).toBe(3);
    expect(text(await again.call('tools/call', { name: 'lookup', arguments: { mrn: 'M-4' } }, { timeoutMs: 20_000 }))).toBe('patient M-4 has SSN 123-45-6789');
  }, 120_000);

  test('2025 sessions (the gateway\'s session transport) use the same setting and remembered answer', async () => {
    const eras = new UpstreamEraCache();
    const connect = async (name: string) => {
      const t = byName.get(name)!;
      const handle = openUpstream(t, grantFor(name), undefined);
      (handle.transport as unknown as { options: { eras: UpstreamEraCache } }).options.eras = eras;
      // A 2025 client (initialize, a session) on the gateway's session transport, whatever the upstream's era.
      const client = new Client({ name: 'era-session-test', version: '1' }, { versionNegotiation: { mode: 'legacy' } });
      await client.connect(handle.transport);
      return { client, handle };
    };
    const first = await connect('modern-http');
    const second = await connect('modern-http');
    expect(second.handle.era()).toBe('modern');
    expect(second.client.getServerVersion()).toEqual({ name: 'modern-upstream', version: '7.0.0' });
    expect(eras.probes(byName.get('modern-http')!)).toBe(1);
    const refused = await connect('legacy-pinned-modern').then(() => 'connected', (error: Error) => error.message);
    expect(refused).toMatch(/target legacy-pinned-modern cannot be used: the configuration pins it to the 2026-07-28 revision/);
    await Promise.all([first.client.close(), second.client.close()]);
  });
});
