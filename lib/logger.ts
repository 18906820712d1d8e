import pino, { type Logger } from 'pino';

/**
 * Field names whose values must never reach a log line. pino replaces them with "[redacted]"
 * wherever they appear (top level or one level down), so a careless `log.info({ grant })` stays safe.
 */
const SECRET_FIELDS = [
  'token', 'grantToken', 'privateKey', 'private_key', 'password', 'secret', 'clientSecret',
  'authorization', 'encryptionKey', 'signingKey', 'credential',
];
const redactPaths = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`]);

export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, redact: { paths: redactPaths, censor: '[redacted]' } });
}

export type { Logger };
