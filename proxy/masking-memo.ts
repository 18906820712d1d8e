/**
 * Result texts that lineage masking sent on exactly as they came, remembered per masking plan.
 *
 * A SQL result given as a JSON text (no structuredContent) is parsed, masked column by column and
 * written again on every call; when a query's answer does not change (a dashboard polling, an
 * agent re-running its statement) that is most of what masking costs. Masking one text under one
 * plan is a pure function of the text, the plan (the SQL and the catalog object it was planned
 * against: a refreshed catalog gives new plans), this masker's policy and the UTC year (a year
 * that implies an age of 90 or more, the clean-text memo of phi/), so when the masked text came
 * out identical to the text received, the same text under the same plan will again. Only such
 * texts are kept: what the memo holds already left the gateway in clear, never a value it masked.
 * Bounded: MAX_ENTRIES texts of at most MAX_TEXT characters, MAX_CHARS in all (oldest out first);
 * forgotten when the UTC year turns.
 */

const MAX_ENTRIES = 64;
const MAX_TEXT = 1_000_000;
const MAX_CHARS = 4_000_000;

const nextUtcYear = () => Date.UTC(new Date().getUTCFullYear() + 1, 0, 1);

export class UnchangedTexts<P extends object, V> {
  private readonly texts = new Map<string, { plan: P; value: V }>();
  private chars = 0;
  private forgetAt = nextUtcYear();

  /** What was remembered with `text` under this very plan object, or undefined. */
  get(plan: P, text: string): V | undefined {
    if (Date.now() >= this.forgetAt) this.clear();
    const known = this.texts.get(text);
    return known && known.plan === plan ? known.value : undefined;
  }

  /** Call only when masking `text` under `plan` gave back `text` itself. */
  remember(plan: P, text: string, value: V): void {
    if (text.length > MAX_TEXT) return;
    const known = this.texts.get(text);
    if (known) {
      known.plan = plan;
      known.value = value;
      return;
    }
    while (this.texts.size > 0 && (this.texts.size >= MAX_ENTRIES || this.chars + text.length > MAX_CHARS)) {
      const oldest = this.texts.keys().next().value!;
      this.texts.delete(oldest);
      this.chars -= oldest.length;
    }
    this.texts.set(text, { plan, value });
    this.chars += text.length;
  }

  get size(): number {
    return this.texts.size;
  }

  private clear(): void {
    this.texts.clear();
    this.chars = 0;
    this.forgetAt = nextUtcYear();
  }
}
