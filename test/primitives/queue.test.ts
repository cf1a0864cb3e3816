/**
 * Queue, LifoQueue, PriorityQueue: ordering, bounded puts, the nowait errors, taskDone/join,
 * shutdown (graceful and immediate, with blocked getters and putters), cancellation of a
 * getter, sizes, validation, and exactly-once delivery under the explorer.
 */
import { describe, it, expect } from 'vitest';
import {
  CancelledError,
  InvalidStateError,
  LifoQueue,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  TimeoutError,
  check,
  gather,
  now,
  sleep,
  spawn,
  timeout,
  yieldNow,
} from 'interleaved';
import { inRun, rejection, thrown } from './helpers.js';

describe('Queue ordering', () => {
  it('Queue is first-in first-out', async () => {
    await inRun(async () => {
      const q = new Queue<number>();
      for (const v of [3, 1, 2]) await q.put(v);
      expect([await q.get(), await q.get(), await q.get()]).toEqual([3, 1, 2]);
    });
  });

  it('LifoQueue is last-in first-out', async () => {
    await inRun(async () => {
      const q = new LifoQueue<number>();
      for (const v of [3, 1, 2]) await q.put(v);
      expect([await q.get(), await q.get(), await q.get()]).toEqual([2, 1, 3]);
      q.putNowait(9);
      q.putNowait(8);
      expect(q.getNowait()).toBe(8);
      q.putNowait(7);
      expect([q.getNowait(), q.getNowait()]).toEqual([7, 9]);
    });
  });

  it('PriorityQueue returns the smallest item first (numbers by default)', async () => {
    await inRun(async () => {
      const q = new PriorityQueue<number>();
      for (const v of [5, 1, 4, 2, 3]) await q.put(v);
      const out: number[] = [];
      while (!q.empty()) out.push(await q.get());
      expect(out).toEqual([1, 2, 3, 4, 5]);
    });
  });

  it('PriorityQueue takes a custom compare and is stable among equal items', async () => {
    await inRun(async () => {
      const q = new PriorityQueue<[number, string]>(0, (a, b) => a[0] - b[0]);
      const input: [number, string][] = [
        [1, 'a'],
        [0, 'b'],
        [1, 'c'],
        [0, 'd'],
        [1, 'e'],
        [2, 'f'],
        [0, 'g'],
      ];
      for (const item of input) q.putNowait(item);
      const out: string[] = [];
      while (!q.empty()) out.push(q.getNowait()[1]);
      expect(out).toEqual(['b', 'd', 'g', 'a', 'c', 'e', 'f']);
    });
  });

  it('PriorityQueue matches a stable sort over many interleaved puts and gets', async () => {
    await inRun(async () => {
      const q = new PriorityQueue<{ p: number; seq: number }>(0, (a, b) => a.p - b.p);
      // A deterministic pseudo-random sequence of priorities with many ties.
      let x = 12345;
      const nextP = () => {
        x = (x * 1103515245 + 12345) % 2147483648;
        return x % 5;
      };
      const model: { p: number; seq: number }[] = [];
      const got: number[] = [];
      const expected: number[] = [];
      for (let seq = 0; seq < 200; seq++) {
        const item = { p: nextP(), seq };
        q.putNowait(item);
        model.push(item);
        if (seq % 3 === 2) {
          model.sort((a, b) => a.p - b.p || a.seq - b.seq);
          expected.push(model.shift()!.seq);
          got.push(q.getNowait().seq);
        }
      }
      model.sort((a, b) => a.p - b.p || a.seq - b.seq);
      expected.push(...model.map((m) => m.seq));
      while (!q.empty()) got.push(q.getNowait().seq);
      expect(got).toEqual(expected);
    });
  });

  it('PriorityQueue accepts { name } as its second argument', () => {
    const q = new PriorityQueue<number>(0, { name: 'urgent' });
    expect(String(q)).toContain("'urgent'");
    const r = new PriorityQueue<number>(2, (a, b) => b - a, { name: 'desc' });
    expect(String(r)).toContain("'desc'");
    expect(r.maxsize).toBe(2);
  });

  it('a descending compare reverses the order', async () => {
    await inRun(async () => {
      const q = new PriorityQueue<number>(0, (a, b) => b - a);
      for (const v of [2, 9, 4]) q.putNowait(v);
      expect([q.getNowait(), q.getNowait(), q.getNowait()]).toEqual([9, 4, 2]);
    });
  });
});

describe('Queue sizes and the nowait operations', () => {
  it('qsize/empty/full follow puts and gets; maxsize 0 is never full', async () => {
    await inRun(async () => {
      const q = new Queue<string>(2);
      expect(q.maxsize).toBe(2);
      expect([q.qsize(), q.empty(), q.full()]).toEqual([0, true, false]);
      q.putNowait('a');
      expect([q.qsize(), q.empty(), q.full()]).toEqual([1, false, false]);
      q.putNowait('b');
      expect([q.qsize(), q.empty(), q.full()]).toEqual([2, false, true]);
      q.getNowait();
      expect([q.qsize(), q.empty(), q.full()]).toEqual([1, false, false]);
      const unbounded = new Queue<number>();
      expect(unbounded.maxsize).toBe(0);
      for (let i = 0; i < 1000; i++) unbounded.putNowait(i);
      expect(unbounded.full()).toBe(false);
      expect(unbounded.qsize()).toBe(1000);
      for (let i = 0; i < 1000; i++) expect(unbounded.getNowait()).toBe(i);
      expect(unbounded.empty()).toBe(true);
    });
  });

  it('putNowait on a full queue throws QueueFull and keeps the items', async () => {
    await inRun(async () => {
      const q = new Queue<number>(1, { name: 'one' });
      q.putNowait(1);
      const error = thrown(() => q.putNowait(2));
      expect(error).toBeInstanceOf(QueueFull);
      expect((error as Error).message).toContain('one');
      expect(q.qsize()).toBe(1);
      expect(q.getNowait()).toBe(1);
    });
  });

  it('getNowait on an empty queue throws QueueEmpty', async () => {
    await inRun(async () => {
      const q = new Queue<number>();
      expect(thrown(() => q.getNowait())).toBeInstanceOf(QueueEmpty);
      expect(thrown(() => new LifoQueue<number>().getNowait())).toBeInstanceOf(QueueEmpty);
      expect(thrown(() => new PriorityQueue<number>().getNowait())).toBeInstanceOf(QueueEmpty);
    });
  });

  it('maxsize must be an integer >= 0', () => {
    expect(() => new Queue(-1)).toThrow(RangeError);
    expect(() => new Queue(-1)).toThrow(/-1/);
    expect(() => new Queue(1.5)).toThrow(RangeError);
    expect(() => new LifoQueue(-2)).toThrow(RangeError);
    expect(() => new PriorityQueue(Number.NaN)).toThrow(RangeError);
  });
});

describe('Queue blocking', () => {
  it('a put on a full queue blocks until a get makes room', async () => {
    await inRun(async () => {
      const q = new Queue<number>(1);
      await q.put(1);
      const putter = spawn(async () => {
        await q.put(2);
        return now();
      });
      await sleep(5);
      expect(putter.done()).toBe(false);
      expect(q.qsize()).toBe(1);
      expect(await q.get()).toBe(1);
      expect(await putter).toBe(5);
      expect(await q.get()).toBe(2);
    });
  });

  it('a get on an empty queue blocks until a put', async () => {
    await inRun(async () => {
      const q = new Queue<string>();
      const getter = spawn(async () => [await q.get(), now()] as const);
      await sleep(8);
      expect(getter.done()).toBe(false);
      await q.put('x');
      expect(await getter).toEqual(['x', 8]);
    });
  });

  it('blocked getters are served in the order they started waiting', async () => {
    await inRun(async () => {
      const q = new Queue<number>();
      const got: string[] = [];
      const getter = (name: string, arrive: number) =>
        spawn(async () => {
          await sleep(arrive);
          got.push(`${name}:${await q.get()}`);
        });
      const tasks = [getter('g1', 2), getter('g2', 1), getter('g3', 3)];
      await sleep(5);
      for (const v of [10, 20, 30]) q.putNowait(v);
      await gather(...tasks);
      expect(got).toEqual(['g2:10', 'g1:20', 'g3:30']);
    });
  });

  it('blocked putters are served in the order they started waiting', async () => {
    await inRun(async () => {
      const q = new Queue<string>(1);
      q.putNowait('first');
      const putter = (item: string, arrive: number) => spawn(async () => {
        await sleep(arrive);
        await q.put(item);
      });
      const tasks = [putter('p1', 2), putter('p2', 1), putter('p3', 3)];
      await sleep(5);
      const got: string[] = [];
      for (let i = 0; i < 4; i++) got.push(await q.get());
      await gather(...tasks);
      expect(got).toEqual(['first', 'p2', 'p1', 'p3']);
    });
  });

  it('a producer on a bounded queue is paced by a slow consumer', async () => {
    await inRun(async () => {
      const q = new Queue<number>(2);
      const putTimes: number[] = [];
      const producer = spawn(async () => {
        for (let i = 0; i < 5; i++) {
          await q.put(i);
          putTimes.push(now());
        }
      });
      const consumer = spawn(async () => {
        const got: number[] = [];
        for (let i = 0; i < 5; i++) {
          await sleep(10);
          got.push(await q.get());
        }
        return got;
      });
      await producer;
      expect(await consumer).toEqual([0, 1, 2, 3, 4]);
      expect(putTimes).toEqual([0, 0, 10, 20, 30]);
    });
  });
});

describe('Queue taskDone and join', () => {
  it('taskDone() more times than items throws InvalidStateError', async () => {
    await inRun(async () => {
      const q = new Queue<number>(0, { name: 'jobs' });
      const error = thrown(() => q.taskDone());
      expect(error).toBeInstanceOf(InvalidStateError);
      expect((error as Error).message).toContain('jobs');
      q.putNowait(1);
      q.getNowait();
      q.taskDone();
      expect(() => q.taskDone()).toThrow(InvalidStateError);
    });
  });

  it('join() waits until every item put has been marked done', async () => {
    await inRun(async () => {
      const q = new Queue<number>();
      const handled: number[] = [];
      for (const v of [1, 2, 3]) await q.put(v);
      const worker = spawn(async () => {
        for (;;) {
          const v = await q.get();
          await sleep(v * 10);
          handled.push(v);
          q.taskDone();
        }
      });
      await q.join();
      expect(handled).toEqual([1, 2, 3]);
      expect(now()).toBe(60);
      worker.cancel();
      expect(await rejection(worker)).toBeInstanceOf(CancelledError);
    });
  });

  it('a get without taskDone keeps join() waiting', async () => {
    await inRun(async () => {
      const q = new Queue<number>();
      q.putNowait(1);
      const joiner = spawn(async () => {
        await q.join();
        return now();
      });
      await q.get();
      await sleep(10);
      expect(joiner.done()).toBe(false);
      q.taskDone();
      expect(await joiner).toBe(10);
    });
  });

  it('join() on a queue with nothing unfinished returns at once; many joiners all wake', async () => {
    await inRun(async () => {
      const q = new Queue<number>();
      await q.join();
      expect(now()).toBe(0);
      q.putNowait(1);
      const joiners = [spawn(() => q.join()), spawn(() => q.join())];
      await sleep(3);
      q.getNowait();
      q.taskDone();
      await gather(...joiners);
      expect(now()).toBe(3);
    });
  });
});

describe('Queue shutdown', () => {
  it('after shutdown(), put and putNowait raise QueueShutDown', async () => {
    await inRun(async () => {
      const q = new Queue<number>(0, { name: 'jobs' });
      q.shutdown();
      expect(thrown(() => q.putNowait(1))).toBeInstanceOf(QueueShutDown);
      const error = await rejection(q.put(1));
      expect(error).toBeInstanceOf(QueueShutDown);
      expect((error as Error).message).toContain('jobs');
      expect(q.qsize()).toBe(0);
    });
  });

  it('after shutdown(), getters drain the remaining items, then raise QueueShutDown', async () => {
    await inRun(async () => {
      const q = new Queue<number>();
      q.putNowait(1);
      q.putNowait(2);
      q.shutdown();
      expect(await q.get()).toBe(1);
      expect(q.getNowait()).toBe(2);
      expect(await rejection(q.get())).toBeInstanceOf(QueueShutDown);
      expect(thrown(() => q.getNowait())).toBeInstanceOf(QueueShutDown);
    });
  });

  it('shutdown(true) drops the items and releases join()', async () => {
    await inRun(async () => {
      const q = new Queue<number>();
      for (const v of [1, 2, 3]) q.putNowait(v);
      const joiner = spawn(async () => {
        await q.join();
        return now();
      });
      await sleep(4);
      expect(joiner.done()).toBe(false);
      q.shutdown(true);
      expect(q.qsize()).toBe(0);
      expect(q.empty()).toBe(true);
      expect(await joiner).toBe(4);
      expect(await rejection(q.get())).toBeInstanceOf(QueueShutDown);
    });
  });

  it('shutdown(true) still waits for items already taken but not marked done', async () => {
    await inRun(async () => {
      const q = new Queue<number>();
      q.putNowait(1);
      q.putNowait(2);
      q.getNowait();
      const joiner = spawn(() => q.join());
      await sleep(1);
      q.shutdown(true);
      await sleep(1);
      expect(joiner.done()).toBe(false);
      q.taskDone();
      await joiner;
    });
  });

  it('getters blocked on an empty queue are woken by shutdown with QueueShutDown', async () => {
    await inRun(async () => {
      const q = new Queue<number>();
      const getters = [spawn(() => q.get()), spawn(() => q.get())];
      await sleep(1);
      q.shutdown();
      for (const g of getters) expect(await rejection(g)).toBeInstanceOf(QueueShutDown);
    });
  });

  it('putters blocked on a full queue are woken by shutdown with QueueShutDown', async () => {
    await inRun(async () => {
      const q = new Queue<number>(1);
      q.putNowait(0);
      const putters = [spawn(() => q.put(1)), spawn(() => q.put(2))];
      await sleep(1);
      q.shutdown();
      for (const p of putters) expect(await rejection(p)).toBeInstanceOf(QueueShutDown);
      expect(q.qsize()).toBe(1);
      expect(q.getNowait()).toBe(0);
    });
  });

  it('putters blocked on a full queue are woken by shutdown(true) with QueueShutDown', async () => {
    await inRun(async () => {
      const q = new Queue<number>(1);
      q.putNowait(0);
      const putter = spawn(() => q.put(1));
      await sleep(1);
      q.shutdown(true);
      expect(await rejection(putter)).toBeInstanceOf(QueueShutDown);
      expect(q.qsize()).toBe(0);
    });
  });
});

describe('Queue cancellation', () => {
  it('a getter cancelled while waiting takes no item: the item goes to the next getter', async () => {
    await inRun(async () => {
      const q = new Queue<string>();
      const g1 = spawn(() => q.get(), { name: 'g1' });
      const g2 = spawn(() => q.get(), { name: 'g2' });
      await sleep(1);
      g1.cancel();
      await sleep(1);
      q.putNowait('item');
      expect(await rejection(g1)).toBeInstanceOf(CancelledError);
      expect(await g2).toBe('item');
      expect(q.empty()).toBe(true);
    });
  });

  it('a getter cancelled right after a put woke it never loses the item nor strands the next getter', async () => {
    await inRun(async () => {
      const q = new Queue<string>();
      const received: string[] = [];
      const getter = (name: string) =>
        spawn(async () => {
          const v = await q.get();
          received.push(v);
          await yieldNow();
          return v;
        }, { name });
      const g1 = getter('g1');
      const g2 = getter('g2');
      await sleep(1);
      q.putNowait('item');
      g1.cancel();
      await sleep(1);
      expect(g1.done()).toBe(true);
      // Quiescent now: no item may sit in the queue while a getter still waits for one.
      expect(q.qsize() === 0 || g2.done()).toBe(true);
      q.putNowait('second');
      await sleep(1);
      expect(g2.done()).toBe(true);
      // Every item is in exactly one place: received by a getter, or still in the queue.
      const left: string[] = [];
      while (!q.empty()) left.push(q.getNowait());
      expect([...received, ...left].sort()).toEqual(['item', 'second']);
      await Promise.allSettled([Promise.resolve(g1), Promise.resolve(g2)]);
    });
  });

  it('under the explorer, cancelling getters never loses or duplicates an item', async () => {
    const report = await check(
      async () => {
        const q = new Queue<number>(0, { name: 'q' });
        const received: number[] = [];
        const getter = () =>
          spawn(async () => {
            for (;;) received.push(await q.get());
          });
        const g1 = getter();
        const g2 = getter();
        const producer = spawn(async () => {
          for (let i = 0; i < 3; i++) await q.put(i);
        });
        await yieldNow();
        await yieldNow();
        g1.cancel();
        await producer;
        await sleep(1);
        if (!q.empty()) throw new Error(`items ${q.qsize()} stranded in the queue while a getter waits`);
        g2.cancel();
        await Promise.allSettled([Promise.resolve(g1), Promise.resolve(g2)]);
        const left: number[] = [];
        while (!q.empty()) left.push(q.getNowait());
        const all = [...received, ...left].sort();
        if (all.join() !== '0,1,2') throw new Error(`received ${received.join()} left ${left.join()}`);
      },
      { runs: 300, seed: 6 },
    );
    expect(report.failure?.message).toBeUndefined();
    expect(report.ok).toBe(true);
  });

  it('a get() abandoned by timeout() takes nothing: a later item goes to the next getter', async () => {
    await inRun(async () => {
      const q = new Queue<string>();
      const impatient = spawn(async () => {
        try {
          return await timeout(5, () => q.get());
        } catch (error) {
          return error instanceof TimeoutError ? 'timed out' : 'other';
        }
      });
      const patient = spawn(() => q.get());
      await sleep(10);
      q.putNowait('late');
      expect(await impatient).toBe('timed out');
      expect(await patient).toBe('late');
      expect(q.empty()).toBe(true);
    });
  });

  it('a putter cancelled while waiting puts nothing', async () => {
    await inRun(async () => {
      const q = new Queue<number>(1);
      q.putNowait(1);
      const p = spawn(() => q.put(2));
      await sleep(1);
      p.cancel();
      expect(await rejection(p)).toBeInstanceOf(CancelledError);
      expect(q.getNowait()).toBe(1);
      expect(q.empty()).toBe(true);
    });
  });
});

describe('Queue under the explorer', () => {
  it('two producers and two consumers on a bounded queue deliver every item exactly once', async () => {
    const report = await check(
      async () => {
        const q = new Queue<number>(1, { name: 'jobs' });
        const got: number[] = [];
        const producer = (base: number) =>
          spawn(async () => {
            for (let i = 0; i < 3; i++) await q.put(base + i);
          });
        const consumer = () =>
          spawn(async () => {
            for (let i = 0; i < 3; i++) {
              got.push(await q.get());
              q.taskDone();
            }
          });
        await gather(producer(0), producer(10), consumer(), consumer());
        await q.join();
        const sorted = got.slice().sort((a, b) => a - b).join();
        if (sorted !== '0,1,2,10,11,12') throw new Error(`got ${got.join()}`);
        if (!q.empty()) throw new Error('items left');
      },
      { runs: 300, seed: 12 },
    );
    expect(report.failure?.message).toBeUndefined();
    expect(report.ok).toBe(true);
  });

  it('each producer’s items come out in its own order (FIFO per producer)', async () => {
    const report = await check(
      async () => {
        const q = new Queue<[string, number]>(2);
        const got: [string, number][] = [];
        const producer = (name: string) =>
          spawn(async () => {
            for (let i = 0; i < 3; i++) await q.put([name, i]);
          });
        const consumer = spawn(async () => {
          for (let i = 0; i < 6; i++) got.push(await q.get());
        });
        await gather(producer('a'), producer('b'), consumer);
        for (const name of ['a', 'b']) {
          const seq = got.filter((g) => g[0] === name).map((g) => g[1]);
          if (seq.join() !== '0,1,2') throw new Error(`${name} came out as ${seq.join()}`);
        }
      },
      { runs: 200, seed: 13 },
    );
    expect(report.failure?.message).toBeUndefined();
    expect(report.ok).toBe(true);
  });
});
