import type { ChaosResult } from './chaos';

const seconds = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : 'none');

/** The table bench/README.md quotes: what ran, what was injected, and each invariant's violations. */
export function chaosTable(result: ChaosResult): string {
  const { stats, faults, findings, options } = result;
  const byKind = new Map<string, number>();
  for (const f of faults) byKind.set(f.kind, (byKind.get(f.kind) ?? 0) + 1);
  const lines = [
    `chaos run: seed ${options.seed}, ${options.durationMs / 1000} s, ${options.concurrency} agents, ${options.people ?? 1} person(s) in Slack, ${options.workers ?? 2} worker process(es), ${options.grantSeconds} s grants, reconciliation every ${options.reconcileSeconds} s`,
    '',
    '| load | count |',
    '| --- | --- |',
    `| driven for | ${seconds(result.drivenMs)} (planned ${seconds(options.durationMs)}; agents finish the grant in hand${options.enough ? ', and go on until enough was done' : ''}) |`,
    `| requests | ${stats.requests.length} |`,
    `| became ACTIVE | ${stats.active} |`,
    `| MCP sessions | ${stats.sessions} |`,
    `| calls sent / answered / failed (marked reads answered) | ${stats.calls.sent} / ${stats.calls.answered} / ${stats.calls.failed} (${stats.readsAnswered}) |`,
    `| held writes approved / denied / left to time out | ${stats.held.approved} / ${stats.held.denied} / ${stats.held.leftToTimeOut} |`,
    `| exports refused | ${stats.exportsRefused} |`,
    `| revoked early / extension asked / left to expire | ${stats.endings.revokedEarly} / ${stats.endings.extensionAsked} / ${stats.endings.leftToExpire} |`,
    `| asked by a person in Slack: approved / denied / revoked with /access revoke | ${stats.people.requests.length}: ${stats.people.approved} / ${stats.people.denied} / ${stats.people.revokedInSlack} |`,
    `| approved grants a person used through the gateway (signed in, "Use my active access") | ${stats.people.signedIn} |`,
    '',
    '| fault | count |',
    '| --- | --- |',
    ...[...byKind].sort().map(([kind, n]) => `| ${kind} | ${n} |`),
    `| total | ${faults.length} |`,
    '',
    '| invariant | checked | violations |',
    '| --- | --- | --- |',
    ...findings.invariants.map((i) => `| ${i.name} | ${i.checked} | ${i.violations.length} |`),
    '',
    `longest time an identity was seen after its grant ended: ${seconds(findings.longestOutlivedMs)} (sampled every 2 s, ${result.identitySamples} samples)`,
    ...(findings.longestOutlivedWhileWorkerRanMs !== undefined ? [
      `the same less the time no worker was running (only a running worker revokes or reconciles): ${seconds(findings.longestOutlivedWhileWorkerRanMs)}; ` +
        `no worker running for ${seconds(result.workerGaps.reduce((n, g) => n + ((g.to ?? Date.now()) - g.from), 0))} in ${result.workerGaps.length} gaps, the longest ${seconds(Math.max(0, ...result.workerGaps.map((g) => (g.to ?? Date.now()) - g.from)))}`,
    ] : []),
    `latest statement start after its grant ended: ${seconds(findings.latestAfterEndMs)}`,
    `statements lost with Redis's data and declared in their archive (recording_gap): ${findings.declaredLost.length}`,
  ];
  const violations = findings.invariants.flatMap((i) => i.violations.slice(0, 10).map((v) => `  ${i.name}: ${v}`));
  if (violations.length) lines.push('', 'violations (first 10 of each):', ...violations);
  const errors = [...stats.errors].sort((a, b) => b[1] - a[1]).slice(0, 12);
  if (errors.length) lines.push('', 'errors the agents saw (expected under faults; most frequent first):', ...errors.map(([m, n]) => `  ${n} × ${m}`));
  return `${lines.join('\n')}\n`;
}

export const violationCount = (result: ChaosResult) => result.findings.invariants.reduce((n, i) => n + i.violations.length, 0);
