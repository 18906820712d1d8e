import { clip, inert } from './text';

/**
 * The words the notifier (activities/notify) and the app (slack-app) share: the buttons' action
 * ids and how their values are written and read, and how Gatehouse's own subjects are named.
 * Both sides import them from here, so a renamed button cannot leave a listener behind.
 */

/** The action_id of every button Gatehouse puts on a message. */
export const SlackActions = {
  approve: 'gatehouse_approve',
  deny: 'gatehouse_deny',
  revoke: 'gatehouse_revoke',
  extend: 'gatehouse_extend',
  approveExtension: 'gatehouse_extension_approve',
  denyExtension: 'gatehouse_extension_deny',
  approveCommand: 'gatehouse_command_approve',
  denyCommand: 'gatehouse_command_deny',
} as const;
export type SlackActionId = (typeof SlackActions)[keyof typeof SlackActions];

/** Button values: the request id, and for a command or an extension the item after a slash. */
export function buttonValue(requestId: string, item?: string | number): string {
  return item === undefined ? requestId : `${requestId}/${item}`;
}

export function parseButtonValue(value: string | undefined): { requestId: string; item?: string } {
  const [requestId = '', item] = (value ?? '').split('/', 2);
  return item === undefined ? { requestId } : { requestId, item };
}

/** How a subject is shown: a mention for a Slack person, readable words for the rest. */
export type Who = (subject: string) => string;

/** `Who` for subjects Gatehouse itself uses. */
export function systemName(subject: string): string | undefined {
  if (subject === 'gatehouse' || subject === 'system:gatehouse') return 'Gatehouse';
  if (subject === 'system:expiry') return 'Gatehouse (expiry)';
  if (subject === 'system:cancellation') return 'Gatehouse (cancellation)';
  if (subject.startsWith('policy:')) return 'policy';
  return undefined;
}

/**
 * How a subject that is not a Slack person is named in mrkdwn: Gatehouse's own names, else the
 * subject itself (an agent's, from its token) inert and short. Never a mention, link or format.
 */
export function subjectName(subject: string): string {
  return systemName(subject) ?? clip(subject, 200, inert).text;
}

/** An ISO instant as people read it in Slack: `2026-01-02 03:04:05 UTC`. */
export function utcTime(iso: string | undefined): string {
  if (!iso) return '?';
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}
