// Orders test files for jest. On a clean clone (CI) jest has no timings and runs the largest
// files first, so the small files that start a whole stack (chaos drills, the demo, the dev
// stack) ran last and left one of the two workers idle at the end. Files with a recorded time
// keep jest's order; files without one run longest-known first, using the figures below.
const Sequencer = require('@jest/test-sequencer').default;

// Seconds each took in a clean-clone CI run (30 Nov 2026); only the order matters.
const knownSlow = {
  'test/chaos/chaos.test.ts': 109,
  'test/devstack/demo.test.ts': 99,
  'test/chaos/back-to-back-kills.test.ts': 90,
  'test/devstack/dev-stack.test.ts': 89,
  'test/slack/user-text.test.ts': 87,
  'test/devstack/ordered-shutdown.test.ts': 85,
  'test/phi/regex-safety.test.ts': 80,
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
