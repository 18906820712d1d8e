import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startTemporalServer, type TemporalServer } from '../../devstack';

/**
 * Stacks that start side by side (CI runs three suites at once) pick free ports and then bind
 * them; another process can take one in between. A picked port that is taken by the time the dev
 * server binds it is picked again; a port the caller pinned is not.
 */
describe('the Temporal dev server and a port taken before it binds', () => {
  let squatter: Server;
  const sockets: Socket[] = [];
  let taken: number;
  let dir: string;
  const servers: TemporalServer[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-port-taken-'));
    // The start's readiness probe connects to the squatter too: drop those connections at the end.
    squatter = createServer((socket) => sockets.push(socket));
    taken = await new Promise<number>((resolve) => squatter.listen(0, '127.0.0.1', () => resolve((squatter.address() as { port: number }).port)));
  });
  afterAll(async () => {
    for (const s of servers) await s.stop();
    for (const socket of sockets) socket.destroy();
    await new Promise((r) => squatter.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  test('a picked port found taken is picked again, and the server says so', async () => {
    const picks: number[] = [];
    const said: string[] = [];
    const pick = async () => {
      const port = picks.length === 0 ? taken : await freePort();
      picks.push(port);
      return port;
    };
    const server = await startTemporalServer({ dbFile: join(dir, 'picked.db'), fresh: true, port: pick, log: (m) => said.push(m) });
    servers.push(server);
    expect(picks[0]).toBe(taken);
    expect(picks).toHaveLength(2);
    expect(server.address).toBe(`127.0.0.1:${picks[1]}`);
    expect(said.join('\n')).toContain('a picked port was taken before the dev server bound it; trying new ports (1/3)');
  });

  test('a pinned port that is taken fails at once with the server\'s own reason', async () => {
    await expect(startTemporalServer({ dbFile: join(dir, 'pinned.db'), fresh: true, port: taken })).rejects.toThrow(/address already in use/);
  });
});
