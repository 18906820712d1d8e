import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { startLocalSnowflake, type LocalSnowflake } from '../../devstack/snowflake';
import { connectAdmin, newKeyPair, tempDir } from '../snowflake/support';

export const snowflakeServerArgs = [join(__dirname, '../../node_modules/tsx/dist/cli.mjs'), join(__dirname, '../../mcp-servers/snowflake/main.ts')];

/** The MCP era a client opens with: 2025 (`initialize`, a session) or 2026-07-28 (`server/discover`, stateless). */
export type Era = 'legacy' | 'modern';

/** The v2 client on the reference server over stdio with the fixture's identity, pinned to one era. */
export async function connectSnowflakeServer(fx: SnowflakeFixture, era: Era, name = 'sf-test'): Promise<Client> {
  const client = new Client({ name, version: '1' }, { versionNegotiation: { mode: era === 'modern' ? { pin: '2026-07-28' } : 'legacy' } });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: snowflakeServerArgs, env: fx.env, stderr: 'pipe' }));
  return client;
}

export interface SnowflakeFixture {
  sf: LocalSnowflake;
  user: string;
  privateKey: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * The local Snowflake with the synthetic health dataset and one ephemeral-style SERVICE user
 * (key-pair only) holding CLINICAL_ANALYST, plus a CORRECTIONS table that role may write.
 */
export async function startSnowflakeFixture(rowLimit = 50): Promise<SnowflakeFixture> {
  const dir = tempDir('gatehouse-mcp-sf-');
  const sf = await startLocalSnowflake({ dataDir: dir, seed: { seed: 5, patients: 120 }, adminPassword: 'local-admin-pw' });
  const admin = await connectAdmin(sf);
  const keys = newKeyPair();
  const user = 'GH_REQ_MCPTEST';
  await admin.query(`CREATE USER ${user} TYPE = SERVICE RSA_PUBLIC_KEY = '${keys.publicKey}' DEFAULT_ROLE = CLINICAL_ANALYST DEFAULT_WAREHOUSE = ANALYTICS_WH DEFAULT_NAMESPACE = 'CLINICAL.PHI'`);
  await admin.query(`GRANT ROLE CLINICAL_ANALYST TO USER ${user}`);
  await admin.query('CREATE TABLE CLINICAL.PHI.CORRECTIONS (PATIENT_ID NUMBER(38,0), NOTE VARCHAR)');
  await admin.query('GRANT SELECT, INSERT ON TABLE CLINICAL.PHI.CORRECTIONS TO ROLE CLINICAL_ANALYST');
  await admin.close();
  return {
    sf, user, privateKey: keys.privateKey,
    env: {
      SNOWFLAKE_ACCOUNT: sf.account.toLowerCase(), SNOWFLAKE_ACCESS_URL: sf.url, SNOWFLAKE_USER: user, SNOWFLAKE_PRIVATE_KEY: keys.privateKey,
      SNOWFLAKE_ROLE: 'CLINICAL_ANALYST', SNOWFLAKE_WAREHOUSE: 'ANALYTICS_WH', SNOWFLAKE_DATABASE: 'CLINICAL', SNOWFLAKE_SCHEMA: 'PHI', SNOWFLAKE_ROW_LIMIT: String(rowLimit),
    },
    async close() {
      await sf.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
