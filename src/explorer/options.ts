/**
 * Options of `explore`/`check`/`replay`/`run`: validated once, at the boundary, with the
 * environment overrides applied (`INTERLEAVE_SEED`, `INTERLEAVE_RUNS`, `INTERLEAVE_TIME_LIMIT`,
 * `INTERLEAVE_REPLAY`, `INTERLEAVE_CHECK_DETERMINISM` win over the options in code, so CI can steer a suite without edits).
 */
import { randomBytes } from 'node:crypto';
import { show } from '../scheduler/errors.js';
import type { Detect } from '../scheduler/loop.js';

/**
 * Search strategies; see the README for what each guarantees.
 *
 * @example
 * ```ts
 * await explore(program, { strategy: 'dfs', preemptionBound: 2 });
 * ```
 */
export type StrategyName = 'random' | 'pct' | 'pos' | 'surw' | 'dfs' | 'portfolio';

/** Every strategy name, in the order the docs list them. */
export const STRATEGIES: readonly StrategyName[] = ['random', 'pct', 'pos', 'surw', 'dfs', 'portfolio'];

/**
 * What the explorer treats as a failure.
 *
 * @example
 * ```ts
 * await explore(program, { detect: { leaks: false, lockOrder: true } });
 * ```
 */
export interface DetectOptions {
  /** No task can run and the program has not finished. @defaultValue true */
  deadlock?: boolean;
  /** The program returned while tasks stayed blocked forever. @defaultValue true */
  leaks?: boolean;
  /** A spawned task failed and nothing awaited it. @defaultValue true */
  unhandled?: boolean;
  /** Locks taken in inconsistent orders, even when no deadlock happened. @defaultValue false */
  lockOrder?: boolean;
}

/**
 * Options of {@link explore} and {@link check}.
 *
 * @example
 * ```ts
 * await explore(program, { runs: 10_000, timeLimit: 30_000, seed: 'ci-42', maxSteps: 5_000 });
 * ```
 */
export interface ExploreOptions {
  /** The search strategy. @defaultValue 'portfolio' (rotates random, SURW, POS, PCT and dfs schedules) */
  strategy?: StrategyName;
  /** Maximum number of schedules. @defaultValue 1000 */
  runs?: number;
  /** Real-time budget of the search in ms. @defaultValue no limit */
  timeLimit?: number;
  /** Seed of the search. @defaultValue a fresh seed per call, printed in every report */
  seed?: number | string;
  /** PCT bug depth. @defaultValue 3 */
  depth?: number;
  /** dfs: maximum preemptions per schedule. @defaultValue unbounded */
  preemptionBound?: number;
  /**
   * dfs: partial-order reduction (optimal DPOR). Setting it declares that tasks share state only
   * through `Shared` and interleaved's primitives: a plain variable two tasks both touch is
   * invisible to the reduction, which would then skip schedules. Off, dfs runs every schedule.
   * @defaultValue false
   */
  dpor?: boolean;
  /**
   * Steps per schedule. A schedule that reaches it is continued fairly from its first half
   * (random choices); only if that does not finish either is it reported as a 'step-limit'
   * failure (a livelock, naming the tasks that kept running). @defaultValue 10000
   */
  maxSteps?: number;
  /** Shrink a failing schedule before reporting it. @defaultValue true */
  minimize?: boolean;
  /** Run this token first (and only it, unless `runs` is also given). */
  replay?: string;
  /** Virtualise setTimeout/setInterval/setImmediate/Date/performance.now in runs. @defaultValue false */
  fakeTimers?: boolean;
  /**
   * Replay each explored schedule and report a differing trace as 'nondeterministic', naming the
   * first step where the two runs diverge and the likely cause. `INTERLEAVE_CHECK_DETERMINISM`
   * overrides it: `1` or `true` checks every schedule, `N` every N-th, `0` or `false` none.
   * @defaultValue false
   */
  checkDeterminism?: boolean;
  /** Failure detectors; a partial object merges with the defaults. */
  detect?: DetectOptions;
  /** Called about every 100 ms of search with its progress. */
  onProgress?: (progress: { runs: number; distinct: number; elapsedMs: number }) => void;
  /** The test's name, for the reproduce line of reports (set by `exploreTest`). */
  testName?: string;
  /**
   * Path of a failure corpus written by `interleaved fuzz` (`.interleaved/failures.json`). Its
   * entries for this program are replayed before the search: those whose scenario is
   * `testName` or ends with `#testName`, or every entry when there is no `testName`. An entry
   * that fails again is reported like a failure of the search; one whose schedule no longer
   * fits the program (it was changed) is skipped. A missing file holds no entries.
   * @defaultValue no corpus
   * @example
   * ```ts
   * exploreTest('transfers', transfers, { corpus: '.interleaved/failures.json' });
   * ```
   */
  corpus?: string;
}

export interface Resolved {
  strategy: StrategyName;
  runs: number;
  runsGiven: boolean;
  timeLimit: number;
  seed: string;
  depth: number;
  preemptionBound: number;
  dpor: boolean;
  maxSteps: number;
  minimize: boolean;
  replay: string | undefined;
  fakeTimers: boolean;
  /** Replay every N-th schedule to check it is deterministic (0: never). */
  checkDeterminism: number;
  detect: Detect;
  onProgress: ExploreOptions['onProgress'];
  testName: string | undefined;
  corpus: string | undefined;
}

const KNOWN = new Set([
  'strategy', 'runs', 'timeLimit', 'seed', 'depth', 'preemptionBound', 'dpor', 'maxSteps', 'minimize', 'replay',
  'fakeTimers', 'checkDeterminism', 'detect', 'onProgress', 'testName', 'corpus',
]);

function integer(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`Expected \`${name}\` to be an integer >= ${min}, got ${show(value)}`);
  }
  return value;
}

function bool(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`Expected \`${name}\` to be a boolean, got ${show(value)}`);
  return value;
}

function envInteger(name: string, min: number): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new RangeError(`Expected the environment variable ${name} to be an integer >= ${min}, got ${show(raw)}`);
  return n;
}

/** `INTERLEAVE_CHECK_DETERMINISM`: every N-th schedule, or undefined when unset. */
function envEvery(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'true') return 1;
  if (raw === 'false') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`Expected the environment variable ${name} to be true, false or an integer N >= 0 (check every N-th schedule), got ${show(raw)}`);
  }
  return n;
}

/** A fresh seed for a search that was given none (outside any run: not a scheduling decision). */
function freshSeed(): string {
  return String(randomBytes(4).readUInt32BE(0));
}

export function resolveOptions(options: ExploreOptions | undefined, programArg: unknown): Resolved {
  if (typeof programArg !== 'function') throw new TypeError(`Expected \`program\` to be an async function, got ${show(programArg)}`);
  const o = options ?? {};
  if (typeof o !== 'object' || o === null) throw new TypeError(`Expected \`options\` to be an object, got ${show(o)}`);
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) throw new TypeError(`Unknown option \`${key}\`: the options are ${[...KNOWN].join(', ')}`);
  }
  const strategy = o.strategy ?? 'portfolio';
  if (!STRATEGIES.includes(strategy)) {
    throw new RangeError(`Expected \`strategy\` to be one of ${STRATEGIES.map((n) => `'${n}'`).join(', ')}, got ${show(strategy)}`);
  }
  const envRuns = envInteger('INTERLEAVE_RUNS', 1);
  const envTime = envInteger('INTERLEAVE_TIME_LIMIT', 1);
  const envSeed = process.env['INTERLEAVE_SEED'];
  const envReplay = process.env['INTERLEAVE_REPLAY'];
  const runsOpt = o.runs === undefined ? undefined : integer('runs', o.runs, 1);
  const seedOpt = o.seed;
  if (seedOpt !== undefined && typeof seedOpt !== 'number' && typeof seedOpt !== 'string') {
    throw new TypeError(`Expected \`seed\` to be a number or a string, got ${show(seedOpt)}`);
  }
  if (o.replay !== undefined && typeof o.replay !== 'string') throw new TypeError(`Expected \`replay\` to be a token string, got ${show(o.replay)}`);
  if (o.corpus !== undefined && (typeof o.corpus !== 'string' || o.corpus === '')) {
    throw new TypeError(`Expected \`corpus\` to be the path of a corpus file, got ${show(o.corpus)}`);
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
    throw new TypeError(`Expected \`onProgress\` to be a function, got ${show(o.onProgress)}`);
  }
  const d = o.detect ?? {};
  if (typeof d !== 'object' || d === null) throw new TypeError(`Expected \`detect\` to be an object, got ${show(d)}`);
  for (const key of Object.keys(d)) {
    if (!['deadlock', 'leaks', 'unhandled', 'lockOrder'].includes(key)) {
      throw new TypeError(`Unknown detector \`detect.${key}\`: the detectors are deadlock, leaks, unhandled, lockOrder`);
    }
  }
  const replay = envReplay !== undefined && envReplay !== '' ? envReplay : o.replay;
  return {
    strategy,
    runs: envRuns ?? runsOpt ?? 1000,
    runsGiven: envRuns !== undefined || runsOpt !== undefined,
    timeLimit: envTime ?? (o.timeLimit === undefined ? Infinity : integer('timeLimit', o.timeLimit, 1)),
    seed: envSeed !== undefined && envSeed !== '' ? envSeed : seedOpt === undefined ? freshSeed() : String(seedOpt),
    depth: o.depth === undefined ? 3 : integer('depth', o.depth, 1),
    preemptionBound: o.preemptionBound === undefined ? Infinity : integer('preemptionBound', o.preemptionBound, 0),
    dpor: bool('dpor', o.dpor, false),
    maxSteps: o.maxSteps === undefined ? 10_000 : integer('maxSteps', o.maxSteps, 1),
    minimize: bool('minimize', o.minimize, true),
    replay,
    fakeTimers: bool('fakeTimers', o.fakeTimers, false),
    checkDeterminism: envEvery('INTERLEAVE_CHECK_DETERMINISM') ?? (bool('checkDeterminism', o.checkDeterminism, false) ? 1 : 0),
    detect: {
      deadlock: bool('detect.deadlock', d.deadlock, true),
      leaks: bool('detect.leaks', d.leaks, true),
      unhandled: bool('detect.unhandled', d.unhandled, true),
      lockOrder: bool('detect.lockOrder', d.lockOrder, false),
    },
    onProgress: o.onProgress,
    testName: o.testName,
    corpus: o.corpus,
  };
}
