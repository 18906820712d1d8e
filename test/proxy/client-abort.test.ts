// A client that gives up (its own request timeout) while the gateway is still reading its body:
// found by the load run (issue 19), where 38 calls timed out at 60 s on a starved machine and each
// left an "unhandled gateway error" at ERROR level. Nothing was forwarded then, and the gateway
// must say so calmly and keep serving.
import { connect } from 'node:net';
import { capturingLogger, initializeBody, rawPost, startTestGateway, type LoggedLine, type TestGateway } from './support';

describe('gateway: a client that goes away mid-request', () => {
  const lines: LoggedLine[] = [];
  let gw: TestGateway;
  beforeAll(async () => { gw = await startTestGateway({ log: capturingLogger(lines) }); });
  afterAll(async () => { await gw.close(); });

  test('a body cut off by the client is no gateway error; nothing is forwarded or recorded, and the next request is served', async () => {
    const { token, grant } = await gw.grant('everything');
    const port = Number(new URL(gw.url).port);
    const before = await gw.redis.xlen(`gatehouse:recording:${grant.requestId}`).catch(() => 0);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write([
          'POST /mcp/everything HTTP/1.1', `Host: 127.0.0.1:${port}`, `Authorization: Bearer ${token}`,
          'Content-Type: application/json', 'Accept: application/json, text/event-stream', 'MCP-Protocol-Version: 2025-06-18',
          'Content-Length: 4000', '', '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"cut',
        ].join('\r\n'));
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 300);
      });
      socket.on('error', reject);
    });
    // The gateway has seen the reset once the next request is answered (one event loop, in order).
    const next = await rawPost(gw.url, 'everything', initializeBody(), { authorization: `Bearer ${token}` });
    expect(next.status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(lines.some((l) => l.level === 'info' && String(l.args[1]).includes('went away before its request was read'))).toBe(true);
    // Nothing of the cut request was recorded (only the next request's session).
    const recorded = await gw.redis.xrange(`gatehouse:recording:${grant.requestId}`, '-', '+');
    expect(before).toBe(0);
    expect(JSON.stringify(recorded)).not.toContain('"cut');
  });
});
