/**
 * npx tsx bench/proxy/perf-parts.ts <perf.data> [--top N] — what the gateway's CPU went to, as
 * `perf record -g` sampled it (bench:proxy with BENCH_PERF_DIR): on-CPU time only, every thread of
 * the process, kernel included. V8's own profile (BENCH_PROFILE_DIR, profile-parts.ts) samples the
 * main thread by the clock: a socket write descheduled in the kernel keeps collecting samples there,
 * and GC done by helper threads is not in it. Here a sample is a moment the gateway used a CPU.
 *
 * Each sample counts once: a helper thread's as GC or compiler work; a main-thread sample in the
 * first part (profile-parts.ts PARTS, or the garbage collector) its innermost frames match, and
 * under "kernel: <that part>" when it was in the kernel. Names of JavaScript frames come from the
 * gateway's /tmp/perf-<pid>.map (node --perf-basic-prof), which keeps addresses of code V8 has
 * since moved or dropped: a few frames per hundred carry a stale name (a module's top-level
 * function inside a hot stack, say), so read parts to a per cent or two, not single frames.
 */
import { execFileSync } from 'node:child_process';
import { PARTS } from './profile-parts';

const GC = /v8::internal::(Heap::|Scavenge|MarkCompact|MinorM|ConcurrentMarking|IncrementalMarking|Sweeper|MarkingVisitor|MainMarkingVisitor|ArrayBufferSweeper|Evacuat|PagedSpace|MemoryAllocator|GlobalHandles::|LargeObjectSpace)/;
const COMPILER = /v8::internal::(compiler::|maglev::|baseline::|Compiler::|OptimizingCompileDispatcher|.*CompilationJob)/;

interface Frame { name: string; kernel: boolean }
interface Sample { main: boolean; frames: Frame[] }

/** A frame as profile-parts names it: `function path:line`, node_modules as nm/, the project's folders from their own name. */
function frameName(sym: string): string {
  const js = /^JS:[*~^+]?(\S*) (\S+?):(\d+)(?::\d+)?$/.exec(sym);
  if (js) {
    const path = js[2]!.replace(/.*node_modules\//, 'nm/').replace(/.*\/gatehouse-bench-before-[^/]+\//, '').replace(/^\/.*?\/(proxy|audit|lib|phi|policy|bench)\//, '$1/');
    return `${js[1] || '(anon)'} ${path}:${js[3]}`;
  }
  // llhttp, undici's HTTP parser, is the gateway's only WebAssembly.
  if (/^JS:(wasm-|js-to-wasm|wasm-to-js)/.test(sym)) return `${sym.slice(3)} nm/undici/llhttp:0`;
  if (GC.test(sym)) return '(garbage collector)';
  return sym;
}

function samplesOf(file: string): Sample[] {
  const text = execFileSync('perf', ['script', '-i', file, '-F', 'pid,tid,ip,sym,dso'], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
  const samples: Sample[] = [];
  let current: Sample | undefined;
  for (const line of text.split('\n')) {
    const head = /^\s*(\d+)\/(\d+)\s*$/.exec(line);
    if (head) {
      current = { main: head[1] === head[2], frames: [] };
      samples.push(current);
      continue;
    }
    const frame = /^\s+[0-9a-f]+ (.*) \(([^()]*)\)$/.exec(line);
    if (frame && current) current.frames.push({ name: frameName(frame[1]!.replace(/\+0x[0-9a-f]+$/, '')), kernel: frame[2] === '[kernel.kallsyms]' });
  }
  return samples;
}

const partOf = (frames: Frame[]) => {
  for (const { name } of frames) {
    if (name === '(garbage collector)') return 'garbage collector';
    const part = PARTS.find(([, re]) => re.test(name))?.[0];
    if (part) return part;
  }
  return 'other';
};

/** The summary bench:proxy prints after a --perf run, and this script's output. */
export function perfParts(file: string, top = 20): string {
  const samples = samplesOf(file);
  const total = samples.length;
  if (total === 0) return `${file}: no samples\n`;
  const pct = (n: number) => `${((100 * n) / total).toFixed(1).padStart(5)} %`;
  const parts = new Map<string, number>();
  const self = new Map<string, number>();
  const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  let main = 0;
  let kernel = 0;
  for (const { main: onMain, frames } of samples) {
    if (!onMain) {
      const names = frames.map((f) => f.name);
      add(parts, names.some((n) => n === '(garbage collector)') ? 'helper threads: garbage collector' : names.some((n) => COMPILER.test(n)) ? 'helper threads: optimizing compiler' : 'helper threads: other');
      continue;
    }
    main += 1;
    const inKernel = frames[0]?.kernel ?? false;
    if (inKernel) kernel += 1;
    add(parts, `${inKernel ? 'kernel: ' : ''}${partOf(frames)}`);
    add(self, frames[0]?.name ?? '?');
  }
  const lines = [`${total} samples of the gateway on a CPU (all threads): main thread ${pct(main).trim()}, of it in the kernel ${pct(kernel).trim()}; helper threads ${pct(total - main).trim()}`, '', 'parts (share of all samples):'];
  for (const [part, n] of [...parts].sort((a, b) => b[1] - a[1])) lines.push(`${pct(n)}  ${part}`);
  lines.push('', `top ${top} frames of the main thread by self samples:`);
  for (const [frame, n] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${pct(n)}  ${frame}`);
  return `${lines.join('\n')}\n`;
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: perf-parts.ts <perf.data> [--top N]');
  const i = process.argv.indexOf('--top');
  process.stdout.write(perfParts(file, i > 0 ? Number(process.argv[i + 1]) || 20 : 20));
}
