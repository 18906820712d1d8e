import type { CredentialProvider } from './provider';

/** Builds a provider for one target from that target's `credentials.settings`. */
export type ProviderFactory = (target: string, settings: Record<string, unknown>) => CredentialProvider;

export class MissingProviderError extends Error {
  constructor(readonly target: string, readonly provider: string, available: string[]) {
    super(
      `target "${target}" uses credential provider "${provider}", which this worker does not have ` +
        `(available: ${available.length ? available.join(', ') : 'none'}); refusing to start rather than grant nothing silently`,
    );
    this.name = 'MissingProviderError';
  }
}

/**
 * One provider per target, built up front: a target whose provider is unknown or misconfigured
 * stops the worker at start-up instead of failing the first request hours later.
 */
export class CredentialProviders {
  private readonly byTarget = new Map<string, CredentialProvider>();

  constructor(targets: { name: string; credentials: { provider: string; settings: Record<string, unknown> } }[], factories: Record<string, ProviderFactory>) {
    for (const target of targets) {
      const factory = factories[target.credentials.provider];
      if (!factory) throw new MissingProviderError(target.name, target.credentials.provider, Object.keys(factories));
      this.byTarget.set(target.name, factory(target.name, target.credentials.settings));
    }
  }

  /** Every target's provider (reconciliation walks them all). */
  all(): CredentialProvider[] {
    return [...this.byTarget.values()];
  }

  for(target: string): CredentialProvider {
    const provider = this.byTarget.get(target);
    if (!provider) throw new Error(`no credential provider for target "${target}" (is it in gatehouse.yaml?)`);
    return provider;
  }
}
