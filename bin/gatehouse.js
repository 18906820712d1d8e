#!/usr/bin/env node
// The `gatehouse` command. Runs the TypeScript sources through tsx (a dependency), so a clone
// needs no build step; a production image may run the compiled dist/ instead.
'use strict';
require('tsx/cjs');
require('../cli/main.ts');
