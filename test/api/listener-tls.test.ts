import { request } from 'node:https';
import pino from 'pino';
import { createApiApp, listen, type TokenVerifier } from '../../api';
import { listenerTls } from '../../lib';
import { certificateAuthority, writePems } from '../temporal/certificates';

const noTokens: TokenVerifier = { verify: () => Promise.reject(new Error('no tokens in this test')), ready: () => Promise.resolve() };

function get(url: string, ca: string): Promise<{ status?: number; hsts?: string }> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (res) => {
      res.resume();
      resolve({ status: res.statusCode, hsts: res.headers['strict-transport-security'] as string | undefined });
    }).on('error', reject).end();
  });
}

describe('optional TLS on the API listener (GATEHOUSE_API_TLS_CERT_FILE / _KEY_FILE)', () => {
  test('serves HTTPS with HSTS on every answer; plain HTTP to it gets nothing', async () => {
    const ca = await certificateAuthority('Gatehouse Test Listener CA');
    const server = await ca.issue({ name: 'api', ips: ['127.0.0.1'], usage: 'server' });
    const files = writePems({ 'api.pem': server.cert, 'api.key': server.key });
    const tls = listenerTls('GATEHOUSE_API_TLS', files['api.pem'], files['api.key']);
    const app = createApiApp({ verifier: noTokens, log: pino({ level: 'silent' }), routes: [] });
    const api = await listen(app, '127.0.0.1', 0, tls);
    try {
      expect(api.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(await get(`${api.url}/healthz`, ca.cert)).toEqual({ status: 200, hsts: 'max-age=31536000' });
      expect(await get(`${api.url}/nowhere`, ca.cert)).toEqual({ status: 404, hsts: 'max-age=31536000' });
      await expect(fetch(api.url.replace('https:', 'http:') + '/healthz')).rejects.toThrow();
    } finally {
      await api.close();
    }
  });

  test('bad files are refused at start with the variable named', async () => {
    const ca = await certificateAuthority('Gatehouse Test Listener CA');
    const other = await ca.issue({ name: 'other', usage: 'server' });
    const expired = await ca.issue({ name: 'old', usage: 'server', notBefore: new Date(Date.now() - 10 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
    const files = writePems({ 'ca.pem': ca.cert, 'other.key': other.key, 'old.pem': expired.cert, 'old.key': expired.key });
    expect(listenerTls('GATEHOUSE_API_TLS', undefined, undefined)).toBeUndefined();
    expect(() => listenerTls('GATEHOUSE_API_TLS', files['ca.pem'], undefined)).toThrow('GATEHOUSE_API_TLS_CERT_FILE and GATEHOUSE_API_TLS_KEY_FILE go together');
    expect(() => listenerTls('GATEHOUSE_API_TLS', '/nonexistent.pem', files['other.key'])).toThrow('GATEHOUSE_API_TLS_CERT_FILE: cannot read /nonexistent.pem (no such file)');
    expect(() => listenerTls('GATEHOUSE_API_TLS', files['old.pem'], files['old.key'])).toThrow(/the certificate in .*old\.pem expired on/);
    expect(() => listenerTls('GATEHOUSE_API_TLS', files['ca.pem'], files['other.key'])).toThrow(/the key in .*other\.key does not belong to the certificate/);
  });
});
