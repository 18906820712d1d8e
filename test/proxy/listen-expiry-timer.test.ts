import type { JSONRPCRequest } from '@modelcontextprotocol/server';
import { createLogger, type GrantRecord } from '../../lib';
import type { TargetConfig } from '../../policy';
import { GatewayErrorCode } from '../../proxy';
import { grantExpired, type ChangeWatcher, type UpstreamLink } from '../../proxy/modern/grant-upstreams';
import { runListen, type ListenDeps } from '../../proxy/modern/listen';
import type { GatewayRecorder } from '../../proxy/recording';

// A grant's upstream link is closed by its own expiry timer (grant-upstreams.ts), and Node's
// timers can fire a millisecond before Date.now() reads the expiry. A listen stream told "gone"
// by that timer must still end as the grant's expiry (-31011, denied), not as an upstream failure
// (-31061): seen once in CI as "the subscription ended: closed by the gateway".
describe('a listen stream whose link the expiry timer closed a moment early', () => {
  function deps(grant: GrantRecord) {
    let watcher: ChangeWatcher | undefined;
    const responses: Record<string, unknown>[] = [];
    const link = {
      era: 'legacy', initialized: { capabilities: { tools: { listChanged: true } } },
      watch: (w: ChangeWatcher) => {
        watcher = w;
        return () => undefined;
      },
      call: async () => ({ result: {} }),
    } as unknown as UpstreamLink;
    const d: ListenDeps = {
      target: { name: 'everything' } as TargetConfig, grant, sessionId: 's1', link, timeoutMs: 1_000,
      recorder: { response: async (_requestId: string, entry: Record<string, unknown>) => { responses.push(entry); } } as unknown as GatewayRecorder,
      log: createLogger('test-listen', 'silent'),
      stream: { notify: () => true, open: true, cancelled: new AbortController().signal },
      ended: new AbortController().signal,
      mask: async (value) => ({ masked: value, report: { masked: {}, scanned: 0 } as never }),
      since: () => 1,
    };
    return { d, responses, gone: (why: string) => watcher!.onGone?.(why) };
  }
  const grant = (expiresInMs: number) => ({ grantId: 'g-1', requestId: 'r-1', expiresAt: new Date(Date.now() + expiresInMs).toISOString() }) as GrantRecord;
  const request: JSONRPCRequest = { jsonrpc: '2.0', id: 5, method: 'subscriptions/listen', params: {} };

  test('the expiry timer\'s own reason ends it as the grant\'s expiry, even before the clock reads it', async () => {
    const g = grant(60_000);
    const { d, responses, gone } = deps(g);
    const answer = runListen(d, request, { toolsListChanged: true });
    await new Promise((resolve) => setImmediate(resolve));
    gone(grantExpired(g));
    await expect(answer).resolves.toMatchObject({ id: 5, error: { code: GatewayErrorCode.GrantInactive, message: expect.stringContaining('expired') } });
    expect(responses[0]).toMatchObject({ outcome: 'denied' });
  });

  test('an upstream that goes away for another reason before the expiry is still an upstream failure', async () => {
    const g = grant(60_000);
    const { d, responses, gone } = deps(g);
    const answer = runListen(d, request, { toolsListChanged: true });
    await new Promise((resolve) => setImmediate(resolve));
    gone('the upstream process exited (code 1)');
    await expect(answer).resolves.toMatchObject({ id: 5, error: { code: GatewayErrorCode.UpstreamFailed, message: expect.stringContaining('exited') } });
    expect(responses[0]).toMatchObject({ outcome: 'error' });
  });
});
