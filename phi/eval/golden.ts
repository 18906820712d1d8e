/**
 * npx tsx phi/eval/golden.ts [--against <rev>] — proves a change left detection byte for byte as
 * it was. Every document of every eval set (the seeded corpus notes and its text tables, held-out
 * sets 1-12, the PHI-free clinical corpus) and the bench's payloads go through today's engine and,
 * with `--against`, through the engine of <rev> loaded in the same process (eval/baseline.ts):
 * the findings of the maskText path (type, start, end, score), maskText's output and report under
 * the default policy and under a tokenizing one, the structured tables through maskRows and the
 * bench's JSON through maskJsonText. Any difference fails (exit 1); for a blind set only the
 * count of differing documents is printed, never their text. Without `--against` it prints the
 * golden hash (SHA-256 over every output) per set and overall, to quote in a commit message.
 */
import { createHash } from 'node:crypto';
import * as phiNow from '../index';
import * as maskTextNow from '../mask-text';
import type { Finding } from '../types';
import { loadBaselineFile, loadBaselinePhi, resolveCommit, type PhiModule } from './baseline';
import { clinicalSentences } from './clinical-corpus';
import { generateCorpus } from './corpus';
import { generateHeldOut } from './held-out';
import { generateWorldHeldOut } from './held-out-world';
import { generateThirdHeldOut } from './held-out-3';
import { generateFourthHeldOut } from './held-out-4';
import { generateFifthHeldOut } from './held-out-5';
import { generateSixthHeldOut } from './held-out-6';
import { generateSeventhHeldOut } from './held-out-7';
import { generateEighthHeldOut } from './held-out-8';
import { generateNinthHeldOut } from './held-out-9';
import { generateTenthHeldOut } from './held-out-10';
import { generateEleventhHeldOut } from './held-out-11';
import { join } from 'node:path';

interface Engine {
  phi: PhiModule;
  findInText: typeof maskTextNow.findInText;
}

interface TextSet {
  name: string;
  /** Blind sets print counts only. */
  blind: boolean;
  texts: readonly string[];
}

function textSets(): TextSet[] {
  const corpus = generateCorpus();
  const bench = generateCorpus({ notes: Math.ceil(400_000 / 2 / 260), tables: Math.ceil(400_000 / 4_000) });
  const texts = (docs: readonly { text: string }[]) => docs.map((d) => d.text);
  return [
    { name: 'corpus notes', blind: false, texts: texts(corpus.notes) },
    { name: 'corpus text tables', blind: false, texts: texts(corpus.textTables) },
    { name: 'bench:phi --quick notes', blind: false, texts: texts(bench.notes) },
    { name: 'set 1', blind: false, texts: texts(generateHeldOut()) },
    { name: 'set 2', blind: false, texts: texts(generateWorldHeldOut()) },
    { name: 'set 3', blind: false, texts: texts(generateThirdHeldOut()) },
    { name: 'set 4', blind: false, texts: texts(generateFourthHeldOut()) },
    { name: 'set 5', blind: true, texts: texts(generateFifthHeldOut()) },
    { name: 'set 6', blind: true, texts: texts(generateSixthHeldOut()) },
    { name: 'set 7', blind: true, texts: texts(generateSeventhHeldOut()) },
    { name: 'set 8', blind: false, texts: texts(generateEighthHeldOut()) },
    { name: 'set 9', blind: false, texts: texts(generateNinthHeldOut()) },
    { name: 'set 10', blind: true, texts: texts(generateTenthHeldOut()) },
    { name: 'set 11', blind: true, texts: texts(generateEleventhHeldOut()) },
    ...heldOutTwelve(),
    { name: 'PHI-free clinical corpus', blind: false, texts: clinicalSentences() },
  ];
}

/** Set 12 once it exists (this file predates it); loaded by name so the check runs on either side of it. */
function heldOutTwelve(): TextSet[] {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require(join(__dirname, 'held-out-12')) as { generateTwelfthHeldOut(): { text: string }[] };
    return [{ name: 'set 12', blind: true, texts: m.generateTwelfthHeldOut().map((d) => d.text) }];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return [];
    throw error;
  }
}

const TOKEN_KEY = { tokenKey: 'golden-token-key-0123456789abcdef' };
const findingsKey = (fs: readonly Finding[]) => fs.map((f) => `${f.type}:${f.start}-${f.end}@${f.score}`).join(',');

/** Everything the engine says about one text, as one string. */
function outputsOf(engine: Engine, text: string): string {
  const { phi } = engine;
  const redact = phi.parseMaskingPolicy({});
  const tokenizing = phi.parseMaskingPolicy({ operators: { NAME: 'tokenize', MRN: 'tokenize', DATE: 'generalize' } });
  const masked = phi.maskText(text, redact, TOKEN_KEY);
  const tokenized = phi.maskText(text, tokenizing, TOKEN_KEY);
  return JSON.stringify([findingsKey(engine.findInText(text, redact)), findingsKey(phi.scanText(text)), masked.text, masked.report, tokenized.text, tokenized.report]);
}

/** The structured side: corpus tables through maskRows, the bench's JSON through maskJsonText. */
function structuredOutputs(engine: Engine): string[] {
  const { phi } = engine;
  const redact = phi.parseMaskingPolicy({});
  const corpus = generateCorpus();
  const bench = generateCorpus({ notes: 1, tables: 100 });
  const out = corpus.tables.map((t) => JSON.stringify(phi.maskRows(t.columns, t.rows, redact, TOKEN_KEY)));
  const json = JSON.stringify(bench.tables.map((t, i) => (i % 4 === 3 ? { records: t.rows.map((row) => Object.fromEntries(t.columns.map((c, k) => [c, row[k]]))) } : { columns: t.columns, rows: t.rows })));
  out.push(JSON.stringify(phi.maskJsonText(json, redact, TOKEN_KEY)));
  return out;
}

function main(): number {
  const againstAt = process.argv.indexOf('--against');
  const now: Engine = { phi: phiNow, findInText: maskTextNow.findInText };
  let before: Engine | undefined;
  let commit = '';
  if (againstAt > 0) {
    const rev = process.argv[againstAt + 1];
    if (!rev) throw new Error('--against needs a revision');
    commit = resolveCommit(join(__dirname, '..', '..'), rev);
    before = { phi: loadBaselinePhi(commit), findInText: (loadBaselineFile(commit, 'mask-text.ts') as typeof maskTextNow).findInText };
  }
  const overall = createHash('sha256');
  let differing = 0;
  let documents = 0;
  const sets = [...textSets(), { name: 'structured tables and bench JSON', blind: false, texts: [] as string[] }];
  for (const set of sets) {
    const hash = createHash('sha256');
    let diff = 0;
    const structured = set.texts.length === 0;
    const mine = structured ? structuredOutputs(now) : set.texts.map((t) => outputsOf(now, t));
    const theirs = before ? (structured ? structuredOutputs(before) : set.texts.map((t) => outputsOf(before!, t))) : undefined;
    mine.forEach((out, i) => {
      hash.update(out).update('\0');
      if (theirs && theirs[i] !== out) {
        diff++;
        if (!set.blind && diff <= 3) {
          const old = theirs[i]!;
          let at = 0;
          while (at < out.length && out[at] === old[at]) at++;
          const from = Math.max(0, at - 120);
          console.log(`  differs: ${set.name} #${i} at output character ${at}\n    before ${old.slice(from, at + 200)}\n    now    ${out.slice(from, at + 200)}`);
        }
      }
    });
    const digest = hash.digest('hex');
    overall.update(digest);
    documents += mine.length;
    differing += diff;
    console.log(`${set.name.padEnd(34)} ${String(mine.length).padStart(5)} docs  ${digest.slice(0, 16)}${theirs ? `  ${diff ? `${diff} DIFFER` : 'identical'}` : ''}`);
  }
  console.log(`golden ${overall.digest('hex')} over ${documents} documents${before ? `; against ${commit.slice(0, 12)}: ${differing ? `${differing} DIFFER` : 'every output identical'}` : ''}`);
  return differing ? 1 : 0;
}

process.exitCode = main();
