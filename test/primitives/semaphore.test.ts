/**
 * Semaphore and BoundedSemaphore: permit counting, validation, locked(), over-release, FIFO
 * fairness (no barging), and a bound on concurrent holders under the explorer.
 */
import { describe, it, expect } from 'vitest';
import { BoundedSemaphore, CancelledError, InvalidStateError, Semaphore, check, gather, now, sleep, spawn, yieldNow } from 'interleaved';
import { inRun, rejection, thrown } from './helpers.js';

describe('Semaphore counting', () => {
  it('defaults to one permit', () => {
    expect(new Semaphore().value).toBe(1);
    expect(new BoundedSemaphore().value).toBe(1);
  });

  it('counts permits down on acquire and up on release; locked() at zero', async () => {
    await inRun(async () => {
      const sem = new Semaphore(3, { name: 'pool' });
      expect(sem.value).toBe(3);
      expect(sem.locked()).toBe(false);
      await sem.acquire();
      expect(sem.value).toBe(2);
      await sem.acquire();
      expect(sem.value).toBe(1);
      expect(sem.locked()).toBe(false);
      await sem.acquire();
      expect(sem.value).toBe(0);
      expect(sem.locked()).toBe(true);
      sem.release();
      expect(sem.value).toBe(1);
      expect(sem.locked()).toBe(false);
      sem.release();
      sem.release();
      expect(sem.value).toBe(3);
    });
  });

  it('Semaphore(0) blocks the first acquirer until a release', async () => {
    await inRun(async () => {
      const sem = new Semaphore(0);
      expect(sem.locked()).toBe(true);
      const t = spawn(async () => {
        await sem.acquire();
        return now();
      });
      await sleep(7);
      expect(t.done()).toBe(false);
      sem.release();
      expect(await t).toBe(7);
      expect(sem.value).toBe(0);
    });
  });

  it('a plain Semaphore may be released above its initial value', async () => {
    await inRun(async () => {
      const sem = new Semaphore(1);
      sem.release();
      expect(sem.value).toBe(2);
      await sem.acquire();
      await sem.acquire();
      expect(sem.value).toBe(0);
      expect(sem.locked()).toBe(true);
    });
  });

  it('a release with waiters hands the permit to the oldest waiter: value stays 0', async () => {
    await inRun(async () => {
      const sem = new Semaphore(1);
      await sem.acquire();
      const waiter = spawn(() => sem.acquire());
      await sleep(1);
      sem.release();
      expect(sem.value).toBe(0);
      expect(sem.locked()).toBe(true);
      await waiter;
      expect(sem.value).toBe(0);
      sem.release();
      expect(sem.value).toBe(1);
    });
  });
});

describe('Semaphore validation', () => {
  it('new Semaphore(-1) throws a RangeError that shows the value', () => {
    const error = thrown(() => new Semaphore(-1));
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toContain('-1');
  });

  it('rejects non-integers and non-numbers', () => {
    expect(() => new Semaphore(1.5)).toThrow(RangeError);
    expect(() => new Semaphore(Number.NaN)).toThrow(RangeError);
    expect(() => new Semaphore('2' as unknown as number)).toThrow(RangeError);
    expect(() => new BoundedSemaphore(-3)).toThrow(/-3/);
  });

  it('accepts 0 and a name', () => {
    const sem = new Semaphore(0, { name: 'gate' });
    expect(sem.value).toBe(0);
    expect(String(sem)).toContain('gate');
  });
});

describe('BoundedSemaphore', () => {
  it('throws on a release past its initial value, leaving the value unchanged', async () => {
    await inRun(async () => {
      const sem = new BoundedSemaphore(2, { name: 'slots' });
      await sem.acquire();
      sem.release();
      const error = thrown(() => sem.release());
      expect(error).toBeInstanceOf(InvalidStateError);
      expect((error as Error).message).toContain('slots');
      expect(sem.value).toBe(2);
    });
  });

  it('throws on a release without any acquire', async () => {
    await inRun(async () => {
      const sem = new BoundedSemaphore(1);
      expect(() => sem.release()).toThrow(InvalidStateError);
      expect(sem.value).toBe(1);
      expect(sem.locked()).toBe(false);
    });
  });

  it('allows releasing back up to the bound after several acquires', async () => {
    await inRun(async () => {
      const sem = new BoundedSemaphore(3);
      await sem.acquire();
      await sem.acquire();
      sem.release();
      sem.release();
      expect(sem.value).toBe(3);
      expect(() => sem.release()).toThrow(InvalidStateError);
    });
  });
});

describe('Semaphore fairness', () => {
  it('a newcomer does not take a permit while others wait (no barging)', async () => {
    await inRun(async () => {
      const sem = new Semaphore(1);
      const order: string[] = [];
      await sem.acquire();
      const waiter = spawn(async () => {
        await sem.acquire();
        order.push('waiter');
        await yieldNow();
        sem.release();
      }, { name: 'waiter' });
      await sleep(1);
      sem.release();
      // The releasing task immediately asks again: it must queue behind the waiter.
      await sem.acquire();
      order.push('main');
      sem.release();
      await waiter;
      expect(order).toEqual(['waiter', 'main']);
    });
  });

  it('a task spawned after the release queues behind the woken waiter', async () => {
    await inRun(async () => {
      const sem = new Semaphore(1);
      const order: string[] = [];
      await sem.acquire();
      const user = (name: string) =>
        spawn(async () => {
          await sem.acquire();
          order.push(name);
          await sleep(1);
          sem.release();
        }, { name });
      const first = user('first');
      await sleep(1);
      sem.release();
      const late = user('late');
      await gather(first, late);
      expect(order).toEqual(['first', 'late']);
    });
  });

  it('wakes many waiters in arrival order as permits come back', async () => {
    await inRun(async () => {
      const sem = new Semaphore(2);
      const order: string[] = [];
      const user = (name: string, arrive: number) =>
        spawn(async () => {
          await sleep(arrive);
          await sem.acquire();
          order.push(name);
          await sleep(10);
          sem.release();
        });
      await gather(user('a', 0), user('b', 0), user('e', 5), user('c', 1), user('d', 2));
      expect(order).toEqual(['a', 'b', 'c', 'd', 'e']);
    });
  });

  it('Semaphore(2) never lets more than two tasks in at once, under 200 explored schedules', async () => {
    let maxInside = 0;
    const report = await check(
      async () => {
        const sem = new Semaphore(2, { name: 'pool' });
        let inside = 0;
        const work = () =>
          sem.runExclusive(async () => {
            inside++;
            maxInside = Math.max(maxInside, inside);
            await yieldNow();
            await yieldNow();
            inside--;
          });
        await gather(spawn(work), spawn(work), spawn(work), spawn(work));
        if (sem.value !== 2) throw new Error(`value ${sem.value} after all released`);
      },
      { runs: 200, seed: 3 },
    );
    expect(report.failure?.message).toBeUndefined();
    expect(report.ok).toBe(true);
    expect(maxInside).toBe(2);
  });

  it('a waiter cancelled before its turn leaves the permits to the others', async () => {
    await inRun(async () => {
      const sem = new Semaphore(0);
      const got: string[] = [];
      const waiter = (name: string) =>
        spawn(async () => {
          await sem.acquire();
          got.push(name);
        }, { name });
      const a = waiter('a');
      const b = waiter('b');
      const c = waiter('c');
      await sleep(1);
      a.cancel();
      sem.release();
      sem.release();
      expect(await rejection(a)).toBeInstanceOf(CancelledError);
      await gather(b, c);
      expect(got).toEqual(['b', 'c']);
      expect(sem.value).toBe(0);
    });
  });

  it('a waiter cancelled after being handed a permit, before it ran, passes the permit to the next waiter', async () => {
    await inRun(async () => {
      const sem = new Semaphore(0);
      const log: string[] = [];
      const a = spawn(async () => {
        try {
          await sem.acquire();
        } catch (error) {
          log.push(`a cancelled in acquire, value=${sem.value}`);
          throw error;
        }
        log.push('a acquired');
      });
      const b = spawn(async () => {
        await sem.acquire();
        log.push('b');
      });
      await sleep(1);
      sem.release();
      a.cancel();
      expect(await rejection(a)).toBeInstanceOf(CancelledError);
      await b;
      expect(log).toEqual(['a cancelled in acquire, value=0', 'b']);
      expect(sem.value).toBe(0);
    });
  });

  it('a permit given back with nobody waiting returns to the count (asyncio test_acquire_hang, reversed)', async () => {
    await inRun(async () => {
      const sem = new Semaphore(0);
      const a = spawn(() => sem.acquire());
      await sleep(1);
      sem.release();
      expect(sem.value).toBe(0);
      a.cancel();
      expect(sem.value).toBe(1);
      expect(await rejection(a)).toBeInstanceOf(CancelledError);
      expect(sem.locked()).toBe(false);
    });
  });

  it('under the explorer, cancelling holders and waiters never leaks or invents a permit', async () => {
    const report = await check(
      async () => {
        const sem = new Semaphore(2, { name: 'pool' });
        let inside = 0;
        const worker = () =>
          spawn(() =>
            sem.runExclusive(async () => {
              inside++;
              try {
                if (inside > 2) throw new Error(`${inside} holders of a Semaphore(2)`);
                await yieldNow();
              } finally {
                inside--;
              }
            }),
          );
        const tasks = [worker(), worker(), worker(), worker()];
        await yieldNow();
        tasks[1]!.cancel();
        await yieldNow();
        tasks[3]!.cancel();
        const outcomes = await Promise.allSettled(tasks.map((t) => Promise.resolve(t)));
        for (const o of outcomes) {
          if (o.status === 'rejected' && !(o.reason instanceof CancelledError)) throw o.reason;
        }
        if (sem.value !== 2 || sem.locked()) throw new Error(`left ${String(sem)}`);
      },
      { runs: 300, seed: 14 },
    );
    expect(report.failure?.message).toBeUndefined();
    expect(report.ok).toBe(true);
  });
});
