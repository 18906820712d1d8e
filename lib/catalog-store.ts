import type { Redis } from './redis';

/** Where a deployment (or a test suite) keeps its catalogs: `<namespace>:phi-catalog:<target>`. */
export const DEFAULT_CATALOG_NAMESPACE = 'gatehouse';
const NAMESPACE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,62}$/;
/** How many refresh records `gatehouse catalog diff --recorded` can show per target. */
const CHANGE_LOG_LENGTH = 200;

/** GATEHOUSE_CATALOG_NAMESPACE, else the default; a malformed one is refused, not guessed. */
export function catalogNamespace(env: NodeJS.ProcessEnv = process.env): string {
  const value = env.GATEHOUSE_CATALOG_NAMESPACE?.trim() || DEFAULT_CATALOG_NAMESPACE;
  if (!NAMESPACE.test(value)) throw new Error(`GATEHOUSE_CATALOG_NAMESPACE ${JSON.stringify(value.slice(0, 70))} must be 1-63 of A-Z a-z 0-9 _ . : - (starting with a letter or digit)`);
  return value;
}

/**
 * The stored PHI catalog of each target, and the record of what each refresh changed, in Redis
 * under a namespace. The value's shape is the caller's (`parse` validates it on every read: a
 * value that does not parse is treated as absent). Knows nothing of PHI: phi/ owns the shape.
 */
export class RedisCatalogRecords<C extends { target: string }> {
  readonly namespace: string;

  constructor(private readonly redis: Redis, private readonly parse: (raw: unknown) => C | undefined, namespace = DEFAULT_CATALOG_NAMESPACE) {
    if (!NAMESPACE.test(namespace)) throw new Error(`catalog namespace ${JSON.stringify(namespace.slice(0, 70))} must be 1-63 of A-Z a-z 0-9 _ . : -`);
    this.namespace = namespace;
  }

  private key(target: string): string {
    return `${this.namespace}:phi-catalog:${target}`;
  }

  private changesKey(target: string): string {
    return `${this.namespace}:phi-catalog-changes:${target}`;
  }

  async read(target: string): Promise<C | undefined> {
    const raw = await this.redis.get(this.key(target));
    if (!raw) return undefined;
    try {
      const parsed = this.parse(JSON.parse(raw));
      return parsed && parsed.target === target ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  async write(catalog: C): Promise<void> {
    await this.redis.set(this.key(catalog.target), JSON.stringify(catalog));
  }

  /** Appends one refresh's record (newest first), keeping the last 200. */
  async record(target: string, entry: object): Promise<void> {
    await this.redis.multi().lpush(this.changesKey(target), JSON.stringify(entry)).ltrim(this.changesKey(target), 0, CHANGE_LOG_LENGTH - 1).exec();
  }

  /** The newest `limit` records; entries that are not JSON are skipped. */
  async records(target: string, limit = 20): Promise<unknown[]> {
    const raw = await this.redis.lrange(this.changesKey(target), 0, Math.max(0, limit - 1));
    return raw.flatMap((r) => {
      try {
        return [JSON.parse(r) as unknown];
      } catch {
        return [];
      }
    });
  }
}
