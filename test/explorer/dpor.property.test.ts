import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check, controlled, gather, Shared, sleep, spawn } from 'interleaved';
import { build, programs, type Op } from './dpor.programs.js';

/**
 * Soundness of partial-order reduction, checked against the unreduced search: for random small
 * programs over Shared variables, locks, an event, a bounded queue, timers, timeouts, controlled
 * calls and cancellation, the set of
 * outcomes (final values, and what every task read or got, in order) reached by dfs with dpor
 * equals the set reached by exhaustive dfs. Set DPOR_SEED to run it with another seed.
 */
/** Outcomes with and without reduction for one program; returns the schedule counts. */
async function compare(tasks: Op[][]): Promise<{ reduced: number; full: number } | undefined> {
  const full = new Set<string>();
  const reduced = new Set<string>();
  const detect = { deadlock: false, leaks: false };
  const a = await check(build(tasks, full), { strategy: 'dfs', dpor: false, runs: 20_000, seed: 1, detect });
  if (!a.exhausted) return undefined;
  const b = await check(build(tasks, reduced), { strategy: 'dfs', dpor: true, runs: 40_000, seed: 1, detect });
  expect(b.exhausted).toBe(true);
  expect([...reduced].sort()).toEqual([...full].sort());
  return { reduced: b.runs, full: a.runs };
}

describe('dpor soundness', () => {
  it('over Shared, locks, events and queues: the same outcomes as the exhaustive search, in far fewer schedules', async () => {
    let reducedTotal = 0;
    let fullTotal = 0;
    await fc.assert(
      fc.asyncProperty(programs(false), async (tasks) => {
        const counts = await compare(tasks);
        fc.pre(counts !== undefined);
        expect(counts.reduced).toBeLessThanOrEqual(counts.full);
        reducedTotal += counts.reduced;
        fullTotal += counts.full;
      }),
      { numRuns: 100, seed: Number(process.env.DPOR_SEED ?? 2026) },
    );
    expect(reducedTotal).toBeLessThan(fullTotal / 5);
  }, 120_000);

  it('on programs that broke earlier versions of the reduction', async () => {
    const cases: Op[][][] = [
      // A cancel that lands, or not, depending on whether its target already ended.
      [[{ kind: 'set' }, { kind: 'yield' }, { kind: 'put', k: 0 }], [{ kind: 'cancel', who: 1 }], [{ kind: 'wait' }, { kind: 'cancel', who: 0 }]],
      // A controlled call racing its own timeout.
      [[{ kind: 'timed', ms: 1, body: [{ kind: 'call', k: 0 }] }], [{ kind: 'call', k: 0 }]],
      // Lost an outcome when objects were compared across schedules by identity, and when a
      // reversal sequence held only the steps between the racing pair (see dpor/optimal.ts).
      [[{ kind: 'write', v: 1, k: 1 }], [{ kind: 'put', k: 0 }], [{ kind: 'read', v: 1 }, { kind: 'put', k: 0 }, { kind: 'read', v: 1 }, { kind: 'get' }]],
      // Lost an outcome to a reduction that pruned with sleep sets computed after each run.
      [
        [{ kind: 'write', v: 1, k: 1 }],
        [{ kind: 'read', v: 1 }, { kind: 'read', v: 0 }, { kind: 'yield' }],
        [{ kind: 'write', v: 0, k: 1 }, { kind: 'locked', lock: 0, body: [{ kind: 'set' }] }, { kind: 'read', v: 1 }, { kind: 'locked', lock: 0, body: [{ kind: 'put', k: 0 }] }],
      ],
    ];
    for (const tasks of cases) expect(await compare(tasks)).toBeDefined();
  });

  it('with fake timers: callbacks, a timer cleared by a call\'s continuation, setImmediate', async () => {
    const program = (outcomes: Set<string>) => async () => {
      const x = new Shared(0, { name: 'x' });
      const io = controlled(async (k: number) => k, 'io');
      const seen: number[] = [];
      setTimeout(() => x.set(x.get() * 2 + 1), 5);
      const guard = setTimeout(() => x.set(x.get() * 5 + 4), 3);
      const a = spawn(async () => {
        setTimeout(() => x.set(x.get() * 3 + 2), 5);
        seen.push(await io(1));
        clearTimeout(guard);
        x.set(x.get() + 10);
      });
      const b = spawn(async () => {
        await sleep(5);
        seen.push(x.get());
        setImmediate(() => x.set(x.get() * 7));
      });
      await gather(a, b);
      await new Promise<void>((resolve) => setTimeout(resolve, 10));
      outcomes.add(JSON.stringify([x.get(), seen]));
    };
    const full = new Set<string>();
    const reduced = new Set<string>();
    const a = await check(program(full), { strategy: 'dfs', fakeTimers: true, runs: 10_000, seed: 1 });
    const b = await check(program(reduced), { strategy: 'dfs', dpor: true, fakeTimers: true, runs: 10_000, seed: 1 });
    expect(a.exhausted && b.exhausted).toBe(true);
    expect([...reduced].sort()).toEqual([...full].sort());
    expect(full.size).toBeGreaterThan(10);
    expect(b.runs).toBeLessThan(a.runs / 2);
  });

  it('with sleeps, timeouts, controlled calls and cancellation too, reduced as well', async () => {
    let reducedTotal = 0;
    let fullTotal = 0;
    await fc.assert(
      fc.asyncProperty(programs(true), async (tasks) => {
        const counts = await compare(tasks);
        fc.pre(counts !== undefined);
        reducedTotal += counts.reduced;
        fullTotal += counts.full;
      }),
      { numRuns: 60, seed: Number(process.env.DPOR_SEED ?? 2026) },
    );
    expect(reducedTotal).toBeLessThan(fullTotal / 2);
  }, 120_000);
});
