// Test doubles for the components other issues deliver (Slack, Snowflake, the archive).
// They live only under test/.
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from '../../lib';
import type { Archiver, CredentialProvider, Notifier, SecretVault } from '../../activities';
import type { AccessStatus, Notice, NoticeKind } from '../../workflows';

/** Issues fake identities; its "private key" goes to the vault like the real broker's would. */
export class FakeCredentialProvider implements CredentialProvider {
  readonly kind = 'fake';
  readonly issued = new Map<string, string>();
  readonly revoked: string[] = [];
  readonly secrets: string[] = [];
  /** Per request, so a slower test's revocation cannot use up another test's failures. */
  readonly revokeFailures = new Map<string, number>();
  readonly revokeAttempts = new Map<string, number>();
  issueFailuresLeft = 0;

  constructor(private readonly vault: SecretVault) {}

  async issue(request: { requestId: string; expiresAt: string }) {
    if (this.issueFailuresLeft > 0) {
      this.issueFailuresLeft--;
      throw new Error('the data platform refused to create the user');
    }
    const principal = `GH_${request.requestId.toUpperCase()}`;
    const credentialRef = `cred_${request.requestId}`;
    if (!this.issued.has(request.requestId)) {
      const secret = `-----BEGIN PRIVATE KEY-----${randomBytes(24).toString('base64')}-----END PRIVATE KEY-----`;
      this.secrets.push(secret);
      await this.vault.put(credentialRef, secret, Math.max(1_000, Date.parse(request.expiresAt) - Date.now() + 60_000));
      this.issued.set(request.requestId, principal);
    }
    return { credentialRef, principal };
  }

  async revoke(request: { requestId: string }) {
    this.revokeAttempts.set(request.requestId, (this.revokeAttempts.get(request.requestId) ?? 0) + 1);
    const failures = this.revokeFailures.get(request.requestId) ?? 0;
    if (failures > 0) {
      this.revokeFailures.set(request.requestId, failures - 1);
      throw new Error('the data platform is unreachable');
    }
    if (!this.revoked.includes(request.requestId)) this.revoked.push(request.requestId);
  }
}

export class RecordingNotifier implements Notifier {
  readonly notices: Notice[] = [];
  async notify(notice: Notice) {
    this.notices.push(notice);
    return notice.kind === 'requested' ? { thread: { channel: notice.status.policy.approverChannel, ts: '1700000000.000100' } } : {};
  }
  kinds(requestId: string): NoticeKind[] {
    return this.notices.filter((n) => n.status.requestId === requestId).map((n) => n.kind);
  }
}

export class MemoryArchiver implements Archiver {
  readonly archived = new Map<string, AccessStatus>();
  async archive(status: AccessStatus) {
    this.archived.set(status.requestId, status);
    const digest = createHash('sha256').update(JSON.stringify(status)).digest('hex');
    return { digest, location: `memory://${status.requestId}` };
  }
}

/**
 * The same doubles, but keeping their record in Redis, for workers that run in another process
 * (the worker-restart tests kill them).
 */
export class RedisBackedProvider implements CredentialProvider {
  readonly kind = 'fake-redis';
  constructor(private readonly redis: Redis, private readonly prefix: string) {}
  async issue(request: { requestId: string }) {
    await this.redis.rpush(`${this.prefix}:issued`, request.requestId);
    return { credentialRef: `cred_${request.requestId}`, principal: `GH_${request.requestId.toUpperCase()}` };
  }
  /** While `<prefix>:hold-revoke:<id>` exists, revoking that request hangs (a worker killed mid-revocation). */
  async revoke(request: { requestId: string }) {
    await this.redis.rpush(`${this.prefix}:revoke-started`, request.requestId);
    while (await this.redis.exists(`${this.prefix}:hold-revoke:${request.requestId}`)) await new Promise((resolve) => setTimeout(resolve, 200));
    await this.redis.rpush(`${this.prefix}:revoked`, `${request.requestId}@${Date.now()}`);
  }

  /**
   * Revokes (never held) every issued identity whose request `isActive` says is over; records which in `<prefix>:reconciled`.
   * Each pass is counted in `<prefix>:reconcile-started`; while `<prefix>:hold-reconcile` exists a pass hangs (a worker killed mid-pass).
   */
  async reconcile(isActive: (requestId: string) => Promise<boolean>) {
    await this.redis.incr(`${this.prefix}:reconcile-started`);
    while (await this.redis.exists(`${this.prefix}:hold-reconcile`)) await new Promise((resolve) => setTimeout(resolve, 200));
    const issued = [...new Set(await this.redis.lrange(`${this.prefix}:issued`, 0, -1))];
    const revoked: string[] = [];
    for (const requestId of issued) {
      if (await isActive(requestId)) continue;
      await this.redis.rpush(`${this.prefix}:reconciled`, requestId);
      revoked.push(`GH_${requestId.toUpperCase()}`);
    }
    return { target: 'clinical', checked: issued.length, revoked };
  }
}

export class RedisBackedNotifier implements Notifier {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}
  async notify(notice: Notice) {
    await this.redis.rpush(`${this.prefix}:notices`, `${notice.status.requestId}:${notice.kind}`);
    return {};
  }
}
