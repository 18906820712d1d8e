import type { CallToolResult } from '@modelcontextprotocol/server';
import type { AccessClient } from '../access';
import { COMMAND_DECISION_CHANNEL, type CommandBoard, type Logger, type Redis } from '../lib';

/** What the gateway asks of the access workflow (AccessClient implements it). */
export type CommandReviewer = Pick<AccessClient, 'holdCommand' | 'withdrawCommand'> & Partial<Pick<AccessClient, 'sessionStarted'>>;
export type HeldCommand = Awaited<ReturnType<AccessClient['holdCommand']>>;
/** A decision as the workflow announces it (Redis): who, when, why, and until when an approval is usable. */
export type AnnouncedDecision = Awaited<ReturnType<AccessClient['reviewCommand']>> & { requestId: string; validUntil: string };
export type DecisionBoard = CommandBoard<AnnouncedDecision>;

/**
 * Waits for decisions on held commands: the workflow's announcement arrives on a Redis channel;
 * the stored decision is read when waiting starts (it may have come first) and then every
 * `pollMs` as a backstop for a missed message (a reconnect).
 */
export class DecisionWaiter {
  private readonly waiting = new Map<string, Set<(d: AnnouncedDecision) => void>>();

  constructor(private readonly board: DecisionBoard, private readonly log: Logger, private readonly pollMs = 2_000) {}

  /** Listens on a connection in subscriber mode (shared with the revocation events). */
  async listen(subscriber: Redis): Promise<void> {
    subscriber.on('message', (channel: string, payload: string) => {
      if (channel !== COMMAND_DECISION_CHANNEL) return;
      try {
        const decision = JSON.parse(payload) as AnnouncedDecision;
        if (typeof decision.commandId === 'string') this.deliver(decision);
      } catch {
        this.log.warn('ignored a malformed command decision');
      }
    });
    await subscriber.subscribe(COMMAND_DECISION_CHANNEL);
  }

  /** Resolves with the decision; rejects when `signal` aborts (the client withdrew). */
  wait(commandId: string, signal: AbortSignal): Promise<AnnouncedDecision> {
    return new Promise<AnnouncedDecision>((resolve, reject) => {
      const reason = () => (signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason ?? 'withdrawn')));
      if (signal.aborted) {
        reject(reason());
        return;
      }
      const done = (d: AnnouncedDecision) => {
        cleanup();
        resolve(d);
      };
      const onAbort = () => {
        cleanup();
        reject(reason());
      };
      const read = () => this.board.decision(commandId).then((d) => { if (d) done(d); }, () => undefined);
      const poll = setInterval(() => void read(), this.pollMs);
      poll.unref();
      const cleanup = () => {
        clearInterval(poll);
        const set = this.waiting.get(commandId);
        set?.delete(done);
        if (set?.size === 0) this.waiting.delete(commandId);
        signal.removeEventListener('abort', onAbort);
      };
      signal.addEventListener('abort', onAbort);
      const set = this.waiting.get(commandId) ?? new Set();
      set.add(done);
      this.waiting.set(commandId, set);
      void read();
    });
  }

  private deliver(decision: AnnouncedDecision): void {
    for (const resolve of [...(this.waiting.get(decision.commandId) ?? [])]) resolve(decision);
  }
}

/** The Slack thread of a request as a link (slack.com/archives redirects into the workspace). */
export function threadLink(held: Pick<HeldCommand, 'thread' | 'channel'>): string {
  if (!held.thread) return `the approvers' Slack channel ${held.channel}`;
  return `https://slack.com/archives/${held.thread.channel}/p${held.thread.ts.replace('.', '')}`;
}

/**
 * The answer to a held call whose client cannot wait (no progress token): a tool result, not a
 * JSON-RPC error, so the agent reads it, tells its human, and calls again after the decision.
 */
export function heldResult(input: { held: HeldCommand; tool: string; classes: string[]; target: string; again?: boolean }): CallToolResult {
  const { held } = input;
  const text = [
    `${input.again ? 'Still held' : 'Held'} for approval: this ${input.tool} call (${input.classes.join(', ') || 'unclassified'}) was NOT run.`,
    `Command ${held.commandId} waits for an approver of ${input.target} (${held.approvers.join(', ')}) in the Slack thread ${threadLink(held)}.`,
    `The hold is valid until ${held.decideBy}; without a decision by then the command is refused.`,
    'Once it is approved, call the same tool again with exactly the same arguments: it then runs once. If it is denied, that call answers with who denied it and why.',
  ].join('\n');
  return { content: [{ type: 'text', text }], isError: true };
}

/** A denial answered to the re-call of a held command. */
export function deniedResult(decision: AnnouncedDecision): CallToolResult {
  return { content: [{ type: 'text', text: deniedText(decision) }], isError: true };
}

export function deniedText(decision: AnnouncedDecision): string {
  return `Denied: command ${decision.commandId} was denied by ${decision.decidedBy} at ${decision.decidedAt}${decision.reason ? `: ${decision.reason}` : ''}. It was not run.`;
}
