/**
 * A program that branches on a primitive's state (`locked()`, `isSet()`, `qsize()`, `value`,
 * `nWaiting`, a Task's `done()`) keeps the `dpor: true` declaration: those queries are reads of
 * the primitive, so the reduced search reaches every outcome the full search reaches.
 */
import { describe, expect, it } from 'vitest';
import { Barrier, check, Event, gather, Lock, Queue, Semaphore, spawn, yieldNow } from 'interleaved';

type Probe = (seen: Set<string>) => () => Promise<void>;

const probes: Record<string, Probe> = {
  'Lock.locked()': (seen) => async () => {
    const lock = new Lock();
    const holder = spawn(async () => {
      await lock.acquire();
      await yieldNow();
      lock.release();
    });
    const probe = spawn(async () => {
      await yieldNow();
      seen.add(lock.locked() ? 'locked' : 'free');
    });
    await gather(holder, probe);
  },
  'Semaphore.value': (seen) => async () => {
    const sem = new Semaphore(1);
    const holder = spawn(() => sem.runExclusive(() => yieldNow()));
    const probe = spawn(async () => {
      await yieldNow();
      seen.add(String(sem.value));
    });
    await gather(holder, probe);
  },
  'Event.isSet()': (seen) => async () => {
    const event = new Event();
    const setter = spawn(async () => {
      await yieldNow();
      event.set();
    });
    const probe = spawn(async () => {
      await yieldNow();
      seen.add(event.isSet() ? 'set' : 'unset');
    });
    await gather(setter, probe);
  },
  'Queue.qsize()': (seen) => async () => {
    const queue = new Queue<number>();
    const producer = spawn(() => queue.put(1));
    const probe = spawn(async () => {
      await yieldNow();
      seen.add(String(queue.qsize()));
    });
    await gather(producer, probe);
  },
  'Barrier.nWaiting': (seen) => async () => {
    const barrier = new Barrier(2);
    const a = spawn(() => barrier.wait());
    const probe = spawn(async () => {
      await yieldNow();
      seen.add(String(barrier.nWaiting));
      await barrier.wait();
    });
    await gather(a, probe);
  },
  'Task.done()': (seen) => async () => {
    const worker = spawn(async () => {
      await yieldNow();
    });
    const probe = spawn(async () => {
      await yieldNow();
      seen.add(worker.done() ? 'done' : 'running');
    });
    await gather(worker, probe);
  },
};

describe('dpor: true with programs that query primitives', () => {
  for (const [name, probe] of Object.entries(probes)) {
    it(`${name}: the reduced search sees every outcome of the full search`, async () => {
      const full = new Set<string>();
      const reduced = new Set<string>();
      const a = await check(probe(full), { strategy: 'dfs', runs: 5000 });
      const b = await check(probe(reduced), { strategy: 'dfs', dpor: true, runs: 5000 });
      expect(a.exhausted && b.exhausted).toBe(true);
      expect(full.size).toBeGreaterThan(1);
      expect([...reduced].sort()).toEqual([...full].sort());
    });
  }
});
