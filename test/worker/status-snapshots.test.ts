import { StatusSnapshots } from '../../activities';
import type { AccessStatus } from '../../workflows';

const status = (requestId: string, note: string) => ({ requestId, state: 'ACTIVE', timeline: [{ at: '2026-12-01T00:00:00.000Z', type: note }] }) as unknown as AccessStatus;

describe('StatusSnapshots (the worker\'s copies of workflow statuses, for notices and the archive)', () => {
  test('several orders from one workflow task each find their own snapshot', () => {
    // A flood of holds: one task orders command_held notices 5, 6 and 7 before any of them runs.
    const snapshots = new StatusSnapshots();
    for (const seq of [5, 6, 7]) snapshots.put(status('req_a', `held ${seq}`), seq);
    expect([5, 6, 7].map((seq) => snapshots.get('req_a', seq)?.timeline[0]?.type)).toEqual(['held 5', 'held 6', 'held 7']);
  });

  test('a snapshot is found by its own sequence number only: an older or newer copy is not it', () => {
    const snapshots = new StatusSnapshots();
    snapshots.put(status('req_a', 'one'), 1);
    expect(snapshots.get('req_a', 2)).toBeUndefined();
    expect(snapshots.get('req_b', 1)).toBeUndefined();
  });

  test('bounded per request (the oldest snapshot goes) and in requests (the one not heard of longest goes)', () => {
    const snapshots = new StatusSnapshots(2, 3);
    for (let seq = 1; seq <= 5; seq++) snapshots.put(status('req_a', `a${seq}`), seq);
    expect([1, 2, 3, 4, 5].map((seq) => snapshots.get('req_a', seq) !== undefined)).toEqual([false, false, true, true, true]);
    snapshots.put(status('req_b', 'b1'), 1);
    snapshots.put(status('req_a', 'a6'), 6); // req_a heard of again: req_b is now the oldest
    snapshots.put(status('req_c', 'c1'), 1);
    expect(snapshots.size).toBe(2);
    expect(snapshots.get('req_b', 1)).toBeUndefined();
    expect(snapshots.get('req_a', 6)?.timeline[0]?.type).toBe('a6');
    expect(snapshots.get('req_c', 1)?.timeline[0]?.type).toBe('c1');
  });
});
