import { QUICK_TRANSPORT, SlackNotifier, slackNotifierSettings, SlackTransport, type Notifier } from '../activities';
import { MissingComponentError, type ComponentContext } from './components';

/**
 * The worker's notifier: Slack, configured from the environment (SLACK_BOT_TOKEN, and
 * SLACK_API_URL for the local Slack). Without a token the worker refuses to start and says
 * which variable to set.
 */
export function slackNotifierComponent(context: ComponentContext): Notifier {
  const found = slackNotifierSettings(context.env);
  if (!found.ok) throw new MissingComponentError('Slack notifier', found.missing);
  const logger = context.log.child({ component: 'notify.slack' });
  const transport = new SlackTransport({ ...found.settings, logger });
  // The workflow's quick tries (local activities) hold a workflow task while they run: they never wait.
  const quickTransport = new SlackTransport({ ...found.settings, logger, ...QUICK_TRANSPORT });
  return new SlackNotifier({ transport, quickTransport, config: context.config, logger });
}
