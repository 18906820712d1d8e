import type { Logger } from '../lib';

/** A size as the configuration writes it (8 MB, 512 KB), for messages that name the bound. */
function formatSize(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

/**
 * An answer of the upstream (a JSON body, one SSE event, one stdio line) larger than the target's
 * `upstream.maxAnswerSize`: nothing of it is passed on, and the connection it came on is dropped,
 * so the rest is never read into the gateway's memory.
 */
export class UpstreamAnswerTooLarge extends Error {
  constructor(readonly limit: number, what: string) {
    super(`${what} is larger than upstream.maxAnswerSize (${formatSize(limit)}); the gateway stopped reading it and dropped the connection, nothing of it was passed on`);
  }
}

/**
 * What an upstream transport's errors are logged as, on both paths (a 2025 session's upstream and
 * a grant's stateless link): an over-bound answer is an upstream misbehaving (or hostile), which
 * operators should see, named by target and bound and with none of its bytes; other transport
 * errors are debug (the call they broke is answered and recorded on its own).
 */
export function upstreamTransportErrors(log: Logger, target: string): (error: Error) => void {
  return (error) => {
    if (error instanceof UpstreamAnswerTooLarge) log.warn({ target, limit: error.limit, err: error.message }, 'an upstream answer was larger than upstream.maxAnswerSize');
    else log.debug({ target, err: error.message }, 'upstream transport error');
  };
}
