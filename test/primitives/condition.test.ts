/**
 * Condition: ownership checks, notify(n) in FIFO order, notifyAll, waitFor, the lock being
 * re-acquired before a cancellation leaves wait(), a notification never lost to a cancelled
 * waiter, conditions sharing one Lock, construction and names.
 */
import { describe, it, expect } from 'vitest';
import {
  CancelledError,
  Condition,
  InvalidStateError,
  Lock,
  TimeoutError,
  check,
  gather,
  now,
  run,
  sleep,
  spawn,
  timeout,
  yieldNow,
} from 'interleaved';
import { inRun, rejection, thrown } from './helpers.js';

describe('Condition ownership', () => {
  it('wait() without holding the lock rejects with InvalidStateError', async () => {
    await inRun(async () => {
      const cond = new Condition(undefined, { name: 'cv' });
      const error = await rejection(cond.wait());
      expect(error).toBeInstanceOf(InvalidStateError);
      expect((error as Error).message).toContain('cv');
      expect(cond.locked()).toBe(false);
    });
  });

  it('notify() and notifyAll() without holding the lock throw InvalidStateError', async () => {
    await inRun(async () => {
      const cond = new Condition();
      expect(thrown(() => cond.notify())).toBeInstanceOf(InvalidStateError);
      expect(thrown(() => cond.notify(3))).toBeInstanceOf(InvalidStateError);
      expect(thrown(() => cond.notifyAll())).toBeInstanceOf(InvalidStateError);
    });
  });

  it('a task that does not hold the lock may not wait or notify even while another task holds it', async () => {
    await inRun(async () => {
      const cond = new Condition();
      const holder = spawn(async () => {
        await cond.acquire();
        await sleep(10);
        cond.release();
      });
      await sleep(1);
      expect(cond.locked()).toBe(true);
      expect(() => cond.notify()).toThrow(InvalidStateError);
      expect(await rejection(cond.wait())).toBeInstanceOf(InvalidStateError);
      await holder;
    });
  });

  it('waitFor() without the lock: a true predicate returns its value, a false one rejects', async () => {
    await inRun(async () => {
      const cond = new Condition();
      expect(await cond.waitFor(() => 'ready')).toBe('ready');
      expect(await rejection(cond.waitFor(() => false))).toBeInstanceOf(InvalidStateError);
    });
  });
});

describe('Condition wake-ups', () => {
  it('notify() wakes nobody until the notifier releases; the woken waiter holds the lock', async () => {
    await inRun(async () => {
      const cond = new Condition();
      const result: string[] = [];
      const t = spawn(async () => {
        await cond.acquire();
        await cond.wait();
        result.push(`woke locked=${cond.locked()}`);
        cond.release();
      });
      await sleep(1);
      expect(cond.locked()).toBe(false);
      await cond.acquire();
      cond.notify();
      await sleep(5);
      expect(result).toEqual([]);
      cond.release();
      await t;
      expect(result).toEqual(['woke locked=true']);
      expect(cond.locked()).toBe(false);
    });
  });

  it('notify(n) wakes n waiters in the order they started waiting', async () => {
    await inRun(async () => {
      const cond = new Condition();
      const woke: string[] = [];
      const waiter = (name: string, arrive: number) =>
        spawn(async () => {
          await sleep(arrive);
          await cond.runExclusive(async () => {
            await cond.wait();
            woke.push(name);
          });
        }, { name });
      // Arrival order: w2, w3, w1, w4.
      const tasks = [waiter('w1', 3), waiter('w2', 1), waiter('w3', 2), waiter('w4', 4)];
      await sleep(10);
      await cond.runExclusive(() => cond.notify(2));
      await sleep(10);
      expect(woke).toEqual(['w2', 'w3']);
      await cond.runExclusive(() => cond.notify(1));
      await sleep(10);
      expect(woke).toEqual(['w2', 'w3', 'w1']);
      await cond.runExclusive(() => cond.notify(5));
      await gather(...tasks);
      expect(woke).toEqual(['w2', 'w3', 'w1', 'w4']);
    });
  });

  it('notify() with no waiters is a no-op, and notify(0) wakes nobody', async () => {
    await inRun(async () => {
      const cond = new Condition();
      await cond.acquire();
      cond.notify();
      cond.notifyAll();
      cond.release();
      let woke = false;
      const t = spawn(async () => {
        await cond.acquire();
        await cond.wait();
        woke = true;
        cond.release();
      });
      await sleep(1);
      await cond.runExclusive(() => cond.notify(0));
      await sleep(5);
      expect(woke).toBe(false);
      await cond.runExclusive(() => cond.notify());
      await t;
      expect(woke).toBe(true);
    });
  });

  it('notifyAll() wakes every waiter, one at a time under the lock', async () => {
    await inRun(async () => {
      const cond = new Condition();
      let inside = 0;
      let maxInside = 0;
      const woke: string[] = [];
      const waiter = (name: string) =>
        spawn(() =>
          cond.runExclusive(async () => {
            await cond.wait();
            inside++;
            maxInside = Math.max(maxInside, inside);
            woke.push(name);
            await sleep(1);
            inside--;
          }),
        );
      const tasks = [waiter('a'), waiter('b'), waiter('c')];
      await sleep(1);
      await cond.runExclusive(() => cond.notifyAll());
      await gather(...tasks);
      expect(woke).toEqual(['a', 'b', 'c']);
      expect(maxInside).toBe(1);
      expect(now()).toBe(4);
    });
  });

  it('waitFor(predicate) waits until the predicate holds and returns its value', async () => {
    await inRun(async () => {
      const cond = new Condition();
      const items: number[] = [];
      let checks = 0;
      const consumer = spawn(() =>
        cond.runExclusive(async () => {
          const got = await cond.waitFor(() => {
            checks++;
            expect(cond.locked()).toBe(true);
            return items.length >= 2 && items.slice();
          });
          return [got, now()] as const;
        }),
      );
      for (let i = 1; i <= 3; i++) {
        await sleep(10);
        await cond.runExclusive(() => {
          if (i <= 2) items.push(i);
          cond.notifyAll();
        });
      }
      const [got, at] = await consumer;
      expect(got).toEqual([1, 2]);
      expect(at).toBe(20);
      // Checked once at first, then once after each of the two notifications before it held.
      expect(checks).toBe(3);
    });
  });

  it('waitFor with a predicate already true returns at once', async () => {
    await inRun(async () => {
      const cond = new Condition();
      await cond.acquire();
      expect(await cond.waitFor(() => 7)).toBe(7);
      expect(cond.locked()).toBe(true);
      cond.release();
    });
  });

  it('waitFor rejects a non-function predicate with TypeError', async () => {
    await inRun(async () => {
      const cond = new Condition();
      await cond.acquire();
      expect(await rejection(cond.waitFor(42 as unknown as () => boolean))).toBeInstanceOf(TypeError);
      cond.release();
    });
  });

  it('a producer/consumer on a Condition delivers every item exactly once under 200 schedules', async () => {
    const report = await check(
      async () => {
        const cond = new Condition(undefined, { name: 'items' });
        const items: number[] = [];
        const got: number[] = [];
        const consumer = () =>
          spawn(async () => {
            for (let k = 0; k < 2; k++) {
              await cond.runExclusive(async () => {
                await cond.waitFor(() => items.length > 0);
                got.push(items.shift()!);
              });
            }
          });
        const producer = spawn(async () => {
          for (let i = 0; i < 4; i++) {
            await cond.runExclusive(() => {
              items.push(i);
              cond.notify();
            });
            await yieldNow();
          }
        });
        await gather(consumer(), consumer(), producer);
        if (got.slice().sort().join() !== '0,1,2,3') throw new Error(`got ${got.join()}`);
      },
      { runs: 200, seed: 9 },
    );
    expect(report.failure?.message).toBeUndefined();
    expect(report.ok).toBe(true);
  });
});

describe('Condition cancellation', () => {
  it('a waiter cancelled while waiting re-acquires the lock before CancelledError leaves wait()', async () => {
    await inRun(async () => {
      const cond = new Condition(undefined, { name: 'cv' });
      const seen: { locked: boolean; owner: string; at: number }[] = [];
      const w = spawn(async () => {
        await cond.acquire();
        try {
          await cond.wait();
        } catch (error) {
          expect(error).toBeInstanceOf(CancelledError);
          seen.push({ locked: cond.locked(), owner: String(cond.lock), at: now() });
          throw error;
        } finally {
          cond.release();
        }
      }, { name: 'W' });
      await sleep(1);
      // main holds the lock while cancelling: W must wait for it before its catch runs.
      await cond.acquire();
      w.cancel();
      await sleep(5);
      expect(seen).toEqual([]);
      cond.release();
      expect(await rejection(w)).toBeInstanceOf(CancelledError);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.locked).toBe(true);
      expect(seen[0]!.owner).toContain('owner=W');
      expect(seen[0]!.at).toBe(6);
      expect(cond.locked()).toBe(false);
    });
  });

  it('a waiter cancelled after being notified (still queued for the lock) also re-acquires first', async () => {
    await inRun(async () => {
      const cond = new Condition();
      let ownerInCatch = '';
      const w = spawn(async () => {
        await cond.acquire();
        try {
          await cond.wait();
        } catch (error) {
          ownerInCatch = String(cond.lock);
          throw error;
        } finally {
          cond.release();
        }
      }, { name: 'W' });
      await sleep(1);
      await cond.acquire();
      cond.notify();
      w.cancel();
      await sleep(3);
      expect(ownerInCatch).toBe('');
      cond.release();
      expect(await rejection(w)).toBeInstanceOf(CancelledError);
      expect(ownerInCatch).toContain('owner=W');
      expect(cond.locked()).toBe(false);
    });
  });

  it('a cancelled wait with the lock free returns holding it (cond.locked() inside the catch)', async () => {
    await inRun(async () => {
      const cond = new Condition();
      let lockedInCatch: boolean | undefined;
      const w = spawn(async () => {
        await cond.acquire();
        try {
          await cond.wait();
        } catch {
          lockedInCatch = cond.locked();
          cond.release();
          return 'cleaned up';
        }
        cond.release();
        return 'notified';
      });
      await sleep(1);
      w.cancel();
      expect(await w).toBe('cleaned up');
      expect(w.cancelled()).toBe(false);
      expect(lockedInCatch).toBe(true);
      expect(cond.locked()).toBe(false);
    });
  });

  it('a wait() ended by timeout() raises TimeoutError holding the lock again', async () => {
    await inRun(async () => {
      const cond = new Condition();
      const seen: string[] = [];
      const w = spawn(() =>
        cond.runExclusive(async () => {
          try {
            await timeout(5, () => cond.wait());
          } catch (error) {
            seen.push(`${(error as Error).name} locked=${cond.locked()} ${String(cond.lock).includes('owner=W')} t=${now()}`);
          }
        }),
      { name: 'W' });
      await w;
      expect(seen).toEqual(['TimeoutError locked=true true t=5']);
      expect(cond.locked()).toBe(false);
    });
  });

  it('a predicate that throws in waitFor propagates its error with the lock still held', async () => {
    await inRun(async () => {
      const cond = new Condition();
      let calls = 0;
      const boom = new Error('predicate failed');
      const w = spawn(() =>
        cond.runExclusive(async () => {
          try {
            await cond.waitFor(() => {
              if (++calls === 2) throw boom;
              return false;
            });
          } catch (error) {
            return [error, cond.locked()] as const;
          }
          return [undefined, false] as const;
        }),
      );
      await sleep(1);
      await cond.runExclusive(() => cond.notify());
      const [error, locked] = await w;
      expect(error).toBe(boom);
      expect(locked).toBe(true);
      expect(cond.locked()).toBe(false);
    });
  });

  it('a notified waiter cancelled before it runs does not swallow the notification (asyncio guarantee)', async () => {
    await inRun(async () => {
      const cond = new Condition(undefined, { name: 'cv' });
      let state = 0;
      const consumer = (name: string) =>
        spawn(
          () =>
            cond.runExclusive(async () => {
              for (;;) {
                await cond.waitFor(() => state !== 0);
                if (state < 0) return;
                state--;
              }
            }),
          { name },
        );
      const c1 = consumer('c1');
      const c2 = consumer('c2');
      await sleep(1);
      await cond.acquire();
      state++;
      cond.notify(1);
      // c1 was notified; it is cancelled before it gets to run.
      c1.cancel();
      try {
        await timeout(100, () => cond.waitFor(() => state === 0));
      } catch (error) {
        if (!(error instanceof TimeoutError)) throw error;
      }
      const stateAfter = state;
      state = -1;
      cond.notifyAll();
      cond.release();
      await Promise.allSettled([Promise.resolve(c1)]);
      await c2;
      // The item produced must have been consumed by c2: the notification passed on.
      expect(stateAfter).toBe(0);
    });
  });
});

describe('Condition construction and shared locks', () => {
  it('uses a given Lock: its state is the condition state', async () => {
    await inRun(async () => {
      const lock = new Lock({ name: 'm' });
      const cond = new Condition(lock);
      expect(cond.lock).toBe(lock);
      await lock.acquire();
      expect(cond.locked()).toBe(true);
      cond.notify();
      cond.release();
      expect(lock.locked()).toBe(false);
    });
  });

  it('two conditions over one Lock: each notify wakes only its own waiters', async () => {
    await inRun(async () => {
      const lock = new Lock({ name: 'm' });
      const notEmpty = new Condition(lock, { name: 'notEmpty' });
      const notFull = new Condition(lock, { name: 'notFull' });
      const woke: string[] = [];
      const a = spawn(async () => {
        await lock.acquire();
        await notEmpty.wait();
        woke.push('notEmpty');
        lock.release();
      });
      const b = spawn(async () => {
        await lock.acquire();
        await notFull.wait();
        woke.push('notFull');
        lock.release();
      });
      await sleep(1);
      await lock.runExclusive(() => notFull.notify());
      await sleep(1);
      expect(woke).toEqual(['notFull']);
      await b;
      expect(a.done()).toBe(false);
      await lock.runExclusive(() => notEmpty.notify());
      await a;
      expect(woke).toEqual(['notFull', 'notEmpty']);
    });
  });

  it('a notified waiter queues for the shared lock behind tasks already waiting for it', async () => {
    await inRun(async () => {
      const lock = new Lock();
      const cond = new Condition(lock);
      const order: string[] = [];
      const w = spawn(async () => {
        await lock.acquire();
        await cond.wait();
        order.push('waiter');
        lock.release();
      });
      await sleep(1);
      await lock.acquire();
      const plain = spawn(async () => {
        await lock.acquire();
        order.push('plain');
        lock.release();
      });
      await sleep(1);
      cond.notify();
      lock.release();
      await gather(w, plain);
      expect(order).toEqual(['plain', 'waiter']);
    });
  });

  it('new Condition(undefined, { name }) and new Condition({ name }) take the name', async () => {
    const a = new Condition(undefined, { name: 'cv' });
    const b = new Condition({ name: 'cv2' });
    expect(String(a)).toContain("'cv'");
    expect(String(b)).toContain("'cv2'");
    const result = await run(async () => {
      await a.runExclusive(() => a.notify());
    });
    expect(result.ok).toBe(true);
    const targets = result.trace.map((e) => e.target).filter((t) => t !== undefined);
    expect(targets).toContain('cv');
    expect(targets.some((t) => t!.startsWith('cv'))).toBe(true);
  });

  it('rejects a lock that is not a Lock', () => {
    expect(() => new Condition(42 as unknown as Lock)).toThrow(TypeError);
    expect(() => new Condition('m' as unknown as Lock)).toThrow(TypeError);
  });

  it('notify(n) validates n', async () => {
    await inRun(async () => {
      const cond = new Condition();
      await cond.acquire();
      expect(() => cond.notify(-1)).toThrow(RangeError);
      cond.release();
    });
  });
});
