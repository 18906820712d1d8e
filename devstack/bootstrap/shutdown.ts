import type { ManagedProcess } from '../processes';

/**
 * The order the dev stack stops in, each tier only once the one before has ended: what depends
 * on Redis, Temporal and the local Snowflake goes before them.
 */
export const STOP_ORDER: readonly { names: readonly string[]; why: string; graceMs: number }[] = [
  { names: ['gateway', 'api', 'slack-app'], why: 'sessions ended and recorded, no new requests', graceMs: 30_000 },
  { names: ['worker'], why: 'activities in flight finished (archives, revocations)', graceMs: 45_000 },
  { names: ['slack'], why: 'the local Slack the worker posts to', graceMs: 10_000 },
];

/**
 * Stops the stack's processes tier by tier (STOP_ORDER; any other process after them), then the
 * infrastructure in the reverse of its start (the local OpenID provider and Snowflake, then Redis,
 * then Temporal), one at a time. Failures are reported and do not stop the rest.
 */
export async function stopInOrder(children: readonly ManagedProcess[], infrastructure: readonly (() => Promise<unknown>)[], say: (message: string) => void): Promise<void> {
  const left = new Set(children);
  const tiers = [
    ...STOP_ORDER.map((tier) => ({ ...tier, procs: tier.names.flatMap((name) => children.filter((c) => c.name === name)) })),
    { names: [], why: 'the rest', graceMs: 10_000, procs: children.filter((c) => !STOP_ORDER.some((t) => t.names.includes(c.name))) },
  ];
  for (const tier of tiers) {
    const procs = tier.procs.filter((p) => left.has(p));
    if (!procs.length) continue;
    say(`stopping ${procs.map((p) => p.name).join(', ')} (${tier.why})`);
    await Promise.allSettled(procs.map((p) => p.stop('SIGTERM', tier.graceMs)));
    procs.forEach((p) => left.delete(p));
  }
  if (infrastructure.length) say('stopping the infrastructure (Redis and Temporal last)');
  for (const stop of [...infrastructure].reverse()) {
    await stop().catch((error: unknown) => say(`a component did not stop cleanly: ${(error as Error).message}`));
  }
}
