/**
 * A waiter cancelled after its wake-up was delivered, before it ran (asyncio's rule): its
 * pending await raises `CancelledError`, and the primitive passes on what the wake-up carried.
 * Each case is modelled on a cancellation test of CPython's `test_locks.py` / `test_queues.py`
 * and runs twice: under `run()` (asyncio's own order) and under the explorer, where the other
 * tasks interleave in every order the search tries. The wake-up and the cancel happen in one
 * synchronous stretch, so the woken task has not run in any schedule.
 */
import { describe, it, expect } from 'vitest';
import { Barrier, CancelledError, Condition, Event, Future, Lock, Queue, Semaphore, check, gather, sleep, spawn, yieldNow } from 'interleaved';
import { inRun, rejection } from './helpers.js';

/** Starts each waiter in turn, letting it block before the next starts: a fixed FIFO order. */
async function arriveInOrder<T extends unknown[]>(...starts: { [K in keyof T]: () => T[K] }): Promise<T> {
  const started: unknown[] = [];
  for (const start of starts as (() => unknown)[]) {
    started.push(start());
    await sleep(1);
  }
  return started as T;
}

interface Case {
  name: string;
  program: () => Promise<void>;
}

const cases: Case[] = [
  {
    // test_locks.py LockTests.test_finished_waiter_cancelled, with the release before the cancel.
    name: 'Lock: the woken waiter raises and the lock goes to the next waiter',
    program: async () => {
      const lock = new Lock({ name: 'lock' });
      await lock.acquire();
      const b = spawn(() => lock.acquire(), { name: 'B' });
      const c = spawn(async () => {
        await lock.acquire();
        lock.release();
        return 'C ran';
      }, { name: 'C' });
      await sleep(1);
      lock.release();
      b.cancel();
      expect(lock.owner?.name).toBe('C');
      expect(await rejection(b)).toBeInstanceOf(CancelledError);
      expect(await c).toBe('C ran');
      expect(lock.locked()).toBe(false);
    },
  },
  {
    // test_locks.py SemaphoreTests.test_acquire_cancel_before_awoken / test_acquire_hang, with
    // the permits handed out before the cancel.
    name: 'Semaphore: the woken waiter raises and its permit goes to the next waiter',
    program: async () => {
      const sem = new Semaphore(0, { name: 'sem' });
      const done: string[] = [];
      const waiter = (name: string) =>
        spawn(async () => {
          await sem.acquire();
          done.push(name);
        }, { name });
      const [t1, t2, t3, t4] = await arriveInOrder(
        () => waiter('t1'),
        () => waiter('t2'),
        () => waiter('t3'),
        () => waiter('t4'),
      );
      sem.release();
      sem.release();
      t1.cancel();
      expect(await rejection(t1)).toBeInstanceOf(CancelledError);
      await gather(t2, t3);
      expect(done.sort()).toEqual(['t2', 't3']);
      expect(sem.value).toBe(0);
      expect(t4.done()).toBe(false);
      t4.cancel();
      expect(await rejection(t4)).toBeInstanceOf(CancelledError);
      expect(sem.value).toBe(0);
    },
  },
  {
    // test_queues.py test_get_cancel_drop_one_pending_reader.
    name: 'Queue.get: the woken getter raises and takes no item',
    program: async () => {
      const q = new Queue<number>(0, { name: 'q' });
      const reader = spawn(() => q.get(), { name: 'reader' });
      await sleep(1);
      q.putNowait(1);
      q.putNowait(2);
      reader.cancel();
      expect(await rejection(reader)).toBeInstanceOf(CancelledError);
      // If the retry got 2, the first item was dropped.
      expect(await spawn(() => q.get(), { name: 'retry' })).toBe(1);
      expect(q.qsize()).toBe(1);
    },
  },
  {
    // test_queues.py test_get_cancel_drop_many_pending_readers.
    name: 'Queue.get: the woken getter that raises wakes the next getter for the item',
    program: async () => {
      const q = new Queue<number>(0, { name: 'q' });
      const reader1 = spawn(() => q.get(), { name: 'reader1' });
      const reader2 = spawn(() => q.get(), { name: 'reader2' });
      const reader3 = spawn(() => q.get(), { name: 'reader3' });
      await sleep(1);
      q.putNowait(1);
      q.putNowait(2);
      reader1.cancel();
      expect(await rejection(reader1)).toBeInstanceOf(CancelledError);
      const got = await gather(reader2, reader3);
      expect(got.sort()).toEqual([1, 2]);
      expect(q.empty()).toBe(true);
    },
  },
  {
    // test_queues.py test_put_cancel_drop.
    name: 'Queue.put: the woken putter raises and puts nothing',
    program: async () => {
      const q = new Queue<number>(1, { name: 'q' });
      q.putNowait(1);
      const writer = spawn(() => q.put(2), { name: 'writer' });
      await sleep(1);
      expect(q.getNowait()).toBe(1);
      writer.cancel();
      expect(await rejection(writer)).toBeInstanceOf(CancelledError);
      expect(q.empty()).toBe(true);
      await spawn(() => q.put(2), { name: 'retry' });
      expect(q.getNowait()).toBe(2);
      expect(q.qsize()).toBe(0);
    },
  },
  {
    name: 'Queue.put: the woken putter that raises gives the room to the next putter',
    program: async () => {
      const q = new Queue<string>(1, { name: 'q' });
      q.putNowait('first');
      const [p1, p2] = await arriveInOrder(
        () => spawn(() => q.put('p1'), { name: 'p1' }),
        () => spawn(() => q.put('p2'), { name: 'p2' }),
      );
      expect(q.getNowait()).toBe('first');
      p1.cancel();
      expect(await rejection(p1)).toBeInstanceOf(CancelledError);
      await p2;
      expect(q.getNowait()).toBe('p2');
      expect(q.empty()).toBe(true);
    },
  },
  {
    // test_locks.py ConditionTests.test_wait_cancel_after_notify, cancelled once the lock was
    // handed to the notified waiter.
    name: 'Condition: the notified waiter raises (holding the lock) and the notification goes to the next waiter',
    program: async () => {
      const cond = new Condition(undefined, { name: 'cond' });
      const log: string[] = [];
      const waiter = (name: string) =>
        spawn(
          () =>
            cond.runExclusive(async () => {
              try {
                await cond.wait();
                log.push(`${name} notified`);
              } catch (error) {
                log.push(`${name} ${error instanceof CancelledError ? 'cancelled' : 'failed'}, lock held: ${cond.lock.owner?.name === name}`);
                throw error;
              }
            }),
          { name },
        );
      const [w1, w2] = await arriveInOrder(() => waiter('w1'), () => waiter('w2'));
      await cond.acquire();
      cond.notify(1);
      cond.release(); // hands the lock to w1, which has not run yet
      expect(cond.lock.owner?.name).toBe('w1');
      w1.cancel();
      expect(await rejection(w1)).toBeInstanceOf(CancelledError);
      await w2; // one notify, and w2 still wakes: the notification was passed on
      expect(log).toEqual(['w1 cancelled, lock held: true', 'w2 notified']);
      expect(cond.locked()).toBe(false);
    },
  },
  {
    // test_locks.py EventTests.test_wait_cancel, cancelled after the set.
    name: 'Event: the woken waiter raises although the event is set; the others return',
    program: async () => {
      const ev = new Event({ name: 'ev' });
      const a = spawn(() => ev.wait(), { name: 'a' });
      const b = spawn(() => ev.wait(), { name: 'b' });
      await sleep(1);
      ev.set();
      a.cancel();
      expect(await rejection(a)).toBeInstanceOf(CancelledError);
      expect(await b).toBe(true);
      expect(ev.isSet()).toBe(true);
    },
  },
  {
    // test_locks.py BarrierTests.test_filling_tasks_cancel_one, cancelled after the release: the
    // cancelled party leaves with CancelledError, the others pass, and the barrier is not broken.
    name: 'Barrier: the released waiter raises; the others pass and the barrier is reusable',
    program: async () => {
      const barrier = new Barrier(3, { name: 'barrier' });
      const [a, b] = await arriveInOrder(
        () => spawn(() => barrier.wait(), { name: 'a' }),
        () => spawn(() => barrier.wait(), { name: 'b' }),
      );
      const c = spawn(async () => {
        const index = await barrier.wait();
        a.cancel(); // a was released with b, and has not run yet
        return index;
      }, { name: 'c' });
      expect(await rejection(a)).toBeInstanceOf(CancelledError);
      expect([await b, await c]).toEqual([1, 2]);
      expect(barrier.broken).toBe(false);
      expect(barrier.nWaiting).toBe(0);
      const again = await gather(...[0, 1, 2].map(() => spawn(() => barrier.wait())));
      expect(again.sort()).toEqual([0, 1, 2]);
    },
  },
  {
    // asyncio: the awaiting task gets CancelledError; the Future keeps its result.
    name: 'Future: the awaiter raises; the resolved Future stays resolved',
    program: async () => {
      const answer = new Future<number>({ name: 'answer' });
      const reader = spawn(() => answer, { name: 'reader' });
      const other = spawn(() => answer, { name: 'other' });
      await sleep(1);
      answer.resolve(42);
      reader.cancel();
      expect(await rejection(reader)).toBeInstanceOf(CancelledError);
      expect(answer.done() && !answer.cancelled()).toBe(true);
      expect(answer.result()).toBe(42);
      expect(await other).toBe(42);
    },
  },
  {
    // asyncio: the awaiting task gets CancelledError; the awaited task keeps its outcome. Under
    // run() the canceller runs after `inner` ended and before `outer` resumed; other schedules
    // cancel `outer` while it still waits, and then the cancel passes on to `inner` (asyncio).
    name: 'Task: the awaiter raises; a finished task stays finished, not cancelled',
    program: async () => {
      const inner = spawn(async () => {
        await sleep(1);
        return 'inner result';
      }, { name: 'inner' });
      const outer = spawn(() => inner, { name: 'outer' });
      let innerDone = false;
      let outerDone = false;
      const canceller = spawn(async () => {
        await sleep(1);
        innerDone = inner.done();
        outerDone = outer.done();
        outer.cancel();
      }, { name: 'canceller' });
      await canceller;
      if (outerDone) {
        // outer resumed before the cancel: nothing to cancel.
        expect(await outer).toBe('inner result');
      } else if (innerDone) {
        expect(await rejection(outer)).toBeInstanceOf(CancelledError);
        expect(await inner).toBe('inner result');
      } else {
        expect(await rejection(outer)).toBeInstanceOf(CancelledError);
        expect(await rejection(inner)).toBeInstanceOf(CancelledError);
      }
    },
  },
];

describe.each(cases)('$name', ({ program }) => {
  it('under run() (asyncio order)', async () => {
    await inRun(program);
  });

  it('under the explorer, in every schedule it tries', async () => {
    const report = await check(program, { runs: 60, seed: 3 });
    expect(report.failure?.message).toBeUndefined();
    expect(report.ok).toBe(true);
  });
});

describe('a cancelled wake-up that carried nothing', () => {
  it('a sleep whose timer fired raises when cancelled before the task resumed (asyncio)', async () => {
    await inRun(async () => {
      let sleeper: ReturnType<typeof spawn<string>> | undefined;
      // The canceller's timer is older, so it runs first when both fire at t=5.
      const canceller = spawn(async () => {
        await sleep(5);
        sleeper!.cancel();
      });
      sleeper = spawn(async () => {
        await sleep(5);
        return 'slept';
      });
      await canceller;
      expect(await rejection(sleeper)).toBeInstanceOf(CancelledError);
    });
  });

  it('a second cancel before the first is delivered is absorbed: one CancelledError', async () => {
    await inRun(async () => {
      const ev = new Event();
      const t = spawn(async () => {
        try {
          await ev.wait();
        } catch (error) {
          if (!(error instanceof CancelledError)) throw error;
        }
        await yieldNow(); // not cancelled again
        return 'caught one cancel';
      });
      await sleep(1);
      t.cancel();
      t.cancel();
      expect(await t).toBe('caught one cancel');
    });
  });
});
