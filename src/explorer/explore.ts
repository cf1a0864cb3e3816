/**
 * `explore`, `check`, `replay`, `run`: the search driver.
 *
 * A search runs schedules chosen by the strategy until one fails, the run budget or the time
 * budget ends, or the strategy is exhausted. A failing schedule is shrunk (fewer preemptions,
 * then fewer steps) by replaying edited choice sequences, and reported with its token, the
 * seed, the kind, and the per-task timeline. Memory stays flat however many schedules run: per
 * schedule only a 53-bit hash is kept (see distinct.ts), and traces are materialised only for
 * failures.
 */
import { currentTask } from '../scheduler/context.js';
import { host } from '../scheduler/host.js';
import type { FailureKind, RunEnd, TraceEvent } from '../scheduler/loop.js';
import { corpusTokens } from './corpus.js';
import { DfsStrategy } from './dfs.js';
import { DistinctCounter, hashChoices } from './distinct.js';
import { resolveOptions, type ExploreOptions, type Resolved } from './options.js';
import { PctStrategy } from './pct.js';
import { PortfolioStrategy } from './portfolio.js';
import { PosStrategy } from './pos.js';
import { RandomStrategy } from './random.js';
import { FIFO, rebuild, regenerate } from './regenerate.js';
import { HEAD, ReplayChooser, choicesOf, type Departures } from './replay.js';
import { buildMessage, errorText } from './report.js';
import { shrink } from './shrink.js';
import { runSchedule, type RunConfig, type ScheduleResult } from './runner.js';
import { runPrng, seedKey, type Chooser, type RunRecipe, type Strategy } from './strategy.js';
import { FLAG_CONTEXT, FLAG_FAKE_TIMERS, MAX_TOKEN_LENGTH, TokenError, decodeToken, encodeRecipe, encodeSparse, hashOfChoices, type Schedule } from './token.js';
import { SurwStrategy } from './surw.js';

export type { TraceEvent } from '../scheduler/loop.js';

export type { FailureKind } from '../scheduler/loop.js';

/**
 * A failing schedule, with everything needed to understand and replay it.
 *
 * @example
 * ```ts
 * const { failure } = await check(program);
 * if (failure) console.log(failure.kind, failure.token, formatTrace(failure.trace));
 * ```
 */
export interface Failure {
  kind: FailureKind;
  /** The thrown error, or an Error describing the deadlock, leak, limit, … */
  error: unknown;
  /** The full report: kind, error, seed, token, timeline, how to reproduce. */
  message: string;
  /** Replays exactly this schedule: `replay(program, token)`. */
  token: string;
  /** 0-based index of the schedule that failed. */
  runIndex: number;
  steps: number;
  preemptions: number;
  trace: TraceEvent[];
  /** True when the schedule was shrunk before reporting. */
  minimized: boolean;
}

/**
 * The outcome of a search.
 *
 * @example
 * ```ts
 * const report = await check(program, { runs: 5000 });
 * console.log(report.ok, report.runs, report.distinct, report.seed);
 * ```
 */
export interface ExploreReport {
  ok: boolean;
  /** Schedules run (not counting shrinking). */
  runs: number;
  /** Distinct schedules among them. */
  distinct: number;
  /** True when the strategy ran every schedule it could (dfs). */
  exhausted: boolean;
  elapsedMs: number;
  seed: string;
  strategy: string;
  failure?: Failure;
}

/**
 * The outcome of one schedule (`replay`, `run`).
 *
 * @example
 * ```ts
 * const result = await run(program);
 * console.log(result.ok, result.steps, result.time, result.token);
 * ```
 */
export interface RunResult {
  ok: boolean;
  failure?: Failure;
  token: string;
  steps: number;
  /** Virtual ms at the end of the run. */
  time: number;
  trace: TraceEvent[];
}

/**
 * A program under test: an async function that builds its state, spawns tasks and checks.
 *
 * @example
 * ```ts
 * const program: Program = async () => {
 *   const q = new Queue<number>(1);
 *   await gather(spawn(() => q.put(1)), spawn(() => q.get()));
 * };
 * ```
 */
export type Program = () => Promise<void> | void;

/**
 * Thrown by {@link explore} when a schedule fails; `report` holds the whole search outcome and
 * `message` the failure report.
 *
 * @example
 * ```ts
 * try {
 *   await explore(program);
 * } catch (e) {
 *   if (e instanceof InterleavingFailure) console.log(e.report.failure?.token);
 * }
 * ```
 */
export class InterleavingFailure extends Error {
  declare readonly report: ExploreReport;
  declare readonly failure: Failure;
  constructor(report: ExploreReport, failure: Failure) {
    super(failure.message, { cause: failure.error });
    this.name = 'InterleavingFailure';
    // Not enumerable: test runners print an error's own fields, and the message already says it all.
    Object.defineProperty(this, 'report', { value: report, enumerable: false });
    Object.defineProperty(this, 'failure', { value: failure, enumerable: false });
    Object.defineProperty(this, 'cause', { value: failure.error, enumerable: false, writable: true, configurable: true });
  }
}

function makeStrategy(o: Resolved): Strategy {
  switch (o.strategy) {
    case 'random':
      return RandomStrategy.seeded(o.seed);
    case 'pct':
      return PctStrategy.seeded(o.seed, o.depth);
    case 'dfs':
      return new DfsStrategy(o.preemptionBound, o.dpor);
    case 'pos':
      return PosStrategy.seeded(o.seed);
    case 'surw':
      return SurwStrategy.seeded(o.seed);
    case 'portfolio':
      return new PortfolioStrategy(o.seed, o);
  }
}

function configOf(o: Resolved, direct: boolean, trace: boolean, randomSeed: number): RunConfig {
  return { maxSteps: o.maxSteps, detect: o.detect, direct, trace, fakeTimers: o.fakeTimers, randomSeed };
}

/**
 * The seed of run `index`'s randomness (`Math.random`, …): the first 32 bits of that run's own
 * stream (`runPrng`) under a key of its own, independent of the strategy's choices; never 0 (a
 * token's "no seed"). A strategy whose runs build on its earlier ones (its recipe says
 * `history`: dfs, surw) keeps the seed of its first run for all of them: a replay token carries
 * one seed, and making run k again runs 0..k-1 with it.
 */
function runSeed(randomKey: string, index: number): number {
  return Math.floor(runPrng(randomKey, index)() * 2 ** 32) || 1;
}

/**
 * The token of a run: its departures from the default when they make a short token, else how
 * to regenerate it, else the departures however long (a replay of a long explicit token).
 */
export function tokenOf(result: ScheduleResult, departures: Departures | undefined, recipe: RunRecipe | undefined): string {
  const flags = (result.direct ? 0 : FLAG_CONTEXT) | (result.fakeTimers ? FLAG_FAKE_TIMERS : 0);
  let sparse: string | undefined;
  if (departures !== undefined) {
    const last = encodeSparse(flags, departures.last, result.randomSeed, 'last');
    const head = encodeSparse(flags, departures.head, result.randomSeed, 'head');
    sparse = head.length < last.length ? head : last;
  }
  if (sparse !== undefined && (sparse.length <= MAX_TOKEN_LENGTH || recipe === undefined)) return sparse;
  if (recipe === undefined) throw new Error('interleaved internal error: a run has neither its departures nor a recipe for its token');
  return encodeRecipe(flags, recipe, hashOfChoices(result.choices), result.randomSeed);
}

/** A run and what its token is made of. */
interface Made {
  result: ScheduleResult;
  departures?: Departures | undefined;
  recipe?: RunRecipe | undefined;
}

const tokenOfMade = (made: Made): string => tokenOf(made.result, made.departures, made.recipe);

/** Options as a token demands them: a schedule recorded with fake timers replays with them. */
function withFlags(o: Resolved, flags: number): Resolved {
  return (flags & FLAG_FAKE_TIMERS) !== 0 && !o.fakeTimers ? { ...o, fakeTimers: true } : o;
}

function failureOf(
  result: ScheduleResult,
  o: Pick<Resolved, 'testName'> & { seed?: string; strategy?: string },
  runIndex: number,
  minimized: boolean,
  token: string,
): Failure {
  const kind = result.end.kind as FailureKind;
  const trace = result.trace ?? [];
  const error = result.end.error;
  return {
    kind,
    error,
    token,
    runIndex,
    steps: result.steps,
    preemptions: result.preemptions,
    trace,
    minimized,
    message: buildMessage(kind, error, token, o.seed, o.strategy, runIndex, { ...result, trace, detail: result.end.detail }, minimized, o.testName),
  };
}

/**
 * Replays `choices` (strictly: divergence is nondeterminism), then `then` (default: no
 * preemption); records where it departed from each default.
 */
async function replayChoices(
  program: Program,
  choices: number[],
  randomSeed: number,
  o: Resolved,
  direct: boolean,
  strict: boolean,
  trace = true,
  then?: Chooser,
): Promise<Made> {
  const chooser = new ReplayChooser(choices, strict, then);
  const result = await runSchedule(program, chooser, configOf(o, direct, trace, randomSeed));
  if (strict && chooser.divergence !== undefined) {
    const then = result.end.kind === 'ok' ? '' : `\n(the diverged run then failed: ${errorText(result.end.error)})`;
    result.end = { kind: 'nondeterministic', error: new Error(chooser.divergence + then) };
  }
  return trace ? { result, departures: chooser.departures() } : { result };
}

/** Runs the schedule of a decoded token, traced. */
async function replaySchedule(program: Program, schedule: Schedule, options: Resolved): Promise<Made> {
  const o = withFlags(options, schedule.flags);
  const direct = (schedule.flags & FLAG_CONTEXT) === 0;
  if (schedule.form === 'choices') return replayChoices(program, schedule.choices, schedule.randomSeed, o, direct, true);
  if (schedule.form === 'sparse') {
    const then = schedule.fallback === 'head' ? HEAD : undefined;
    return replayChoices(program, choicesOf(schedule.deviations, schedule.fallback), schedule.randomSeed, o, direct, true, true, then);
  }
  const { recipe, hash } = schedule;
  const strategy = rebuild(recipe);
  if (strategy === undefined) {
    throw new TokenError(`${recipe.strategy}/${recipe.params}`, `no strategy '${recipe.strategy}' with parameters '${recipe.params}' is known to this interleaved`);
  }
  return { result: await regenerate(program, strategy, recipe, hash, configOf(o, direct, true, schedule.randomSeed)), recipe };
}

/** Runs are serialised: a search started from inside a run would wait for itself. */
function notNested(what: string): void {
  if (currentTask()?.loop.virtual === true) {
    throw new Error(`${what}() was called inside a controlled run: explorations can't nest; call it from the test, outside the program`);
  }
}

/**
 * How a replay of the same choices differs from the first run, in words: the first step whose
 * events differ and the likely cause, or undefined when they agree.
 */
function divergence(first: ScheduleResult, again: ScheduleResult): string | undefined {
  if (again.end.kind === 'nondeterministic') return `${errorText(again.end.error)}${causeOf(first, again)}`;
  const a = first.trace ?? [];
  const b = again.trace ?? [];
  let i = 0;
  while (i < a.length && i < b.length && JSON.stringify(a[i]) === JSON.stringify(b[i])) i++;
  if (i === a.length && i === b.length && again.end.kind === first.end.kind) return undefined;
  const show = (e: TraceEvent | undefined): string => (e === undefined ? 'the run ended' : `${e.task} ${e.op}${e.target === undefined ? '' : ` ${e.target}`}`);
  if (i === a.length && i === b.length) return `the same choices ended with '${again.end.kind}' instead of '${first.end.kind}'${causeOf(first, again)}`;
  const step = (a[i] ?? b[i])!.step;
  return `the same choices diverged at step ${step}: first ${show(a[i])}, then ${show(b[i])}${causeOf(first, again)}`;
}

/** The likely cause of a divergence, from what the runs' code did outside the scheduler. */
function causeOf(first: ScheduleResult, again: ScheduleResult): string {
  const real = [...new Set([...first.realResources, ...again.realResources].map((r) => r.type))];
  const reads = [...new Set([...first.hostReads, ...again.hostReads])];
  const causes: string[] = [];
  if (real.length > 0) causes.push(`real I/O or a real timer (${real.slice(0, 3).join(', ')})`);
  if (reads.length > 0) causes.push(`the real clock or unseeded randomness (${reads.join(', ')}; enable fakeTimers)`);
  if (causes.length === 0) causes.push('state kept between runs (a module-level variable), or a random source interleaved does not seed');
  return `; likely cause: ${causes.join(', or ')}`;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => host.setImmediate(resolve));
}

async function search(program: Program, o: Resolved): Promise<ExploreReport> {
  const started = host.now();
  const strategy = makeStrategy(o);
  const distinct = new DistinctCounter();
  let runs = 0;
  let exhausted = false;
  let failing: ScheduleResult | undefined;
  let failingIndex = 0;
  let failingContinued = false;
  let lastYield = started;
  // Past its exact range the distinct counter estimates; it never reports more than ran.
  const distinctRuns = (): number => Math.min(distinct.count, runs);
  const report = (failure?: Failure): ExploreReport => ({
    ok: failure === undefined,
    runs,
    distinct: distinctRuns(),
    exhausted,
    elapsedMs: host.now() - started,
    seed: o.seed,
    strategy: strategy.name,
    ...(failure === undefined ? {} : { failure }),
  });

  if (o.replay !== undefined) {
    const made = await replaySchedule(program, decodeToken(o.replay), o);
    const r = made.result;
    runs++;
    distinct.add(hashChoices(r.choices));
    if (r.end.kind !== 'ok') return report(failureOf(r, { testName: o.testName }, 0, false, tokenOfMade(made)));
    if (!o.runsGiven) return report();
  }
  // Corpus entries first: one that fails again is the report; one that no longer fits the program is skipped.
  for (const token of o.corpus === undefined ? [] : corpusTokens(o.corpus, o.testName)) {
    let made: Made;
    try {
      made = await replaySchedule(program, decodeToken(token), o);
    } catch (error) {
      if (error instanceof TokenError) continue;
      throw error;
    }
    runs++;
    distinct.add(hashChoices(made.result.choices));
    const end = made.result.end.kind;
    if (end !== 'ok' && end !== 'nondeterministic') return report(failureOf(made.result, { testName: o.testName }, runs - 1, false, tokenOfMade(made)));
  }

  // One configuration for the whole search; a run that needed context mode switches it for good.
  const config = configOf(o, true, o.checkDeterminism > 0, 0);
  const randomKey = seedKey(`${o.seed}/randomness`);
  const historySeeds = new Map<string, number>();
  for (let i = 0, t = started; i < o.runs; i++) {
    if (t - started >= o.timeLimit) break;
    if (!strategy.beginRun(i)) {
      exhausted = true;
      break;
    }
    config.accesses = strategy.needsAccesses === true;
    const named = strategy.recipe?.();
    let randomSeed = runSeed(randomKey, i);
    if (named?.history === true) {
      randomSeed = historySeeds.get(named.strategy) ?? randomSeed;
      historySeeds.set(named.strategy, randomSeed);
    }
    config.randomSeed = randomSeed;
    let result = await runSchedule(program, strategy, config);
    strategy.endRun(result.choices, result.end.kind !== 'ok', result.accesses);
    const continued = result.end.kind === 'step-limit';
    if (continued) result = await continueFairly(program, result, o, config, i);
    runs++;
    if (!result.direct) config.direct = false;
    distinct.add(hashChoices(result.choices));
    if (o.checkDeterminism > 0 && i % o.checkDeterminism === 0 && result.end.kind !== 'nondeterministic') {
      const { result: again } = await replayChoices(program, result.choices.slice(), result.randomSeed, o, result.direct, true);
      const differs = divergence(result, again);
      if (differs !== undefined) {
        result = { ...result, end: { kind: 'nondeterministic', error: new Error(`schedule ${i + 1} is not reproducible: ${differs}`) } };
      }
    }
    if (result.end.kind !== 'ok') {
      failing = result;
      failingIndex = i;
      failingContinued = continued;
      break;
    }
    t = host.now();
    if (t - lastYield >= 50) {
      lastYield = t;
      o.onProgress?.({ runs, distinct: distinctRuns(), elapsedMs: t - started });
      await yieldToEventLoop();
    }
  }
  if (failing === undefined) {
    o.onProgress?.({ runs, distinct: distinctRuns(), elapsedMs: host.now() - started });
    return report();
  }
  // A schedule continued fairly is not the strategy's own: its recipe would not make it again.
  const recipe = failingContinued ? undefined : strategy.recipe?.();
  // A livelock is not shrunk: the shrinker's edits continue without preemptions, which is the
  // unfair continuation the verdict has just ruled out.
  const shrinkable = o.minimize && !['nondeterministic', 'uncontrolled', 'step-limit'].includes(failing.end.kind);
  const seedOfFailing = failing.randomSeed;
  const chosen = shrinkable
    ? await shrink(failing, async (choices, direct) => (await replayChoices(program, choices, seedOfFailing, o, direct, false, false)).result)
    : failing;
  let final = await replayTraced(program, chosen, o, chosen === failing ? recipe : undefined);
  let token = tokenOfMade(final);
  let minimized = shrinkable;
  if (token.length > MAX_TOKEN_LENGTH && recipe !== undefined) {
    // The shrunk schedule departs from the default at too many decisions for a short token:
    // report the schedule the strategy made, which its recipe names.
    final = await replayTraced(program, failing, o, recipe);
    token = tokenOfMade(final);
    minimized = false;
  }
  const end = final.result;
  if (end.end.kind === 'step-limit' && end.trace !== undefined) final.result = { ...end, end: livelock(end.trace, end.steps, o) };
  return report(failureOf(final.result, { ...o, strategy: strategy.name }, failingIndex, minimized, token));
}

/**
 * Replays a failing schedule with the trace on (the search ran untraced), recording its
 * departures for the token. A replay that does not fail the same way means the program is not a
 * function of the schedule.
 */
async function replayTraced(program: Program, failing: ScheduleResult, o: Resolved, recipe: RunRecipe | undefined): Promise<Made> {
  const made: Made = await replayChoices(program, failing.choices.slice(), failing.randomSeed, o, failing.direct, true);
  made.recipe = recipe;
  const final = made.result;
  // A nondeterministic schedule keeps the report of the check that found it (where the runs
  // diverged and why); this replay only contributes its trace.
  if (failing.end.kind === 'nondeterministic') made.result = { ...final, end: failing.end };
  else if (final.end.kind !== failing.end.kind) {
    const what = final.end.kind === 'nondeterministic' ? errorText(final.end.error) : `it ended with '${final.end.kind}' instead`;
    made.result = { ...final, end: { kind: 'nondeterministic', error: new Error(`a failing schedule (${failing.end.kind}: ${errorText(failing.end.error)}) did not fail again when replayed: ${what}`) } };
  }
  return made;
}

/** Unfair steps kept before a fair continuation (Coyote switches to random after 10,000). */
const UNFAIR_STEPS = 10_000;

/** Where a schedule that hit `maxSteps` is continued fairly: half the budget, at most UNFAIR_STEPS. */
function fairFrom(maxSteps: number): number {
  return Math.min(UNFAIR_STEPS, Math.floor(maxSteps / 2));
}

/**
 * A schedule reached `maxSteps`. Priority strategies are unfair by design (a high-priority
 * task runs while it can), so a program that is correct under any fair scheduler (a task
 * spinning until another moves) can starve under them. Replay its first part (its unfair
 * prefix) and continue with seeded random choices, which are fair with probability 1: only if
 * that does not finish within `maxSteps` either is the program livelocked. The result is the
 * continuation's: ok, another failure (its choices replay it), or a step-limit again.
 */
async function continueFairly(program: Program, result: ScheduleResult, o: Resolved, config: RunConfig, index: number): Promise<ScheduleResult> {
  const fair = RandomStrategy.seeded(`${o.seed}/fair`);
  fair.beginRun(index);
  const chooser = new ReplayChooser(result.choices.slice(0, fairFrom(o.maxSteps)), false, fair);
  return runSchedule(program, chooser, { ...config, accesses: false, direct: result.direct });
}

/** The step-limit report of a schedule whose fair continuation did not finish either. */
function livelock(trace: readonly TraceEvent[], steps: number, o: Resolved): RunEnd {
  // The tasks that kept running over the last stretch of the schedule.
  const tail = Math.max(1, steps - Math.min(1000, Math.floor(steps / 4)));
  const spinning: string[] = [];
  for (const e of trace) if (e.step >= tail && e.task !== '(clock)' && !spinning.includes(e.task)) spinning.push(e.task);
  const names = spinning.map((n) => `'${n}'`).join(', ');
  return {
    kind: 'step-limit',
    error: new Error(
      `livelock: the run took more than maxSteps=${o.maxSteps} steps without finishing, and so did its fair continuation ` +
        `(random choices from step ${fairFrom(o.maxSteps) + 1} on); ${spinning.length === 1 ? 'task' : 'tasks'} ${names} kept running ` +
        `(spinning on a condition no other task makes true, or a loop that never blocks); raise maxSteps if the program really needs more`,
    ),
  };
}

/**
 * Explores schedules of `program` and resolves with the report; never rejects for a failure
 * (only for misuse: a bad option or token).
 *
 * @example
 * ```ts
 * const report = await check(async () => {
 *   const balance = new Shared(100, { name: 'balance' });
 *   const withdraw = async (n: number) => { const v = balance.get(); await yieldNow(); balance.set(v - n); };
 *   await gather(spawn(() => withdraw(30)), spawn(() => withdraw(50)));
 *   if (balance.get() !== 20) throw new Error(`balance is ${balance.get()}, expected 20`);
 * }, { seed: 1 });
 * console.log(report.ok, report.failure?.token);
 * ```
 * @throws TypeError or RangeError for invalid options; TokenError for a bad `replay` token.
 */
export async function check(program: Program, options?: ExploreOptions): Promise<ExploreReport> {
  const o = resolveOptions(options, program);
  notNested('check');
  return search(program, o);
}

/**
 * Explores schedules of `program`; rejects with {@link InterleavingFailure} when one fails.
 *
 * @example
 * ```ts
 * await explore(async () => {
 *   const lock = new Lock();
 *   const counter = new Shared(0);
 *   const bump = () => lock.runExclusive(async () => { const v = counter.get(); await yieldNow(); counter.set(v + 1); });
 *   await gather(spawn(bump), spawn(bump));
 *   if (counter.get() !== 2) throw new Error('lost update');
 * }, { runs: 500 });
 * ```
 * @throws InterleavingFailure when a schedule fails (its message is the full report).
 */
export async function explore(program: Program, options?: ExploreOptions): Promise<ExploreReport> {
  const report = await check(program, options);
  if (report.failure !== undefined) throw new InterleavingFailure(report, report.failure);
  return report;
}

/**
 * Options of {@link replay} and {@link run}.
 *
 * @example
 * ```ts
 * await run(program, { maxSteps: 50_000, fakeTimers: true });
 * ```
 */
export type RunOptions = Pick<ExploreOptions, 'maxSteps' | 'detect' | 'fakeTimers' | 'testName'>;

function runOptions(options: RunOptions | undefined, program: unknown): Resolved {
  const allowed = ['maxSteps', 'detect', 'fakeTimers', 'testName'];
  for (const key of Object.keys(options ?? {})) {
    if (!allowed.includes(key)) throw new TypeError(`Unknown option \`${key}\` for a single run: the options are ${allowed.join(', ')}`);
  }
  return resolveOptions({ ...options, seed: 0, minimize: false }, program);
}

export function runResultOf(result: ScheduleResult, o: Resolved, token: string): RunResult {
  const trace = result.trace ?? [];
  if (result.end.kind === 'ok') return { ok: true, token, steps: result.steps, time: result.time, trace };
  return { ok: false, failure: failureOf(result, { testName: o.testName }, 0, false, token), token, steps: result.steps, time: result.time, trace };
}

/** Runs `chooser` once, traced, recording its departures from the default for the token. */
export async function runRecorded(program: Program, chooser: Chooser, o: Resolved, recipe?: RunRecipe): Promise<RunResult> {
  const recorder = new ReplayChooser([], false, chooser);
  const result = await runSchedule(program, recorder, configOf(o, true, true, 0));
  return runResultOf(result, o, tokenOf(result, recorder.departures(), recipe));
}

/**
 * Runs exactly the schedule of `token`; resolves `{ ok: false, failure }` if it fails.
 * The same program and token give the same trace, byte for byte.
 *
 * @example
 * ```ts
 * const result = await replay(program, 'v1.AQIDBA');
 * console.log(formatTrace(result.trace));
 * ```
 * @throws TokenError for a malformed token; TypeError/RangeError for bad options.
 */
export async function replay(program: Program, token: string, options?: RunOptions): Promise<RunResult> {
  const o = runOptions(options, program);
  notNested('replay');
  const made = await replaySchedule(program, decodeToken(token), o);
  return runResultOf(made.result, o, tokenOfMade(made));
}

/**
 * Runs `program` once in asyncio's own order: ready tasks first-in first-out, timers by
 * (deadline, creation); virtual time, no search.
 *
 * @example
 * ```ts
 * const result = await run(async () => { await sleep(1000); });
 * console.log(result.ok, result.time); // true 1000
 * ```
 * @throws TypeError/RangeError for bad options.
 */
export async function run(program: Program, options?: RunOptions): Promise<RunResult> {
  const o = runOptions(options, program);
  notNested('run');
  return runRecorded(program, FIFO, o, FIFO.recipe?.());
}
