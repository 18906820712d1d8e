import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import pino from 'pino';
import { codecCorsOrigins, codecMiddleware, codecRoutes, createApiApp, createOidcVerifier, listen, type RunningApi } from '../../api';
import { EncryptionCodec, parsePayloadKeys } from '../../lib';
import { startOidcProvider, type TestOidcProvider } from '../support/oidc';
import { CLIENTS, oidcSettings } from './fixture';

const UI = 'https://temporal-ui.example.org';
const keys = parsePayloadKeys(`k1:${randomBytes(32).toString('base64')}`);
const wire = (p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

describe('the codec server (/codec/decode, /codec/encode) for the Temporal UI', () => {
  let oidc: TestOidcProvider;
  let api: RunningApi;
  const logs: string[] = [];
  const post = async (path: string, body: unknown, token?: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${api.url}${path}`, {
      method: 'POST', body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', origin: UI, 'x-namespace': 'default', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    });
    return { status: res.status, headers: res.headers, body: await res.json() as { payloads?: { metadata: Record<string, string>; data: string }[]; detail?: string } };
  };

  beforeAll(async () => {
    oidc = await startOidcProvider({ clients: CLIENTS });
    const log = pino({ level: 'debug' }, { write: (line: string) => { logs.push(line); } } as never);
    const app = createApiApp({
      verifier: createOidcVerifier(oidcSettings(oidc)), log, issuer: oidc.issuer,
      routes: [codecRoutes({ keys, namespace: 'default' })],
      middleware: [codecMiddleware(codecCorsOrigins(UI))],
    });
    api = await listen(app, '127.0.0.1', 0);
  });
  afterAll(async () => {
    await api?.close();
    await oidc?.close();
  });

  const REASON = 'check claim for Jane Doe DOB 3/4/1950';

  test('an auditor (audit:read) gets history payloads back readable, with CORS for the UI; nothing of them is logged', async () => {
    const sealed = await new EncryptionCodec(keys).encode([defaultPayloadConverter.toPayload({ reason: REASON })!]);
    const res = await post('/codec/decode', { payloads: sealed.map(wire) }, await oidc.token('auditor@example.org'));
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(UI);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const decoded = res.body.payloads!.map((p) => ({ metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])), data: Buffer.from(p.data, 'base64') }));
    expect(defaultPayloadConverter.fromPayload(decoded[0]!)).toEqual({ reason: REASON });
    // encode, then decode again: the round trip the UI does for a signal it sends.
    const encoded = await post('/codec/encode', { payloads: [wire(defaultPayloadConverter.toPayload('hello')!)] }, await oidc.token('auditor@example.org'));
    expect(Buffer.from(encoded.body.payloads![0]!.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
    expect(logs.join('\n')).not.toContain('Jane Doe');
    expect(logs.join('\n')).not.toContain(sealed[0]!.data ? Buffer.from(sealed[0]!.data).toString('base64').slice(0, 24) : 'x');
  });

  test('no token is 401, a token without audit:read is 403: nothing is decoded', async () => {
    const sealed = await new EncryptionCodec(keys).encode([defaultPayloadConverter.toPayload(REASON)!]);
    const anonymous = await post('/codec/decode', { payloads: sealed.map(wire) });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('access-control-allow-origin')).toBe(UI);
    const requester = await post('/codec/decode', { payloads: sealed.map(wire) }, await oidc.token('carol@example.org'));
    expect(requester.status).toBe(403);
    expect(JSON.stringify(requester.body)).not.toContain('Jane');
  });

  test('bad input: another namespace, not the protocol\'s body, a payload under an unknown key, an altered payload', async () => {
    const token = await oidc.token('auditor@example.org');
    const sealed = (await new EncryptionCodec(keys).encode([defaultPayloadConverter.toPayload(REASON)!])).map(wire);
    expect((await post('/codec/decode', { payloads: sealed }, token, { 'x-namespace': 'other' })).status).toBe(403);
    expect((await post('/codec/decode', { payload: sealed }, token)).status).toBe(400);
    expect((await post('/codec/decode', { payloads: [{ data: 'not base64!' }] }, token)).status).toBe(400);
    const foreign = (await new EncryptionCodec(parsePayloadKeys(`k9:${randomBytes(32).toString('base64')}`)).encode([defaultPayloadConverter.toPayload(REASON)!])).map(wire);
    const unknown = await post('/codec/decode', { payloads: foreign }, token);
    expect(unknown.status).toBe(422);
    expect(unknown.body.detail).toMatch(/encrypted with key "k9", which is not in GATEHOUSE_PAYLOAD_KEYS/);
    const altered = { ...sealed[0]!, data: Buffer.from(Buffer.from(sealed[0]!.data, 'base64').map((b, i) => (i === 20 ? b ^ 1 : b))).toString('base64') };
    expect((await post('/codec/decode', { payloads: [altered] }, token)).body.detail).toMatch(/fails authentication/);
  });

  test('CORS preflight: the UI\'s origin is allowed, any other is refused and gets no CORS headers', async () => {
    // What the Temporal UI asks with passAccessToken: its access token, its ID token (Authorization-Extras), the namespace.
    const preflight = (origin: string) => fetch(`${api.url}/codec/decode`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,authorization-extras,content-type,x-namespace' } });
    const ok = await preflight(UI);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(UI);
    expect(ok.headers.get('access-control-allow-headers')).toBe('authorization, authorization-extras, content-type, x-namespace');
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    const evil = await preflight('https://evil.example.com');
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('GATEHOUSE_CODEC_CORS_ORIGINS takes origins only', () => {
    expect(codecCorsOrigins('https://a.example.org, http://127.0.0.1:8233')).toEqual(['https://a.example.org', 'http://127.0.0.1:8233']);
    expect(() => codecCorsOrigins('*')).toThrow(/is not an origin/);
    expect(() => codecCorsOrigins('https://a.example.org/ui')).toThrow(/without a path/);
  });
});
