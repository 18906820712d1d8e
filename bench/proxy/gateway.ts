// The benchmark's gateway, in its own process, configured as proxy/run.ts deploys it: real Redis
// (grant check, session recording through audit/, the client-facing SSE event store; BENCH_EVENTS=off
// and BENCH_RECORDING=off leave them out), the target's HTTP upstream, masking off (identity), on
// (the real phi/ engine by appearance, with a tokenize key) or catalog (lineage masking: the tool
// declares its SQL argument and the PHI catalog stored in Redis decides per column). Prints its
// URL on stdout; on SIGUSR2 it collects garbage (node --expose-gc) and prints its heap.
import { randomBytes } from 'node:crypto';
import { SessionRecorder } from '../../audit';
import { catalogNamespace, connectRedis, createLogger, GrantStore, RedisSecretVault, waitForRedis } from '../../lib';
import { parseConfig } from '../../policy';
import { Gateway, PhiMasker, RedisCatalogStore, type ResponseMasker } from '../../proxy';

const identity: ResponseMasker = { mask: (value) => ({ masked: value, report: { counts: {}, total: 0 } }) };

async function main(): Promise<void> {
  const env = process.env;
  const config = parseConfig(`
version: 1
groups: { approvers: [alice@example.org] }
targets:
  - name: bench
    upstream: { type: http, url: ${JSON.stringify(env.BENCH_UPSTREAM_URL)} }
    credentials: none
    requesters: [carol@example.org]
    approvers: { channel: C0BENCH, members: [group:approvers] }
    commands: { tools: [payload]${env.BENCH_MASKING === 'catalog' ? ', sqlTools: { payload: [statement] }' : ''} }
`, 'bench.yaml');
  const maskingKey = randomBytes(32);
  // As proxy/run.ts deploys it (auto-pipelining on); BENCH_AUTOPIPELINE=off measures without.
  const redis = connectRedis(env.REDIS_URL, env.BENCH_AUTOPIPELINE === 'off' ? {} : { enableAutoPipelining: true });
  const subscriber = connectRedis(env.REDIS_URL);
  await Promise.all([waitForRedis(redis), waitForRedis(subscriber)]);
  const gateway = new Gateway({
    config,
    grants: new GrantStore(redis, Buffer.from(env.BENCH_TOKEN_KEY!, 'base64')),
    vault: new RedisSecretVault(redis, Buffer.from(env.BENCH_ENCRYPTION_KEY!, 'base64')),
    revocations: subscriber,
    masker: (target) => (env.BENCH_MASKING === 'on' ? new PhiMasker(target, maskingKey)
      : env.BENCH_MASKING === 'catalog' ? new PhiMasker(target, maskingKey, undefined, { catalog: new RedisCatalogStore(redis, 30_000, { namespace: catalogNamespace(env) }) })
        : identity),
    recorder: env.BENCH_RECORDING === 'off' ? { sessionStart: async () => '', request: async () => '', response: async () => '', sessionEnd: async () => '' } : new SessionRecorder(redis),
    ...(env.BENCH_EVENTS === 'off' ? {} : { events: redis }),
    limits: { messagesPerSecond: 1e9, messageBurst: 1e9, maxSessionsPerGrant: 10_000 },
    log: createLogger('bench-gateway', 'error'),
  });
  const { url } = await gateway.listen(0);
  process.stdout.write(`${JSON.stringify({ url })}\n`);
  process.on('SIGUSR2', () => {
    (globalThis as { gc?: () => void }).gc?.();
    process.stdout.write(`${JSON.stringify({ heapUsed: process.memoryUsage().heapUsed, sessions: gateway.liveSessions().length })}\n`);
  });
  process.once('SIGTERM', () => process.exit(0));
}

void main();
