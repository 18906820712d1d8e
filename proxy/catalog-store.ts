import { parseStoredCatalog, type PhiCatalog } from '../phi';
import { DEFAULT_CATALOG_NAMESPACE, RedisCatalogRecords, type Redis } from '../lib';
import type { CatalogSource } from './phi-masker';

/**
 * The discovered PHI catalog of each target, in Redis under a namespace
 * (`<namespace>:phi-catalog:<target>`, GATEHOUSE_CATALOG_NAMESPACE; tests give each suite its
 * own): the worker's scheduled refresh and `gatehouse catalog discover` write it, every gateway
 * replica reads it (kept in memory for `cacheMs`, so a refresh reaches all of them within that
 * time). A stored catalog that does not validate is not used: every table is then unknown, and
 * results are masked as the strictest type in scope (fail closed). Redis down = the read throws
 * = the response is withheld.
 */
export class RedisCatalogStore implements CatalogSource {
  private readonly cache = new Map<string, { at: number; catalog: PhiCatalog | undefined }>();
  readonly records: RedisCatalogRecords<PhiCatalog>;

  constructor(redis: Redis, private readonly cacheMs = 30_000, options: { namespace?: string } = {}) {
    this.records = new RedisCatalogRecords(redis, parseStoredCatalog, options.namespace ?? DEFAULT_CATALOG_NAMESPACE);
  }

  async get(target: string): Promise<PhiCatalog | undefined> {
    const hit = this.cache.get(target);
    if (hit && Date.now() - hit.at < this.cacheMs) return hit.catalog;
    const catalog = await this.records.read(target);
    this.cache.set(target, { at: Date.now(), catalog });
    return catalog;
  }

  async put(catalog: PhiCatalog): Promise<void> {
    const valid = parseStoredCatalog(catalog);
    if (!valid) throw new Error(`refusing to store an invalid PHI catalog for target ${JSON.stringify(catalog.target)}`);
    await this.records.write(valid);
    this.cache.delete(valid.target);
  }

  /** Forgets what this process cached (after a put from elsewhere, in tests). */
  forget(target?: string): void {
    if (target) this.cache.delete(target);
    else this.cache.clear();
  }
}
