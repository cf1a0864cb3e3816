/**
 * A fuzzing worker thread: imports the scenario files itself, says it is ready, waits for the
 * start signal (which carries the deadline, the same for every worker), then runs its jobs (see
 * plan.ts) one after another, each a `scenario.check` with the job's seed and an even share of
 * the time left, and posts progress and results to the main thread (see workers.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ExploreOptions } from '../explorer/options.js';
import { loadScenarios } from './loading.js';
import type { JobMessage, StartMessage, WorkerInput } from './workers.js';

const MAX_RUNS = Number.MAX_SAFE_INTEGER;

async function work(input: WorkerInput): Promise<void> {
  const port = parentPort!;
  const found = await loadScenarios(input.files, input.cwd);
  const byId = new Map(found.map((f) => [f.id, f]));
  port.postMessage({ type: 'ready' } satisfies JobMessage);
  const { deadline } = await new Promise<StartMessage>((resolve) => port.once('message', resolve));
  for (let k = 0; k < input.jobs.length; k++) {
    const job = input.jobs[k]!;
    const left = deadline - Date.now();
    if (left <= 0) break;
    const f = byId.get(job.id);
    if (f === undefined) throw new Error(`the scenario ${job.id} was not found again in the worker (does the file export different things on each import?)`);
    const options: ExploreOptions = {
      seed: job.seed,
      runs: job.runs ?? MAX_RUNS,
      onProgress: (p) => port.postMessage({ type: 'progress', job: k, runs: p.runs, distinct: p.distinct } satisfies JobMessage),
    };
    if (Number.isFinite(left)) options.timeLimit = Math.max(1, Math.floor(left / (input.jobs.length - k)));
    if (input.strategy !== undefined) options.strategy = input.strategy;
    const report = await f.scenario.check(options);
    const failure = report.failure;
    port.postMessage({
      type: 'result',
      job: k,
      report: {
        runs: report.runs,
        distinct: report.distinct,
        exhausted: report.exhausted,
        elapsedMs: report.elapsedMs,
        strategy: report.strategy,
        ...(failure === undefined
          ? {}
          : {
              failure: {
                kind: failure.kind,
                message: failure.message,
                token: failure.token,
                steps: failure.steps,
                preemptions: failure.preemptions,
                minimized: failure.minimized,
                trace: failure.trace,
              },
            }),
      },
    } satisfies JobMessage);
  }
}

work(workerData as WorkerInput).then(
  () => parentPort!.postMessage({ type: 'done' } satisfies JobMessage),
  (error: unknown) => parentPort!.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies JobMessage),
);
