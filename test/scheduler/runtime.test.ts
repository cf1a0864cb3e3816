import { describe, expect, it } from 'vitest';
import {
  CancelledError,
  check,
  Event,
  Future,
  gather,
  InvalidStateError,
  Lock,
  now,
  run,
  sleep,
  spawn,
  timeout,
  TimeoutError,
  withTaskGroup,
  yieldNow,
  type Task,
} from 'interleaved';

/** Runs `fn` as one controlled schedule in asyncio's order and rethrows its failure. */
async function inRun<T>(fn: () => Promise<T>): Promise<T> {
  let value: T | undefined;
  const result = await run(async () => {
    value = await fn();
  });
  if (!result.ok) throw result.failure!.error;
  return value as T;
}

describe('tasks', () => {
  it('spawn never runs the body synchronously and names tasks Task-N in creation order', async () => {
    await inRun(async () => {
      const log: string[] = [];
      const a = spawn(async () => log.push('a'));
      const b = spawn(async () => log.push('b'), { name: 'named' });
      const c = spawn(async () => log.push('c'));
      expect(log).toEqual([]);
      expect([a.name, b.name, c.name]).toEqual(['Task-1', 'named', 'Task-3']);
      expect([a.id, b.id, c.id]).toEqual([1, 2, 3]);
      await gather(a, b, c);
      expect(log).toEqual(['a', 'b', 'c']);
      expect(a.done() && !a.cancelled()).toBe(true);
    });
  });

  it('awaiting a task gives its result or throws its error', async () => {
    await inRun(async () => {
      expect(await spawn(async () => 42)).toBe(42);
      const failing = spawn(async () => {
        throw new Error('boom');
      });
      await expect(failing).rejects.toThrow('boom');
    });
  });

  it('a task awaiting itself gets InvalidStateError', async () => {
    await inRun(async () => {
      let self: Task<void> | undefined;
      self = spawn(async () => {
        await self;
      });
      await expect(self).rejects.toBeInstanceOf(InvalidStateError);
    });
  });

  it('rejects a non-function body with a TypeError naming the value', () => {
    expect(() => spawn(42 as unknown as () => void)).toThrow(/Expected `fn` to be a function, got `42` \(number\)/);
  });
});

describe('virtual time', () => {
  it('starts at 0, advances only when nothing is ready, and costs no real time', async () => {
    const started = performance.now();
    const result = await run(async () => {
      expect(now()).toBe(0);
      await sleep(60_000);
      expect(now()).toBe(60_000);
      await yieldNow();
      expect(now()).toBe(60_000);
    });
    expect(result.ok).toBe(true);
    expect(result.time).toBe(60_000);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('fires equal deadlines in creation order', async () => {
    await inRun(async () => {
      const order: string[] = [];
      await gather(
        spawn(async () => { await sleep(10); order.push('a'); }),
        spawn(async () => { await sleep(5); order.push('b'); }),
        spawn(async () => { await sleep(10); order.push('c'); }),
      );
      expect(order).toEqual(['b', 'a', 'c']);
    });
  });

  it('rejects a negative or NaN delay with a RangeError', () => {
    expect(() => sleep(-1)).toThrow(/Expected `ms` to be a number of milliseconds >= 0, got `-1` \(number\)/);
    expect(() => sleep(Number.NaN)).toThrow(RangeError);
  });
});

describe('cancellation', () => {
  it('throws CancelledError at the blocking await; the task ends cancelled', async () => {
    await inRun(async () => {
      const t = spawn(async () => {
        await sleep(1000);
      });
      await sleep(1);
      expect(t.cancel('stop')).toBe(true);
      await expect(t).rejects.toBeInstanceOf(CancelledError);
      expect(t.cancelled()).toBe(true);
      expect(t.cancel()).toBe(false);
      expect(now()).toBe(1);
    });
  });

  it('a task that catches the cancel and returns normally is not cancelled; the cancel does not stick', async () => {
    await inRun(async () => {
      const t = spawn(async () => {
        try {
          await sleep(1000);
        } catch (e) {
          expect(e).toBeInstanceOf(CancelledError);
        }
        await sleep(5); // a second await is not cancelled again
        return 'recovered';
      });
      await yieldNow();
      t.cancel();
      expect(await t).toBe('recovered');
      expect(t.cancelled()).toBe(false);
    });
  });

  it('a task cancelled before its first step never runs its body', async () => {
    await inRun(async () => {
      let ran = false;
      const t = spawn(async () => {
        ran = true;
      });
      t.cancel();
      await expect(t).rejects.toBeInstanceOf(CancelledError);
      expect(ran).toBe(false);
      expect(t.cancelled()).toBe(true);
    });
  });

  it('cancelling a task that awaits another task cancels that task too', async () => {
    await inRun(async () => {
      const inner = spawn(async () => {
        await sleep(1000);
      });
      const outer = spawn(async () => {
        await inner;
      });
      await sleep(1);
      outer.cancel();
      await expect(outer).rejects.toBeInstanceOf(CancelledError);
      expect(inner.cancelled()).toBe(true);
    });
  });

  it('cancelling a task that awaits a Future cancels the Future', async () => {
    await inRun(async () => {
      const f = new Future<number>();
      const t = spawn(async () => f);
      await sleep(1);
      t.cancel();
      await expect(t).rejects.toBeInstanceOf(CancelledError);
      expect(f.cancelled()).toBe(true);
    });
  });

  it('gather passes a cancel on to its children', async () => {
    await inRun(async () => {
      const a = spawn(async () => sleep(100));
      const b = spawn(async () => sleep(200));
      const g = spawn(async () => gather(a, b));
      await sleep(1);
      g.cancel();
      await expect(g).rejects.toBeInstanceOf(CancelledError);
      expect(a.cancelled() && b.cancelled()).toBe(true);
    });
  });

  it('a cancelled lock waiter never swallows the wake-up meant for the next waiter', async () => {
    const report = await check(async () => {
      const lock = new Lock({ name: 'l' });
      await lock.acquire();
      const got: string[] = [];
      const waiter = (name: string) => spawn(async () => {
        await lock.acquire();
        got.push(name);
        lock.release();
      }, { name });
      const b = waiter('b');
      const c = waiter('c');
      await sleep(1);
      b.cancel();
      lock.release();
      await expect(b).rejects.toBeInstanceOf(CancelledError);
      await c;
      expect(got).toEqual(['c']);
      expect(lock.locked()).toBe(false);
    }, { runs: 200, seed: 11 });
    expect(report.failure?.message).toBeUndefined();
  });
});

describe('Future', () => {
  it('settles once, wakes every awaiter, and misuse throws InvalidStateError', async () => {
    await inRun(async () => {
      const f = new Future<string>({ name: 'answer' });
      const waiters = [spawn(async () => f), spawn(async () => f)];
      await yieldNow();
      expect(f.done()).toBe(false);
      f.resolve('yes');
      expect(await gather(...waiters)).toEqual(['yes', 'yes']);
      expect(() => f.resolve('again')).toThrow(/already resolved/);
      expect(f.cancel()).toBe(false);
      expect(f.result()).toBe('yes');
    });
  });

  it('works outside a run like a promise', async () => {
    const f = new Future<number>();
    setImmediate(() => f.resolve(3));
    expect(await f).toBe(3);
  });
});

describe('gather', () => {
  it('keeps the order of results and accepts plain values and promises', async () => {
    await inRun(async () => {
      const result = await gather(
        spawn(async () => { await sleep(5); return 'slow'; }),
        7,
        Promise.resolve('p'),
        spawn(async () => 'fast'),
      );
      expect(result).toEqual(['slow', 7, 'p', 'fast']);
    });
  });

  it('rejects with the first failure while the others keep running', async () => {
    await inRun(async () => {
      let finished = false;
      const slow = spawn(async () => { await sleep(10); finished = true; });
      await expect(gather(slow, spawn(async () => { throw new Error('first'); }))).rejects.toThrow('first');
      expect(slow.done()).toBe(false);
      await slow;
      expect(finished).toBe(true);
    });
  });
});

describe('timeout', () => {
  it('raises TimeoutError at the deadline and cancels the work in the calling task', async () => {
    await inRun(async () => {
      let cleaned = false;
      await expect(
        timeout(10, async () => {
          try {
            await sleep(100);
          } finally {
            cleaned = true;
          }
        }),
      ).rejects.toBeInstanceOf(TimeoutError);
      expect(cleaned).toBe(true);
      expect(now()).toBe(10);
    });
  });

  it('returns the value when the work finishes in time, and the deadline no longer fires', async () => {
    await inRun(async () => {
      expect(await timeout(10, async () => { await sleep(5); return 'ok'; })).toBe('ok');
      await sleep(20); // would be cancelled if the timer were still armed
      expect(now()).toBe(25);
    });
  });

  it('cancels a Task given as work', async () => {
    await inRun(async () => {
      const t = spawn(async () => sleep(100));
      await expect(timeout(5, t)).rejects.toBeInstanceOf(TimeoutError);
      expect(t.cancelled()).toBe(true);
    });
  });

  it('an outside cancel inside a timeout stays a CancelledError', async () => {
    await inRun(async () => {
      const t = spawn(async () => timeout(100, () => sleep(50)));
      await sleep(10);
      t.cancel();
      await expect(t).rejects.toBeInstanceOf(CancelledError);
    });
  });

  it('nested timeouts: the inner deadline raises in the inner scope only', async () => {
    await inRun(async () => {
      const outcome = await timeout(100, async () => {
        try {
          await timeout(5, () => sleep(50));
          return 'inner finished';
        } catch (e) {
          if (e instanceof TimeoutError) return 'inner timed out';
          throw e;
        }
      });
      expect(outcome).toBe('inner timed out');
      expect(now()).toBe(5);
    });
  });
});

describe('withTaskGroup', () => {
  it('waits for every child', async () => {
    await inRun(async () => {
      const done: number[] = [];
      await withTaskGroup(async (group) => {
        for (const ms of [30, 10, 20]) group.spawn(async () => { await sleep(ms); done.push(ms); });
      });
      expect(done).toEqual([10, 20, 30]);
      expect(now()).toBe(30);
    });
  });

  it('a failing child cancels its siblings and the body; one error surfaces as itself', async () => {
    await inRun(async () => {
      let sibling: Task<void> | undefined;
      let bodyCancelled = false;
      await expect(
        withTaskGroup(async (group) => {
          sibling = group.spawn(async () => sleep(1000));
          group.spawn(async () => { await sleep(5); throw new Error('child failed'); });
          try {
            await sleep(1000);
          } catch (e) {
            bodyCancelled = e instanceof CancelledError;
            throw e;
          }
        }),
      ).rejects.toThrow('child failed');
      expect(sibling?.cancelled()).toBe(true);
      expect(bodyCancelled).toBe(true);
      expect(now()).toBe(5);
    });
  });

  it('several failures surface together as an AggregateError', async () => {
    await inRun(async () => {
      // 'a' fails first; cancelling 'b' makes its cleanup fail too: two errors.
      const error = await withTaskGroup(async (group) => {
        group.spawn(async () => { await sleep(5); throw new Error('a'); });
        group.spawn(async () => {
          try {
            await sleep(100);
          } finally {
            throw new Error('b'); // eslint-disable-line no-unsafe-finally
          }
        });
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AggregateError);
      expect((error as AggregateError).errors.map((e: Error) => e.message).sort()).toEqual(['a', 'b']);
    });
  });
});

describe('failure kinds', () => {
  it('unhandled: a spawned task failed and nothing awaited it', async () => {
    const report = await check(async () => {
      spawn(async () => { throw new Error('nobody listens'); }, { name: 'orphan' });
      await sleep(1);
    }, { runs: 3, seed: 1 });
    expect(report.failure?.kind).toBe('unhandled');
    expect(report.failure?.message).toContain("task 'orphan' failed and nothing awaited it");
  });

  it('a task that ends cancelled is never unhandled', async () => {
    const report = await check(async () => {
      const t = spawn(async () => sleep(100));
      await sleep(1);
      t.cancel();
      await sleep(1);
    }, { runs: 3, seed: 1 });
    expect(report.ok).toBe(true);
  });

  it('leak: the program returned while a task stays blocked forever', async () => {
    const report = await check(async () => {
      const never = new Event({ name: 'never' });
      spawn(async () => { await never.wait(); }, { name: 'waiter' });
      await sleep(1);
    }, { runs: 3, seed: 1 });
    expect(report.failure?.kind).toBe('leak');
    expect(report.failure?.message).toContain("waiter");
    expect(report.failure?.message).toContain("never");
    const quiet = await check(async () => {
      spawn(async () => { await new Event().wait(); });
      await sleep(1);
    }, { runs: 3, seed: 1, detect: { leaks: false } });
    expect(quiet.ok).toBe(true);
  });

  it('step-limit: a livelock is stopped and reported, never hangs', async () => {
    const report = await check(async () => {
      const spin = spawn(async () => { for (;;) await yieldNow(); });
      await spin;
    }, { runs: 2, seed: 1, maxSteps: 500 });
    expect(report.failure?.kind).toBe('step-limit');
    expect(report.failure?.message).toContain('maxSteps=500');
  });

  it('error: the program threw', async () => {
    const report = await check(async () => {
      await sleep(1);
      throw new TypeError('bad input');
    }, { runs: 2, seed: 1 });
    expect(report.failure?.kind).toBe('error');
    expect(report.failure?.error).toBeInstanceOf(TypeError);
  });
});

describe('real event loop (outside a run)', () => {
  it('spawn, sleep(0), yieldNow, gather, timeout and cancellation work with real timers', async () => {
    const t = spawn(async () => { await sleep(0); await yieldNow(); return 'real'; });
    expect(await t).toBe('real');
    expect(await gather(spawn(async () => 1), Promise.resolve(2))).toEqual([1, 2]);
    const long = spawn(async () => sleep(10_000));
    await yieldNow();
    long.cancel();
    await expect(long).rejects.toBeInstanceOf(CancelledError);
    await expect(timeout(1, () => new Promise(() => {}))).rejects.toBeInstanceOf(TimeoutError);
    expect(await timeout(1000, async () => 'quick')).toBe('quick');
  });
});

describe('infinite and huge delays', () => {
  it('sleep(Infinity) never wakes: a run waiting on it alone is a deadlock, not time = Infinity', async () => {
    const report = await check(async () => {
      await sleep(Infinity);
    }, { runs: 1, seed: 1 });
    expect(report.failure?.kind).toBe('deadlock');
  });

  it('timeout(Infinity, …) never fires', async () => {
    await inRun(async () => {
      expect(await timeout(Infinity, async () => { await sleep(10); return 'done'; })).toBe('done');
      expect(now()).toBe(10);
    });
  });

  it('outside a run, a delay above 2^31-1 ms is not handed to Node as is (Node would fire it after 1 ms)', async () => {
    const warnings: string[] = [];
    const listener = (w: Error) => warnings.push(w.name);
    process.on('warning', listener);
    try {
      const t = spawn(async () => sleep(2 ** 31 + 10));
      await yieldNow();
      await yieldNow();
      expect(warnings).not.toContain('TimeoutOverflowWarning');
      expect(t.done()).toBe(false);
      t.cancel();
      await expect(t).rejects.toBeInstanceOf(CancelledError);
    } finally {
      process.off('warning', listener);
    }
  });
});
