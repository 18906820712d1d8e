import type { EphemeralMessage, SlackMessage, SlackWorkspace } from './workspace';

export type MessageMatch<T> = string | RegExp | ((message: T) => boolean);

function matcher<T extends { text: string }>(match: MessageMatch<T>): (m: T) => boolean {
  if (typeof match === 'function') return match;
  if (typeof match === 'string') return (m) => m.text.includes(match);
  return (m) => match.test(m.text);
}

async function poll<T>(what: () => string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
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
    options.timeoutMs ?? 10_000,
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
    options.timeoutMs ?? 10_000,
  );
}
