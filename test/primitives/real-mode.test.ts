/**
 * Real mode: the same primitives used by plain async code on Node's own event loop, outside any
 * controlled run, as production code uses them. No real delays: only microtasks, `yieldNow()`
 * and `sleep(0)`.
 */
import { describe, it, expect } from 'vitest';
import {
  Barrier,
  BoundedSemaphore,
  CancelledError,
  Condition,
  Event,
  InvalidStateError,
  Lock,
  Queue,
  QueueShutDown,
  Semaphore,
  sleep,
  spawn,
  yieldNow,
} from 'interleaved';
import { rejection } from './helpers.js';

const FAST = 2_000;

describe('primitives outside any run', () => {
  it('two async functions contending on a Lock run their sections one after the other', async () => {
    const lock = new Lock({ name: 'real' });
    const log: string[] = [];
    const worker = async (name: string): Promise<void> => {
      await lock.acquire();
      try {
        log.push(`${name} in`);
        await Promise.resolve();
        await Promise.resolve();
        log.push(`${name} out`);
      } finally {
        lock.release();
      }
    };
    await Promise.all([worker('a'), worker('b'), worker('c')]);
    expect(log).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
    expect(lock.locked()).toBe(false);
  }, FAST);

  it('runExclusive serialises read-modify-write sections with yields in between', async () => {
    const lock = new Lock();
    let counter = 0;
    const bump = () =>
      lock.runExclusive(async () => {
        const v = counter;
        await yieldNow();
        counter = v + 1;
      });
    await Promise.all([bump(), bump(), bump(), bump()]);
    expect(counter).toBe(4);
  }, FAST);

  it('release of an unlocked Lock throws outside a run too', () => {
    const lock = new Lock({ name: 'plain' });
    expect(() => lock.release()).toThrow(InvalidStateError);
    expect(() => lock.release()).toThrow(/not locked/);
  });

  it('a Queue producer and consumer hand items over in order', async () => {
    const q = new Queue<number>(1);
    const got: number[] = [];
    const consumer = (async () => {
      for (let i = 0; i < 5; i++) {
        got.push(await q.get());
        q.taskDone();
      }
    })();
    const producer = (async () => {
      for (let i = 0; i < 5; i++) await q.put(i);
    })();
    await Promise.all([producer, consumer]);
    await q.join();
    expect(got).toEqual([0, 1, 2, 3, 4]);
    expect(q.empty()).toBe(true);
  }, FAST);

  it('a Queue getter waiting outside a run is released by shutdown', async () => {
    const q = new Queue<number>();
    const getter = q.get();
    await yieldNow();
    q.shutdown();
    expect(await rejection(getter)).toBeInstanceOf(QueueShutDown);
  }, FAST);

  it('an Event wakes every waiting async function when set', async () => {
    const ev = new Event();
    const woke: string[] = [];
    const waiters = ['x', 'y'].map(async (name) => {
      await ev.wait();
      woke.push(name);
    });
    await yieldNow();
    expect(woke).toEqual([]);
    ev.set();
    await Promise.all(waiters);
    expect(woke).toEqual(['x', 'y']);
    expect(await ev.wait()).toBe(true);
  }, FAST);

  it('a Semaphore limits concurrency of plain async functions', async () => {
    const sem = new Semaphore(2);
    let inside = 0;
    let maxInside = 0;
    const work = () =>
      sem.runExclusive(async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        await sleep(0);
        inside--;
      });
    await Promise.all([work(), work(), work(), work(), work()]);
    expect(maxInside).toBe(2);
    expect(sem.value).toBe(2);
    const bounded = new BoundedSemaphore(1);
    expect(() => bounded.release()).toThrow(InvalidStateError);
  }, FAST);

  it('a Condition hands over between a plain producer and consumer', async () => {
    const cond = new Condition();
    const items: number[] = [];
    const consumer = cond.runExclusive(async () => {
      await cond.waitFor(() => items.length > 0);
      return items.shift();
    });
    await yieldNow();
    await cond.runExclusive(() => {
      items.push(7);
      cond.notify();
    });
    expect(await consumer).toBe(7);
    expect(cond.locked()).toBe(false);
  }, FAST);

  it('tasks spawned outside a run contend on a Lock, and a cancelled waiter leaves the queue', async () => {
    const lock = new Lock({ name: 'spawned' });
    const log: string[] = [];
    await lock.acquire();
    const b = spawn(async () => {
      await lock.acquire();
      log.push('b');
      lock.release();
    }, { name: 'b' });
    const c = spawn(async () => {
      await lock.acquire();
      log.push('c');
      lock.release();
    }, { name: 'c' });
    await yieldNow();
    b.cancel();
    expect(await rejection(b)).toBeInstanceOf(CancelledError);
    lock.release();
    await c;
    expect(log).toEqual(['c']);
    expect(lock.locked()).toBe(false);
  }, FAST);

  it('a spawned waiter cancelled right after the release that woke it raises, and the lock goes to the next waiter', async () => {
    const lock = new Lock({ name: 'handed' });
    const log: string[] = [];
    await lock.acquire();
    const waiter = (name: string) =>
      spawn(async () => {
        await lock.acquire();
        log.push(name);
        lock.release();
      }, { name });
    const b = waiter('b');
    const c = waiter('c');
    await yieldNow();
    lock.release(); // hands the lock to b, which has not resumed yet
    b.cancel();
    expect(await rejection(b)).toBeInstanceOf(CancelledError);
    await c;
    expect(log).toEqual(['c']);
    expect(lock.locked()).toBe(false);
  }, FAST);

  it('a Condition between a spawned task and plain code: the lock check tells them apart', async () => {
    const cond = new Condition(undefined, { name: 'real-cv' });
    let ready = false;
    const waiter = spawn(() =>
      cond.runExclusive(async () => {
        await cond.waitFor(() => ready);
        return 'woke';
      }),
    );
    await yieldNow();
    // The spawned task waits; plain code does not hold the lock and may not notify.
    expect(() => cond.notify()).toThrow(InvalidStateError);
    await cond.runExclusive(() => {
      ready = true;
      cond.notify();
    });
    expect(await waiter).toBe('woke');
    expect(cond.locked()).toBe(false);
  }, FAST);

  it('a Barrier releases spawned tasks together outside a run', async () => {
    const barrier = new Barrier(3);
    const tasks = [0, 1, 2].map(() => spawn(() => barrier.wait()));
    const indices = await Promise.all(tasks.map((t) => Promise.resolve(t)));
    expect(indices.slice().sort()).toEqual([0, 1, 2]);
    expect(barrier.nWaiting).toBe(0);
  }, FAST);
});
