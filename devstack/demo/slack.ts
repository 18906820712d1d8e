// Playing people in the local Slack: typing /access and clicking buttons (the local Slack signs
// and delivers them to the Slack app as Slack would), and reading a channel as text.

export class LocalSlackPeople {
  constructor(private readonly url: string) {}

  private async deliver(path: string, body: Record<string, unknown>): Promise<{ ack: unknown; replies: string[] }> {
    const response = await fetch(`${this.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(45_000) });
    const answer = (await response.json()) as { ok?: boolean; error?: string; ack?: unknown; status?: number; replies?: string[] };
    if (!answer.ok) throw new Error(`the local Slack refused ${path} ${JSON.stringify(body)}: ${answer.error ?? `the app answered ${answer.status}`}`);
    return { ack: answer.ack, replies: answer.replies ?? [] };
  }

  private async post(path: string, body: Record<string, unknown>): Promise<unknown> {
    return (await this.deliver(path, body)).ack;
  }

  /** `who` types `/access <text>` in `channel`. */
  command(who: string, text: string, channel = 'general'): Promise<unknown> {
    return this.post('/_local/command', { user: who, channel, text });
  }

  /**
   * `who` asks for access with `/access <text>` and gets the request id the app answers with
   * (its "started" reply). Anything else the app says (a refusal, a typo) is thrown, in its words.
   */
  async ask(who: string, text: string, channel = 'general'): Promise<string> {
    const { ack, replies } = await this.deliver('/_local/command', { user: who, channel, text, replyWithinMs: 20_000 });
    const said = [...replies, typeof ack === 'string' ? ack : JSON.stringify(ack ?? '')].join(' | ');
    const id = /\breq_[a-z0-9]{20}\b/.exec(replies.join('\n'))?.[0];
    if (!id) throw new Error(`/access ${text} by ${who} started no request: ${said.slice(0, 300)}`);
    return id;
  }

  /** `who` clicks the newest `action` button (approve, command_approve, ...) for `requestId`. */
  click(who: string, action: string, requestId: string): Promise<unknown> {
    return this.post('/_local/click', { user: who, action, requestId });
  }

  /** The state `who` reads with `/access status <id>` (e.g. ARCHIVED), or undefined when the app did not say. */
  async state(who: string, requestId: string): Promise<string | undefined> {
    const { replies } = await this.deliver('/_local/command', { user: who, channel: 'general', text: `status ${requestId}`, replyWithinMs: 20_000 });
    const said = /State: \*([a-z ]+)\*/.exec(replies.join('\n'))?.[1];
    return said ? said.toUpperCase().replace(/ /g, '_') : undefined;
  }

  async channel(name: string): Promise<string> {
    const response = await fetch(`${this.url}/channels/${encodeURIComponent(name)}`, { signal: AbortSignal.timeout(15_000) });
    if (!response.ok) throw new Error(`the local Slack has no channel #${name}`);
    return response.text();
  }

  /** Waits until the channel's text satisfies `test`; returns the text (or the last one seen). */
  async waitForChannel(name: string, test: (text: string) => boolean, timeoutMs: number): Promise<{ ok: boolean; text: string }> {
    const deadline = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < deadline) {
      text = await this.channel(name);
      if (test(text)) return { ok: true, text };
      await new Promise((r) => setTimeout(r, 300));
    }
    return { ok: false, text };
  }
}

/** The lines of a thread about one request (the local Slack renders threads indented under the parent). */
export function linesAbout(text: string, needle: string): string[] {
  return text.split('\n').filter((l) => l.includes(needle));
}

/**
 * One request's thread in a channel's text: the top-level message that names the request, and
 * its replies (the lines up to the next top-level message).
 */
export function threadOf(text: string, requestId: string): string {
  const blocks: string[][] = [];
  for (const line of text.split('\n').slice(1)) {
    if (/^ {2}\S/.test(line) || blocks.length === 0) blocks.push([line]);
    else blocks[blocks.length - 1]!.push(line);
  }
  return blocks.filter((b) => b.some((l) => l.includes(requestId))).map((b) => b.join('\n')).join('\n');
}
