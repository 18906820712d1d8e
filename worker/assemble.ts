import { CredentialProviders, MissingProviderError } from '../activities';
import { MissingComponentError, type ComponentContext, type ComponentRegistry, type WorkerComponents } from './components';

/** Builds every side effect up front, so a gap stops the worker at start, not mid-request. */
export function assembleComponents(registry: ComponentRegistry, context: ComponentContext): WorkerComponents {
  if (!registry.notifier) {
    throw new MissingComponentError('notifier', 'Approvals are asked for in Slack, and this build has no Slack notifier yet.');
  }
  if (!registry.archiver) {
    throw new MissingComponentError('archiver', 'Every request ends with an audit archive, and this build has no archiver yet.');
  }
  const factories = Object.fromEntries(Object.entries(registry.providers).map(([name, make]) => [name, make(context)]));
  let providers: CredentialProviders;
  try {
    providers = new CredentialProviders(context.config.targets, factories);
  } catch (error) {
    if (error instanceof MissingProviderError) throw new MissingComponentError(`credential provider "${error.provider}"`, error.message);
    throw error;
  }
  return { notifier: registry.notifier(context), providers, archiver: registry.archiver(context) };
}
