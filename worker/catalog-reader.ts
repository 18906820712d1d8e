import { randomBytes } from 'node:crypto';
import { CredentialProviders, type CatalogReader } from '../activities';
import { createLogger, RedisSecretVault, type Redis } from '../lib';
import type { GatehouseConfig, TargetConfig } from '../policy';
import { MissingComponentError, type ComponentRegistry } from './components';
import { builtInComponents } from './registry';

/**
 * How `gatehouse catalog discover` reads a target's catalog with no secret of its own: the
 * target's credential provider, built as the worker builds it (the broker's key from the
 * variable its settings name), mints a reader with the target's role and drops it after. Only
 * this target's provider is built. The reader's key never leaves memory, so the vault the
 * provider is given (an in-memory key) is never written.
 */
export function catalogReaderOf(config: GatehouseConfig, target: TargetConfig, env: NodeJS.ProcessEnv, redis: Redis, registry: ComponentRegistry = builtInComponents): CatalogReader {
  const make = registry.providers[target.credentials.provider];
  if (!make) throw new MissingComponentError(`credential provider "${target.credentials.provider}"`, `target "${target.name}" cannot be discovered through its broker; pass --user and --private-key-file`);
  const context = { config, env, redis, vault: new RedisSecretVault(redis, randomBytes(32)), log: createLogger('catalog') };
  const provider = new CredentialProviders([target], { [target.credentials.provider]: make(context) }).for(target.name);
  if (!provider.readCatalog) throw new Error(`target "${target.name}": its credential provider (${provider.kind}) cannot mint a catalog reader; pass --user and --private-key-file`);
  return (work) => provider.readCatalog!(work);
}
