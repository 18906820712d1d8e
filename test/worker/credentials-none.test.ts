import { randomBytes } from 'node:crypto';
import { builtInComponents, assembleComponents, type ComponentContext, type ComponentRegistry } from '../../worker';
import { connectRedis, createLogger, RedisSecretVault, waitForRedis, type Redis } from '../../lib';
import { MemoryArchiver, RecordingNotifier } from '../support/doubles';
import { startHarness, testConfig, testRedisUrl, TEST_CONFIG_YAML, waitForState, waitForStatus, type Harness } from '../support/harness';

/**
 * A target with `credentials: none` (an MCP server that needs no credential) still goes through
 * request, approval, grant, recording and revocation, but the worker mints nothing: no Snowflake
 * user, no vault entry, and the Snowflake provider is never even built for it.
 */

const NONE_YAML = TEST_CONFIG_YAML.replace('credentials: { provider: fake }', 'credentials: none');

describe('credentials: none in the worker', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = connectRedis(testRedisUrl());
    await waitForRedis(redis);
  });
  afterAll(() => redis.disconnect());

  const registry: ComponentRegistry = {
    notifier: () => new RecordingNotifier(),
    // The worker's real Snowflake provider factory: it needs the broker's key for every snowflake target.
    providers: { snowflake: builtInComponents.providers.snowflake! },
    archiver: () => new MemoryArchiver(),
  };
  const context = (yaml: string): ComponentContext => ({
    config: testConfig(yaml), env: {}, redis, vault: new RedisSecretVault(redis, randomBytes(32)), log: createLogger('test', 'silent'),
  });

  test('the worker starts without any Snowflake broker key, and the target\'s provider mints and stores nothing', async () => {
    const ctx = context(NONE_YAML);
    const vault = ctx.vault;
    const put = jest.spyOn(vault, 'put');
    const components = assembleComponents(registry, ctx);
    const provider = components.providers.for('clinical');
    expect(provider.kind).toBe('none');
    const issued = await provider.issue({ requestId: 'req_none1', target: 'clinical', expiresAt: new Date(Date.now() + 60_000).toISOString() });
    expect(issued).toEqual({ credentialRef: 'none:req_none1', principal: 'grant:req_none1' });
    expect(put).not.toHaveBeenCalled();
    expect(await vault.get(issued.credentialRef)).toBeNull();
    await expect(provider.revoke({ requestId: 'req_none1', target: 'clinical' })).resolves.toBeUndefined();
  });

  test('the same worker with a snowflake target does build the Snowflake provider (and so needs its key)', () => {
    const yaml = TEST_CONFIG_YAML.replace('credentials: { provider: fake }', 'credentials: { provider: snowflake, settings: { account: ACME, brokerUser: GH_BROKER, brokerRole: GH_BROKER_ROLE, targetRole: CLINICAL_READ } }');
    expect(() => assembleComponents(registry, context(yaml))).toThrow(/GATEHOUSE_SNOWFLAKE_BROKER_KEY/);
  });
});

describe('credentials: none through the real access workflow', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: testConfig(NONE_YAML.replace('maxDuration: 20s', 'maxDuration: 2m')) });
  });
  afterAll(() => h?.close());

  test('approved, active and revoked with no identity minted and no secret stored', async () => {
    const { requestId } = await h.access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 60_000, reason: 'docs search' });
    await h.access.approve(requestId, 'alice@example.org');
    const active = await waitForState(h.access, requestId, 'ACTIVE');
    expect(active.principal).toBe(`grant:${requestId}`);
    const grant = await h.grants.lookup(h.grants.tokenFor(active.grantId!));
    expect(grant).toMatchObject({ requestId, credentialRef: `none:${requestId}`, principal: `grant:${requestId}` });
    expect(await h.vault.get(grant!.credentialRef)).toBeNull();
    // The harness's own (fake) provider, which stores a key per issue, was never asked.
    expect(h.provider.issued.size).toBe(0);
    await h.access.revoke(requestId, 'carol@example.org', 'done');
    await waitForStatus(h.access, requestId, (s) => s.state === 'REVOKED' || s.state === 'ARCHIVED');
    expect(await h.grants.lookup(h.grants.tokenFor(active.grantId!))).toBeNull();
    expect(h.provider.revoked).toEqual([]);
  });
});
