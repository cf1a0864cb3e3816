import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { build, programs, type Op } from './dpor.programs.js';
import { distinct, search } from './dpor.traces.js';

/**
 * Completeness and optimality of dfs + dpor at the level of Mazurkiewicz traces, against the
 * unreduced search on random programs over Shared, locks, an event and a bounded queue: the
 * reduced search reaches every trace the full one reaches, and runs few schedules beyond one
 * per trace (see dpor/optimal.ts for where it cannot know better). Set DPOR_SEED to vary it.
 */
describe('dpor traces', () => {
  it('every trace of the full search, and (nearly) one schedule per trace', async () => {
    let schedules = 0;
    let traces = 0;
    let optimal = 0;
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(programs(false), async (tasks) => {
        const full = await search(build(tasks, new Set()), false, 3000);
        fc.pre(full.exhausted);
        const reduced = await search(build(tasks, new Set()), true);
        expect(reduced.exhausted).toBe(true);
        expect(reduced.diverged).toBe(0);
        expect(new Set(reduced.traces)).toEqual(new Set(full.traces));
        compared++;
        schedules += reduced.traces.length;
        traces += distinct(reduced.traces);
        if (reduced.traces.length === distinct(reduced.traces)) optimal++;
      }),
      { numRuns: 80, seed: Number(process.env.DPOR_SEED ?? 2026) },
    );
    console.log(`dpor traces: ${compared} programs, ${optimal} explored optimally; ${schedules} schedules for ${traces} traces`);
    expect(compared).toBeGreaterThan(40);
    expect(schedules).toBeLessThanOrEqual(Math.ceil(traces * 1.25));
  }, 300_000);

  it('on programs whose traces earlier versions of the reduction missed', async () => {
    const cases: Op[][][] = [
      // `v` cut at the racing step: a sleeping put looked like a weak initial.
      [[{ kind: 'write', v: 1, k: 1 }], [{ kind: 'put', k: 0 }], [{ kind: 'read', v: 1 }, { kind: 'put', k: 0 }, { kind: 'read', v: 1 }, { kind: 'get' }]],
      // A get that blocked takes the item once reversed, and sets the event: a wake-up tree
      // leaf looked like it covered the reversal.
      [[{ kind: 'get' }, { kind: 'set' }], [{ kind: 'put', k: 0 }, { kind: 'get' }], [{ kind: 'wait' }, { kind: 'locked', lock: 0, body: [{ kind: 'read', v: 0 }] }]],
    ];
    for (const tasks of cases) {
      const full = await search(build(tasks, new Set()), false);
      const reduced = await search(build(tasks, new Set()), true);
      expect(full.exhausted && reduced.exhausted).toBe(true);
      expect(new Set(reduced.traces)).toEqual(new Set(full.traces));
    }
  });

  it('with controlled calls, each completion an event of its own: every trace, reduced', async () => {
    let schedules = 0;
    let full = 0;
    await fc.assert(
      fc.asyncProperty(programs('calls'), async (tasks) => {
        const all = await search(build(tasks, new Set()), false, 3000);
        fc.pre(all.exhausted);
        const reduced = await search(build(tasks, new Set()), true);
        expect(reduced.exhausted).toBe(true);
        expect(reduced.reduced).toBe(true);
        expect(reduced.diverged).toBe(0);
        expect(new Set(reduced.traces)).toEqual(new Set(all.traces));
        schedules += reduced.traces.length;
        full += all.traces.length;
      }),
      { numRuns: 60, seed: Number(process.env.DPOR_SEED ?? 2026) },
    );
    console.log(`dpor with calls: ${schedules} schedules where the full search ran ${full}`);
    expect(schedules).toBeLessThan(full / 2);
  }, 300_000);
});
