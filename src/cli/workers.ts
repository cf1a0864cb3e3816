/**
 * The worker pool of `fuzz`: one worker thread per job list of the plan. Each imports the
 * scenario files and says it is ready; when all are, the pool sends every one the same
 * deadline, so the time budget is spent searching, not starting (a TypeScript loader and the
 * imports take a while, more so on a loaded machine). Workers then post progress (about every
 * 50 ms of search) and one result per job. `stop()` ends them at once (Ctrl-C): results already
 * posted are kept, a job cut short keeps the progress it had reported.
 */
import { Worker } from 'node:worker_threads';
import type { StrategyName } from '../explorer/options.js';
import type { FailureKind, TraceEvent } from '../scheduler/types.js';

/**
 * A job as a worker receives it.
 *
 * @example
 * ```ts
 * const job: WorkerJob = { id: 'test/bank.scenario.ts#transfers', seed: 'ci.0', runs: 1000 };
 * ```
 */
export interface WorkerJob {
  id: string;
  seed: string;
  runs: number | undefined;
}

/**
 * `workerData` of a worker.
 *
 * @example
 * ```ts
 * const input: WorkerInput = { cwd, files, jobs, strategy: undefined };
 * ```
 */
export interface WorkerInput {
  cwd: string;
  files: string[];
  jobs: WorkerJob[];
  strategy: StrategyName | undefined;
}

/**
 * A job's report, as cloned across threads (the thrown error itself stays behind).
 *
 * @example
 * ```ts
 * const rate = (r: JobReport): number => (r.runs * 1000) / r.elapsedMs;
 * ```
 */
export interface JobReport {
  runs: number;
  distinct: number;
  exhausted: boolean;
  elapsedMs: number;
  strategy: string;
  failure?: { kind: FailureKind; message: string; token: string; steps: number; preemptions: number; minimized: boolean; trace: TraceEvent[] };
}

/**
 * Messages from a worker to the main thread.
 *
 * @example
 * ```ts
 * parentPort!.postMessage({ type: 'progress', job: 0, runs: 500, distinct: 480 } satisfies JobMessage);
 * ```
 */
export type JobMessage =
  | { type: 'ready' }
  | { type: 'progress'; job: number; runs: number; distinct: number }
  | { type: 'result'; job: number; report: JobReport }
  | { type: 'done' }
  | { type: 'error'; message: string };

/**
 * The environment of a worker: the process's, without the `INTERLEAVE_*` overrides of
 * `explore` (the seed, runs, time limit and replay token would make every stream the same
 * search; `fuzz` reads `INTERLEAVE_SEED` itself, as the default of `--seed`).
 */
function workerEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['INTERLEAVE_SEED', 'INTERLEAVE_RUNS', 'INTERLEAVE_TIME_LIMIT', 'INTERLEAVE_REPLAY']) delete env[name];
  return env;
}

/**
 * The start signal, from the main thread to every worker once all are ready.
 *
 * @example
 * ```ts
 * worker.postMessage({ deadline: Date.now() + 60_000 } satisfies StartMessage);
 * ```
 */
export interface StartMessage {
  /** Epoch ms at which the budget ends (Infinity: none). */
  deadline: number;
}

/**
 * What the pool reports to its owner.
 *
 * @example
 * ```ts
 * const events: PoolEvents = { started: () => {}, progress: () => {}, result: (w, k, r) => console.log(r.runs) };
 * ```
 */
export interface PoolEvents {
  /** Every worker is ready and searching from `at` (epoch ms) until `deadline`. */
  started(at: number, deadline: number): void;
  progress(worker: number, job: number, runs: number, distinct: number): void;
  result(worker: number, job: number, report: JobReport): void;
}

/**
 * Runs one worker per job list, searching for `durationMs` once all are ready; resolves when
 * all are done or stopped.
 *
 * @example
 * ```ts
 * const pool = startPool(inputs, 60_000, { started() {}, progress() {}, result(w, j, r) { console.log(r.runs); } });
 * process.once('SIGINT', () => void pool.stop());
 * await pool.done;
 * ```
 */
export function startPool(inputs: readonly WorkerInput[], durationMs: number, events: PoolEvents): { done: Promise<void>; stop(): Promise<void> } {
  const url = new URL('./worker.js', import.meta.url);
  const workers: Worker[] = [];
  let failed: Error | undefined;
  // Workers still loading; the start signal goes out when none is (a worker that died loading
  // no longer counts).
  const loading = new Set<number>(inputs.map((_, w) => w));
  let began = false;
  const settle = (w: number): void => {
    loading.delete(w);
    if (began || loading.size > 0) return;
    began = true;
    const at = Date.now();
    const deadline = at + durationMs;
    events.started(at, deadline);
    for (const worker of workers) worker.postMessage({ deadline } satisfies StartMessage);
  };
  const ends = inputs.map(
    (input, w) =>
      new Promise<void>((resolve) => {
        const worker = new Worker(url, { workerData: input, env: workerEnv() });
        workers.push(worker);
        worker.on('message', (m: JobMessage) => {
          if (m.type === 'ready') settle(w);
          else if (m.type === 'progress') events.progress(w, m.job, m.runs, m.distinct);
          else if (m.type === 'result') events.result(w, m.job, m.report);
          else if (m.type === 'error') failed ??= new Error(m.message);
          if (m.type === 'done' || m.type === 'error') void worker.terminate();
        });
        worker.on('error', (error) => {
          failed ??= error;
        });
        worker.on('exit', () => {
          settle(w);
          resolve();
        });
      }),
  );
  const done = Promise.all(ends).then(() => {
    if (failed !== undefined) throw failed;
  });
  return {
    done,
    stop: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
