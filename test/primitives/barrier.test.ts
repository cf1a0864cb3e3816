/**
 * Barrier: parties/nWaiting/broken, distinct arrival indices, cyclic reuse, abort and reset
 * breaking the waiters, validation, and a newcomer during draining under the explorer.
 */
import { describe, it, expect } from 'vitest';
import { Barrier, BrokenBarrierError, CancelledError, check, gather, now, sleep, spawn } from 'interleaved';
import { inRun, rejection } from './helpers.js';

describe('Barrier basics', () => {
  it('exposes parties, nWaiting and broken', async () => {
    await inRun(async () => {
      const barrier = new Barrier(3, { name: 'start' });
      expect(barrier.parties).toBe(3);
      expect(barrier.nWaiting).toBe(0);
      expect(barrier.broken).toBe(false);
      const a = spawn(() => barrier.wait());
      await sleep(1);
      expect(barrier.nWaiting).toBe(1);
      const b = spawn(() => barrier.wait());
      await sleep(1);
      expect(barrier.nWaiting).toBe(2);
      expect(a.done()).toBe(false);
      const c = spawn(() => barrier.wait());
      await gather(a, b, c);
      expect(barrier.nWaiting).toBe(0);
      expect(barrier.broken).toBe(false);
    });
  });

  it('wait() returns the distinct indices 0..n-1 in arrival order, all at the last arrival', async () => {
    await inRun(async () => {
      const barrier = new Barrier(4);
      const party = (arrive: number) =>
        spawn(async () => {
          await sleep(arrive);
          const index = await barrier.wait();
          return [index, now()] as const;
        });
      const results = await gather(party(3), party(0), party(7), party(1));
      expect(results.map((r) => r[0])).toEqual([2, 0, 3, 1]);
      expect(results.map((r) => r[1])).toEqual([7, 7, 7, 7]);
    });
  });

  it('a Barrier(1) lets a single task through at once with index 0', async () => {
    await inRun(async () => {
      const barrier = new Barrier(1);
      expect(await barrier.wait()).toBe(0);
      expect(await barrier.wait()).toBe(0);
    });
  });

  it('is cyclic: the same barrier serves two rounds', async () => {
    await inRun(async () => {
      const barrier = new Barrier(3);
      const rounds: number[][] = [[], []];
      const party = (delay: number) =>
        spawn(async () => {
          for (let round = 0; round < 2; round++) {
            await sleep(delay);
            rounds[round]!.push(await barrier.wait());
          }
        });
      await gather(party(1), party(2), party(3));
      expect(rounds[0]!.slice().sort()).toEqual([0, 1, 2]);
      expect(rounds[1]!.slice().sort()).toEqual([0, 1, 2]);
      expect(barrier.nWaiting).toBe(0);
      expect(barrier.broken).toBe(false);
      // Round 1 ends at t=3, round 2 at t=6.
      expect(now()).toBe(6);
    });
  });

  it('prints its name and fill level', async () => {
    const barrier = new Barrier(2, { name: 'gate' });
    expect(String(barrier)).toContain("'gate'");
    expect(String(barrier)).toContain('0/2');
  });
});

describe('Barrier abort and reset', () => {
  it('abort() fails current waiters with BrokenBarrierError, and later waits too', async () => {
    await inRun(async () => {
      const barrier = new Barrier(3);
      const a = spawn(() => barrier.wait());
      const b = spawn(() => barrier.wait());
      await sleep(1);
      expect(barrier.nWaiting).toBe(2);
      await barrier.abort();
      expect(barrier.broken).toBe(true);
      expect(await rejection(a)).toBeInstanceOf(BrokenBarrierError);
      expect(await rejection(b)).toBeInstanceOf(BrokenBarrierError);
      expect(await rejection(barrier.wait())).toBeInstanceOf(BrokenBarrierError);
      expect(barrier.broken).toBe(true);
    });
  });

  it('reset() after abort() makes the barrier usable again', async () => {
    await inRun(async () => {
      const barrier = new Barrier(2);
      await barrier.abort();
      expect(await rejection(barrier.wait())).toBeInstanceOf(BrokenBarrierError);
      await barrier.reset();
      expect(barrier.broken).toBe(false);
      const results = await gather(
        spawn(() => barrier.wait()),
        spawn(() => barrier.wait()),
      );
      expect(results.slice().sort()).toEqual([0, 1]);
    });
  });

  it('reset() while tasks wait fails them with BrokenBarrierError, then the barrier works again', async () => {
    await inRun(async () => {
      const barrier = new Barrier(3);
      const a = spawn(() => barrier.wait());
      const b = spawn(() => barrier.wait());
      await sleep(1);
      await barrier.reset();
      expect(await rejection(a)).toBeInstanceOf(BrokenBarrierError);
      expect(await rejection(b)).toBeInstanceOf(BrokenBarrierError);
      expect(barrier.broken).toBe(false);
      expect(barrier.nWaiting).toBe(0);
      const results = await gather(
        spawn(() => barrier.wait()),
        spawn(() => barrier.wait()),
        spawn(() => barrier.wait()),
      );
      expect(results.slice().sort()).toEqual([0, 1, 2]);
    });
  });

  it('reset() of an idle barrier changes nothing', async () => {
    await inRun(async () => {
      const barrier = new Barrier(2);
      await barrier.reset();
      expect(barrier.broken).toBe(false);
      const results = await gather(spawn(() => barrier.wait()), spawn(() => barrier.wait()));
      expect(results.slice().sort()).toEqual([0, 1]);
    });
  });

  it('a cancelled waiter leaves with CancelledError', async () => {
    await inRun(async () => {
      const barrier = new Barrier(2);
      const a = spawn(() => barrier.wait());
      await sleep(1);
      a.cancel();
      expect(await rejection(a)).toBeInstanceOf(CancelledError);
      expect(barrier.nWaiting).toBe(0);
    });
  });
});

describe('Barrier after a cancelled waiter', () => {
  it('the remaining parties still fill it: a cancelled waiter does not count', async () => {
    await inRun(async () => {
      const barrier = new Barrier(2);
      const a = spawn(() => barrier.wait());
      await sleep(1);
      a.cancel();
      expect(await rejection(a)).toBeInstanceOf(CancelledError);
      const b = spawn(() => barrier.wait());
      await sleep(1);
      expect(b.done()).toBe(false);
      expect(barrier.nWaiting).toBe(1);
      const c = spawn(() => barrier.wait());
      const results = await gather(b, c);
      expect(results.slice().sort()).toEqual([0, 1]);
    });
  });
});

describe('Barrier validation', () => {
  it('parties must be an integer >= 1 (RangeError showing the value)', () => {
    expect(() => new Barrier(0)).toThrow(RangeError);
    expect(() => new Barrier(-2)).toThrow(/-2/);
    expect(() => new Barrier(1.5)).toThrow(RangeError);
    expect(() => new Barrier(Number.NaN)).toThrow(RangeError);
    expect(() => new Barrier('3' as unknown as number)).toThrow(RangeError);
    expect(() => new Barrier(undefined as unknown as number)).toThrow(RangeError);
  });
});

describe('Barrier under the explorer', () => {
  it('four tasks through a Barrier(2) always pass in two full cycles with indices {0,1} each', async () => {
    const report = await check(
      async () => {
        const barrier = new Barrier(2, { name: 'pairs' });
        const results = await gather(
          spawn(() => barrier.wait()),
          spawn(() => barrier.wait()),
          spawn(() => barrier.wait()),
          spawn(() => barrier.wait()),
        );
        const sorted = results.slice().sort().join();
        if (sorted !== '0,0,1,1') throw new Error(`indices ${results.join()}`);
        if (barrier.nWaiting !== 0 || barrier.broken) throw new Error(`barrier left ${String(barrier)}`);
      },
      { runs: 200, seed: 4 },
    );
    expect(report.failure?.message).toBeUndefined();
    expect(report.ok).toBe(true);
  });

  it('two rounds of three tasks never mix a fast task’s round 2 into round 1', async () => {
    const report = await check(
      async () => {
        const barrier = new Barrier(3);
        let round1Done = 0;
        const party = () =>
          spawn(async () => {
            await barrier.wait();
            round1Done++;
            await barrier.wait();
            if (round1Done !== 3) throw new Error(`round 2 passed with only ${round1Done} done with round 1`);
          });
        await gather(party(), party(), party());
      },
      { runs: 200, seed: 8 },
    );
    expect(report.failure?.message).toBeUndefined();
    expect(report.ok).toBe(true);
  });

  it('an abort racing with the last arrival never strands a waiter: each gets an index or BrokenBarrierError', async () => {
    const report = await check(
      async () => {
        const barrier = new Barrier(2, { name: 'race' });
        const party = () =>
          spawn(async () => {
            try {
              return await barrier.wait();
            } catch (error) {
              if (error instanceof BrokenBarrierError) return 'broken';
              throw error;
            }
          });
        const a = party();
        const b = party();
        const aborter = spawn(() => barrier.abort());
        const results = await gather(a, b, aborter);
        const [ra, rb] = results;
        if (ra !== 'broken' && rb !== 'broken' && [ra, rb].sort().join() !== '0,1') {
          throw new Error(`indices ${String(ra)}, ${String(rb)}`);
        }
        if (!barrier.broken) throw new Error('abort did not leave the barrier broken');
      },
      { runs: 300, seed: 10 },
    );
    expect(report.failure?.message).toBeUndefined();
    expect(report.ok).toBe(true);
  });
});
