import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProcess, waitFor, type ManagedProcess } from '../processes';
import { projectRoot } from '../../lib';

export interface LocalSnowflakeProcess {
  /** accessUrl for the driver. */
  url: string;
  account: string;
  adminUser: string;
  /** Read from the data folder (never printed). */
  adminPassword: string;
  /** The broker's PEM private key when brokerKeyFile was given (for GATEHOUSE_SNOWFLAKE_BROKER_KEY). */
  brokerPrivateKey?: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/**
 * Runs `gatehouse devstack snowflake` as its own process (for the dev stack); tests use
 * startLocalSnowflake in-process instead.
 */
export async function startLocalSnowflakeProcess(options: {
  dataDir: string;
  port?: number;
  seed?: number;
  patients?: number;
  brokerKeyFile?: string;
  timeoutMs?: number;
  onLine?: (line: string) => void;
}): Promise<LocalSnowflakeProcess> {
  const args = [join(projectRoot, 'bin', 'gatehouse.js'), 'devstack', 'snowflake', '--port', String(options.port ?? 0), '--data', options.dataDir];
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  if (options.patients !== undefined) args.push('--patients', String(options.patients));
  if (options.brokerKeyFile) args.push('--broker-key-file', options.brokerKeyFile);
  let ready: { url: string; account: string; adminUser: string; adminPasswordFile: string } | undefined;
  const proc = startProcess('local-snowflake', process.execPath, args, {
    cwd: projectRoot,
    onLine: (line) => {
      if (line.startsWith('{"url"')) ready = JSON.parse(line) as typeof ready;
      else options.onLine?.(line);
    },
  });
  try {
    const info = await waitFor('starting the local Snowflake', async () => ready, options.timeoutMs ?? 60_000, proc);
    return {
      url: info.url,
      account: info.account,
      adminUser: info.adminUser,
      adminPassword: readFileSync(info.adminPasswordFile, 'utf8').trim(),
      ...(options.brokerKeyFile ? { brokerPrivateKey: readFileSync(options.brokerKeyFile, 'utf8') } : {}),
      process: proc,
      stop: () => proc.stop('SIGTERM', 10_000),
    };
  } catch (error) {
    await proc.stop();
    throw error;
  }
}
