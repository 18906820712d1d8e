import { connectAdmin, userNames, type SnowflakeAdmin } from '../../devstack/demo/evidence';

/**
 * Watches SHOW USERS on the local Snowflake as ADMIN every `everyMs` while the run goes on: when
 * each grant's identity was last seen. A fault that takes Snowflake down just skips the samples
 * until it is back (the connection is made again).
 */
export class IdentityObserver {
  readonly lastSeen = new Map<string, number>();
  private admin: SnowflakeAdmin | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> = Promise.resolve();
  samples = 0;

  constructor(private readonly snowflakeUrl: string, private readonly stateDir: string) {}

  start(everyMs = 2_000): void {
    this.timer = setInterval(() => {
      this.sampling = this.sampling.then(async () => {
        await this.sample();
      });
    }, everyMs);
  }

  async sample(): Promise<string[] | undefined> {
    try {
      this.admin ??= await connectAdmin(this.snowflakeUrl, this.stateDir);
      const at = Date.now();
      const names = (await userNames(this.admin)).filter((n) => n.startsWith('GH_REQ_'));
      names.forEach((n) => this.lastSeen.set(n, at));
      this.samples++;
      return names;
    } catch {
      await this.admin?.close().catch(() => undefined);
      this.admin = undefined;
      return undefined;
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sampling;
    await this.admin?.close().catch(() => undefined);
  }
}
