import type { Notice, NoticeResult } from '../../workflows/types';

/** Tells people what happened to a request (Slack in production and in the dev stack). */
export interface Notifier {
  notify(notice: Notice): Promise<NoticeResult>;
}
