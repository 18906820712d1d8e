// Runs without the test stack: GATEHOUSE_STACK=none npx jest test/snowflake/driver-on-demand.test.ts
jest.mock('snowflake-sdk', () => { throw new Error('snowflake-sdk loaded'); });

import { createAccessActivities, SnowflakeClient } from '../../activities';

test('the activities load without the Snowflake driver; it is loaded at the first connection', async () => {
  expect(typeof createAccessActivities).toBe('function');
  // The first connection loads it (here the mock, which throws; test/snowflake/broker.test.ts connects for real).
  await expect(SnowflakeClient.connect({ account: 'a', username: 'u', token: 't' })).rejects.toThrow('snowflake-sdk loaded');
});
