import { SnowflakeClient, type KeyPairLogin } from './client';

/** A broker session idle this long is closed (tests and quiet workers do not keep one open). */
const IDLE_CLOSE_MS = 10_000;
/** A session is replaced after this long, well inside Snowflake's idle session expiry. */
const MAX_AGE_MS = 30 * 60_000;

/**
 * The broker's one long-lived Snowflake session, shared by every issuance and revocation of a
 * target: a key-pair login per statement batch (a JWT signed, a session opened and closed) was a
 * large part of each grant's cost. Statements of concurrent activities run on it side by side.
 * A session that fails at login, or whose statements fail while it is no longer up, is dropped
 * so the activity's retry logs in afresh.
 */
export class BrokerSession {
  private current?: { client: Promise<SnowflakeClient>; openedAt: number };
  private inUse = 0;
  private idleTimer?: NodeJS.Timeout;

  constructor(private readonly login: KeyPairLogin, private readonly connect: (login: KeyPairLogin) => Promise<SnowflakeClient> = SnowflakeClient.connect) {}

  async run<T>(work: (client: SnowflakeClient) => Promise<T>): Promise<T> {
    clearTimeout(this.idleTimer);
    if (this.current && Date.now() - this.current.openedAt > MAX_AGE_MS && this.inUse === 0) this.drop(this.current);
    const session = (this.current ??= { client: this.connect(this.login), openedAt: Date.now() });
    this.inUse += 1;
    try {
      let client: SnowflakeClient;
      try {
        client = await session.client;
      } catch (error) {
        this.drop(session);
        throw error;
      }
      try {
        return await work(client);
      } catch (error) {
        if (!client.isUp()) this.drop(session);
        throw error;
      }
    } finally {
      this.inUse -= 1;
      if (this.inUse === 0 && this.current) {
        const idle = this.current;
        this.idleTimer = setTimeout(() => this.drop(idle), IDLE_CLOSE_MS);
        this.idleTimer.unref();
      }
    }
  }

  /** Closes the session (at shutdown; a later run opens a new one). */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    if (this.current) await this.drop(this.current);
  }

  private async drop(session: { client: Promise<SnowflakeClient> }): Promise<void> {
    if (this.current === session) this.current = undefined;
    const client = await session.client.catch(() => undefined);
    await client?.close();
  }
}
