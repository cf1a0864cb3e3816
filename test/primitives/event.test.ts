/**
 * Event: the flag, wait/set/clear, broadcast wake-ups, waiters woken by a set-then-clear pulse,
 * cancellation of a waiter, and a missed-wakeup bug the explorer must find.
 */
import { describe, it, expect } from 'vitest';
import { CancelledError, Event, check, gather, now, run, sleep, spawn, yieldNow } from 'interleaved';
import { inRun, rejection } from './helpers.js';

describe('Event flag', () => {
  it('starts clear; set() and clear() flip isSet()', async () => {
    await inRun(async () => {
      const ev = new Event();
      expect(ev.isSet()).toBe(false);
      ev.set();
      expect(ev.isSet()).toBe(true);
      ev.set();
      expect(ev.isSet()).toBe(true);
      ev.clear();
      expect(ev.isSet()).toBe(false);
      ev.clear();
      expect(ev.isSet()).toBe(false);
    });
  });

  it('wait() after set() returns true at once, without virtual time passing', async () => {
    await inRun(async () => {
      const ev = new Event();
      ev.set();
      await sleep(3);
      expect(await ev.wait()).toBe(true);
      expect(now()).toBe(3);
      expect(ev.isSet()).toBe(true);
    });
  });

  it('wait() blocks until set(), at the virtual time of the set', async () => {
    await inRun(async () => {
      const ev = new Event({ name: 'ready' });
      spawn(async () => {
        await sleep(40);
        ev.set();
      });
      expect(await ev.wait()).toBe(true);
      expect(now()).toBe(40);
    });
  });

  it('set() wakes every waiter, each of them at the time of the set', async () => {
    await inRun(async () => {
      const ev = new Event();
      const woke: [string, number][] = [];
      const waiter = (name: string, arrive: number) =>
        spawn(async () => {
          await sleep(arrive);
          await ev.wait();
          woke.push([name, now()]);
        });
      const tasks = [waiter('a', 0), waiter('b', 2), waiter('c', 1)];
      await sleep(10);
      expect(woke).toEqual([]);
      ev.set();
      await gather(...tasks);
      expect(woke).toEqual([
        ['a', 10],
        ['c', 10],
        ['b', 10],
      ]);
    });
  });

  it('after clear(), wait() blocks again until the next set()', async () => {
    await inRun(async () => {
      const ev = new Event();
      ev.set();
      await ev.wait();
      ev.clear();
      const t = spawn(async () => {
        await ev.wait();
        return now();
      });
      await sleep(5);
      expect(t.done()).toBe(false);
      ev.set();
      expect(await t).toBe(5);
    });
  });

  it('a waiter parked before a set-then-clear pulse still wakes (the set is not taken back)', async () => {
    await inRun(async () => {
      const ev = new Event();
      const t = spawn(async () => ev.wait());
      await sleep(1);
      ev.set();
      ev.clear();
      expect(ev.isSet()).toBe(false);
      expect(await t).toBe(true);
    });
  });

  it('a cancelled waiter gets CancelledError and does not block the others', async () => {
    await inRun(async () => {
      const ev = new Event();
      const a = spawn(() => ev.wait());
      const b = spawn(() => ev.wait());
      await sleep(1);
      a.cancel();
      expect(await rejection(a)).toBeInstanceOf(CancelledError);
      ev.set();
      expect(await b).toBe(true);
      expect(String(ev)).toContain('waiters=0');
    });
  });

  it('prints its name and state', async () => {
    const ev = new Event({ name: 'go' });
    expect(String(ev)).toContain("'go'");
    expect(String(ev)).toContain('unset');
    await inRun(async () => {
      ev.set();
      expect(String(ev)).toMatch(/'go'.*\bset\b/);
      ev.clear();
    });
  });

  it('wait and set appear in the trace under the event name', async () => {
    const result = await run(async () => {
      const ev = new Event({ name: 'go' });
      const t = spawn(() => ev.wait());
      await yieldNow();
      ev.set();
      await t;
    });
    expect(result.ok).toBe(true);
    const ops = result.trace.filter((e) => e.target === 'go').map((e) => e.op);
    expect(ops).toContain('wait');
    expect(ops).toContain('set');
  });
});

describe('Event under the explorer', () => {
  it('finds the missed wake-up of a set-then-clear pulse sent before the waiter waits', async () => {
    const report = await check(
      async () => {
        const ev = new Event({ name: 'pulse' });
        const consumer = spawn(() => ev.wait(), { name: 'consumer' });
        const producer = spawn(
          async () => {
            ev.set();
            ev.clear();
          },
          { name: 'producer' },
        );
        await gather(consumer, producer);
      },
      { runs: 100, seed: 1 },
    );
    expect(report.ok).toBe(false);
    expect(report.failure?.kind).toBe('deadlock');
    expect(report.failure?.message).toContain('consumer');
    expect(report.failure?.message).toContain('pulse');
  });

  it('finds the missed wake-up of a check-then-wait on a flag the event shadows', async () => {
    const report = await check(
      async () => {
        const ev = new Event({ name: 'changed' });
        let ready = false;
        const waiter = spawn(
          async () => {
            if (!ready) {
              await yieldNow();
              ev.clear();
              await ev.wait();
            }
          },
          { name: 'waiter' },
        );
        const setter = spawn(
          async () => {
            ready = true;
            ev.set();
          },
          { name: 'setter' },
        );
        await gather(waiter, setter);
      },
      { runs: 200, seed: 2 },
    );
    expect(report.ok).toBe(false);
    expect(report.failure?.kind).toBe('deadlock');
  });

  it('the same hand-off with a latched set (no clear) passes every schedule', async () => {
    const report = await check(
      async () => {
        const ev = new Event({ name: 'latch' });
        const consumer = spawn(() => ev.wait(), { name: 'consumer' });
        const producer = spawn(async () => ev.set(), { name: 'producer' });
        await gather(consumer, producer);
        if (!ev.isSet()) throw new Error('flag lost');
        ev.clear();
      },
      { runs: 100, seed: 1 },
    );
    expect(report.failure?.message).toBeUndefined();
    expect(report.ok).toBe(true);
  });
});
