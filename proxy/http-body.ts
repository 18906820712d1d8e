import type { IncomingMessage } from 'node:http';

/**
 * A request body as text, of at most `max` bytes: a declared or actual size above it is refused with
 * the caller's own error (the rest of the body is drained, so the connection stays usable).
 */
export async function readLimitedBody(req: IncomingMessage, max: number, tooLarge: () => Error): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) {
      req.resume();
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
