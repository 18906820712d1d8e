import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTemporalCli, MissingPrerequisiteError, startRedisServer } from '../../devstack';

describe('a missing prerequisite gets one clear message naming how to install it', () => {
  // process.env is mutated in place: child processes spawned by the code under test must see it.
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });
  const emptyPath = () => mkdtempSync(join(tmpdir(), 'gatehouse-empty-path-'));

  test('TEMPORAL_CLI pointing at nothing', () => {
    process.env.TEMPORAL_CLI = '/nonexistent/temporal';
    expect(() => ensureTemporalCli()).toThrow(new MissingPrerequisiteError('TEMPORAL_CLI=/nonexistent/temporal does not run; point it at a temporal binary or unset it'));
  });

  test('no Temporal CLI anywhere and no Go to build it', () => {
    delete process.env.TEMPORAL_CLI;
    process.env.PATH = emptyPath();
    process.env.GATEHOUSE_TOOLS_DIR = emptyPath();
    expect(() => ensureTemporalCli()).toThrow(/the Temporal CLI is not installed and Go is not available to build it\. Install Go 1\.22 or newer/);
  });

  test('no redis-server', async () => {
    process.env.PATH = emptyPath();
    await expect(startRedisServer({ dataDir: emptyPath() })).rejects.toThrow('redis-server is not installed: install it (apt-get install redis-server) or set REDIS_URL to a reachable Redis');
  });
});
