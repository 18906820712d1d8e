// @ts-check
const eslint = require('@eslint/js');
const tseslint = require('typescript-eslint');

// ---- layers (DESIGN.md "Layout") -------------------------------------------------------------
// Each top-level folder is a room with one door, its index.ts. Layers point down:
//   lib, workflows  <  phi  <  policy  <  audit, access  <  activities  <  worker
//   <  api, slack-app, proxy  <  cli;  devstack, bench and test may use anything.
// `npm run lint` also runs madge, which refuses any import circle.

const FOLDERS = [
  'access', 'activities', 'api', 'audit', 'bench', 'cli', 'devstack', 'lib', 'mcp-servers', 'phi', 'policy', 'proxy', 'slack-app', 'worker', 'workflows',
];
/** Sub-folders that are doors of their own (an index.ts that other folders may import). */
const SUB_FOLDER_DOORS = ['lib/slack', 'devstack/slack', 'devstack/snowflake', 'api/console'];

const except = (...names) => FOLDERS.filter((f) => !names.includes(f));
const ENTRY_POINTS = ['api', 'slack-app', 'proxy', 'worker', 'cli'];
const DEV_ONLY = ['devstack', 'bench', 'mcp-servers'];

/** What each folder must never import (the folder's own files excepted). */
const MAY_NOT_IMPORT = {
  lib: except('lib'),
  workflows: except('workflows'),
  'mcp-servers': except('mcp-servers'),
  phi: except('phi', 'lib'),
  policy: except('policy', 'lib', 'phi', 'workflows'),
  audit: [...ENTRY_POINTS, ...DEV_ONLY, 'access', 'activities'],
  access: [...ENTRY_POINTS, ...DEV_ONLY, 'activities', 'audit'],
  activities: [...ENTRY_POINTS, ...DEV_ONLY, 'access'],
  worker: [...ENTRY_POINTS.filter((f) => f !== 'worker'), ...DEV_ONLY, 'access'],
  api: [...ENTRY_POINTS.filter((f) => f !== 'api'), ...DEV_ONLY, 'activities'],
  'slack-app': [...ENTRY_POINTS.filter((f) => f !== 'slack-app'), ...DEV_ONLY, 'activities'],
  proxy: [...ENTRY_POINTS.filter((f) => f !== 'proxy'), ...DEV_ONLY, 'activities'],
  cli: [...DEV_ONLY, 'activities'],
};

const WHY = {
  lib: 'lib/ is a leaf: it imports nothing of the project (DESIGN.md).',
  workflows: 'workflows/ is deterministic: only @temporalio/workflow, @temporalio/common and types.',
  'mcp-servers': 'mcp-servers/ stands alone: the gateway fronts it over stdio or HTTP.',
};

/** The patterns for a file `depth` folders below the root: exactly that many `../` leave its folder. */
function layerPatterns(folder, depth, banned = MAY_NOT_IMPORT[folder]) {
  const up = `^(\\.\\./){${depth}}`;
  const patterns = [
    {
      // An index.ts is the only door: `../audit`, not `../audit/store`.
      regex: `${up}(?!(${[...SUB_FOLDER_DOORS, 'workflows/types'].join('|')})$)(${except(folder).join('|')})/.+`,
      message: 'Import another folder through its index.ts only (DESIGN.md: each folder has one door).',
    },
    {
      regex: `${up}workflows/types$`,
      allowTypeImports: true,
      message: 'workflows/types may be imported for its types only (`import type`); values come from ../workflows.',
    },
  ];
  if (banned.length) {
    patterns.push({
      regex: `${up}(${banned.join('|')})(/.*)?$`,
      ...(folder === 'workflows' ? { allowTypeImports: true } : {}),
      message: WHY[folder] ?? `${folder}/ may not import ${banned.join(', ')}: layers point down (DESIGN.md).`,
    });
  }
  if (folder === 'workflows') {
    patterns.push({
      regex: '^(?!\\.|@temporalio/(workflow|common)$)',
      allowTypeImports: true,
      message: WHY.workflows,
    });
  }
  return patterns;
}

const DEPTHS = [1, 2, 3, 4, 5, 6];
const filesAt = (folder, depth) => `${folder}/${'*/'.repeat(depth - 1)}*.ts`;
const restrict = (patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] });

const layerRules = Object.keys(MAY_NOT_IMPORT).flatMap((folder) => DEPTHS.map((depth) => ({
  files: [filesAt(folder, depth)],
  rules: restrict(layerPatterns(folder, depth)),
})));

// The dev stack stays out of production: only the `gatehouse devstack …` commands load it.
const devstackCommands = {
  files: ['cli/commands/devstack*.ts'],
  rules: restrict(layerPatterns('cli', 2, MAY_NOT_IMPORT.cli.filter((f) => f !== 'devstack'))),
};

module.exports = tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.gatehouse/**', 'coverage/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...layerRules,
  devstackCommands,
);
