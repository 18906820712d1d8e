/**
 * One shared keyword pass (issue 17's speed work). Many detectors look for a word from a list
 * ("moved from", "member id", "Calle", "Mrs") and read what follows with a regex; run over the
 * whole text, each such regex is tried at every position. Instead, every list is registered here
 * (`cueSet`), and one case-folding Aho–Corasick automaton over all of them finds, in a single pass
 * per text, every place where some list's word starts. A detector then runs its own regex sticky
 * at its list's places only (`eachMatchAt`), which finds exactly what one global scan finds as long
 * as every match of the regex starts with one of the list's words (the places are a superset:
 * folding is wider than any regex flag's, and words are cut at their first blank).
 *
 * Hand-written rather than a package: the npm Aho–Corasick packages measured (modern-ahocorasick
 * 3.3.0, MIT: grapheme-cluster aware, over ten minutes for one count over the bench's 1 MB) are
 * built for other needs; this one is a dense table over the lists' own letters (UTF-16 code units
 * folded through one 64 K lookup), ~6 ms per MB for 150 words, as cheap as one of V8's literal
 * alternations while finding overlapping words and every list at once.
 */

export interface CueSetOptions {
  /**
   * Keep a place only when the character before it is not an ASCII letter ('letter') or neither an
   * ASCII letter nor a digit ('letter or digit'): only when the regex itself requires that (a
   * lookbehind such as (?<![A-Za-z0-9]) or (?<![\p{L}]), or \b before a word whose first letter
   * is ASCII). Applied to the words starting with a-z or 0-9 only.
   */
  after?: 'letter' | 'letter or digit';
  /** Keep words whole, blanks included (the regex writes them with single literal spaces). Default: cut at the first blank. */
  whole?: boolean;
}

export interface CueSet {
  readonly id: number;
}

interface Registered {
  words: string[];
  /** 0: any character before; 1: no ASCII letter; 2: no ASCII letter or digit. */
  before: number;
}

const sets: Registered[] = [];
let automaton: CueAutomaton | undefined;

/** Registers a list of cue words (at module load); its places are found by the shared pass. */
export function cueSet(words: readonly string[], options: CueSetOptions = {}): CueSet {
  const cut = options.whole ? words : words.map((w) => w.split(/[ \t]/)[0]!);
  const folded = [...new Set(cut.map((w) => w.toLowerCase()).filter((w) => w.length > 0))];
  sets.push({ words: folded, before: options.after === 'letter' ? 1 : options.after === 'letter or digit' ? 2 : 0 });
  automaton = undefined;
  recentTexts.fill(undefined);
  recentHits.fill(undefined);
  return { id: sets.length - 1 };
}

/** Where each registered list's words start in one text, ascending, each place once. */
export class CueHits {
  constructor(private readonly places: readonly Int32Array[]) {}

  at(set: CueSet): Int32Array {
    return this.places[set.id]!;
  }

  has(set: CueSet): boolean {
    return this.places[set.id]!.length > 0;
  }
}

/**
 * The last few texts scanned, newest first: a scan's layers after the detectors (record numbers)
 * read the same places after the decoders have scanned the strings they decoded.
 */
const RECENT = 4;
const recentTexts: (string | undefined)[] = new Array<string | undefined>(RECENT).fill(undefined);
const recentHits: (CueHits | undefined)[] = new Array<CueHits | undefined>(RECENT).fill(undefined);
let newest = 0;

/** The shared pass over `text`, computed once for each of the last few texts asked about. */
export function cueHits(text: string): CueHits {
  for (let k = 0; k < RECENT; k++) if (recentTexts[k] === text) return recentHits[k]!;
  automaton ??= new CueAutomaton(sets);
  const hits = automaton.scan(text);
  newest = (newest + 1) % RECENT;
  recentTexts[newest] = text;
  recentHits[newest] = hits;
  return hits;
}

const sticky = new Map<RegExp, RegExp>();
const guards = new Map<RegExp, CueSet>();

/**
 * Declares that every match of `pattern` starts where a word of `set` starts (what lets it run at
 * those places only). Kept so a test can check each such pair on the eval texts
 * (test/phi/cues.test.ts): a pattern changed so that it can match elsewhere fails there.
 */
export function guarded(pattern: RegExp, set: CueSet): RegExp {
  guards.set(pattern, set);
  return pattern;
}

/** Every pattern declared with guarded() or run by eachMatchAt, with its cue set. */
export function guardedPatterns(): ReadonlyMap<RegExp, CueSet> {
  return guards;
}

/** The sticky twin of a pattern (same source and flags, 'y' for 'g'). */
export function stickyOf(pattern: RegExp): RegExp {
  let at = sticky.get(pattern);
  if (!at) {
    at = new RegExp(pattern.source, pattern.flags.replace('g', '') + 'y');
    sticky.set(pattern, at);
  }
  return at;
}

/**
 * eachMatch(pattern, text, onMatch) for a global pattern every match of which starts where a word
 * of `set` starts: the pattern runs sticky at those places only, resuming after each match as the
 * global scan does, so the matches and their order are the same.
 */
export function eachMatchAt(pattern: RegExp, text: string, set: CueSet, onMatch: (match: RegExpExecArray) => void): void {
  if (!pattern.global) throw new Error(`pattern ${pattern.source} must be global`);
  if (guards.get(pattern) !== set) guards.set(pattern, set);
  const at = stickyOf(pattern);
  const places = cueHits(text).at(set);
  let resume = 0;
  for (let i = 0; i < places.length; i++) {
    const place = places[i]!;
    if (place < resume) continue;
    at.lastIndex = place;
    const match = at.exec(text);
    if (match === null || match[0].length === 0) continue;
    resume = place + match[0].length;
    onMatch(match);
  }
}

class CueAutomaton {
  private readonly classOf: Uint8Array;
  private readonly width: number;
  /** Next state (times width; complemented when it has outputs) for state (times width) plus a character class. */
  private readonly next: Int32Array;
  /** Per state: where its outputs start in `outputs`, or -1. */
  private readonly firstOutput: Int32Array;
  /** Outputs of a state: (set, word length, check of the character before) triples, ended by -1. */
  private readonly outputs: Int32Array;
  private readonly setCount: number;
  private buffer = new Int32Array(1024);
  /** The hits of a text where no list's word occurs. */
  private readonly none: CueHits;

  constructor(registered: readonly Registered[]) {
    this.setCount = registered.length;
    this.none = new CueHits(registered.map(() => NO_PLACES));
    const alphabet = new Map<string, number>();
    for (const set of registered) for (const word of set.words) for (const ch of word) if (!alphabet.has(ch)) alphabet.set(ch, alphabet.size + 1);
    if (alphabet.size > 254) throw new Error('cue alphabet too large');
    const width = (this.width = alphabet.size + 1);
    // Every code unit whose lower case, or the lower case of its upper case, is a letter of the
    // words (so "ſ" counts as "s" and the Kelvin sign as "k", as a /iu regex folds them).
    const classOf = (this.classOf = new Uint8Array(65536));
    for (let c = 0; c < 65536; c++) {
      // Ranges without case (CJK ideographs, Hangul syllables, surrogates, private use): nothing there folds to a letter.
      if (c === 0x3400) c = 0x4dc0;
      else if (c === 0x4e00) c = 0xa000;
      else if (c === 0xac00) c = 0xf900;
      const s = String.fromCharCode(c);
      const lower = s.toLowerCase();
      let id = lower.length === 1 ? alphabet.get(lower) : undefined;
      if (id === undefined) {
        const upper = s.toUpperCase();
        const back = upper.length === 1 ? upper.toLowerCase() : '';
        id = back.length === 1 ? alphabet.get(back) : undefined;
      }
      if (id !== undefined) classOf[c] = id;
    }
    const goto: number[][] = [new Array<number>(width).fill(-1)];
    const out: number[][] = [[]];
    registered.forEach((set, setId) => {
      for (const word of set.words) {
        let state = 0;
        for (const ch of word) {
          const a = alphabet.get(ch)!;
          if (goto[state]![a] === -1) {
            goto[state]![a] = goto.length;
            goto.push(new Array<number>(width).fill(-1));
            out.push([]);
          }
          state = goto[state]![a]!;
        }
        const code = word.charCodeAt(0);
        out[state]!.push(setId, word.length, (code >= 97 && code <= 122) || (code >= 48 && code <= 57) ? set.before : 0);
      }
    });
    const fail = new Array<number>(goto.length).fill(0);
    const queue: number[] = [];
    for (let a = 0; a < width; a++) {
      const t = goto[0]![a]!;
      if (t === -1) goto[0]![a] = 0;
      else queue.push(t);
    }
    for (let head = 0; head < queue.length; head++) {
      const s = queue[head]!;
      out[s]!.push(...out[fail[s]!]!);
      for (let a = 0; a < width; a++) {
        const t = goto[s]![a]!;
        if (t === -1) goto[s]![a] = goto[fail[s]!]![a]!;
        else {
          fail[t] = goto[fail[s]!]![a]!;
          queue.push(t);
        }
      }
    }
    const states = goto.length;
    // A state with outputs is written complemented (negative) in `next`, so the loop tests the state it reads.
    this.next = new Int32Array(states * width);
    for (let s = 0; s < states; s++) {
      for (let a = 0; a < width; a++) {
        const t = goto[s]![a]!;
        this.next[s * width + a] = out[t]!.length > 0 ? ~(t * width) : t * width;
      }
    }
    this.firstOutput = new Int32Array(states * width).fill(-1);
    const list: number[] = [];
    for (let s = 0; s < states; s++) {
      if (out[s]!.length === 0) continue;
      this.firstOutput[s * width] = list.length;
      list.push(...out[s]!, -1);
    }
    this.outputs = Int32Array.from(list);
  }

  scan(text: string): CueHits {
    const { classOf, next, firstOutput, outputs } = this;
    // (set, start) pairs in the order their words end, then split by set (the buffer is reused: most texts are short).
    let hits = this.buffer;
    let count = 0;
    let state = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      state = next[state + classOf[text.charCodeAt(i)]!]!;
      if (state >= 0) continue;
      state = ~state;
      for (let o = firstOutput[state]!; outputs[o]! >= 0; o += 3) {
        const start = i + 1 - outputs[o + 1]!;
        const check = outputs[o + 2]!;
        if (check !== 0 && start > 0) {
          const before = text.charCodeAt(start - 1);
          const letter = (before | 32) >= 97 && (before | 32) <= 122;
          if (letter || (check === 2 && before >= 48 && before <= 57)) continue;
        }
        if (count + 2 > hits.length) {
          const grown = new Int32Array(hits.length * 2);
          grown.set(hits);
          hits = this.buffer = grown;
        }
        hits[count++] = outputs[o]!;
        hits[count++] = start;
      }
    }
    if (count === 0) return this.none;
    const sizes = new Int32Array(this.setCount);
    for (let k = 0; k < count; k += 2) sizes[hits[k]!]!++;
    const places = Array.from(sizes, (size) => (size === 0 ? NO_PLACES : new Int32Array(size)));
    const filled = new Int32Array(this.setCount);
    // Places arrive in the order their words end: a set's list needs sorting only when a longer word started earlier.
    const unsorted = new Uint8Array(this.setCount);
    for (let k = 0; k < count; k += 2) {
      const set = hits[k]!;
      const start = hits[k + 1]!;
      const f = filled[set]!;
      const list = places[set]!;
      if (f > 0 && start <= list[f - 1]!) unsorted[set] = 1;
      list[f] = start;
      filled[set] = f + 1;
    }
    return new CueHits(places.map((list, set) => (unsorted[set] ? sortedUnique(list) : list)));
  }
}

const NO_PLACES = new Int32Array(0);

function sortedUnique(places: Int32Array): Int32Array {
  const sorted = places.sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[n++] = sorted[i]!;
  return sorted.subarray(0, n);
}
