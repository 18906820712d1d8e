import { createServer, request, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { readLimitedBody } from '../../proxy/http-body';

/**
 * readLimitedBody (the gateway's and the OAuth server's request bodies), read with 'data' events
 * since issue 18's tenth round: the text whole, a size above the bound refused (declared or
 * actual) with the caller's error, and a request that ends before its body rejects instead of
 * hanging. Stack-free: a node:http server on loopback.
 */
describe('readLimitedBody', () => {
  const outcomes: Promise<string>[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const read = readLimitedBody(req, 1024, () => new Error('too large'));
    outcomes.push(read);
    read.then((text) => res.end(`ok ${text.length}`), (error: Error) => res.end(`refused: ${error.message}`));
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  const post = (body: string | (string | Buffer)[], headers: Record<string, string> = {}) => new Promise<string>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    if (typeof body === 'string') req.end(body);
    else {
      for (const piece of body) req.write(piece);
      req.end();
    }
  });

  test('a body within the bound, in one piece or several, is read whole (UTF-8 across pieces)', async () => {
    expect(await post('{"a":1}')).toBe('ok 7');
    const text = Buffer.from('é'.repeat(100));
    expect(await post([text.subarray(0, 51), text.subarray(51)])).toBe('ok 100');
  });

  test('a size above the bound is refused with the caller\'s error, declared or actual', async () => {
    expect(await post('x'.repeat(2000))).toBe('refused: too large');
    expect(await post(['x'.repeat(600), 'y'.repeat(600)], { 'transfer-encoding': 'chunked' })).toBe('refused: too large');
  });

  test('a request that ends before its body rejects (no hang)', async () => {
    const before = outcomes.length;
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 500\r\n\r\n{"partial":');
    while (outcomes.length === before) await new Promise((resolve) => setTimeout(resolve, 10));
    socket.destroy();
    await expect(outcomes[before]).rejects.toThrow(/ended before its body|aborted/);
  });
});
