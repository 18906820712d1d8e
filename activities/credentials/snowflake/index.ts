import { createPrivateKey } from 'node:crypto';
import { MissingSecretError } from '../../../lib';
import { ConfigError, configPath } from '../../../policy';
import type { SecretVault } from '../provider';
import type { ProviderFactory } from '../registry';
import { SnowflakeCredentialProvider } from './provider';
import { parseSnowflakeSettings } from './settings';

export { SnowflakeCredentialProvider } from './provider';
export { SnowflakeClient, withClient, type KeyPairLogin, type Row, type SnowflakeLogin, type TokenLogin } from './client';
export { connectIssued, credentialRefFor, loginOf, readSnowflakeCredential, type SnowflakeCredential } from './credential';
export { brokerSetupStatements, type BrokerSetup } from './bootstrap';
export { principalFor, requestIdOf, commentFor, requestIdFromComment, COMMENT_MARKER } from './names';
export { parseSnowflakeSettings, snowflakeSettingsSchema, UNQUOTED_IDENTIFIER, type SnowflakeSettings } from './settings';

/**
 * The provider factory the worker registers as `snowflake`: settings validated per target, the
 * broker key read from the environment variable the settings name. Any gap stops the worker
 * at start with the target's name in the message.
 */
export function snowflakeProviderFactory(deps: { env: NodeJS.ProcessEnv; vault: SecretVault }): ProviderFactory {
  return (target, settings, limits = {}) => {
    let parsed;
    try {
      parsed = parseSnowflakeSettings(target, settings);
    } catch (error) {
      // The worker exits with the configuration code (3) and the file's name.
      throw new ConfigError(configPath(deps.env), [(error as Error).message]);
    }
    const raw = deps.env[parsed.brokerPrivateKeyEnv];
    if (!raw || !raw.trim()) {
      throw new MissingSecretError(
        `target "${target}": the Snowflake broker's private key is missing; set ${parsed.brokerPrivateKeyEnv} to the PEM private key of ${parsed.brokerUser} ` +
          `(brokerPrivateKeyEnv in its credentials.settings names the variable)`,
      );
    }
    // Keys pasted into one-line environment variables often carry literal "\n".
    const pem = raw.includes('\\n') && !raw.includes('\n') ? raw.replace(/\\n/g, '\n') : raw;
    try {
      createPrivateKey({ key: pem, format: 'pem' });
    } catch {
      throw new MissingSecretError(`target "${target}": the broker private key in ${parsed.brokerPrivateKeyEnv} is not a PEM private key`);
    }
    return new SnowflakeCredentialProvider(target, parsed, pem, deps.vault, limits);
  };
}
