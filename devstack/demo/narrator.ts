// How the demo speaks: numbered steps in plain sentences, checks that fail with a precise
// message, and secrets masked before anything is printed.

export class DemoFailure extends Error {}

const secrets = new Set<string>();

/** Remember a secret so that no later line can print it. */
export function secret(value: string): string {
  if (value.length >= 8) secrets.add(value);
  return value;
}

/** A secret as the narration shows it: its first four characters, then an ellipsis. */
export function masked(value: string): string {
  return `${value.slice(0, 4)}…(${value.length} characters, masked)`;
}

function scrub(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join(masked(s));
  return out.replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '[private key, masked]');
}

export function say(line: string): void {
  process.stdout.write(`${scrub(`[demo] ${line}`)}\n`);
}

/** A detail under the current step. */
export function detail(line: string): void {
  for (const l of line.split('\n')) say(`     ${l}`);
}

let current = 0;
export function step(n: number, sentence: string): void {
  current = n;
  say(`${n}. ${sentence}`);
}

export function currentStep(): number {
  return current;
}

/** A check: fails the demo with what was expected and what happened. */
export function expectThat(ok: unknown, whatWentWrong: string): asserts ok {
  if (!ok) throw new DemoFailure(`step ${current}: ${whatWentWrong}`);
}

export function ok(line: string): void {
  say(`   ok: ${line}`);
}

export function scrubbed(text: string): string {
  return scrub(text);
}
