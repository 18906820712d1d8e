// The chaos run's checks must be able to fail: each invariant is shown a violation it must catch.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyStats } from '../../bench/chaos/driver';
import { inject, planFaults } from '../../bench/chaos/faults';
import { checkInvariants, type RequestEvidence } from '../../bench/chaos/invariants';
import { Random } from '../../bench/chaos/random';
import { pidsOf } from '../../bench/chaos/parts';
import { downWithin, workerGaps, workerNames } from '../../bench/chaos/worker-uptime';
import { HISTORY_FILE } from '../../devstack/snowflake';
import type { AccessStatus } from '../../workflows';

const T0 = Date.parse('2026-11-29T10:00:00Z');
const iso = (offsetS: number) => new Date(T0 + offsetS * 1000).toISOString();

function status(requestId: string, over: Partial<AccessStatus> = {}): AccessStatus {
  return {
    requestId, requester: 'agent:claims-etl', origin: 'api', target: 'clinical-readonly', reason: 'r', durationMs: 30_000,
    state: 'ARCHIVED', requestedAt: iso(0), decision: { approved: true, by: 'auto', at: iso(1) }, expiresAt: iso(31),
    extensions: [], commands: [], timeline: [], ...over,
  } as AccessStatus;
}

function run(evidence: RequestEvidence[], history: object[], extra: { usersLeft?: string[]; lastSeen?: Map<string, number>; markers?: [string, string][]; revokesAnswered?: [string, number][] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-chaos-inv-'));
  writeFileSync(join(dir, HISTORY_FILE), history.map((h) => JSON.stringify(h)).join('\n'));
  const stats = emptyStats();
  for (const [m, r] of extra.markers ?? []) stats.markers.set(m, r);
  for (const [r, at] of extra.revokesAnswered ?? []) stats.revokesAnswered.set(r, at);
  const findings = checkInvariants({ evidence, stats, snowflakeDataDir: dir, usersLeft: extra.usersLeft ?? [], lastSeen: extra.lastSeen ?? new Map(), outliveBoundMs: 25_000, cutToleranceMs: 2_000 });
  return Object.fromEntries(findings.invariants.map((i) => [i.name.split(' ').slice(0, 4).join(' '), i.violations]));
}

const query = (user: string, offsetS: number, sqlText: string) => ({ kind: 'query', at: iso(offsetS), user, role: 'CLINICAL_ANALYST', queryId: 'q', sqlText });

describe('chaos invariants', () => {
  const A = 'req_aaaaaaaaaaaaaaaaaaaa';
  const userA = `GH_${A.toUpperCase()}`;

  test('a clean run has no violations', () => {
    const found = run([{ requestId: A, status: status(A), archiveText: '... AS CHAOS_0123456789AB ...', verified: true }],
      [query(userA, 5, 'SELECT COUNT(*) AS CHAOS_0123456789AB FROM T')], { markers: [['CHAOS_0123456789AB', A]], lastSeen: new Map([[userA, T0 + 32_000]]) });
    expect(Object.values(found).flat()).toEqual([]);
  });

  test('a revoke answered to the driver ends the grant even when its workflow never recorded it', () => {
    // The workflow stayed ACTIVE to its expiry (31 s) although the API answered the revoke at 5 s:
    // the identity alive at 35 s and a statement at 20 s are past the grant's end.
    const found = run([{ requestId: A, status: status(A), archiveText: '... AS CHAOS_0123456789AB ...', verified: true }],
      [query(userA, 20, 'SELECT COUNT(*) AS CHAOS_0123456789AB FROM T')],
      { markers: [['CHAOS_0123456789AB', A]], lastSeen: new Map([[userA, T0 + 35_000]]), revokesAnswered: [[A, T0 + 5_000]] });
    expect(found['no Snowflake identity outlives']).toEqual([`${userA} was seen 30 s after its grant ended`]);
    expect(found['no statement reaches Snowflake']).toEqual([`${userA} ran a statement 15000 ms after its grant ended: SELECT COUNT(*) AS CHAOS_0123456789AB FROM T`]);
  });

  test('each kind of violation is caught', () => {
    const found = run([
      { requestId: A, status: status(A, { state: 'ACTIVE' }), archiveText: 'nothing', verified: false, problem: 'chain broken at record 3' },
    ], [
      query(userA, -5, 'SELECT 1'), // before the approval
      query(userA, 40, 'SELECT COUNT(*) AS CHAOS_0123456789AB FROM T'), // after the end, and not archived
    ], { markers: [['CHAOS_0123456789AB', A]], usersLeft: [userA], lastSeen: new Map([[userA, T0 + 90_000]]) });
    expect(found['every request reached a']).toEqual([`${A} is ACTIVE`]);
    expect(found['every archive verifies (chain,']).toEqual([`${A}: chain broken at record 3`]);
    expect(found['no Snowflake identity outlives']).toEqual([`${userA} still exists after the settle period`, `${userA} was seen 59 s after its grant ended`]);
    expect(found['no statement reaches Snowflake']).toEqual([
      `${userA} ran a statement before its grant was approved (${iso(-5)})`,
      `${userA} ran a statement 9000 ms after its grant ended: SELECT COUNT(*) AS CHAOS_0123456789AB FROM T`,
    ]);
    expect(found['every statement that reached']).toEqual([`${A}: CHAOS_0123456789AB ran in Snowflake but is not in the archive, which does not say why`]);
  });

  test('a statement missing from an archive that declares a recording gap is counted as declared, not as silent loss; one without is a violation', () => {
    const B = 'req_bbbbbbbbbbbbbbbbbbbb';
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-chaos-inv-'));
    writeFileSync(join(dir, HISTORY_FILE), [query(userA, 5, 'SELECT 1 AS LOAD_0123456789AB'), query(`GH_${B.toUpperCase()}`, 5, 'SELECT 1 AS CHAOS_BA9876543210')].map((h) => JSON.stringify(h)).join('\n'));
    const findings = checkInvariants({
      evidence: [
        { requestId: A, status: status(A), archiveText: '[{"type":"recording_gap","detail":"Redis lost its data"}]', verified: true },
        { requestId: B, status: status(B), archiveText: '[{"type":"request"}]', verified: true },
      ],
      stats: { markers: new Map([['LOAD_0123456789AB', A], ['CHAOS_BA9876543210', B]]) }, snowflakeDataDir: dir, usersLeft: [], lastSeen: new Map(), outliveBoundMs: 25_000, cutToleranceMs: 2_000,
    });
    expect(findings.declaredLost).toEqual([`${A}: LOAD_0123456789AB`]);
    expect(findings.invariants.find((i) => i.name.startsWith('every statement that reached'))).toMatchObject({
      checked: 2, violations: [`${B}: CHAOS_BA9876543210 ran in Snowflake but is not in the archive, which does not say why`],
    });
  });

  test('a revocation ends the grant before its expiry; statements of other users are not counted', () => {
    const found = run([{ requestId: A, status: status(A, { revocation: { by: 'x', reason: 'y', at: iso(10) } }), archiveText: '', verified: true }],
      [query(userA, 15, 'SELECT 2'), query('GATEHOUSE_BROKER', 50, 'DROP USER X'), query('ADMIN', 60, 'SHOW USERS')]);
    expect(found['no statement reaches Snowflake']).toEqual([`${userA} ran a statement 5000 ms after its grant ended: SELECT 2`]);
  });

  test('a request without a status (its workflow unknown) is a violation, not skipped', () => {
    expect(run([{ requestId: A, problem: 'workflow not found' }], [])['every request reached a']).toEqual([`${A}: no status (workflow not found)`]);
  });

  test('an outlive says how much of it no worker was running (read from the stack\'s output), and the rest is reported apart', () => {
    const lines = [
      { at: T0 + 40_000, line: '[worker   ] [supervisor] worker ended (SIGKILL); starting it again in 1000 ms' },
      { at: T0 + 60_000, line: '[worker   ] [supervisor] worker ended (SIGKILL); starting it again in 1000 ms' }, // killed again while starting
      { at: T0 + 75_000, line: '[worker   ] [10:01:15] INFO (worker): worker running {"taskQueue":"gatehouse-access"}' },
      { at: T0 + 80_000, line: '[gateway  ] [supervisor] gateway ended (SIGKILL); starting it again in 1000 ms' },
      { at: T0 + 100_000, line: '[worker   ] [supervisor] worker ended (SIGKILL); starting it again in 1000 ms' }, // still down at the end
    ];
    const gaps = workerGaps(lines);
    expect(gaps).toEqual([{ from: T0 + 40_000, to: T0 + 75_000 }, { from: T0 + 100_000 }]);
    expect(downWithin(gaps, T0 + 31_000, T0 + 90_000)).toBe(35_000);
    expect(downWithin(gaps, T0 + 90_000, T0 + 110_000)).toBe(10_000);
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-chaos-inv-'));
    writeFileSync(join(dir, HISTORY_FILE), '');
    // The grant ends at +31 s; the identity is last seen at +90 s: 59 s, of which 35 s without a worker.
    const findings = checkInvariants({
      evidence: [{ requestId: A, status: status(A), archiveText: '', verified: true }], stats: emptyStats(), snowflakeDataDir: dir, usersLeft: [],
      lastSeen: new Map([[userA, T0 + 90_000]]), outliveBoundMs: 25_000, cutToleranceMs: 2_000, workerGaps: gaps,
    });
    expect(findings.invariants.find((i) => i.name.startsWith('no Snowflake identity'))!.violations).toEqual([`${userA} was seen 59 s after its grant ended (no worker running for 35 s of it)`]);
    expect(findings.longestOutlivedMs).toBe(59_000);
    expect(findings.longestOutlivedWhileWorkerRanMs).toBe(24_000);
  });

  test('with two worker processes, only the time when both were down counts as no worker running', () => {
    const lines = [
      { at: T0 + 10_000, line: '[worker-2 ] [10:00:10] INFO (worker): worker running {"taskQueue":"gatehouse-access"}' },
      { at: T0 + 40_000, line: '[worker   ] [supervisor] worker ended (SIGKILL); starting it again in 1000 ms' },
      { at: T0 + 50_000, line: '[worker-2 ] [supervisor] worker-2 ended (SIGKILL); starting it again in 1000 ms' }, // both down from here
      { at: T0 + 70_000, line: '[worker   ] [10:01:10] INFO (worker): worker running {"taskQueue":"gatehouse-access"}' },
      { at: T0 + 80_000, line: '[worker-2 ] [10:01:20] INFO (worker): worker running {"taskQueue":"gatehouse-access"}' },
      { at: T0 + 90_000, line: '[worker-2 ] [supervisor] worker-2 ended (SIGKILL); starting it again in 1000 ms' }, // worker still runs
    ];
    expect(workerGaps(lines, workerNames(2))).toEqual([{ from: T0 + 50_000, to: T0 + 70_000 }]);
    // worker-2 still starting when the run began: the first kill of worker leaves none running.
    expect(workerGaps(lines.slice(1), workerNames(2), ['worker'])).toEqual([{ from: T0 + 40_000, to: T0 + 70_000 }]);
    // One worker process: every kill is a gap (as before).
    expect(workerGaps(lines)).toEqual([{ from: T0 + 40_000, to: T0 + 70_000 }]);
  });

  test('kill-worker takes one worker process of several', async () => {
    const sleeper = () => spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', 'bin/gatehouse.js', 'worker'], { detached: true, stdio: 'ignore' });
    // Two "worker" processes below this one: ps shows their command lines, parts.ts finds them by it.
    const children = [sleeper(), sleeper()];
    try {
      const found = () => pidsOf(process.pid, 'worker').filter((pid) => children.some((c) => c.pid === pid));
      expect(found()).toHaveLength(2);
      const done = await inject('kill-worker', process.pid, mkdtempSync(join(tmpdir(), 'gatehouse-chaos-kill-')), new Random(1));
      expect(done.pids).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(found()).toHaveLength(1);
    } finally {
      children.forEach((c) => c.kill('SIGKILL'));
    }
  });

  test('faults are planned from the seed alone, in time order', () => {
    const a = planFaults(new Random(42), 50, 300_000);
    expect(planFaults(new Random(42), 50, 300_000)).toEqual(a);
    expect(planFaults(new Random(43), 50, 300_000)).not.toEqual(a);
    expect(a).toHaveLength(50);
    expect(a.every((f, i) => i === 0 || a[i - 1]!.offsetMs <= f.offsetMs)).toBe(true);
    expect(new Set(a.map((f) => f.kind)).size).toBeGreaterThan(5);
  });
});
