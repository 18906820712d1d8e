// The layer rules of eslint.config.js (DESIGN.md "Layout"), held against imports written for the
// purpose: each rule must refuse what it is there to refuse, and let the allowed imports through.
import { join } from 'node:path';
import { ESLint } from 'eslint';

const root = join(__dirname, '..', '..');
// Given as an object: jest cannot run the dynamic import ESLint loads its config file with.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: require('../../eslint.config.js') });

async function refusals(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath: join(root, file) });
  return result!.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

const refused: [string, string, string, RegExp][] = [
  ['lib imports nothing of the project', 'lib/new-helper.ts', "import { loadConfig } from '../policy';", /lib\/ is a leaf/],
  ['not from a sub-folder of lib either', 'lib/slack/new.ts', "import { canonicalJson } from '../../audit';", /lib\/ is a leaf/],
  ['activities never import the worker', 'activities/archive/new.ts', "import { runWorker } from '../../worker';", /activities\/ may not import/],
  ['activities never import the dev stack', 'activities/new.ts', "import { stateDir } from '../devstack';", /activities\/ may not import/],
  ['a folder is entered by its index only', 'api/routes/new.ts', "import { FolderArchiveStore } from '../../audit/store';", /through its index\.ts only/],
  ['entry points do not reach into activities', 'cli/commands/new.ts', "import { AuditArchiver } from '../../activities';", /cli\/ may not import/],
  ['production code never loads the dev stack', 'proxy/new.ts', "import { startRedisServer } from '../devstack';", /proxy\/ may not import/],
  ['only the devstack commands of the CLI may', 'cli/commands/worker-extra.ts', "import { serveLocalSlack } from '../../devstack/slack';", /cli\/ may not import/],
  ['workflows: no Node APIs', 'workflows/new.ts', "import { readFileSync } from 'node:fs';", /deterministic/],
  ['workflows: no values of other folders', 'workflows/new.ts', "import { parseDuration } from '../lib';", /deterministic/],
  ['workflow types are types only', 'activities/new.ts', "import { DEFAULT_STATE } from '../workflows/types';", /types only/],
  ['libraries never import entry points', 'audit/new.ts', "import { createApiApp } from '../api';", /audit\/ may not import/],
  ['the policy library stays below audit', 'policy/new.ts', "import { canonicalJson } from '../audit';", /policy\/ may not import/],
];

const allowed: [string, string, string][] = [
  ['an index', 'api/routes/new.ts', "import { canonicalJson } from '../../audit';"],
  ['the access client from an entry point', 'slack-app/new.ts', "import { AccessClient } from '../access';"],
  ['a folder\'s own files', 'phi/structured/new.ts', "import { maskText } from '../policy';"],
  ['workflow types, as types', 'activities/notify/new.ts', "import type { AccessStatus } from '../../workflows/types';"],
  ['types in a workflow', 'workflows/new.ts', "import type { Logger } from '../lib';\nimport { proxyActivities } from '@temporalio/workflow';"],
  ['the dev stack from the devstack commands', 'cli/commands/devstack-new.ts', "import { serveLocalSlack } from '../../devstack/slack';"],
  ['anything from the dev stack itself', 'devstack/new.ts', "import { AuditArchiver } from '../activities/archive';"],
];

describe('layer rules (eslint.config.js)', () => {
  test.each(refused)('%s', async (_name, file, code, message) => {
    const found = await refusals(file, code);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  test.each(allowed)('allowed: %s', async (_name, file, code) => {
    expect(await refusals(file, code)).toEqual([]);
  });
});
