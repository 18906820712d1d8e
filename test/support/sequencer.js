// Orders test files for jest. On a clean clone (CI) jest has no timings and runs the largest
// files first, so the small files that start a whole stack (chaos drills, the demo, the dev
// stack) ran last and left one of the two workers idle at the end. Files with a recorded time
// keep jest's order; files without one run longest-known first, using the figures below.
const Sequencer = require('@jest/test-sequencer').default;

// Seconds each took in a clean-clone CI run with three jest workers at load 12 (30 Nov 2026,
// 18:26 UTC); only the order matters.
const knownSlow = {
  'test/chaos/chaos.test.ts': 225,
  'test/devstack/demo.test.ts': 163,
  'test/devstack/dev-stack.test.ts': 118,
  'test/phi/regex-safety.test.ts': 109,
  'test/cli/access-cli.test.ts': 93,
  'test/chaos/back-to-back-kills.test.ts': 89,
  'test/conformance/conformance.test.ts': 80,
  'test/workflow/access-lifecycle.test.ts': 75,
  'test/devstack/ordered-shutdown.test.ts': 75,
  'test/oauth/bad-input.test.ts': 71,
  'test/chaos/redis-down-revoke.test.ts': 64,
  'test/slack/user-text.test.ts': 63,
  'test/chaos/temporal-down-reconcile.test.ts': 62,
  'test/console/console-browser.test.ts': 60,
  'test/proxy/holds.test.ts': 52,
  'test/slack/slack-app.test.ts': 43,
  'test/api/long-poll.test.ts': 43,
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
