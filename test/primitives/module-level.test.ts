/**
 * Primitives made at module level, as production code makes them: usable by one run after
 * another while idle, and failing the run, with an error naming them, when an earlier run (or
 * code outside any run) left them busy.
 */
import { describe, it, expect } from 'vitest';
import {
  Barrier,
  Condition,
  Event,
  InvalidStateError,
  Lock,
  Queue,
  Semaphore,
  Shared,
  check,
  gather,
  run,
  sleep,
  spawn,
  yieldNow,
} from 'interleaved';

describe('idle module-level primitives serve many runs', () => {
  const lock = new Lock();
  const counter = new Shared(0, { name: 'hits' });

  it('a Lock created outside the program is used by 50 explored runs', async () => {
    let runs = 0;
    const report = await check(
      async () => {
        runs++;
        const bump = () =>
          lock.runExclusive(async () => {
            const v = counter.get();
            await yieldNow();
            counter.set(v + 1);
          });
        await gather(spawn(bump), spawn(bump));
        if (counter.get() !== 2) throw new Error(`counter ${counter.get()}`);
      },
      { runs: 50, seed: 21 },
    );
    expect(report.failure?.message).toBeUndefined();
    expect(report.ok).toBe(true);
    expect(report.runs).toBe(50);
    expect(runs).toBeGreaterThanOrEqual(50);
    expect(lock.locked()).toBe(false);
  });

  it('every kind of primitive may be reused when each run leaves it idle', async () => {
    const sem = new Semaphore(2);
    const ev = new Event();
    const cond = new Condition();
    const q = new Queue<number>(1);
    const barrier = new Barrier(2);
    const report = await check(
      async () => {
        const a = spawn(async () => {
          await sem.runExclusive(() => q.put(1));
          await ev.wait();
          await barrier.wait();
          await cond.runExclusive(() => cond.notifyAll());
        });
        const b = spawn(async () => {
          expect(await q.get()).toBe(1);
          q.taskDone();
          ev.set();
          await barrier.wait();
        });
        await gather(a, b);
        await q.join();
        ev.clear();
      },
      { runs: 30, seed: 2 },
    );
    expect(report.failure?.message).toBeUndefined();
    expect(report.ok).toBe(true);
  });
});

describe('module-level primitives left busy fail the next run', () => {
  it('a Lock left locked by one run makes the next run fail with an error naming it', async () => {
    const lock = new Lock({ name: 'db-connection' });
    const first = await run(async () => {
      await lock.acquire();
    });
    expect(first.ok).toBe(true);
    const second = await run(async () => {
      await lock.acquire();
      lock.release();
    });
    expect(second.ok).toBe(false);
    expect(second.failure?.kind).toBe('error');
    expect(second.failure?.error).toBeInstanceOf(InvalidStateError);
    const message = (second.failure?.error as Error).message;
    expect(message).toContain('db-connection');
    expect(message).toMatch(/earlier run/);
  });

  it('a Queue with items left by one run fails the next run that touches it', async () => {
    const q = new Queue<number>(0, { name: 'leftovers' });
    const first = await run(async () => {
      await q.put(1);
    });
    expect(first.ok).toBe(true);
    const second = await run(async () => {
      q.qsize();
      await q.get();
    });
    expect(second.ok).toBe(false);
    expect((second.failure?.error as Error).message).toContain('leftovers');
    expect((second.failure?.error as Error).message).toMatch(/earlier run/);
  });

  it('an Event left set by one run fails the next run that touches it', async () => {
    const ev = new Event({ name: 'started' });
    const first = await run(async () => {
      ev.set();
      await yieldNow();
    });
    expect(first.ok).toBe(true);
    const second = await run(async () => {
      await ev.wait();
    });
    expect(second.ok).toBe(false);
    expect((second.failure?.error as Error).message).toContain('started');
  });

  it('a Semaphore left with a permit taken fails the next run that touches it', async () => {
    const sem = new Semaphore(3, { name: 'pool' });
    expect((await run(async () => void (await sem.acquire()))).ok).toBe(true);
    const second = await run(async () => {
      await sem.acquire();
    });
    expect(second.ok).toBe(false);
    expect((second.failure?.error as Error).message).toContain('pool');
  });

  it('a Lock held by code outside any run fails a run that uses it', async () => {
    const lock = new Lock({ name: 'outside-held' });
    await lock.acquire();
    try {
      const result = await run(async () => {
        await lock.acquire();
      });
      expect(result.ok).toBe(false);
      const message = (result.failure?.error as Error).message;
      expect(message).toContain('outside-held');
      expect(message).toMatch(/outside the run/);
    } finally {
      lock.release();
    }
  });

  it('an explored search reports the leaked state on the second schedule, not silently', async () => {
    const lock = new Lock({ name: 'leaky' });
    const report = await check(
      async () => {
        await lock.acquire();
        await yieldNow();
      },
      { runs: 5, seed: 1 },
    );
    expect(report.ok).toBe(false);
    expect(report.failure?.kind).toBe('error');
    expect(report.failure?.message).toContain('leaky');
  });

  it('a schedule that fails while holding a module-level Lock is reported with its own error', async () => {
    const lock = new Lock({ name: 'held-on-failure' });
    const report = await check(
      async () => {
        const worker = spawn(async () => {
          await lock.acquire();
          await yieldNow();
          throw new Error('boom inside the critical section');
        });
        await worker;
      },
      { runs: 10, seed: 1 },
    );
    expect(report.ok).toBe(false);
    expect(report.failure?.kind).toBe('error');
    // The bug found is the thrown error; replays made by the explorer itself (shrinking, the
    // traced re-run) must not turn it into "in use by an earlier run".
    expect((report.failure?.error as Error).message).toBe('boom inside the critical section');
    expect(report.failure?.message).toContain('boom inside the critical section');
  });

  it('a run that failed does not poison the next one: its module-level primitives are reset', async () => {
    const lock = new Lock({ name: 'reset-after-failure' });
    const failed = await run(async () => {
      await lock.acquire();
      throw new Error('fails while holding');
    });
    expect(failed.ok).toBe(false);
    expect((failed.failure?.error as Error).message).toBe('fails while holding');
    const next = await run(async () => {
      await lock.runExclusive(() => yieldNow());
    });
    expect(next.failure?.message).toBeUndefined();
    expect(next.ok).toBe(true);
    expect(lock.locked()).toBe(false);
  });

  it('a woken waiter cancelled after its run failed passes nothing back into the reset primitive', async () => {
    const sem = new Semaphore(1, { name: 'reset-then-cancel' });
    const failed = await run(async () => {
      await sem.acquire();
      const waiter = spawn(() => sem.acquire());
      await sleep(1);
      sem.release(); // the permit goes to the waiter, which has not run yet
      // Runs after the failure below has ended the run and reset the semaphore.
      void Promise.resolve()
        .then(() => undefined)
        .then(() => waiter.cancel());
      throw new Error('fails with a woken waiter');
    });
    expect((failed.failure?.error as Error).message).toBe('fails with a woken waiter');
    expect(sem.value).toBe(1);
    const next = await run(() => sem.runExclusive(() => yieldNow()));
    expect(next.failure?.message).toBeUndefined();
    expect(sem.value).toBe(1);
  });
});
