import type { IncomingMessage } from 'node:http';

/**
 * A request body as text, of at most `max` bytes: a declared or actual size above it is refused with
 * the caller's own error (the rest of the body is drained, so the connection stays usable). Read
 * with 'data' events, not `for await`: the async iterator costs a promise and a stream wrapper per
 * call on the gateway's hot path (issue 18). A request that ends without its body (the client went
 * away) fails as the iterator's premature close did.
 */
export function readLimitedBody(req: IncomingMessage, max: number, tooLarge: () => Error): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  // Already read to its end, or gone: as the iterator answered (no text; a premature close).
  if (req.readableEnded) return Promise.resolve('');
  if (req.destroyed) return Promise.reject(prematureClose());
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (error?: Error) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (error) reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        settle(tooLarge());
        req.resume();
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      settle();
      resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (error: Error) => settle(error);
    const onClose = () => settle(prematureClose());
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** The error a request that ends before its body gives (the code the async iterator's premature close had). */
function prematureClose(): Error {
  return Object.assign(new Error('the request ended before its body was read'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}
