import { randomBytes } from 'node:crypto';
import { createAccessActivities, CredentialProviders } from '../../activities';
import { AccessClient } from '../../access';
import { connectRedis, connectTemporalClient, GrantStore, RedisSecretVault, TemporalConfigError, temporalSettings, type Redis } from '../../lib';
import { createAccessWorker } from '../../worker';
import { FakeCredentialProvider, MemoryArchiver, RecordingNotifier } from '../support/doubles';
import { quietTemporalRuntime, testConfig, testRedisUrl, waitForState } from '../support/harness';
import { certificateAuthority, writePems, type Authority, type Issued } from './certificates';
import { startTlsTerminator, type TlsTerminator } from './tls-terminator';

const DAY = 86_400_000;
const API_KEY = `tk_${randomBytes(12).toString('hex')}`;

/** The error a promise or a function ends with (undefined when it succeeds). */
async function failure(work: () => unknown): Promise<TemporalConfigError> {
  try {
    await work();
  } catch (error) {
    return error as TemporalConfigError;
  }
  throw new Error('expected a failure');
}

// As the harness does for its workers: the SDK's INFO lines stay out of the test output.
beforeAll(quietTemporalRuntime);

describe('Temporal over TLS: mTLS client certificates and API keys (a TLS terminator on loopback in front of the dev server)', () => {
  let ca: Authority;
  let server: Issued;
  let client: Issued;
  let files: Record<string, string>;
  let terminator: TlsTerminator;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    ca = await certificateAuthority('Gatehouse Test Temporal CA');
    const stranger = await certificateAuthority('Someone Else CA');
    server = await ca.issue({ name: 'temporal-frontend', ips: ['127.0.0.1'], dns: ['localhost'], usage: 'server' });
    client = await ca.issue({ name: 'gatehouse-worker', usage: 'client' });
    const expired = await ca.issue({ name: 'gatehouse-old', usage: 'client', notBefore: new Date(Date.now() - 30 * DAY), notAfter: new Date(Date.now() - DAY) });
    files = writePems({
      'ca.pem': ca.cert, 'stranger-ca.pem': stranger.cert, 'client.pem': client.cert, 'client.key': client.key,
      'expired.pem': expired.cert, 'expired.key': expired.key, 'stranger.key': stranger.key, 'not-a-cert.pem': 'hello\n',
    });
    terminator = await startTlsTerminator({ upstream: process.env.TEMPORAL_ADDRESS!, cert: server.cert, key: server.key, clientCa: ca.cert, apiKey: API_KEY });
    env = {
      TEMPORAL_ADDRESS: terminator.address,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: files['ca.pem'],
      TEMPORAL_TLS_CLIENT_CERT_PATH: files['client.pem'],
      TEMPORAL_TLS_CLIENT_KEY_PATH: files['client.key'],
      TEMPORAL_API_KEY: API_KEY,
      GATEHOUSE_PAYLOAD_KEYS: process.env.GATEHOUSE_PAYLOAD_KEYS,
    };
  });

  afterAll(async () => {
    await terminator?.close();
  });

  describe('settings are checked at start, before anything connects', () => {
    test('a missing key file names the variable and the path', async () => {
      const error = await failure(() => temporalSettings({ ...env, TEMPORAL_TLS_CLIENT_KEY_PATH: '/nonexistent/client.key' }));
      expect(error).toBeInstanceOf(TemporalConfigError);
      expect(error.variable).toBe('TEMPORAL_TLS_CLIENT_KEY_PATH');
      expect(error.message).toBe('TEMPORAL_TLS_CLIENT_KEY_PATH: cannot read client key /nonexistent/client.key (no such file)');
    });

    test('an expired client certificate is refused with its end date', async () => {
      const error = await failure(() => temporalSettings({ ...env, TEMPORAL_TLS_CLIENT_CERT_PATH: files['expired.pem'], TEMPORAL_TLS_CLIENT_KEY_PATH: files['expired.key'] }));
      expect(error.variable).toBe('TEMPORAL_TLS_CLIENT_CERT_PATH');
      expect(error.message).toMatch(/the client certificate in .*expired\.pem \(CN=gatehouse-old\) expired on \d{4}-\d\d-\d\dT.*; renew it/);
    });

    test('a key that is not the certificate\'s, a certificate without its key, a file that is no certificate', async () => {
      expect((await failure(() => temporalSettings({ ...env, TEMPORAL_TLS_CLIENT_KEY_PATH: files['stranger.key'] }))).message)
        .toMatch(/the key in .*stranger\.key does not belong to the certificate in .*client\.pem/);
      expect((await failure(() => temporalSettings({ ...env, TEMPORAL_TLS_CLIENT_KEY_PATH: undefined }))).message)
        .toMatch(/TEMPORAL_TLS_CLIENT_CERT_PATH is set but TEMPORAL_TLS_CLIENT_KEY_PATH is not/);
      expect((await failure(() => temporalSettings({ ...env, TEMPORAL_TLS_SERVER_CA_CERT_PATH: files['not-a-cert.pem'] }))).message)
        .toMatch(/TEMPORAL_TLS_SERVER_CA_CERT_PATH: .*not-a-cert\.pem is not a PEM certificate/);
      expect((await failure(() => temporalSettings({ ...env, TEMPORAL_TLS: 'false' }))).message).toMatch(/TEMPORAL_TLS is false but TEMPORAL_TLS_\* files/);
      expect((await failure(() => temporalSettings({ ...env, TEMPORAL_TLS: 'maybe' }))).message).toBe('TEMPORAL_TLS is "maybe"; write true or false');
    });

    test('payload encryption is required unless turned off explicitly, and never both', async () => {
      expect((await failure(() => temporalSettings({ ...env, GATEHOUSE_PAYLOAD_KEYS: undefined }))).message).toMatch(/^missing GATEHOUSE_PAYLOAD_KEYS: workflow payloads/);
      expect(temporalSettings({ ...env, GATEHOUSE_PAYLOAD_KEYS: undefined, GATEHOUSE_PAYLOAD_ENCRYPTION: 'off' }).payloadKeys).toBe('off');
      expect((await failure(() => temporalSettings({ ...env, GATEHOUSE_PAYLOAD_ENCRYPTION: 'off' }))).message).toMatch(/is off but GATEHOUSE_PAYLOAD_KEYS is set/);
      expect((await failure(() => temporalSettings({ ...env, GATEHOUSE_PAYLOAD_KEYS: 'k1:short' }))).message).toMatch(/GATEHOUSE_PAYLOAD_KEYS: .*must be 32 bytes/);
    });

    test('an API key alone turns TLS on (system CAs)', () => {
      const settings = temporalSettings({ TEMPORAL_API_KEY: 'x', GATEHOUSE_PAYLOAD_ENCRYPTION: 'off' });
      expect(settings.tls).toEqual({});
      expect(temporalSettings({ GATEHOUSE_PAYLOAD_ENCRYPTION: 'off' }).tls).toBeUndefined();
    });
  });

  describe('connecting', () => {
    test('the client connects with the CA, its client certificate and the API key', async () => {
      const c = await connectTemporalClient(temporalSettings(env));
      try {
        const info = await c.workflowService.getSystemInfo({});
        expect(info.capabilities).toBeDefined();
      } finally {
        await c.connection.close();
      }
      expect(terminator.seen.clients).toContain('gatehouse-worker');
    });

    test('a worker and a client run a request through the TLS endpoint (the worker\'s native connection too)', async () => {
      const settings = { ...temporalSettings(env), taskQueue: `tls-${randomBytes(4).toString('hex')}` };
      const redis: Redis = connectRedis(testRedisUrl());
      const vault = new RedisSecretVault(redis, randomBytes(32));
      const config = testConfig();
      const { worker, connection } = await createAccessWorker({
        temporal: settings,
        taskQueue: settings.taskQueue,
        activities: createAccessActivities({
          notifier: new RecordingNotifier(), providers: new CredentialProviders(config.targets, { fake: () => new FakeCredentialProvider(vault) }),
          grants: new GrantStore(redis, randomBytes(32)), vault, archiver: new MemoryArchiver(),
        }),
        workflowBundlePath: process.env.GATEHOUSE_WORKFLOW_BUNDLE,
      });
      const running = worker.run();
      const c = await connectTemporalClient(settings);
      try {
        const access = new AccessClient(c, config, settings.taskQueue);
        const { requestId } = await access.request({ requester: 'carol@example.org', origin: 'api', target: 'clinical', durationMs: 10_000, reason: 'tls check' });
        await waitForState(access, requestId, 'PENDING_APPROVAL');
        await access.deny(requestId, 'alice@example.org', 'not needed');
        await waitForState(access, requestId, 'DENIED');
      } finally {
        worker.shutdown();
        await running;
        await connection.close();
        await c.connection.close();
        redis.disconnect();
      }
    });

    test.each([
      ['the client', (s: ReturnType<typeof temporalSettings>) => connectTemporalClient(s)],
      ['the worker', (s: ReturnType<typeof temporalSettings>) => createAccessWorker({ temporal: s, taskQueue: 'never', activities: {} as never })],
    ])('%s: a server certificate from another CA is "not signed by a trusted CA"', async (_who, connect) => {
      const error = await failure(() => connect(temporalSettings({ ...env, TEMPORAL_TLS_SERVER_CA_CERT_PATH: files['stranger-ca.pem'] })));
      expect(error).toBeInstanceOf(TemporalConfigError);
      expect(error.variable).toBe('TEMPORAL_TLS_SERVER_CA_CERT_PATH');
      expect(error.message).toContain(`cannot connect to Temporal at ${terminator.address} over TLS: the server's certificate is not signed by a trusted CA`);
    });

    test.each([
      ['the client', (s: ReturnType<typeof temporalSettings>) => connectTemporalClient(s)],
      ['the worker', (s: ReturnType<typeof temporalSettings>) => createAccessWorker({ temporal: s, taskQueue: 'never', activities: {} as never })],
    ])('%s: a wrong API key is refused with a hint, and the key is never in the message', async (_who, connect) => {
      const wrong = `tk_${randomBytes(12).toString('hex')}`;
      const error = await failure(() => connect(temporalSettings({ ...env, TEMPORAL_API_KEY: wrong })));
      expect(error.variable).toBe('TEMPORAL_API_KEY');
      expect(error.message).toMatch(/the server refused the credentials; check TEMPORAL_API_KEY/);
      expect(error.message).not.toContain(wrong);
      expect(error.message).not.toContain(API_KEY);
    });

    test('without a client certificate the handshake is refused, with a hint', async () => {
      const error = await failure(() => createAccessWorker({ temporal: temporalSettings({ ...env, TEMPORAL_TLS_CLIENT_CERT_PATH: undefined, TEMPORAL_TLS_CLIENT_KEY_PATH: undefined }), taskQueue: 'never', activities: {} as never }));
      expect(error.variable).toBe('TEMPORAL_TLS_CLIENT_CERT_PATH');
      expect(error.message).toMatch(/refused the TLS handshake, most likely for want of an accepted client certificate/);
    });

    test('an expired server certificate and a certificate for another name are named as such', async () => {
      const expired = await ca.issue({ name: 'temporal-frontend', ips: ['127.0.0.1'], usage: 'server', notBefore: new Date(Date.now() - 30 * DAY), notAfter: new Date(Date.now() - DAY) });
      const named = await ca.issue({ name: 'temporal-frontend', dns: ['temporal.internal.test'], usage: 'server' });
      const old = await startTlsTerminator({ upstream: process.env.TEMPORAL_ADDRESS!, cert: expired.cert, key: expired.key, clientCa: ca.cert });
      const other = await startTlsTerminator({ upstream: process.env.TEMPORAL_ADDRESS!, cert: named.cert, key: named.key, clientCa: ca.cert });
      try {
        const worker = (address: string, extra: NodeJS.ProcessEnv = {}) => createAccessWorker({ temporal: temporalSettings({ ...env, TEMPORAL_ADDRESS: address, ...extra }), taskQueue: 'never', activities: {} as never });
        expect((await failure(() => worker(old.address))).message).toMatch(/a certificate in the server's chain has expired/);
        const wrongName = await failure(() => worker(other.address));
        expect(wrongName.variable).toBe('TEMPORAL_TLS_SERVER_NAME');
        expect(wrongName.message).toMatch(/not issued for this host name; set TEMPORAL_TLS_SERVER_NAME/);
        // With the name the certificate carries, the same endpoint works.
        const c = await connectTemporalClient(temporalSettings({ ...env, TEMPORAL_ADDRESS: other.address, TEMPORAL_TLS_SERVER_NAME: 'temporal.internal.test' }));
        await c.connection.close();
      } finally {
        await Promise.all([old.close(), other.close()]);
      }
    });

    test('a plaintext client at a TLS port is told to turn TLS on', async () => {
      const error = await failure(() => createAccessWorker({ temporal: temporalSettings({ TEMPORAL_ADDRESS: terminator.address, GATEHOUSE_PAYLOAD_ENCRYPTION: 'off' }), taskQueue: 'never', activities: {} as never }));
      expect(error.variable).toBe('TEMPORAL_TLS');
      expect(error.message).toMatch(/the server expects TLS; set TEMPORAL_TLS=true/);
    });
  });
});
