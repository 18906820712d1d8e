import { clockPasses, eventually } from './eventually';

describe('eventually()', () => {
  test('returns the first truthy value, checking again after a falsy value or an error', async () => {
    let calls = 0;
    const value = await eventually(() => {
      calls += 1;
      if (calls === 1) throw new Error('not yet');
      return calls >= 3 && { calls };
    }, 'the third call');
    expect(value).toEqual({ calls: 3 });
  });

  test('gives up after its time, naming what it waited for and the last failure', async () => {
    await expect(eventually(() => { throw new Error('Redis said no'); }, 'the grant to appear', { timeoutMs: 100 }))
      .rejects.toThrow('timed out after 100 ms waiting for the grant to appear: Redis said no');
    await expect(eventually(() => false, 'a miracle', 50)).rejects.toThrow(/^timed out after 50 ms waiting for a miracle$/);
  });

  test('clockPasses() returns only once the moment is behind us', async () => {
    const moment = Date.now() + 120;
    await clockPasses(moment);
    expect(Date.now()).toBeGreaterThan(moment);
  });
});
