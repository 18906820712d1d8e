import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { ENCODED_FAILURE_CONVERTER_PATH, projectRoot } from '../../lib';

/**
 * The workflow bundle of an earlier revision (its workflows/ and lib/, read with git show; no copy
 * of the repository, no node_modules link): the worker then runs that revision's workflow code
 * with today's activities, which still take the orders of earlier histories.
 */
export async function workflowBundleAt(rev: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-bundle-'));
  const files = execFileSync('git', ['ls-tree', '-r', '--name-only', rev, 'workflows/', 'lib/'], { cwd: projectRoot, encoding: 'utf8' }).split('\n').filter((f) => f.endsWith('.ts'));
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), execFileSync('git', ['show', `${rev}:${file}`], { cwd: projectRoot, maxBuffer: 64 * 1024 * 1024 }));
  }
  const { code } = await bundleWorkflowCode({
    workflowsPath: join(dir, 'workflows', 'index.ts'),
    failureConverterPath: ENCODED_FAILURE_CONVERTER_PATH,
    // Packages come from this checkout's node_modules.
    webpackConfigHook: (config) => ({ ...config, resolve: { ...config.resolve, modules: [join(projectRoot, 'node_modules'), 'node_modules'] } }),
  });
  const path = join(dir, 'workflow-bundle.js');
  writeFileSync(path, code);
  return path;
}
