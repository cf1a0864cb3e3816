/**
 * Stolen wake-up: waiting on a Condition under `if` instead of `while`.
 *
 * Two workers take jobs from a shared list guarded by a Condition. A worker that finds the list
 * empty waits once and, when notified, takes the first job without looking again. But a
 * notified waiter must re-acquire the lock, and another worker can get it first and take the
 * job: the woken worker then finds the list empty.
 *
 * Fix: `waitFor(predicate)` re-checks the predicate every time the worker wakes up.
 */
import { Condition, gather, Lock, Shared, spawn, yieldNow } from 'interleaved';

export const description =
  'Stolen wake-up: a worker waits on a Condition under `if`, and another worker takes its job';

const JOBS = ['resize photo', 'send email'] as const;

interface Board {
  readonly jobs: Shared<readonly string[]>;
  readonly ready: Condition;
}

type WaitForJob = (board: Board) => Promise<void>;

async function work(worker: string, board: Board, waitForJob: WaitForJob): Promise<void> {
  const { jobs, ready } = board;
  await ready.acquire();
  try {
    await waitForJob(board);
    const [job] = jobs.get();
    if (job === undefined) throw new Error(`${worker} was woken up but found no job: another worker took it`);
    jobs.update((rest) => rest.slice(1));
  } finally {
    ready.release();
  }
  await yieldNow(); // do the job
}

async function runJobs(waitForJob: WaitForJob): Promise<void> {
  const jobs = new Shared<readonly string[]>([], { name: 'jobs' });
  const ready = new Condition(new Lock({ name: 'jobs.lock' }), { name: 'jobs.ready' });
  const producer = spawn(async () => {
    for (const job of JOBS) {
      await ready.runExclusive(async () => {
        jobs.update((queued) => [...queued, job]);
        ready.notify();
      });
      await yieldNow(); // the next job arrives later
    }
  }, { name: 'producer' });
  const board: Board = { jobs, ready };
  const workers = ['worker-1', 'worker-2'].map((name) =>
    spawn(() => work(name, board, waitForJob), { name }),
  );
  await gather(producer, ...workers);
}

export async function buggy(): Promise<void> {
  await runJobs(async ({ jobs, ready }) => {
    if (jobs.get().length === 0) await ready.wait(); // wakes once, never looks again
  });
}

export async function fixed(): Promise<void> {
  await runJobs(async ({ jobs, ready }) => {
    await ready.waitFor(() => jobs.get().length > 0);
  });
}
