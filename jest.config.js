// ESM-only packages (jose, openid-client, oidc-provider and friends) must be transformed for jest.
const esmPackages = ['jose', 'openid-client', 'oauth4webapi', 'oidc-provider', 'quick-lru', 'nanoid', '@koa', 'koa', 'eta', 'got'];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: [`node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 120_000,
  // Three on CI's 2-core machine: most suites wait on servers, timers and child processes, not
  // the CPU (a clean-clone run at load 12: jest 963 s with three workers, 1,413-1,512 s with two).
  maxWorkers: 3,
  testSequencer: '<rootDir>/test/support/sequencer.js',
};
