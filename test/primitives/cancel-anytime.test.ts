/**
 * Cancellation at any moment, under the explorer: a canceller task cancels workers at whatever
 * point the schedule puts it, including between a wake-up and the woken task's resumption.
 * In every schedule tried:
 * - a task cancelled while suspended inside a primitive operation gets `CancelledError` from
 *   it (the operation never completes for a task that was cancelled in it, asyncio's rule);
 * - no wake-up is lost (no deadlock, no item left in a queue while a getter waits, every
 *   notification reaches a waiter) and none is duplicated (no more holders than permits, every
 *   item delivered once).
 */
import { describe, it, expect } from 'vitest';
import {
  BoundedSemaphore,
  CancelledError,
  Condition,
  Event,
  Future,
  Lock,
  Queue,
  Semaphore,
  check,
  sleep,
  spawn,
  yieldNow,
  type Task,
} from 'interleaved';

/** Knows which task is suspended inside an operation, so a cancel can be judged. */
class Suspensions {
  readonly #inside = new Set<string>();
  readonly #cancelledInside = new Set<string>();

  /** Runs `op` for the task `name`; fails if it completes after a cancel reached it. */
  async op<T>(name: string, op: () => Promise<T>): Promise<T> {
    this.#inside.add(name);
    let result: T;
    try {
      result = await op();
    } catch (error) {
      if (this.#cancelledInside.delete(name) && !(error instanceof CancelledError)) throw new Error(`${name}: cancelled inside an operation, it raised ${String(error)}`);
      throw error;
    } finally {
      this.#inside.delete(name);
    }
    if (this.#cancelledInside.has(name)) throw new Error(`${name}: the operation completed although the task was cancelled while suspended in it`);
    return result;
  }

  /** Cancels `task`, noting whether it is suspended inside an operation. */
  cancel(task: Task<unknown>): void {
    if (this.#inside.has(task.name)) this.#cancelledInside.add(task.name);
    task.cancel();
  }
}

/** Spawns a canceller that cancels `victims` one by one, each after a yield (the explorer picks when). */
function canceller(s: Suspensions, victims: Task<unknown>[]): Task<void> {
  return spawn(async () => {
    for (const victim of victims) {
      await yieldNow();
      s.cancel(victim);
    }
  }, { name: 'canceller' });
}

/** Settles every task; a task may only have failed with CancelledError. */
async function settle(tasks: Task<unknown>[]): Promise<void> {
  for (const outcome of await Promise.allSettled(tasks.map((t) => Promise.resolve(t)))) {
    if (outcome.status === 'rejected' && !(outcome.reason instanceof CancelledError)) throw outcome.reason;
  }
}

async function explored(program: () => Promise<void>, runs = 200): Promise<void> {
  const report = await check(program, { runs, seed: 8 });
  expect(report.failure?.message).toBeUndefined();
  expect(report.ok).toBe(true);
}

interface Permits {
  acquire(): Promise<true>;
  release(): void;
  locked(): boolean;
}

const permitKinds: [string, number, () => Permits][] = [
  ['Lock', 1, () => new Lock({ name: 'lock' })],
  ['Semaphore(2)', 2, () => new Semaphore(2, { name: 'sem' })],
  ['BoundedSemaphore(1)', 1, () => new BoundedSemaphore(1, { name: 'sem' })],
  ['Condition (its lock)', 1, () => new Condition(undefined, { name: 'cond' })],
];

describe.each(permitKinds)('%s with cancels at any moment', (_kind, capacity, make) => {
  it('never completes an acquire cancelled while suspended, never exceeds its permits, never strands a waiter', async () => {
    await explored(async () => {
      const lock = make();
      const s = new Suspensions();
      let holders = 0;
      const worker = (name: string) =>
        spawn(async () => {
          await s.op(name, () => lock.acquire());
          holders++;
          try {
            if (holders > capacity) throw new Error(`${holders} holders of ${capacity} permit(s)`);
            await yieldNow();
          } finally {
            holders--;
            lock.release();
          }
        }, { name });
      const workers = ['A', 'B', 'C', 'D'].map(worker);
      await canceller(s, [workers[0]!, workers[2]!]);
      await settle(workers);
      expect(workers[1]!.cancelled() || workers[3]!.cancelled()).toBe(false);
      expect(lock.locked()).toBe(false);
    });
  });
});

describe('Queue with cancels at any moment', () => {
  it('delivers every item put exactly once; a get or put cancelled while suspended takes or puts nothing', async () => {
    await explored(async () => {
      const q = new Queue<number>(1, { name: 'q' });
      const s = new Suspensions();
      const put: number[] = [];
      const got: number[] = [];
      const producer = (name: string, items: number[]) =>
        spawn(async () => {
          for (const item of items) {
            await s.op(name, () => q.put(item));
            put.push(item);
          }
        }, { name });
      const consumer = (name: string) =>
        spawn(async () => {
          for (;;) got.push(await s.op(name, () => q.get()));
        }, { name });
      const p1 = producer('p1', [1, 2]);
      const p2 = producer('p2', [3, 4]);
      const c1 = consumer('c1');
      const c2 = consumer('c2');
      await canceller(s, [c1, p1]);
      await settle([p1, p2]);
      await sleep(1); // every task that can run has run: c2 has drained what it could
      expect(q.empty()).toBe(true);
      c2.cancel();
      await settle([c1, c2]);
      expect(got.sort()).toEqual(put.sort());
      expect(p2.cancelled()).toBe(false);
    });
  });
});

describe('Condition with cancels at any moment', () => {
  it('a wait cancelled while suspended raises holding the lock, and no notification is lost', async () => {
    await explored(async () => {
      const cond = new Condition(undefined, { name: 'cond' });
      const s = new Suspensions();
      let items = 0;
      let consumed = 0;
      const consumer = (name: string) =>
        spawn(
          () =>
            cond.runExclusive(async () => {
              for (;;) {
                while (items === 0) {
                  try {
                    await s.op(name, () => cond.wait());
                  } catch (error) {
                    if (cond.lock.owner?.name !== name) throw new Error(`${name} left wait() without the lock`);
                    throw error;
                  }
                }
                if (items < 0) return;
                items--;
                consumed++;
              }
            }),
          { name },
        );
      const consumers = [consumer('c1'), consumer('c2'), consumer('c3')];
      const stop = canceller(s, [consumers[0]!]);
      for (let i = 0; i < 2; i++) {
        await cond.runExclusive(() => {
          items++;
          cond.notify(1);
        });
      }
      await stop;
      await sleep(1); // the notified consumers that are still alive have run
      expect(items).toBe(0);
      expect(consumed).toBe(2);
      await cond.runExclusive(() => {
        items = -1;
        cond.notifyAll();
      });
      await settle(consumers);
    });
  });
});

describe('Event and Future with cancels at any moment', () => {
  it('an Event wait cancelled while suspended raises, even once the event is set; the others return', async () => {
    await explored(async () => {
      const ev = new Event({ name: 'ev' });
      const s = new Suspensions();
      const waiters = ['a', 'b', 'c'].map((name) => spawn(() => s.op(name, () => ev.wait()), { name }));
      const stop = canceller(s, [waiters[0]!, waiters[1]!]);
      await yieldNow();
      ev.set();
      await stop;
      await settle(waiters);
      expect(await waiters[2]!).toBe(true);
    });
  });

  it('an await of a Future cancelled while suspended raises; the Future keeps its result', async () => {
    await explored(async () => {
      const answer = new Future<number>({ name: 'answer' });
      const s = new Suspensions();
      const readers = ['a', 'b', 'c'].map((name) => spawn(() => s.op(name, async () => answer), { name }));
      const stop = canceller(s, [readers[0]!, readers[1]!]);
      await yieldNow();
      if (!answer.done()) answer.resolve(42);
      await stop;
      await settle(readers);
      // A cancel that reached a reader still waiting cancels the Future (asyncio); otherwise
      // the Future keeps its result.
      if (!answer.cancelled()) {
        expect(answer.result()).toBe(42);
        expect(await readers[2]!).toBe(42);
      }
    });
  });
});
