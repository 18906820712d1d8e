import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type PhiModule = typeof import('../index');

/**
 * The phi/ engine of another commit, loaded beside today's in the same process: its phi/ is
 * extracted with `git archive` under .gatehouse/bench-baseline/<rev> (phi/ imports nothing else of
 * the project) and required from there, so it has its own module state (memos) and today's
 * generators feed both the same documents. Used by bench:phi (`--against`) and the golden check.
 */
export function loadBaselinePhi(rev: string): PhiModule {
  return loadBaselineFile(rev, 'index.ts') as PhiModule;
}

/** One file of phi/ at `rev` (e.g. 'mask-text.ts'), from the same extracted copy as loadBaselinePhi. */
export function loadBaselineFile(rev: string, file: string): unknown {
  const root = join(__dirname, '..', '..');
  const commit = resolveCommit(root, rev);
  const dir = join(root, '.gatehouse', 'bench-baseline', commit);
  if (!existsSync(join(dir, 'phi', 'index.ts'))) {
    mkdirSync(dir, { recursive: true });
    const archive = execFileSync('git', ['archive', commit, 'phi'], { cwd: root, maxBuffer: 64 << 20 });
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(dir, 'phi', file)) as unknown;
}

/** A revision ("HEAD", a branch, a short hash) as its full commit hash, so a baseline stays pinned when others commit. */
export function resolveCommit(root: string, rev: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._/~^-]{0,99}$/.test(rev)) throw new Error(`baseline revision ${JSON.stringify(rev)} is not a revision name`);
  try {
    return execFileSync('git', ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`baseline revision ${JSON.stringify(rev)} is not a commit of this repository`);
  }
}
