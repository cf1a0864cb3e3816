/**
 * One conformance suite, run over every lock-like primitive: Lock, Semaphore(1),
 * BoundedSemaphore(1) and Condition (through its lock). Each must give mutual exclusion under
 * every schedule the explorer tries, wake waiters first-in first-out, release on a throw, and
 * keep asyncio's cancellation guarantees.
 */
import { describe, it, expect } from 'vitest';
import {
  BoundedSemaphore,
  CancelledError,
  Condition,
  Lock,
  Semaphore,
  Shared,
  TimeoutError,
  check,
  explore,
  gather,
  now,
  sleep,
  spawn,
  timeout,
  yieldNow,
} from 'interleaved';
import { inRun, rejection } from './helpers.js';

interface LockLike {
  acquire(): Promise<true>;
  release(): void;
  locked(): boolean;
  runExclusive<T>(fn: () => Promise<T> | T): Promise<T>;
}

const kinds: [string, (name?: string) => LockLike][] = [
  ['Lock', (name) => new Lock(name === undefined ? undefined : { name })],
  ['Semaphore(1)', (name) => new Semaphore(1, name === undefined ? undefined : { name })],
  ['BoundedSemaphore(1)', (name) => new BoundedSemaphore(1, name === undefined ? undefined : { name })],
  ['Condition', (name) => new Condition(undefined, name === undefined ? undefined : { name })],
];

describe.each(kinds)('%s behaves as a mutual-exclusion lock', (_kind, make) => {
  it('keeps a read/yield/write section exclusive under 300 explored schedules', async () => {
    let maxInside = 0;
    let schedules = 0;
    const report = await explore(
      async () => {
        schedules++;
        const lock = make('section');
        const counter = new Shared(0, { name: 'counter' });
        let inside = 0;
        const bump = (): Promise<void> =>
          lock.runExclusive(async () => {
            inside++;
            maxInside = Math.max(maxInside, inside);
            const v = counter.get();
            await yieldNow();
            counter.set(v + 1);
            inside--;
          });
        await gather(spawn(bump), spawn(bump), spawn(bump));
        if (counter.get() !== 3) throw new Error(`lost update: counter is ${counter.get()}, expected 3`);
        if (lock.locked()) throw new Error('the lock is still held after every task finished');
      },
      { runs: 300, seed: 11 },
    );
    expect(report.ok).toBe(true);
    expect(report.runs).toBe(300);
    expect(report.distinct).toBeGreaterThan(10);
    expect(schedules).toBeGreaterThanOrEqual(report.runs);
    expect(maxInside).toBe(1);
  });

  it('wakes waiters in the order they started waiting (FIFO), not creation order', async () => {
    await inRun(async () => {
      const lock = make();
      const order: string[] = [];
      await lock.acquire();
      // Arrival order B (t=1), C (t=2), A (t=3), while the holder keeps the lock until t=10.
      const waiter = (name: string, delay: number) =>
        spawn(async () => {
          await sleep(delay);
          await lock.acquire();
          order.push(name);
          await yieldNow();
          lock.release();
        }, { name });
      const tasks = [waiter('A', 3), waiter('B', 1), waiter('C', 2)];
      await sleep(10);
      expect(order).toEqual([]);
      lock.release();
      await gather(...tasks);
      expect(order).toEqual(['B', 'C', 'A']);
      expect(lock.locked()).toBe(false);
    });
  });

  it('runExclusive returns the value of its function and holds the lock while it runs', async () => {
    await inRun(async () => {
      const lock = make();
      const result = await lock.runExclusive(async () => {
        expect(lock.locked()).toBe(true);
        await yieldNow();
        return 42;
      });
      expect(result).toBe(42);
      expect(lock.locked()).toBe(false);
      expect(await lock.runExclusive(() => 'sync')).toBe('sync');
    });
  });

  it('runExclusive releases the lock when its function throws, and passes the error on', async () => {
    await inRun(async () => {
      const lock = make();
      const boom = new Error('boom');
      const error = await rejection(
        lock.runExclusive(async () => {
          await yieldNow();
          throw boom;
        }),
      );
      expect(error).toBe(boom);
      expect(lock.locked()).toBe(false);
      const syncError = await rejection(
        lock.runExclusive(() => {
          throw new TypeError('sync throw');
        }),
      );
      expect(syncError).toBeInstanceOf(TypeError);
      expect(lock.locked()).toBe(false);
      // The lock is usable again by another task.
      const other = spawn(() => lock.runExclusive(() => 'again'));
      expect(await other).toBe('again');
    });
  });

  it('reports locked() while held and unlocked after release', async () => {
    await inRun(async () => {
      const lock = make();
      expect(lock.locked()).toBe(false);
      expect(await lock.acquire()).toBe(true);
      expect(lock.locked()).toBe(true);
      lock.release();
      expect(lock.locked()).toBe(false);
    });
  });

  it('makes a second acquirer wait until the holder releases (virtual time shows when)', async () => {
    await inRun(async () => {
      const lock = make();
      await lock.acquire();
      const second = spawn(async () => {
        await lock.acquire();
        const at = now();
        lock.release();
        return at;
      });
      await sleep(25);
      expect(second.done()).toBe(false);
      lock.release();
      expect(await second).toBe(25);
    });
  });

  it('a waiter cancelled while waiting leaves the queue without losing the wake-up of the next', async () => {
    await inRun(async () => {
      const lock = make();
      const order: string[] = [];
      await lock.acquire();
      const b = spawn(async () => {
        await lock.acquire();
        order.push('B');
        lock.release();
      }, { name: 'B' });
      const c = spawn(async () => {
        await lock.acquire();
        order.push('C');
        lock.release();
      }, { name: 'C' });
      await sleep(1);
      expect(b.cancel()).toBe(true);
      await sleep(1);
      lock.release();
      expect(await rejection(b)).toBeInstanceOf(CancelledError);
      expect(b.cancelled()).toBe(true);
      await c;
      expect(order).toEqual(['C']);
      expect(lock.locked()).toBe(false);
    });
  });

  it('a waiter cancelled in the same step as the release does not strand the next waiter', async () => {
    await inRun(async () => {
      const lock = make();
      const order: string[] = [];
      await lock.acquire();
      const makeWaiter = (name: string) =>
        spawn(async () => {
          try {
            await lock.acquire();
          } catch (error) {
            order.push(`${name} cancelled`);
            throw error;
          }
          try {
            order.push(name);
            await yieldNow();
          } finally {
            lock.release();
          }
        }, { name });
      const b = makeWaiter('B');
      const c = makeWaiter('C');
      await sleep(1);
      b.cancel();
      lock.release();
      await gather(b).catch(() => undefined);
      await c;
      expect(order).toContain('C');
      expect(order).toEqual(['B cancelled', 'C']);
      expect(lock.locked()).toBe(false);
    });
  });

  it('a waiter cancelled after it was granted the lock, before it ran, gets CancelledError and the lock goes to the next waiter', async () => {
    await inRun(async () => {
      const lock = make();
      const events: string[] = [];
      await lock.acquire();
      const b = spawn(async () => {
        try {
          await lock.acquire();
        } catch (error) {
          events.push(error instanceof CancelledError ? 'B cancelled in acquire' : 'B other error');
          throw error;
        }
        events.push('B acquired');
        lock.release();
      }, { name: 'B' });
      const c = spawn(async () => {
        await lock.acquire();
        events.push('C acquired');
        lock.release();
      }, { name: 'C' });
      await sleep(1);
      // The release hands the lock to B; B has not run yet when it is cancelled (asyncio's
      // Lock/Semaphore: the woken waiter's acquire raises and the next waiter is woken).
      lock.release();
      expect(lock.locked()).toBe(true);
      expect(b.cancel()).toBe(true);
      expect(lock.locked()).toBe(true); // handed on to C at once
      expect(await rejection(b)).toBeInstanceOf(CancelledError);
      await c;
      expect(events).toEqual(['B cancelled in acquire', 'C acquired']);
      expect(lock.locked()).toBe(false);
    });
  });

  it('a waiter granted the lock and cancelled with nobody behind it leaves the lock unlocked', async () => {
    await inRun(async () => {
      const lock = make();
      await lock.acquire();
      const b = spawn(() => lock.acquire(), { name: 'B' });
      await sleep(1);
      lock.release();
      b.cancel();
      expect(lock.locked()).toBe(false);
      expect(await rejection(b)).toBeInstanceOf(CancelledError);
      expect(await lock.acquire()).toBe(true);
      lock.release();
    });
  });

  it('an acquire abandoned by timeout() takes nothing and does not strand the next waiter', async () => {
    await inRun(async () => {
      const lock = make();
      await lock.acquire();
      const impatient = spawn(async () => {
        try {
          await timeout(5, () => lock.acquire());
          return 'acquired';
        } catch (error) {
          return error instanceof TimeoutError ? `timed out at ${now()}` : 'other error';
        }
      });
      const patient = spawn(async () => {
        await lock.acquire();
        const at = now();
        lock.release();
        return at;
      });
      await sleep(20);
      lock.release();
      expect(await impatient).toBe('timed out at 5');
      expect(await patient).toBe(20);
      expect(lock.locked()).toBe(false);
    });
  });

  it('a task cancelled before it calls acquire() gets CancelledError there and takes nothing', async () => {
    await inRun(async () => {
      const lock = make();
      const t = spawn(async () => {
        await lock.acquire();
        return 'acquired';
      });
      t.cancel();
      expect(await rejection(t)).toBeInstanceOf(CancelledError);
      expect(lock.locked()).toBe(false);
    });
  });

  it('under the explorer, cancelling one of three contenders never leaves the lock held or a waiter stranded', async () => {
    const report = await check(
      async () => {
        const lock = make('guard');
        const counter = new Shared(0, { name: 'counter' });
        const worker = () =>
          spawn(async () => {
            await lock.acquire();
            try {
              const v = counter.get();
              await yieldNow();
              counter.set(v + 1);
            } finally {
              lock.release();
            }
          });
        const tasks = [worker(), worker(), worker()];
        await yieldNow();
        tasks[1]!.cancel();
        const outcomes = await Promise.allSettled(tasks.map((t) => Promise.resolve(t)));
        const finished = outcomes.filter((o) => o.status === 'fulfilled').length;
        if (counter.get() !== finished) throw new Error(`counter ${counter.get()} != finished ${finished}`);
        if (lock.locked()) throw new Error('lock left held');
      },
      { runs: 200, seed: 5 },
    );
    expect(report.failure?.message).toBeUndefined();
    expect(report.ok).toBe(true);
  });
});

describe('the conformance program is a real test', () => {
  it('the same read/yield/write section without a lock loses an update under the explorer', async () => {
    const report = await check(
      async () => {
        const counter = new Shared(0, { name: 'counter' });
        const bump = async (): Promise<void> => {
          const v = counter.get();
          await yieldNow();
          counter.set(v + 1);
        };
        await gather(spawn(bump), spawn(bump), spawn(bump));
        if (counter.get() !== 3) throw new Error(`lost update: counter is ${counter.get()}`);
      },
      { runs: 300, seed: 11 },
    );
    expect(report.ok).toBe(false);
    expect(report.failure?.kind).toBe('error');
    expect(String((report.failure?.error as Error).message)).toContain('lost update');
  });
});
