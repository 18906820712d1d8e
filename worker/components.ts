import type { Archiver, CredentialProviders, Notifier, ProviderFactory } from '../activities';
import type { GatehouseConfig } from '../policy';
import type { Logger, RedisSecretVault, Redis } from '../lib';

/** What the worker's side effects are built from. */
export interface ComponentContext {
  config: GatehouseConfig;
  env: NodeJS.ProcessEnv;
  redis: Redis;
  vault: RedisSecretVault;
  log: Logger;
}

/**
 * A side effect the worker cannot perform with this configuration. The worker refuses to start
 * rather than run with a silent no-op: a request must never look handled when it is not.
 */
export class MissingComponentError extends Error {
  constructor(readonly component: string, detail: string) {
    super(`cannot start the worker: no ${component}. ${detail}`);
    this.name = 'MissingComponentError';
  }
}

/**
 * The implementations this build of Gatehouse has, by name. Each issue that delivers one
 * registers it here; gatehouse.yaml and the environment choose among them.
 */
export interface ComponentRegistry {
  notifier?: (context: ComponentContext) => Notifier;
  providers: Record<string, (context: ComponentContext) => ProviderFactory>;
  archiver?: (context: ComponentContext) => Archiver;
}

export interface WorkerComponents {
  notifier: Notifier;
  providers: CredentialProviders;
  archiver: Archiver;
}
