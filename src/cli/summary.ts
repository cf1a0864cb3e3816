/**
 * What a fuzzing run found, as plain data: the `--json` report is exactly this object, and the
 * JUnit and HTML reports and the console summary are drawn from it.
 */
import type { FailureKind, TraceEvent } from '../scheduler/types.js';

/**
 * One failing schedule.
 *
 * @example
 * ```ts
 * const f: FailureRecord = summary.scenarios[0]!.failures[0]!;
 * console.log(f.kind, f.token, f.reproduce);
 * ```
 */
export interface FailureRecord {
  kind: FailureKind;
  /** The full report: kind, error, seed, token, timeline. */
  message: string;
  token: string;
  steps: number;
  preemptions: number;
  minimized: boolean;
  /** The (minimised) schedule's whole trace. */
  trace: TraceEvent[];
  /** `search` when this run found it, `corpus` when a corpus entry failed again. */
  source: 'search' | 'corpus';
  /** The seed stream that found it (search only). */
  seed?: string;
  /** The command that replays it. */
  reproduce: string;
}

/**
 * One seed stream's share of a scenario.
 *
 * @example
 * ```ts
 * const s: StreamSummary = { stream: 1, seed: 'ci.1', runs: 5000, distinct: 4980 };
 * ```
 */
export interface StreamSummary {
  stream: number;
  seed: string;
  runs: number;
  distinct: number;
}

/**
 * One scenario's outcome on this machine.
 *
 * @example
 * ```ts
 * for (const s of summary.scenarios) console.log(s.id, s.outcome, s.runs);
 * ```
 */
export interface ScenarioSummary {
  /** `<file>#<export>`. */
  id: string;
  file: string;
  exportName: string;
  /** `failed` when a schedule failed (found now or replayed from the corpus). */
  outcome: 'passed' | 'failed';
  /** Schedules run, over every stream (corpus replays not counted). */
  runs: number;
  /** Distinct schedules, summed over the streams (each stream counts its own). */
  distinct: number;
  /** True when dfs ran every schedule. */
  exhausted: boolean;
  /** Wall-clock ms spent exploring it, summed over the workers. */
  elapsedMs: number;
  streams: StreamSummary[];
  failures: FailureRecord[];
  /** Tokens of corpus entries that failed before and pass now. */
  fixed: string[];
}

/**
 * The whole run.
 *
 * @example
 * ```ts
 * const summary = JSON.parse(readFileSync('fuzz.json', 'utf8')) as FuzzSummary;
 * if (!summary.ok) process.exitCode = 1;
 * ```
 */
export interface FuzzSummary {
  ok: boolean;
  /** The version of interleaved that ran. */
  version: string;
  seed: string;
  strategy: string;
  /** 1-based, as given to `--shard`. */
  shard: { index: number; count: number };
  workers: number;
  /** Wall-clock ms of the search phase (from the moment every worker had loaded). */
  elapsedMs: number;
  /** CPU ms the process used in the search phase, over all its threads. */
  cpuMs: number;
  /** True when the run was stopped by a signal before its budget ended. */
  interrupted: boolean;
  schedules: number;
  schedulesPerSecond: number;
  corpus: { path: string; replayed: number; reproduced: number; fixed: number; added: number };
  scenarios: ScenarioSummary[];
}
