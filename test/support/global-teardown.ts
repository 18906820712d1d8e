import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const g = globalThis as unknown as Record<string, { stop(): Promise<void> } | string | undefined>;
  for (const name of ['__gatehouseTemporal', '__gatehouseRedis']) {
    const server = g[name];
    if (server && typeof server !== 'string') await server.stop();
  }
  const dir = g.__gatehouseStateDir;
  if (typeof dir === 'string') rmSync(dir, { recursive: true, force: true });
}
