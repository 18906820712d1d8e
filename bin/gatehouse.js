#!/usr/bin/env node
// The `gatehouse` command. Runs the TypeScript sources through tsx (a dependency), so a clone
// needs no build step; a production image may run the compiled dist/ instead.
'use strict';
const { clearTimeout, setImmediate, setTimeout } = require('node:timers');

require('tsx/cjs');

// tsx reads every JavaScript file it loads with es-module-lexer (is it an ES module?). It compiles
// the lexer's WebAssembly build in the background as it registers and uses the JavaScript build
// until then, several times slower (`gatehouse status`: 0.64 CPU-s a start with the JavaScript
// build, 0.47 with the fast one). The sources are loaded once the fast build is ready (a few ms
// after tsx), or after 500 ms whatever happens.
whenLexerReady(() => require('../cli/main.ts'));

function whenLexerReady(load) {
  let done = false;
  const go = () => {
    if (done) return;
    done = true;
    clearTimeout(backstop);
    // Not inside a promise: a module that throws while loading ends the process as it always did.
    process.nextTick(load);
  };
  const backstop = setTimeout(go, 500);
  // tsx requires the lexer one microtask after it registers: look for it once they have run.
  setImmediate(() => {
    const file = Object.keys(require.cache).find((name) => /[\\/]tsx[\\/]dist[\\/]lexer-[^\\/]*\.cjs$/.test(name));
    const init = file && require.cache[file].exports.init;
    // tsx awaited the same promise first, so it switches to the fast build before this runs.
    if (init && typeof init.then === 'function') init.then(go, go);
    else go();
  });
}
