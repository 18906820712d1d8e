// Orders test files for jest. On a clean clone (CI) jest has no timings and runs the largest
// files first, so the small files that start a whole stack (chaos drills, the demo, the dev
// stack) ran last and left one of the two workers idle at the end. Files with a recorded time
// keep jest's order; files without one run longest-known first, using the figures below.
const Sequencer = require('@jest/test-sequencer').default;

// Seconds each took in a clean-clone CI run (30 Nov 2026, 15:52 UTC); only the order matters.
const knownSlow = {
  'test/devstack/demo.test.ts': 139,
  'test/chaos/chaos.test.ts': 133,
  'test/devstack/dev-stack.test.ts': 102,
  'test/chaos/back-to-back-kills.test.ts': 100,
  'test/devstack/ordered-shutdown.test.ts': 92,
  'test/conformance/conformance.test.ts': 80,
  'test/chaos/temporal-down-reconcile.test.ts': 76,
  'test/cli/access-cli.test.ts': 70,
  'test/chaos/redis-down-revoke.test.ts': 66,
  'test/workflow/access-lifecycle.test.ts': 64,
  'test/slack/session-coalescing.test.ts': 59,
  'test/temporal/encrypted-history.test.ts': 58,
  'test/proxy/holds.test.ts': 57,
  'test/slack/user-text.test.ts': 38,
};

class KnownSlowFirst extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    const hint = (test) => (this.time(test) == null ? knownSlow[relative(test.path)] : undefined);
    const first = ordered.filter((test) => hint(test) !== undefined).sort((a, b) => hint(b) - hint(a));
    return [...first, ...ordered.filter((test) => hint(test) === undefined)];
  }
}

function relative(path) {
  return require('node:path').relative(__dirname + '/../..', path).split('\\').join('/');
}

module.exports = KnownSlowFirst;
