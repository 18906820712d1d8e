import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../lib';

/** Keys whose text is an error's own words: an activity's message may quote SQL, a name or a record number. */
const WORDS = new Set(['message', 'stack', 'stackTrace', 'details', 'cause']);

/**
 * What of an SDK log entry's meta may be written: errors become their name, failure type and
 * retry verdict; any message, stack or details under any key is dropped. The payload codec keeps
 * these words out of history (lib/failure-converter.ts); this keeps them out of the worker's logs.
 */
export function withoutErrorWords(value: unknown, depth = 0): unknown {
  if (value instanceof Error) {
    const failure = value as Error & { type?: unknown; nonRetryable?: unknown; code?: unknown };
    return {
      name: failure.name,
      ...(typeof failure.type === 'string' ? { type: failure.type } : {}),
      ...(typeof failure.nonRetryable === 'boolean' ? { nonRetryable: failure.nonRetryable } : {}),
      ...(typeof failure.code === 'string' || typeof failure.code === 'number' ? { code: failure.code } : {}),
    };
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= 4) return '[nested]';
  if (Array.isArray(value)) return value.map((item) => withoutErrorWords(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (!WORDS.has(key)) out[key] = withoutErrorWords(inner, depth + 1);
  }
  return out;
}

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error',
};

/** The Temporal SDK's logger for the worker process: its entries through our logger, without error words. */
export function sdkLogger(log: Logger, level: LogLevel = 'WARN'): DefaultLogger {
  return new DefaultLogger(level, (entry: LogEntry) => {
    const meta = entry.meta ? (withoutErrorWords(entry.meta) as Record<string, unknown>) : {};
    log[PINO_LEVEL[entry.level]]({ sdk: true, ...meta }, entry.message);
  });
}
