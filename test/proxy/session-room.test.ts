import { seconds, sessionToEvict, type RoomCandidate } from '../../proxy/session-room';

const rules = { evictAbandonedAfterMs: 2_000, evictIdleAfterMs: 60_000 };
const now = 1_000_000;
const s = (name: string, idleMs: number, openRequests = 0, pendingCalls = 0): RoomCandidate & { name: string } => ({ name, lastActivity: now - idleMs, openRequests, pendingCalls });

describe('which session makes way at a grant\'s limit (sessionToEvict)', () => {
  test.each([
    ['nothing: all connected and recently used', [s('a', 5_000, 1), s('b', 30_000, 1)], undefined, undefined],
    ['nothing: just left, within the grace', [s('a', 1_000), s('b', 1_999)], undefined, undefined],
    ['the abandoned one', [s('a', 30_000, 1), s('b', 3_000)], 'b', 'abandoned'],
    ['the least recently used abandoned one', [s('a', 3_000), s('b', 9_000), s('c', 70_000, 1)], 'b', 'abandoned'],
    ['abandoned before idle, even when the idle one is older', [s('a', 90_000, 1), s('b', 2_500)], 'b', 'abandoned'],
    ['never one with a call pending (a held command waits for an approver)', [s('a', 90_000, 0, 1), s('b', 90_000, 1, 1)], undefined, undefined],
    ['the connected one idle past the idle limit', [s('a', 61_000, 1), s('b', 10_000, 2)], 'a', 'idle'],
  ])('%s', (_what, live, name, why) => {
    const eviction = sessionToEvict(live, rules, now);
    expect(eviction && { name: eviction.session.name, why: eviction.why }).toEqual(name ? { name, why } : undefined);
  });

  test('the limit never moves: a full grant of sessions in use leaves no room however many ask', () => {
    const live = [s('a', 100, 1), s('b', 200, 1), s('c', 300, 1)];
    for (let i = 0; i < 100; i++) expect(sessionToEvict(live, rules, now)).toBeUndefined();
  });

  test('seconds for messages', () => {
    expect([seconds(300), seconds(2_000), seconds(2_500), seconds(60_000), seconds(12_345)]).toEqual(['0.3', '2', '2.5', '60', '12']);
  });
});
