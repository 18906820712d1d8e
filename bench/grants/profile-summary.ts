/**
 * npx tsx bench/grants/profile-summary.ts <dir or .cpuprofile files> [--top 25] — what a worker's CPU
 * profiles (bench/grants/cpu-profile.js) spent their samples on, per thread:
 *  - busy share (samples that were not "(idle)");
 *  - self time by where the leaf frame lives: a package under node_modules, a project folder, Node's
 *    own code, or V8 ("(garbage collector)", "(program)": native work not attributed to a JS frame);
 *  - inclusive time by project file (a sample counts once for each project file on its stack): the
 *    synchronous part of each activity and of the workflow code. Work resumed from a socket or a
 *    timer has no project frame above it and shows under its package only;
 *  - the top self frames.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { projectRoot } from '../../lib';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; parent?: number; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

function files(args: string[]): string[] {
  return args.flatMap((arg) => (statSync(arg).isDirectory()
    ? readdirSync(arg).filter((f) => f.endsWith('.cpuprofile')).sort().map((f) => join(arg, f))
    : [arg]));
}

/** Where a frame's code lives, as a short label. */
function place(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const path = url.replace(/^file:\/\//, '');
  const inModules = path.lastIndexOf('/node_modules/');
  if (inModules >= 0) {
    const rest = path.slice(inModules + '/node_modules/'.length).split('/');
    return `pkg ${rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  if (path.startsWith('node:')) return 'node internals';
  if (path.startsWith(projectRoot)) return `project ${relative(projectRoot, path).split('/')[0]}/`;
  // The workflow bundle is evaluated from a generated file name; its frames are workflow code and the SDK's workflow runtime.
  return `other ${basename(path).slice(0, 40)}`;
}

function projectFile(frame: CallFrame): string | undefined {
  const path = frame.url.replace(/^file:\/\//, '');
  if (!path.startsWith(projectRoot) || path.includes('/node_modules/')) return undefined;
  return relative(projectRoot, path);
}

function summarize(file: string, top: number): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const node of profile.nodes) for (const child of node.children ?? []) byId.get(child)!.parent = node.id;
  const ms = new Map<number, number>();
  profile.samples.forEach((id, i) => ms.set(id, (ms.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  let total = 0;
  let idle = 0;
  const self = new Map<string, number>();
  const places = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, time] of ms) {
    const node = byId.get(id)!;
    total += time;
    if (node.callFrame.functionName === '(idle)') {
      idle += time;
      continue;
    }
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^file:\/\//, '').replace(`${projectRoot}/`, '').replace(/^.*\/node_modules\//, '')}:${lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + time);
    const where = place(node.callFrame);
    places.set(where, (places.get(where) ?? 0) + time);
    const seen = new Set<string>();
    for (let at: ProfileNode | undefined = node; at; at = at.parent === undefined ? undefined : byId.get(at.parent)) {
      const mine = projectFile(at.callFrame);
      if (mine && !seen.has(mine)) {
        seen.add(mine);
        inclusive.set(mine, (inclusive.get(mine) ?? 0) + time);
      }
    }
  }
  const busy = total - idle;
  const pct = (x: number) => `${((100 * x) / busy).toFixed(1)} %`;
  const list = (title: string, entries: Map<string, number>, n: number) => {
    console.log(`\n${title}`);
    for (const [k, v] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`  ${pct(v).padStart(7)}  ${(v / 1000).toFixed(2).padStart(7)} s  ${k}`);
  };
  console.log(`\n=== ${basename(file)}: ${(total / 1000).toFixed(1)} s sampled, busy ${(busy / 1000).toFixed(2)} s (${((100 * busy) / total).toFixed(1)} % of the time); shares below are of the busy time`);
  list('self time by place', places, 15);
  list('inclusive time by project file (synchronous stacks only)', inclusive, 20);
  list('top self frames', self, top);
}

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
for (const file of files(args)) summarize(file, top);
