// The gateway remembers the SHA-256 of recently seen grant tokens (so a session's calls do not
// hash the same token each time, 3f3fb7f), which means it holds those raw tokens in memory. A
// revoked grant's tokens must leave that memory with the revocation, and a token that names no
// grant is never kept.
import { connectClient, eventually, failureOf, startTestGateway, type TestGateway } from './support';

describe('gateway: raw grant tokens held in memory', () => {
  let gw: TestGateway;
  beforeAll(async () => { gw = await startTestGateway(); });
  afterAll(async () => { await gw.close(); });

  const held = () => (gw.gateway as unknown as { tokenHashes: Map<string, string> }).tokenHashes;

  test('a revoked grant\'s token is forgotten with the revocation, and is not kept again when it is refused', async () => {
    const { token, grant } = await gw.grant('everything');
    const other = await gw.grant('everything');
    const { client } = await connectClient(gw.url, 'everything', token);
    const { client: otherClient } = await connectClient(gw.url, 'everything', other.token);
    await client.ping();
    expect(held().has(token)).toBe(true);
    expect(held().has(other.token)).toBe(true);
    await gw.grants.deactivate({ grantId: grant.grantId, requestId: grant.requestId, target: 'everything', reason: 'revoked in a test', at: new Date().toISOString() });
    await eventually(() => (held().has(token) ? undefined : true), 'the revoked token to be forgotten');
    expect(await failureOf(client.ping())).toMatch(/-31011|session .* has ended|-31015/);
    const again = await connectClient(gw.url, 'everything', token).then(() => 'connected', (error: Error) => error.message);
    expect(again).not.toBe('connected');
    expect(held().has(token)).toBe(false);
    // Another grant's token is untouched.
    expect(held().has(other.token)).toBe(true);
    await otherClient.ping();
    await client.close().catch(() => undefined);
    await otherClient.close().catch(() => undefined);
  });

  test('an expired grant\'s token is forgotten when it is next presented', async () => {
    const { token } = await gw.grant('everything', { ttlMs: 2_500 });
    const { client } = await connectClient(gw.url, 'everything', token);
    await client.ping();
    expect(held().has(token)).toBe(true);
    await new Promise((r) => setTimeout(r, 3_000));
    const again = await connectClient(gw.url, 'everything', token).then(() => 'connected', (error: Error) => error.message);
    expect(again).not.toBe('connected');
    expect(held().has(token)).toBe(false);
    await client.close().catch(() => undefined);
  });

  test('a token that names no grant is never kept', async () => {
    const forged = 'ghg_' + 'x'.repeat(43);
    const result = await connectClient(gw.url, 'everything', forged).then(() => 'connected', (error: Error) => error.message);
    expect(result).not.toBe('connected');
    expect(held().has(forged)).toBe(false);
  });
});
