/**
 * Names of every primitive: the `{ name }` option, `Kind-N` default labels numbered per run in
 * traces, and `toString()` printing the name and state.
 */
import { describe, it, expect } from 'vitest';
import {
  Barrier,
  BoundedSemaphore,
  Condition,
  Event,
  LifoQueue,
  Lock,
  PriorityQueue,
  Queue,
  Semaphore,
  Shared,
  run,
  spawn,
  yieldNow,
} from 'interleaved';

describe('default labels in traces', () => {
  it('each kind is numbered Kind-1, Kind-2 … in the order the run first uses it', async () => {
    const result = await run(async () => {
      const sem = new Semaphore(1);
      const bsem = new BoundedSemaphore(1);
      const ev = new Event();
      const cond = new Condition(new Lock());
      const barrier = new Barrier(1);
      const q = new Queue<number>();
      const lifo = new LifoQueue<number>();
      const pq = new PriorityQueue<number>();
      const q2 = new Queue<number>();
      await sem.acquire();
      await bsem.acquire();
      ev.set();
      await cond.acquire();
      cond.notify();
      cond.release();
      await barrier.wait();
      await q.put(1);
      await lifo.put(1);
      await pq.put(1);
      await q2.put(1);
    });
    expect(result.ok).toBe(true);
    const targets = [...new Set(result.trace.map((e) => e.target).filter((t) => t !== undefined && !t.startsWith('main')))];
    expect(targets).toEqual([
      'Semaphore-1',
      'BoundedSemaphore-1',
      'Event-1',
      'Lock-1',
      'Condition-1',
      'Barrier-1',
      'Queue-1',
      'LifoQueue-1',
      'PriorityQueue-1',
      'Queue-2',
    ]);
  });

  it('queue operations appear in the trace as put and get on the queue', async () => {
    const result = await run(async () => {
      const q = new Queue<number>(0, { name: 'jobs' });
      const consumer = spawn(() => q.get(), { name: 'consumer' });
      await yieldNow();
      await q.put(1);
      await consumer;
    });
    const ops = result.trace.filter((e) => e.target === 'jobs').map((e) => `${e.task}:${e.op}`);
    expect(ops).toContain('main:put');
    expect(ops).toContain('consumer:get');
  });
});

describe('toString', () => {
  it('every primitive prints its kind and its name', () => {
    const cases: [unknown, string][] = [
      [new Lock({ name: 'n1' }), 'Lock'],
      [new Semaphore(2, { name: 'n2' }), 'Semaphore'],
      [new BoundedSemaphore(2, { name: 'n3' }), 'BoundedSemaphore'],
      [new Event({ name: 'n4' }), 'Event'],
      [new Condition(undefined, { name: 'n5' }), 'Condition'],
      [new Barrier(2, { name: 'n6' }), 'Barrier'],
      [new Queue(0, { name: 'n7' }), 'Queue'],
      [new LifoQueue(0, { name: 'n8' }), 'LifoQueue'],
      [new PriorityQueue(0, { name: 'n9' }), 'PriorityQueue'],
      [new Shared(0, { name: 'n10' }), 'Shared'],
    ];
    cases.forEach(([primitive, kind], i) => {
      const text = String(primitive);
      expect(text.startsWith(`<${kind} `)).toBe(true);
      expect(text).toContain(`'n${i + 1}'`);
    });
  });

  it('a Semaphore and a Queue print their state', async () => {
    const sem = new Semaphore(2, { name: 'pool' });
    const q = new Queue<number>(3, { name: 'jobs' });
    expect(String(sem)).toBe("<Semaphore 'pool' value=2 waiters=0>");
    const result = await run(async () => {
      await sem.acquire();
      q.putNowait(1);
      expect(String(sem)).toBe("<Semaphore 'pool' value=1 waiters=0>");
      expect(String(q)).toContain('1/3');
      sem.release();
      q.getNowait();
      q.taskDone();
    });
    expect(result.ok).toBe(true);
  });
});
