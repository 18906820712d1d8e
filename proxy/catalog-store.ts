import { phiCatalogSchema, type PhiCatalog } from '../phi';
import type { Redis } from '../lib';
import type { CatalogSource } from './phi-masker';

const key = (target: string) => `gatehouse:phi-catalog:${target}`;

/**
 * The discovered PHI catalog of each target, in Redis: `gatehouse catalog discover` writes it,
 * every gateway replica reads it (kept in memory for `cacheMs`, so a refresh reaches all of them
 * within that time). A stored catalog that does not validate is not used: every table is then
 * unknown, and results are masked as the strictest type in scope (fail closed). Redis down =
 * the read throws = the response is withheld.
 */
export class RedisCatalogStore implements CatalogSource {
  private readonly cache = new Map<string, { at: number; catalog: PhiCatalog | undefined }>();

  constructor(private readonly redis: Redis, private readonly cacheMs = 30_000) {}

  async get(target: string): Promise<PhiCatalog | undefined> {
    const hit = this.cache.get(target);
    if (hit && Date.now() - hit.at < this.cacheMs) return hit.catalog;
    const raw = await this.redis.get(key(target));
    let catalog: PhiCatalog | undefined;
    if (raw) {
      try {
        const parsed = phiCatalogSchema.safeParse(JSON.parse(raw));
        catalog = parsed.success && parsed.data.target === target ? (parsed.data as PhiCatalog) : undefined;
      } catch {
        catalog = undefined;
      }
    }
    this.cache.set(target, { at: Date.now(), catalog });
    return catalog;
  }

  async put(catalog: PhiCatalog): Promise<void> {
    const valid = phiCatalogSchema.parse(catalog) as PhiCatalog;
    await this.redis.set(key(valid.target), JSON.stringify(valid));
    this.cache.delete(valid.target);
  }

  /** Forgets what this process cached (after a put from elsewhere, in tests). */
  forget(target?: string): void {
    if (target) this.cache.delete(target);
    else this.cache.clear();
  }
}
