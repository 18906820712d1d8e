import type { Notice, NoticeResult } from '../../workflows/types';

/** Tells people what happened to a request (Slack in production and in the dev stack). */
export interface Notifier {
  notify(notice: Notice): Promise<NoticeResult>;
  /**
   * The same notices for the workflow's quick try (a local activity): one attempt that gives up
   * rather than waits (no retry, no Retry-After sleep, a short timeout). Without it, this notifier.
   */
  readonly quick?: Notifier;
}
