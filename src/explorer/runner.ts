/**
 * Runs one schedule of a program on a fresh controlled loop.
 *
 * Runs are serialised process-wide through a gate (two explorations started together by
 * `test.concurrent` take turns run by run), so module-level primitives and the attribution of
 * code to tasks never see two runs at once.
 *
 * A run that meets a promise the loop does not know while attributing directly is restarted
 * once in context mode with the same choices (see scheduler/context.ts); the result says so,
 * and the explorer keeps context mode for the rest of its search.
 */
import { VirtualLoop, type RealResource, type AccessLog, type Chooser, type LoopConfig, type RunEnd, type TraceEvent } from '../scheduler/loop.js';
import { ReplayChooser } from './replay.js';

export type { LoopConfig as RunConfig } from '../scheduler/loop.js';

export interface ScheduleResult {
  end: RunEnd;
  choices: number[];
  steps: number;
  time: number;
  preemptions: number;
  /** Whether attribution stayed direct (false: the run used context mode). */
  direct: boolean;
  fakeTimers: boolean;
  /** Seed of the run's randomness (part of its token). */
  randomSeed: number;
  /** Real I/O and timers the run's code created (context mode). */
  realResources: RealResource[];
  /** Real clock and unseeded randomness the run's code read. */
  hostReads: string[];
  /** What each step touched, when `config.accesses` is set. */
  accesses: AccessLog | undefined;
  trace: TraceEvent[] | undefined;
}

let busy = false;
const waiting: (() => void)[] = [];

function enterGate(): Promise<void> | undefined {
  if (!busy) {
    busy = true;
    return undefined;
  }
  return new Promise((resolve) => waiting.push(resolve));
}

function leaveGate(): void {
  const next = waiting.shift();
  if (next !== undefined) next();
  else busy = false;
}

function start(loop: VirtualLoop, program: () => Promise<unknown> | unknown): Promise<RunEnd> {
  return loop.start(program);
}

/**
 * Runs `program` once, choosing with `chooser`. With `config.trace` the trace is materialised
 * at once (before another run rebinds the primitives whose names it holds).
 */
export function runSchedule(program: () => Promise<unknown> | unknown, chooser: Chooser, config: LoopConfig): Promise<ScheduleResult> {
  // Plain promise chaining rather than async/await: a search runs this once per schedule.
  const gate = enterGate();
  if (gate !== undefined) return gate.then(() => gated(program, chooser, config));
  return gated(program, chooser, config);
}

function gated(program: () => Promise<unknown> | unknown, chooser: Chooser, config: LoopConfig): Promise<ScheduleResult> {
  const loop = new VirtualLoop(config, chooser);
  return start(loop, program)
    .then((end) => {
      if (end.kind !== 'restart') return resultOf(loop, end, config);
      // Replay the same choices with AsyncLocalStorage attribution (see scheduler/context.ts).
      const contextConfig = { ...config, direct: false };
      const again = new VirtualLoop(contextConfig, new ReplayChooser(loop.choices.slice(), false, chooser));
      return start(again, program).then((end2) =>
        resultOf(again, end2.kind === 'restart' ? { kind: 'error', error: new Error('interleaved internal error: a context-mode run asked to restart') } : end2, config),
      );
    })
    .finally(leaveGate);
}

function resultOf(loop: VirtualLoop, end: RunEnd, config: LoopConfig): ScheduleResult {
  return {
    end,
    choices: loop.choices,
    steps: loop.steps,
    time: loop.time,
    preemptions: loop.preemptions,
    direct: loop.direct,
    fakeTimers: config.fakeTimers === true,
    randomSeed: config.randomSeed ?? 0,
    realResources: loop.realResources,
    hostReads: loop.hostReads,
    trace: config.trace ? loop.trace() : undefined,
    accesses: loop.accesses(),
  };
}
