import { readFileSync } from 'node:fs';
import { createPrivateKey, X509Certificate } from 'node:crypto';

/** A listener's own certificate, for deployments without a TLS-terminating load balancer. */
export interface ListenerTls {
  cert: Buffer;
  key: Buffer;
}

/** One year, with subdomains left to the operator: what a listener that speaks TLS sends. */
export const HSTS = 'max-age=31536000';

export class ListenerTlsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListenerTlsError';
  }
}

/**
 * The certificate and key files named by `<prefix>_CERT_FILE` and `<prefix>_KEY_FILE` (both or
 * neither), checked now: readable, a certificate that has not expired, the key that belongs to it.
 */
export function listenerTls(prefix: string, certFile: string | undefined, keyFile: string | undefined, now = new Date()): ListenerTls | undefined {
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw new ListenerTlsError(`${prefix}_CERT_FILE and ${prefix}_KEY_FILE go together: set both for TLS, or neither`);
  const read = (variable: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new ListenerTlsError(`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message})`);
    }
  };
  const cert = read(`${prefix}_CERT_FILE`, certFile);
  const key = read(`${prefix}_KEY_FILE`, keyFile);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new ListenerTlsError(`${prefix}_CERT_FILE: ${certFile} is not a PEM certificate`);
  }
  if (new Date(x509.validTo).getTime() < now.getTime()) throw new ListenerTlsError(`${prefix}_CERT_FILE: the certificate in ${certFile} expired on ${new Date(x509.validTo).toISOString()}; renew it`);
  let matches: boolean;
  try {
    matches = x509.checkPrivateKey(createPrivateKey(key));
  } catch {
    throw new ListenerTlsError(`${prefix}_KEY_FILE: ${keyFile} is not a PEM private key`);
  }
  if (!matches) throw new ListenerTlsError(`${prefix}_KEY_FILE: the key in ${keyFile} does not belong to the certificate in ${certFile}`);
  return { cert, key };
}
