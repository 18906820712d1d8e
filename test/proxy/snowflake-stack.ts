// One real data path for the suites that read PHI through the gateway: an MCP client -> the gateway
// -> the reference Snowflake MCP server -> the local Snowflake, as a user the real credential broker
// minted for an approved request. Each suite brings its own target settings and masker.
import { snowflakeProviderFactory } from '../../activities';
import { SessionRecorder } from '../../audit';
import { bootstrapLocalBroker } from '../../devstack/snowflake';
import type { ResponseMasker } from '../../proxy';
import type { TargetConfig } from '../../policy';
import { snowflakeServerArgs, startSnowflakeFixture, type SnowflakeFixture } from '../mcp-servers/support';
import { connectAdmin, type Driver } from '../snowflake/support';
import { startHarness, TEST_CONFIG_YAML, testConfig, waitForState, type Harness } from '../support/harness';
import { connectClient, endSession, startTestGateway, type TestGateway } from './support';

/** Target `clinical` on the fixture's local Snowflake; `commands` and `masking` are YAML blocks indented under the target. */
export function clinicalTargetYaml(fx: SnowflakeFixture, blocks: { commands: string; masking: string }): string {
  return `
version: 1
groups:
  approvers: [alice@example.org, bob@example.org]
targets:
  - name: clinical
    upstream: { type: stdio, command: ${JSON.stringify(process.execPath)}, args: ${JSON.stringify(snowflakeServerArgs)} }
    credentials:
      provider: snowflake
      settings: { account: ${fx.sf.account.toLowerCase()}, accessUrl: ${JSON.stringify(fx.sf.url)}, warehouse: ANALYTICS_WH, database: CLINICAL, schema: PHI }
    scope: { role: CLINICAL_ANALYST }
    requesters: [carol@example.org]
    approvers: { channel: C0APPROVERS, members: [group:approvers] }
    commands:
${blocks.commands}
    masking:
${blocks.masking}
`;
}

export interface SnowflakeStack {
  fx: SnowflakeFixture;
  admin: Driver;
  h: Harness;
  gw: TestGateway;
  requestId: string;
  token: string;
  session: Awaited<ReturnType<typeof connectClient>>;
  close(): Promise<void>;
}

/**
 * Starts the path above and opens one MCP session on an approved request of carol's. `prepare`
 * runs before the gateway starts (a suite discovers its catalog there) and returns its masker.
 */
export async function startSnowflakeStack(options: {
  config: (fx: SnowflakeFixture) => string;
  masker: (context: { h: Harness; admin: Driver }) => Promise<(target: TargetConfig) => ResponseMasker>;
  durationMs: number;
  reason: string;
}): Promise<SnowflakeStack> {
  const stack: Partial<SnowflakeStack> = {};
  const close = async () => {
    if (stack.session) await endSession(stack.session);
    if (stack.requestId) await stack.h?.access.revoke(stack.requestId, 'carol@example.org', 'test over').catch(() => undefined);
    await stack.gw?.close();
    await stack.h?.close();
    await stack.admin?.close();
    await stack.fx?.close();
  };
  try {
    const fx = (stack.fx = await startSnowflakeFixture());
    const admin = (stack.admin = await connectAdmin(fx.sf));
    const broker = await bootstrapLocalBroker({ url: fx.sf.url, account: fx.sf.account.toLowerCase(), adminUser: fx.sf.adminUser, adminPassword: fx.sf.adminPassword });
    const settings = { account: fx.sf.account.toLowerCase(), accessUrl: fx.sf.url, brokerUser: broker.brokerUser, brokerRole: broker.brokerRole, targetRole: 'CLINICAL_ANALYST', warehouse: 'ANALYTICS_WH', database: 'CLINICAL', schema: 'PHI' };
    // A grant that outlasts the upstream's start on a loaded machine (20 s expired before the first answer).
    const h = (stack.h = await startHarness({
      config: testConfig(TEST_CONFIG_YAML.replace('maxDuration: 20s', 'maxDuration: 10m')),
      provider: (vault) => snowflakeProviderFactory({ env: { GATEHOUSE_SNOWFLAKE_BROKER_KEY: broker.privateKey }, vault })('clinical', settings),
    }));
    const masker = await options.masker({ h, admin });
    stack.gw = await startTestGateway({ config: options.config(fx), reviewer: h.access, grants: h.grants, vault: h.vault, masker, recorder: new SessionRecorder(h.redis) });
    ({ requestId: stack.requestId } = await h.access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: options.durationMs, reason: options.reason }));
    await h.access.approve(stack.requestId, 'alice@example.org');
    stack.token = h.grants.tokenFor((await waitForState(h.access, stack.requestId, 'ACTIVE')).grantId!);
    stack.session = await connectClient(stack.gw.url, 'clinical', stack.token);
    return { ...(stack as SnowflakeStack), close };
  } catch (error) {
    await close();
    throw error;
  }
}
