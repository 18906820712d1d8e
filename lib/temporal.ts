import { readFileSync } from 'node:fs';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { checkServerIdentity, connect as tlsConnect } from 'node:tls';
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec, parsePayloadKeys, PayloadCodecError, type PayloadKeyring } from './payload-codec';

export const DEFAULT_TASK_QUEUE = 'gatehouse-access';

/** TLS towards the Temporal frontend (a TLS cluster, Temporal Cloud). */
export interface TemporalTls {
  /** PEM of the CA that signed the server's certificate; unset: the system's CAs. */
  serverCa?: Buffer;
  /** The name the server's certificate must carry, when it differs from the address's host. */
  serverName?: string;
  /** mTLS: this process's certificate and key (PEM). */
  clientCertPair?: { crt: Buffer; key: Buffer };
}

export interface TemporalSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  /** Unset: plaintext gRPC (the dev server, or a sidecar that terminates TLS). */
  tls?: TemporalTls;
  /** Sent as `authorization: Bearer <key>` on every call (Temporal Cloud API keys). */
  apiKey?: string;
  /** The payload codec's keys, or 'off' when an operator turned payload encryption off. */
  payloadKeys: PayloadKeyring | 'off';
}

/** The Temporal settings in the environment are wrong; names the variable and what to do. */
export class TemporalConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(message);
    this.name = 'TemporalConfigError';
  }
}

const flag = (name: string, raw: string | undefined): boolean | undefined => {
  const value = raw?.trim().toLowerCase();
  if (!value) return undefined;
  if (['true', '1', 'on', 'yes'].includes(value)) return true;
  if (['false', '0', 'off', 'no'].includes(value)) return false;
  throw new TemporalConfigError(name, `${name} is "${raw}"; write true or false`);
};

function readFile(variable: string, path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new TemporalConfigError(variable, `${variable}: cannot read ${what} ${path} (${why})`);
  }
}

function certificate(variable: string, path: string, what: string, now: Date): { pem: Buffer; cert: X509Certificate } {
  const pem = readFile(variable, path, what);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    throw new TemporalConfigError(variable, `${variable}: ${path} is not a PEM certificate (expected -----BEGIN CERTIFICATE-----)`);
  }
  const notAfter = new Date(cert.validTo);
  const notBefore = new Date(cert.validFrom);
  if (notAfter.getTime() < now.getTime()) {
    throw new TemporalConfigError(variable, `${variable}: the ${what} in ${path} (${cert.subject.replace(/\n/g, ', ')}) expired on ${notAfter.toISOString()}; renew it`);
  }
  if (notBefore.getTime() > now.getTime()) {
    throw new TemporalConfigError(variable, `${variable}: the ${what} in ${path} is not valid before ${notBefore.toISOString()}; check the clock or the certificate`);
  }
  return { pem, cert };
}

/** TLS from the variables the Temporal CLI and SDKs use (TEMPORAL_TLS_*). */
function tlsSettings(env: NodeJS.ProcessEnv, now: Date): TemporalTls | undefined {
  const caPath = env.TEMPORAL_TLS_SERVER_CA_CERT_PATH;
  const certPath = env.TEMPORAL_TLS_CLIENT_CERT_PATH;
  const keyPath = env.TEMPORAL_TLS_CLIENT_KEY_PATH;
  const serverName = env.TEMPORAL_TLS_SERVER_NAME;
  const enabled = flag('TEMPORAL_TLS', env.TEMPORAL_TLS);
  const configured = Boolean(caPath || certPath || keyPath || serverName);
  if (enabled === false) {
    if (configured) throw new TemporalConfigError('TEMPORAL_TLS', 'TEMPORAL_TLS is false but TEMPORAL_TLS_* files or a server name are set; remove one or the other');
    return undefined;
  }
  if (!enabled && !configured && !env.TEMPORAL_API_KEY) return undefined;
  const tls: TemporalTls = {};
  if (caPath) tls.serverCa = certificate('TEMPORAL_TLS_SERVER_CA_CERT_PATH', caPath, 'server CA certificate', now).pem;
  if (serverName) tls.serverName = serverName;
  if (certPath || keyPath) {
    if (!certPath) throw new TemporalConfigError('TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_CLIENT_KEY_PATH is set but TEMPORAL_TLS_CLIENT_CERT_PATH is not: mTLS needs the certificate and its key');
    if (!keyPath) throw new TemporalConfigError('TEMPORAL_TLS_CLIENT_KEY_PATH', 'TEMPORAL_TLS_CLIENT_CERT_PATH is set but TEMPORAL_TLS_CLIENT_KEY_PATH is not: mTLS needs the certificate and its key');
    const { pem, cert } = certificate('TEMPORAL_TLS_CLIENT_CERT_PATH', certPath, 'client certificate', now);
    const key = readFile('TEMPORAL_TLS_CLIENT_KEY_PATH', keyPath, 'client key');
    let matches: boolean;
    try {
      matches = cert.checkPrivateKey(createPrivateKey(key));
    } catch {
      throw new TemporalConfigError('TEMPORAL_TLS_CLIENT_KEY_PATH', `TEMPORAL_TLS_CLIENT_KEY_PATH: ${keyPath} is not a PEM private key`);
    }
    if (!matches) throw new TemporalConfigError('TEMPORAL_TLS_CLIENT_KEY_PATH', `TEMPORAL_TLS_CLIENT_KEY_PATH: the key in ${keyPath} does not belong to the certificate in ${certPath}`);
    tls.clientCertPair = { crt: pem, key };
  }
  return tls;
}

function payloadKeys(env: NodeJS.ProcessEnv): PayloadKeyring | 'off' {
  const encryption = env.GATEHOUSE_PAYLOAD_ENCRYPTION?.trim().toLowerCase();
  if (encryption && !['on', 'off'].includes(encryption)) {
    throw new TemporalConfigError('GATEHOUSE_PAYLOAD_ENCRYPTION', `GATEHOUSE_PAYLOAD_ENCRYPTION is "${env.GATEHOUSE_PAYLOAD_ENCRYPTION}"; write on (the default) or off`);
  }
  const keys = env.GATEHOUSE_PAYLOAD_KEYS;
  if (encryption === 'off') {
    if (keys) throw new TemporalConfigError('GATEHOUSE_PAYLOAD_ENCRYPTION', 'GATEHOUSE_PAYLOAD_ENCRYPTION is off but GATEHOUSE_PAYLOAD_KEYS is set; remove one or the other');
    return 'off';
  }
  if (!keys) {
    throw new TemporalConfigError('GATEHOUSE_PAYLOAD_KEYS',
      'missing GATEHOUSE_PAYLOAD_KEYS: workflow payloads (reasons, tickets, held SQL) are encrypted before they reach Temporal. ' +
      'Set it to keyId:base64key (e.g. k1:$(openssl rand -base64 32)), the same in every service; ' +
      'or set GATEHOUSE_PAYLOAD_ENCRYPTION=off only when Temporal runs inside your compliance boundary. `npm run dev` generates a development key.');
  }
  try {
    return parsePayloadKeys(keys);
  } catch (error) {
    if (error instanceof PayloadCodecError) throw new TemporalConfigError('GATEHOUSE_PAYLOAD_KEYS', error.message);
    throw error;
  }
}

/**
 * Temporal settings from the environment. Files are read and checked now (a missing key file,
 * an expired certificate, a key that is not the certificate's), so a service fails at start.
 */
export function temporalSettings(env: NodeJS.ProcessEnv = process.env, now = new Date()): TemporalSettings {
  const apiKey = env.TEMPORAL_API_KEY?.trim();
  const tls = tlsSettings(env, now);
  return {
    address: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
    ...(tls ? { tls } : {}),
    ...(apiKey ? { apiKey } : {}),
    payloadKeys: payloadKeys(env),
  };
}

/** What Connection.connect (client) and NativeConnection.connect (worker) both take. */
export function temporalConnectionOptions(settings: Pick<TemporalSettings, 'address' | 'tls' | 'apiKey'>): { address: string; tls?: TLSConfig | false; apiKey?: string } {
  const tls: TLSConfig | false = settings.tls
    ? {
        ...(settings.tls.serverCa ? { serverRootCACertificate: settings.tls.serverCa } : {}),
        ...(settings.tls.serverName ? { serverNameOverride: settings.tls.serverName } : {}),
        ...(settings.tls.clientCertPair ? { clientCertPair: settings.tls.clientCertPair } : {}),
      }
    : false;
  return { address: settings.address, tls, ...(settings.apiKey ? { apiKey: settings.apiKey } : {}) };
}

/** The module the SDK loads as the failure converter when payloads are encrypted (lib/failure-converter.ts). */
export const ENCODED_FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/**
 * The data converter every client and worker of one deployment must share: with payload keys,
 * every payload encrypted, and failure messages and stack traces moved into an encrypted payload.
 */
export function temporalDataConverter(settings: Pick<TemporalSettings, 'payloadKeys'>): DataConverter {
  return settings.payloadKeys === 'off' ? {} : { payloadCodecs: [new EncryptionCodec(settings.payloadKeys)], failureConverterPath: ENCODED_FAILURE_CONVERTER_PATH };
}

/**
 * A connection failure with what to do about it. The SDKs report TLS problems in OpenSSL's
 * (client) or rustls' (worker) words; both are mapped to the setting that fixes them.
 */
export function explainTemporalConnectError(error: unknown, settings: Pick<TemporalSettings, 'address' | 'tls' | 'apiKey'>): TemporalConfigError {
  const message = error instanceof Error ? error.message : String(error);
  const over = settings.tls ? ' over TLS' : '';
  const hints: [RegExp, string, string][] = [
    [/expired|CertExpired|Expired\b/i, 'TEMPORAL_TLS_SERVER_CA_CERT_PATH', 'a certificate in the server\'s chain has expired (or the client certificate has, if the server says so); renew it'],
    [/self[- ]signed|unable to (verify|get local issuer)|UnknownIssuer|unknown ?ca|certificate verify failed|BadSignature/i, 'TEMPORAL_TLS_SERVER_CA_CERT_PATH', 'the server\'s certificate is not signed by a trusted CA; set TEMPORAL_TLS_SERVER_CA_CERT_PATH to the CA that signed it'],
    [/altnames|NotValidForName|hostname|does not match/i, 'TEMPORAL_TLS_SERVER_NAME', 'the server\'s certificate is not issued for this host name; set TEMPORAL_TLS_SERVER_NAME to the name it carries'],
    [/certificate required|bad certificate|handshake failure|alert/i, 'TEMPORAL_TLS_CLIENT_CERT_PATH', 'the server refused the TLS handshake, most likely for want of an accepted client certificate; set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH'],
    [/UNAUTHENTICATED|PERMISSION_DENIED|unauthori[sz]ed|\b16\b.*auth|api key/i, 'TEMPORAL_API_KEY', 'the server refused the credentials; check TEMPORAL_API_KEY (or the client certificate) and the namespace'],
    [/wrong version number|packet length too long|http2 frame|tls handshake eof|InvalidContentType|CorruptMessage/i, 'TEMPORAL_TLS', settings.tls ? 'the server does not speak TLS on this port; unset TEMPORAL_TLS and the TEMPORAL_TLS_* variables, or use its TLS port' : 'the server expects TLS; set TEMPORAL_TLS=true (and TEMPORAL_TLS_SERVER_CA_CERT_PATH for a private CA)'],
  ];
  const hint = hints.find(([pattern]) => pattern.test(message));
  if (hint) return new TemporalConfigError(hint[1], `cannot connect to Temporal at ${settings.address}${over}: ${hint[2]} (${message})`);
  return new TemporalConfigError('TEMPORAL_ADDRESS', `cannot connect to Temporal at ${settings.address}${over} (TEMPORAL_ADDRESS): ${message}`);
}

/** The messages of an error and its causes (gRPC errors keep the useful part in `details` or `cause`). */
function messages(error: unknown): string {
  const parts: string[] = [];
  for (let e = error as { message?: string; details?: string; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    for (const text of [e.message, e.details]) if (text && !parts.includes(text)) parts.push(text);
  }
  return parts.join(': ') || String(error);
}

/**
 * The Node client (grpc-js) reports a failed TLS handshake only as "Failed to connect before
 * the deadline". After a failure, one handshake with the same settings finds out why.
 */
export function probeTls(settings: Pick<TemporalSettings, 'address' | 'tls'>, waitForAlertMs = 500): Promise<string | undefined> {
  if (!settings.tls) return speaksTls(settings.address).then((yes) => (yes ? 'the server answered a TLS handshake (wrong version number for plaintext)' : undefined));
  const tls = settings.tls;
  const { host, port } = hostAndPort(settings.address);
  const servername = tls.serverName ?? (isIP(host) ? undefined : host);
  return new Promise((resolve) => {
    const socket = tlsConnect({
      host, port, ALPNProtocols: ['h2'],
      ...(servername ? { servername } : {}),
      ...(tls.serverCa ? { ca: tls.serverCa } : {}),
      ...(tls.clientCertPair ? { cert: tls.clientCertPair.crt, key: tls.clientCertPair.key } : {}),
      ...(tls.serverName ? { checkServerIdentity: (_: string, cert) => checkServerIdentity(tls.serverName!, cert) } : {}),
    });
    const done = (reason: string | undefined) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(5_000, () => done('the TLS handshake timed out'));
    socket.once('error', (error) => done(error.message));
    // TLS 1.3 servers refuse a client certificate after the client's side of the handshake is done.
    socket.once('secureConnect', () => setTimeout(() => done(undefined), waitForAlertMs));
  });
}

function hostAndPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(address.slice(colon + 1)) };
}

/** Whether a plaintext client is talking to a TLS port. */
function speaksTls(address: string): Promise<boolean> {
  const { host, port } = hostAndPort(address);
  return new Promise((resolve) => {
    const socket = tlsConnect({ host, port, rejectUnauthorized: false, ALPNProtocols: ['h2'] });
    const done = (yes: boolean) => {
      socket.destroy();
      resolve(yes);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('secureConnect', () => done(true));
  });
}

/** Why a connection (client or worker) failed, with one TLS handshake to find out, and what to do. */
export async function diagnoseTemporalConnectError(error: unknown, settings: Pick<TemporalSettings, 'address' | 'tls' | 'apiKey'>): Promise<TemporalConfigError> {
  const handshake = await probeTls(settings).catch(() => undefined);
  return explainTemporalConnectError(new Error(handshake ? `${handshake}: ${messages(error)}` : messages(error)), settings);
}

export async function connectTemporalClient(settings: TemporalSettings = temporalSettings()): Promise<Client> {
  let connection: Connection;
  try {
    connection = await Connection.connect(temporalConnectionOptions(settings));
  } catch (error) {
    throw await diagnoseTemporalConnectError(error, settings);
  }
  return new Client({ connection, namespace: settings.namespace, dataConverter: temporalDataConverter(settings) });
}
