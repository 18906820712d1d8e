// Preloaded (--require, which Node also runs in worker threads; --import is not) into the stack's
// worker by bench/grants/run.ts when BENCH_PROFILE_DIR is set (--cpu-prof is not allowed in
// NODE_OPTIONS). Profiles every JavaScript thread of the worker process from its start: the main
// thread (activities, the SDK's JS side) and the workflow threads (the SDK runs workflow code in
// worker threads). The first SIGWINCH starts a fresh profile in every thread; the next one writes
// <dir>/worker-<pid>-main.cpuprofile and worker-<pid>-thread-<id>.cpuprofile (the main thread tells
// the others). SIGWINCH, not SIGUSR2: Temporal's Runtime shuts the worker down on SIGUSR2, and a
// process without this preload ignores SIGWINCH. The Rust core's threads run no JavaScript: the bench reports their CPU from /proc apart.
// Always (profile or not) each JavaScript thread of the worker names its OS thread id in
// <GATEHOUSE_STATE_DIR>/bench-js-threads/, so the bench can tell the workflow threads' CPU from the
// other threads Node names "node" too (libuv's pool, which makes the key pairs, and V8's helpers).
'use strict';
const { mkdirSync, readlinkSync, writeFileSync } = require('node:fs');
const { Session } = require('node:inspector');
const { join } = require('node:path');
const { BroadcastChannel, isMainThread, threadId } = require('node:worker_threads');

const dir = process.env.BENCH_PROFILE_DIR;
const CHANNEL = 'gatehouse-bench-cpu-profile';
// A worker thread's process.argv is not its process's: the main thread marks the environment its threads copy.
const MARK = 'GATEHOUSE_BENCH_PROFILING_WORKER';
if (isMainThread && process.argv.includes('worker')) process.env[MARK] = String(process.pid);

const mine = process.env[MARK] === String(process.pid);
if (mine && process.env.GATEHOUSE_STATE_DIR) {
  try {
    const names = join(process.env.GATEHOUSE_STATE_DIR, 'bench-js-threads');
    mkdirSync(names, { recursive: true });
    const tid = readlinkSync('/proc/thread-self').split('/').pop();
    writeFileSync(join(names, tid), isMainThread ? 'main thread' : `JavaScript thread ${threadId} (workflows)`);
  } catch {
    // not Linux, or the folder is gone: the bench shows the threads by their names only
  }
}

if (dir && mine) {
  const session = new Session();
  session.connect();
  const start = () => session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 1000 }, () => session.post('Profiler.start')));
  // The first SIGWINCH starts a fresh profile (the worker's start-up, bundling and warm-up left out); the next one writes it.
  let running = false;
  const toggle = (name) => {
    if (!running) {
      running = true;
      session.post('Profiler.stop', () => start());
      return;
    }
    running = false;
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, name), JSON.stringify(result.profile));
    });
  };
  start();
  const channel = new BroadcastChannel(CHANNEL);
  channel.unref();
  if (isMainThread) {
    process.on('SIGWINCH', () => {
      channel.postMessage('toggle');
      toggle(`worker-${process.pid}-main.cpuprofile`);
    });
  } else {
    channel.onmessage = () => toggle(`worker-${process.pid}-thread-${threadId}.cpuprofile`);
  }
}
