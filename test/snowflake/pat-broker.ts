import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { snowflakeProviderFactory } from '../../activities';
import type { SnowflakeCredentialProvider } from '../../activities/credentials/snowflake';
import { bootstrapLocalBroker, HISTORY_FILE, startLocalSnowflake, type LocalSnowflake } from '../../devstack/snowflake';
import { startHarness, type Harness } from '../support/harness';
import { connectAdmin, type Driver } from './support';

export interface PatBroker {
  sf: LocalSnowflake;
  admin: Driver;
  brokerKey: string;
  h: Harness;
  provider: SnowflakeCredentialProvider;
}

/** The target's settings the pat suites issue for (credential `pat`, the default). */
const clinicalSettings = (sf: LocalSnowflake) => ({
  account: 'gatehouse-dev', accessUrl: sf.url, brokerUser: 'GATEHOUSE_BROKER', brokerRole: 'GATEHOUSE_BROKER_ROLE',
  targetRole: 'CLINICAL_ANALYST', warehouse: 'ANALYTICS_WH', database: 'CLINICAL', schema: 'PHI',
});

/**
 * The local Snowflake in `dir` (seeded, its query history kept), an admin session, the bootstrapped
 * broker, and the harness (real Temporal) issuing through the real Snowflake provider. What was
 * started is closed again when a later step fails.
 */
export async function startPatBroker(dir: string, seed: { seed: number; patients: number }): Promise<PatBroker> {
  const fx: Partial<PatBroker> = {};
  try {
    const sf = (fx.sf = await startLocalSnowflake({ dataDir: dir, seed, historyFile: join(dir, HISTORY_FILE) }));
    fx.admin = await connectAdmin(sf);
    const brokerKey = (fx.brokerKey = (await bootstrapLocalBroker({ url: sf.url, account: 'gatehouse-dev', adminUser: sf.adminUser, adminPassword: sf.adminPassword })).privateKey);
    fx.h = await startHarness({
      provider: (vault) => {
        fx.provider = snowflakeProviderFactory({ env: { GATEHOUSE_SNOWFLAKE_BROKER_KEY: brokerKey }, vault })('clinical', clinicalSettings(sf)) as SnowflakeCredentialProvider;
        return fx.provider;
      },
    });
    return fx as PatBroker;
  } catch (error) {
    await stopPatBroker(fx, dir);
    throw error;
  }
}

/** Closes what startPatBroker started (any part may be missing) and removes `dir`. */
export async function stopPatBroker(fx: Partial<PatBroker>, dir: string): Promise<void> {
  await fx.h?.close();
  await fx.provider?.close();
  await fx.admin?.close();
  await fx.sf?.close();
  rmSync(dir, { recursive: true, force: true });
}
