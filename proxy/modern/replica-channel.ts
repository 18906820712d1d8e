import { waitForRedis, type Logger, type Redis } from '../../lib';

/**
 * This gateway replica's subscription to one Redis channel, on a connection of its own (a
 * subscribed connection does nothing else), made once before it is first needed. A failure is
 * logged (`consequence` says what the replica then misses) and tried again on the next `listen()`.
 */
export class ReplicaChannel {
  private subscriber?: Redis;
  private subscribed?: Promise<void>;

  constructor(
    private readonly redis: Redis,
    private readonly log: Logger,
    readonly channel: string,
    private readonly onMessage: (payload: string) => void,
    private readonly consequence: string,
  ) {}

  async listen(): Promise<void> {
    this.subscribed ??= this.subscribe().catch((error: unknown) => {
      this.subscribed = undefined;
      this.subscriber?.disconnect();
      this.subscriber = undefined;
      this.log.warn({ err: (error as Error).message, channel: this.channel }, this.consequence);
    });
    await this.subscribed;
  }

  /** Whether the subscription stands (listen() succeeded). */
  get listening(): boolean {
    return !!this.subscriber;
  }

  private async subscribe(): Promise<void> {
    const subscriber = this.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on('error', () => undefined);
    subscriber.on('message', (channel: string, payload: string) => {
      if (channel === this.channel) this.onMessage(payload);
    });
    await waitForRedis(subscriber);
    await subscriber.subscribe(this.channel);
  }

  async close(): Promise<void> {
    await this.subscribed;
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }
}
