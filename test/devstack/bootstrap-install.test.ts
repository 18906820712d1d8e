import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// run.js decides whether to run `npm ci` before anything else. A copy or clone of the repository
// that shares node_modules has a newer lock file: it must not reinstall (npm ci empties the folder
// under everyone using it), unless the lock file's content really changed.
describe('the bootstrap installs dependencies only when the lock file changed', () => {
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-bootstrap-'));
  const npmLog = join(root, 'npm.log');
  beforeAll(() => {
    mkdirSync(join(root, 'devstack', 'bootstrap'), { recursive: true });
    copyFileSync(join(__dirname, '../../devstack/bootstrap/run.js'), join(root, 'devstack', 'bootstrap', 'run.js'));
    mkdirSync(join(root, 'node_modules', 'tsx'), { recursive: true });
    mkdirSync(join(root, 'bin'));
    // A stand-in npm that only says it ran.
    writeFileSync(join(root, 'bin', 'npm'), `#!/bin/sh\necho "$@" >> ${JSON.stringify(npmLog)}\n`);
    chmodSync(join(root, 'bin', 'npm'), 0o755);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const bootstrap = () => {
    rmSync(npmLog, { force: true });
    spawnSync(process.execPath, [join(root, 'devstack', 'bootstrap', 'run.js'), 'test'], { cwd: root, env: { ...process.env, PATH: `${join(root, 'bin')}:${process.env.PATH}` }, encoding: 'utf8' });
    return existsSync(npmLog) ? readFileSync(npmLog, 'utf8').trim() : 'not run';
  };
  const lock = (content: string, mtime: number) => {
    writeFileSync(join(root, 'package-lock.json'), content);
    utimesSync(join(root, 'package-lock.json'), mtime, mtime);
  };

  test('newer lock without a record: installs once and records the lock; a touched lock then changes nothing', () => {
    writeFileSync(join(root, 'node_modules', '.package-lock.json'), '{}');
    utimesSync(join(root, 'node_modules', '.package-lock.json'), 1_000, 1_000);
    lock('{"lockfileVersion":3}', 2_000);
    expect(bootstrap()).toBe('ci --no-audit --no-fund');
    lock('{"lockfileVersion":3}', Date.now() / 1000 + 60); // a fresh clone's file, same content
    expect(bootstrap()).toBe('not run');
  });

  test('a lock file with other content installs again', () => {
    lock('{"lockfileVersion":3,"packages":{"x":{}}}', Date.now() / 1000);
    expect(bootstrap()).toBe('ci --no-audit --no-fund');
    expect(bootstrap()).toBe('not run');
  });

  test('no node_modules record at all installs', () => {
    rmSync(join(root, 'node_modules', '.package-lock.json'));
    expect(bootstrap()).toBe('ci --no-audit --no-fund');
  });
});
