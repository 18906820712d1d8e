import { NO_CREDENTIALS, NoCredentialProvider } from './none';
import type { CredentialProvider } from './provider';

/** What the target's `commands:` policy asks of every credential a provider issues. */
export interface IssuedCredentialLimits {
  /** Longest a statement of the issued user may run (Snowflake: STATEMENT_TIMEOUT_IN_SECONDS). */
  statementTimeoutMs?: number;
}

/** Builds a provider for one target from that target's `credentials.settings`. */
export type ProviderFactory = (target: string, settings: Record<string, unknown>, limits?: IssuedCredentialLimits) => CredentialProvider;

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
 * stops the worker at start-up instead of failing the first request hours later. A target with
 * `credentials: none` gets the built-in NoCredentialProvider: no factory is asked, nothing minted.
 */
export class CredentialProviders {
  private readonly byTarget = new Map<string, CredentialProvider>();

  constructor(
    targets: { name: string; credentials: { provider: string; settings: Record<string, unknown> }; commands?: { statementTimeout?: number } }[],
    factories: Record<string, ProviderFactory>,
  ) {
    for (const target of targets) {
      if (target.credentials.provider === NO_CREDENTIALS) {
        this.byTarget.set(target.name, new NoCredentialProvider(target.name));
        continue;
      }
      const factory = factories[target.credentials.provider];
      if (!factory) throw new MissingProviderError(target.name, target.credentials.provider, Object.keys(factories));
      const limits = target.commands?.statementTimeout ? { statementTimeoutMs: target.commands.statementTimeout } : {};
      this.byTarget.set(target.name, factory(target.name, target.credentials.settings, limits));
    }
  }

  /** Every target's provider (reconciliation walks them all). */
  all(): CredentialProvider[] {
    return [...this.byTarget.values()];
  }

  /**
   * What each target's provider says would keep it from issuing (setupProblems), and the targets
   * whose setup could not be read (the platform unreachable), for the worker to say as it starts.
   */
  async setupReport(): Promise<{ problems: string[]; unchecked: { target: string; error: string }[] }> {
    const report = { problems: [] as string[], unchecked: [] as { target: string; error: string }[] };
    await Promise.all([...this.byTarget].map(async ([target, provider]) => {
      try {
        report.problems.push(...(await provider.setupProblems?.() ?? []));
      } catch (error) {
        report.unchecked.push({ target, error: (error as Error).message });
      }
    }));
    return report;
  }

  for(target: string): CredentialProvider {
    const provider = this.byTarget.get(target);
    if (!provider) throw new Error(`no credential provider for target "${target}" (is it in gatehouse.yaml?)`);
    return provider;
  }
}
