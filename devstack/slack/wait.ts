import { eventually } from '../../lib/eventually';
import type { EphemeralMessage, SlackMessage, SlackWorkspace } from './workspace';

export type MessageMatch<T> = string | RegExp | ((message: T) => boolean);

function matcher<T extends { text: string }>(match: MessageMatch<T>): (m: T) => boolean {
  if (typeof match === 'function') return match;
  if (typeof match === 'string') return (m) => m.text.includes(match);
  return (m) => match.test(m.text);
}

/**
 * How long a wait for the app gives it by default. A satisfied wait returns at once, so this only
 * bounds a failure; it is generous because on a loaded machine a workflow's post can take seconds.
 */
export const SLACK_WAIT_MS = 30_000;

function poll<T>(what: () => string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  return eventually(() => probe() ?? false, what, { timeoutMs }) as Promise<T>;
}

/**
 * Waits for a message (top level or in any thread) in a channel, matched by text substring,
 * regexp or predicate. The app posts from a workflow, so tests wait rather than look once.
 * The timeout error shows what the channel does hold.
 */
export function waitForMessage(
  ws: SlackWorkspace,
  channelRef: string,
  match: MessageMatch<SlackMessage>,
  options: { timeoutMs?: number; threadTs?: string } = {},
): Promise<SlackMessage> {
  const channel = ws.requireChannel(channelRef);
  const test = matcher(match);
  const candidates = () => (options.threadTs ? ws.thread(channel.id, options.threadTs) : ws.allMessages(channel.id));
  return poll(
    () => `a message matching ${String(match)} in ${channelRef}; it has: ${candidates().map((m) => JSON.stringify(m.text)).join(', ') || 'nothing'}`,
    () => candidates().find(test),
    options.timeoutMs ?? SLACK_WAIT_MS,
  );
}

/** Waits for an ephemeral shown to one person (by id or handle). */
export function waitForEphemeral(
  ws: SlackWorkspace,
  userRef: string,
  match: MessageMatch<EphemeralMessage>,
  options: { timeoutMs?: number } = {},
): Promise<EphemeralMessage> {
  const user = ws.requireUser(userRef);
  const test = matcher(match);
  const mine = () => ws.ephemerals.filter((e) => e.user === user.id);
  return poll(
    () => `an ephemeral to @${user.name} matching ${String(match)}; they got: ${mine().map((e) => JSON.stringify(e.text)).join(', ') || 'nothing'}`,
    () => mine().find(test),
    options.timeoutMs ?? SLACK_WAIT_MS,
  );
}
