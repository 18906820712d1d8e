import { webApi } from '@slack/bolt';

/** A logger for the WebClient and Bolt that keeps the test output clean. */
export const silentLogger = {
  debug: () => {}, info: () => {}, warn: () => {}, error: () => {},
  setLevel: () => {}, getLevel: () => webApi.LogLevel.ERROR, setName: () => {},
};

/** The official client, pointed at a local Slack, with its own retries off. */
export function webClient(token: string | undefined, apiUrl: string): InstanceType<typeof webApi.WebClient> {
  return new webApi.WebClient(token, { slackApiUrl: apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger: silentLogger });
}

/** The code Slack answered with, from the error the official client throws. */
export async function slackError(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    const e = error as { code?: string; data?: { error?: string } };
    if (e.code === webApi.ErrorCode.PlatformError) return String(e.data?.error);
    return String(e.code);
  }
  throw new Error('expected the call to fail');
}
