/**
 * npx tsx bench/proxy/profile-parts.ts <gateway .cpuprofile> [--top N] — what a gateway profile
 * (BENCH_PROFILE_DIR) spent its busy time on: each sample counted once, in the first part (below)
 * that its innermost frames match, module loading left out; then the top frames by self time.
 * Kernel rows (socket writes) are wall time in the syscall, descheduling included on a loaded machine;
 * the parts are printed a second time as shares of busy without them.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

export const STARTUP = /Module\._compile|Module\._load|compileForInternalLoader|nm\/tsx|nm\/esbuild|esm\/hooks|wrapSafe|loadESM/;
/** The parts of a gateway's work, by frame name (`function path:line`, node_modules as nm/): a sample counts in the first part its innermost frames match. */
export const PARTS: [string, RegExp][] = [
  ['socket writes to Redis (kernel)', /^writeUtf8String |^writeBuffer /],
  ['socket writes, HTTP (kernel)', /^writev /],
  ['garbage collector', /^\(garbage collector\)/],
  ['recording entry (zod, canonical JSON, secret check)', /^\S+ audit\//],
  ['ioredis (without the kernel write)', /nm\/ioredis|nm\/redis-parser/],
  ['SDK server transport, Hono, web streams, undici Response', /nm\/@hono|nm\/@modelcontextprotocol\/(node|server)\/dist\/index|webstreams|deps\/undici/],
  ['event store', /proxy\/event-store/],
  ['upstream HTTP client (http-upstream.ts, node http client or undici)', /proxy\/http-upstream|_http_client|_http_agent|nm\/undici\//],
  ['masking, decisions, policy', /proxy\/(masking|decisions|phi-masker|mcp-structure|command-policy|row-limit|phi-predicates)|^\S+ (phi|policy)\//],
  ['era classification', /proxy\/modern\/era/],
  ['SDK zod guards and schemas', /nm\/zod|nm\/@modelcontextprotocol\/(core|server|client)\/dist\/src-|^\(anon\) :3$/],
  ['gateway route, auth, body', /proxy\/(gateway|http-body|request-origin|grant-cache)|lib\/(grant-store|crypto)/],
  ['session, client transport', /proxy\/(session|client-transport|message-text)/],
  ['node http server', /_http_server|_http_incoming|_http_common|_http_outgoing/],
  ['net, streams', /node:net|internal\/streams|stream_base/],
];

function main(): void {
  const file = process.argv[2];
  if (!file) throw new Error('usage: profile-parts.ts <file.cpuprofile> [--top N]');
  const top = Number(process.argv[process.argv.indexOf('--top') + 1]) || 20;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Paths as the gateway's tree names them (this tree, or a --before copy in /tmp).
  const name = (n: ProfileNode) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/.*node_modules\//, 'nm/').replace(/^file:\/\//, '').replace(/.*\/gatehouse-bench-before-[^/]+\//, '').replace(/^\/.*?\/(proxy|audit|lib|phi|policy)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
  const selfTime = new Map<number, number>();
  profile.samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const stack = (id: number) => {
    const names: string[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) names.push(name(byId.get(cur)!));
    return names;
  };
  const parts = new Map<string, number>();
  const frames = new Map<string, number>();
  let busy = 0;
  let startup = 0;
  for (const [id, us] of selfTime) {
    if (byId.get(id)!.callFrame.functionName === '(idle)') continue;
    busy += us;
    const names = stack(id);
    if (names.some((n) => STARTUP.test(n))) {
      startup += us;
      continue;
    }
    const part = names.map((n) => PARTS.find(([, re]) => re.test(n))?.[0]).find((p) => p !== undefined) ?? 'other';
    parts.set(part, (parts.get(part) ?? 0) + us);
    frames.set(names[0]!, (frames.get(names[0]!) ?? 0) + us);
  }
  const counted = busy - startup;
  const pct = (us: number) => `${((100 * us) / counted).toFixed(1).padStart(5)} %`;
  process.stdout.write(`busy ${(busy / 1000).toFixed(0)} ms, module loading ${(startup / 1000).toFixed(0)} ms (left out)\n\nparts:\n`);
  for (const [part, us] of [...parts].sort((a, b) => b[1] - a[1])) process.stdout.write(`${pct(us)}  ${part}\n`);
  // The kernel rows are wall time inside the write: on 2 cores a write that wakes Redis or the peer
  // is often descheduled there (the gateway's system time was ~10 % of its CPU in /proc when these
  // rows held 20-30 % of busy). The same parts as shares of the rest:
  const kernel = [...parts].filter(([part]) => part.endsWith('(kernel)')).reduce((sum, [, us]) => sum + us, 0);
  process.stdout.write(`\nparts as shares of busy without the socket-write rows (${pct(kernel).trim()} of busy left out):\n`);
  for (const [part, us] of [...parts].filter(([name]) => !name.endsWith('(kernel)')).sort((a, b) => b[1] - a[1])) {
    process.stdout.write(`${((100 * us) / (counted - kernel)).toFixed(1).padStart(5)} %  ${part}\n`);
  }
  process.stdout.write(`\ntop ${top} frames by self time:\n`);
  for (const [frame, us] of [...frames].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${pct(us)}  ${frame}\n`);
}

if (require.main === module) main();
