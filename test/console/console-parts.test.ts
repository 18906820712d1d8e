// The console's parts that need no stack: escaping, filters, return paths, settings, who is an
// auditor, and the visibility queries filters become.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { consoleSettings, ConsoleSettingsError, escapeHtml, FilterError, html, parseFindQuery, safeReturnPath } from '../../api/console';
import { ConsoleSignIn } from '../../api/console/sign-in';
import { findingsOf, visibilityLiteral, visibilityQuery } from '../../audit';
import { mayReadAudit, parseConfig } from '../../policy';

const HOSTILE = `</pre><script>alert(1)</script><img src=x onerror="alert(2)">'\``;

describe('html escaping', () => {
  test('every interpolation is escaped; Html is kept; arrays joined; null, undefined, false vanish', () => {
    const out = html`<p title="${HOSTILE}">${HOSTILE}${[HOSTILE, html`<b>ok</b>`]}${null}${undefined}${false}${0}</p>`.value;
    expect(out).not.toMatch(/<script|<img|onerror="/);
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('&quot;alert(2)&quot;');
    expect(out).toContain('&#39;&#96;');
    expect(out).toContain('<b>ok</b>');
    expect(out.endsWith('0</p>')).toBe(true);
    expect(escapeHtml('a&b')).toBe('a&amp;b');
  });
});

describe('find filters from the query string', () => {
  test('a full, valid query', () => {
    const { form, filters } = parseFindQuery({ requester: 'Carol@Example.org', approver: 'dana@example.org', target: 'clinical', state: 'ARCHIVED', from: '2026-01-01', to: '2026-01-31', held: '1', masked: 'on' });
    expect(form.findings).toEqual(['held', 'masked']);
    expect(filters).toEqual({
      requester: 'Carol@Example.org', approver: 'dana@example.org', target: 'clinical', state: 'ARCHIVED',
      from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-02-01T00:00:00Z'), findings: ['held', 'masked'],
    });
    expect(visibilityQuery(filters)).toBe("WorkflowType = 'accessRequest' AND GatehouseRequester = 'carol@example.org' AND GatehouseApprover = 'dana@example.org' AND GatehouseTarget = 'clinical' AND GatehouseState = 'ARCHIVED' AND StartTime >= '2026-01-01T00:00:00.000Z' AND StartTime < '2026-02-01T00:00:00.000Z' AND GatehouseFindings = 'held' AND GatehouseFindings = 'masked'");
  });

  test.each([
    [{ requester: "x' OR WorkflowType = 'other" }, /"requester" must be a subject/],
    [{ approver: 'a b' }, /"approver" must be a subject/],
    [{ target: 'Clinical;DROP' }, /"target" must be a target name/],
    [{ state: 'HACKED' }, /"state" must be one of/],
    [{ from: 'yesterday' }, /"from" must be a date/],
    [{ from: '2026-02-01', to: '2026-01-01' }, /"to" must be after "from"/],
    [{ page: 'not a token!' }, /"page" is not a page link/],
    [{ requester: ['a@x.org', 'b@x.org'] }, /requester is given more than once/],
    [{ sort: 'desc' }, /unknown filter "sort"/],
  ])('refuses %j with a clear problem', (query, problem) => {
    let error: unknown;
    try {
      parseFindQuery(query as Record<string, unknown>);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FilterError);
    expect((error as FilterError).problems.join('\n')).toMatch(problem);
  });

  test('visibility literals cannot break out of their quotes', () => {
    expect(visibilityLiteral("a' OR 'b")).toBe("'a\\' OR \\'b'");
    expect(visibilityLiteral('a\\')).toBe("'a\\\\'");
    expect(() => visibilityLiteral('a\nb')).toThrow(/control characters/);
  });
});

describe('return paths after sign-in', () => {
  test.each([
    ['/console', '/console'],
    ['/console/requests/req_abcdefghij0123456789', '/console/requests/req_abcdefghij0123456789'],
    ['/console?requester=carol%40example.org&held=1', '/console?requester=carol%40example.org&held=1'],
    ['https://evil.example/console', '/console'],
    ['//evil.example/console', '/console'],
    ['/console/../v1/audit/export', '/console'],
    ['/console\\@evil.example', '/console'],
    ['/v1/access-requests', '/console'],
    [undefined, '/console'],
    [['/console/a'], '/console'],
  ])('%j goes to %s', (given, expected) => {
    expect(safeReturnPath(given)).toBe(expected);
  });
});

describe('console settings', () => {
  const base = { GATEHOUSE_CONSOLE_CLIENT_ID: 'gatehouse-console', GATEHOUSE_CONSOLE_CLIENT_SECRET: 's3cret-s3cret' };
  test('off without a client id; https gets Secure cookies; loopback http does not', () => {
    expect(consoleSettings({}, { issuer: 'https://idp.example.org' })).toBeUndefined();
    expect(consoleSettings(base, { issuer: 'https://idp.example.org', publicUrl: 'https://gatehouse.example.org' })).toMatchObject({ secureCookies: true, publicUrl: 'https://gatehouse.example.org', sessionTtlMs: 8 * 3600_000, idleTimeoutMs: 30 * 60_000, subjectClaim: 'email' });
    expect(consoleSettings({ ...base, GATEHOUSE_CONSOLE_IDLE_TIMEOUT: '10m' }, { issuer: 'https://idp.example.org', publicUrl: 'https://g.example.org' })).toMatchObject({ idleTimeoutMs: 10 * 60_000 });
    expect(consoleSettings({ ...base, GATEHOUSE_CONSOLE_PUBLIC_URL: 'http://127.0.0.1:8080' }, { issuer: 'http://127.0.0.1:8070' })).toMatchObject({ secureCookies: false });
  });
  test.each([
    [{ GATEHOUSE_CONSOLE_CLIENT_ID: 'x' }, /CLIENT_SECRET/],
    [{ ...base }, /GATEHOUSE_CONSOLE_PUBLIC_URL/],
    [{ ...base, GATEHOUSE_CONSOLE_PUBLIC_URL: 'http://gatehouse.example.org' }, /must use https/],
    [{ ...base, GATEHOUSE_CONSOLE_PUBLIC_URL: 'https://gatehouse.example.org/console' }, /without a path/],
    [{ ...base, GATEHOUSE_CONSOLE_PUBLIC_URL: 'https://g.example.org', GATEHOUSE_CONSOLE_ISSUER: 'http://idp.example.org' }, /provider .* must use https/],
    [{ ...base, GATEHOUSE_CONSOLE_PUBLIC_URL: 'https://g.example.org', GATEHOUSE_CONSOLE_SESSION_TTL: '30d' }, /between 1m and 7d/],
    [{ ...base, GATEHOUSE_CONSOLE_PUBLIC_URL: 'https://g.example.org', GATEHOUSE_CONSOLE_IDLE_TIMEOUT: '9h' }, /IDLE_TIMEOUT must be between 1m and the session TTL \(8h\)/],
    [{ ...base, GATEHOUSE_CONSOLE_PUBLIC_URL: 'https://g.example.org', GATEHOUSE_CONSOLE_IDLE_TIMEOUT: '10s' }, /IDLE_TIMEOUT must be between 1m/],
    [{ ...base, GATEHOUSE_CONSOLE_PUBLIC_URL: 'https://g.example.org', GATEHOUSE_CONSOLE_IDLE_TIMEOUT: 'forever' }, /GATEHOUSE_CONSOLE_IDLE_TIMEOUT: /],
  ])('refuses %j', (env, message) => {
    expect(() => consoleSettings(env, { issuer: 'https://idp.example.org' })).toThrow(ConsoleSettingsError);
    expect(() => consoleSettings(env, { issuer: 'https://idp.example.org' })).toThrow(message);
  });
});

const POLICY = (audit: string) => `
version: 1
groups:
  auditors: [priya.audit@example.org]
  approvers: [dana@example.org]
targets:
  - name: clinical
    upstream: { type: stdio, command: node }
    credentials: { provider: fake }
    requesters: [carol@example.org]
    approvers: { channel: C1, members: [group:approvers] }
${audit}`;

describe('audit readers in gatehouse.yaml', () => {
  test('subjects, gatehouse groups and identity-provider groups map to audit:read; nobody else', () => {
    const config = parseConfig(POLICY('audit:\n  readers: [omar@example.org, group:auditors, idp-group:security-audit]'));
    expect(mayReadAudit(config, { subject: 'Omar@Example.org' })).toBe(true);
    expect(mayReadAudit(config, { subject: 'priya.audit@example.org' })).toBe(true);
    expect(mayReadAudit(config, { subject: 'zed@example.org', groups: ['security-audit'] })).toBe(true);
    expect(mayReadAudit(config, { subject: 'carol@example.org', groups: ['auditors', 'idp-group:security-audit'] })).toBe(false);
    expect(mayReadAudit(config, { subject: 'dana@example.org' })).toBe(false);
    expect(mayReadAudit(parseConfig(POLICY('')), { subject: 'omar@example.org' })).toBe(false);
  });
  test('an unknown group and "*" are refused with the place they are written', () => {
    expect(() => parseConfig(POLICY('audit:\n  readers: [group:nope]'))).toThrow(/audit\.readers\[0\]: unknown group "nope"/);
    expect(() => parseConfig(POLICY('audit:\n  readers: ["*"]'))).toThrow(/audit\.readers\[0\]: "\*" would let anyone/);
  });
});

describe('findings of an archived session', () => {
  const rec = (seq: number, body: Record<string, unknown>) => ({ seq, at: `2026-01-01T00:00:0${seq}.000Z`, kind: 'recording' as const, body, prev: '', hash: '' });
  test('held, denied and masked, from the recording and the workflow\'s decisions', () => {
    const records = [
      rec(0, { type: 'request', sessionId: 's', messageId: 1, method: 'tools/call', verdict: 'allow', masked: [] }),
      rec(1, { type: 'response', sessionId: 's', messageId: 1, outcome: 'ok', masked: [{ type: 'NAME', count: 2 }] }),
      rec(2, { type: 'request', sessionId: 's', messageId: 2, method: 'tools/call', verdict: 'deny', masked: [] }),
    ];
    expect(findingsOf(records, { commands: [] })).toEqual(['denied', 'masked']);
    expect(findingsOf([], { commands: [{ outcome: 'approved' }] as never })).toEqual(['held']);
    expect(findingsOf([], { commands: [{ outcome: 'timed_out' }] as never })).toEqual(['held', 'denied']);
    expect(findingsOf(records.slice(0, 1), { commands: [] })).toEqual([]);
  });
});

describe('sign-out at the provider (RP-initiated logout)', () => {
  /** A provider on loopback whose discovery document does or does not advertise end_session_endpoint. */
  const provider = async (endSession: boolean): Promise<{ issuer: string; server: Server }> => {
    const server = createServer((req, res) => {
      const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      if (req.url !== '/.well-known/openid-configuration') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        issuer, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'],
        ...(endSession ? { end_session_endpoint: `${issuer}/session/end` } : {}),
      }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
  };
  const signInAt = (issuer: string) => new ConsoleSignIn(consoleSettings({ GATEHOUSE_CONSOLE_CLIENT_ID: 'gatehouse-console', GATEHOUSE_CONSOLE_CLIENT_SECRET: 's3cret-s3cret' }, { issuer, publicUrl: 'http://127.0.0.1:8080' })!);

  test('a provider that advertises end_session_endpoint gets the ID token as hint and only the console\'s own signed-out page as the way back', async () => {
    const { issuer, server } = await provider(true);
    try {
      const url = new URL((await signInAt(issuer).endSessionUrl('eyJhint.x.y'))!);
      expect(`${url.origin}${url.pathname}`).toBe(`${issuer}/session/end`);
      expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'gatehouse-console', id_token_hint: 'eyJhint.x.y', post_logout_redirect_uri: 'http://127.0.0.1:8080/console/signed-out' });
    } finally {
      server.close();
    }
  });

  test('a provider without one, or one that cannot be reached, leaves sign-out to the console alone (its own signed-out page)', async () => {
    const { issuer, server } = await provider(false);
    try {
      expect(await signInAt(issuer).endSessionUrl('eyJhint.x.y')).toBeUndefined();
    } finally {
      server.close();
    }
    expect(await signInAt(issuer).endSessionUrl('eyJhint.x.y')).toBeUndefined(); // now closed: unreachable
  });
});
