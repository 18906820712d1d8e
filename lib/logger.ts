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

/**
 * JSON lines by default (for log shippers); GATEHOUSE_LOG_FORMAT=pretty prints one readable line
 * per event (the dev stack sets it). Redaction applies before either format.
 */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  const pretty = process.env.GATEHOUSE_LOG_FORMAT === 'pretty';
  return pino({
    name,
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: false, translateTime: 'HH:MM:ss', ignore: 'pid,hostname', singleLine: true } } } : {}),
  });
}

export type { Logger };
