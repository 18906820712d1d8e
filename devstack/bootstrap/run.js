#!/usr/bin/env node
// The one bootstrap step behind `npm test`, `npm run dev` and .ci/run. Plain JavaScript on
// purpose: it runs before node_modules exists. It installs the dependencies when they are
// missing or stale, then hands over to main.ts (TypeScript, through tsx) for the rest.
'use strict';
const { spawnSync, spawn } = require('node:child_process');
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { constants } = require('node:os');

const root = join(__dirname, '..', '..');
const [mode, ...rest] = process.argv.slice(2);

function fail(message) {
  process.stderr.write(`gatehouse bootstrap: ${message}\n`);
  process.exit(2);
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  fail(`Node ${process.versions.node} is too old: Gatehouse needs Node 20.19 or newer (https://nodejs.org or your package manager).`);
}

const lockFile = join(root, 'package-lock.json');
/** The lock file's digest as of the last install this script saw through (node_modules' own record). */
const installedLock = join(root, 'node_modules', '.gatehouse-installed-lock');
const lockDigest = () => createHash('sha256').update(readFileSync(lockFile)).digest('hex');

/**
 * node_modules is current when it was installed from this very lock file (its digest, recorded
 * after each install), or, without that record, when npm's own record of the install is newer
 * than the lock file. By content first: a fresh clone or copy has a lock file newer than any
 * node_modules it shares, and must not reinstall (an `npm ci` empties node_modules first, under
 * everything else using it).
 */
function dependenciesCurrent() {
  const installed = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(installed) || !existsSync(join(root, 'node_modules', 'tsx'))) return false;
  if (existsSync(installedLock)) return readFileSync(installedLock, 'utf8').trim() === lockDigest();
  const current = statSync(installed).mtimeMs >= statSync(lockFile).mtimeMs;
  if (current) recordInstall();
  return current;
}

function recordInstall() {
  try {
    writeFileSync(installedLock, `${lockDigest()}\n`);
  } catch {
    // read-only node_modules: the mtime rule still holds
  }
}

if (!dependenciesCurrent()) {
  process.stderr.write('gatehouse bootstrap: installing dependencies (npm ci)\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.error) fail(`could not run npm (${result.error.message}); install npm with Node.js`);
  if (result.status !== 0) fail(`npm ci failed with exit code ${result.status}`);
  recordInstall();
}

if (!mode) fail('usage: node devstack/bootstrap/run.js <test|dev|stack> [args...]');

// node --import tsx (not the tsx CLI): one process, so signals reach main.ts exactly as sent.
const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'main.ts'), mode, ...rest], {
  cwd: root,
  stdio: 'inherit',
});
// Ctrl-C reaches the whole foreground process group; main.ts stops what it started.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 1)));
