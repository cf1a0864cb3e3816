import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { build, programs, type Op } from './dpor.programs.js';
import { distinct, search } from './dpor.traces.js';

/**
 * Completeness and optimality of dfs + dpor at the level of Mazurkiewicz traces, against the
 * unreduced search on random programs over Shared, locks, an event and a bounded queue (and
 * with sleeps, timeouts, controlled calls and cancellation): the reduced search reaches every
 * trace the full one reaches, and runs few schedules beyond one per trace (see dpor/optimal.ts
 * for where it cannot know better). Set DPOR_SEED to vary it.
 */
interface Totals {
  /** Programs whose full search finished (the others are skipped). */
  compared: number;
  /** Schedules the reduced searches ran, the traces among them, and the full searches' schedules. */
  schedules: number;
  traces: number;
  full: number;
  /** Programs the reduced search explored with one schedule per trace. */
  optimal: number;
}

/** Random programs of `kind`: the reduced search reaches every trace of the full one. */
async function againstFull(kind: boolean | 'calls', numRuns: number): Promise<Totals> {
  const totals: Totals = { compared: 0, schedules: 0, traces: 0, full: 0, optimal: 0 };
  await fc.assert(
    fc.asyncProperty(programs(kind), async (tasks) => {
      const all = await search(build(tasks, new Set()), false, 3000);
      fc.pre(all.exhausted);
      const reduced = await search(build(tasks, new Set()), true);
      expect(reduced.exhausted).toBe(true);
      expect(reduced.reduced).toBe(true);
      expect(reduced.diverged).toBe(0);
      expect(new Set(reduced.traces)).toEqual(new Set(all.traces));
      const traces = distinct(reduced.traces);
      totals.compared++;
      totals.schedules += reduced.traces.length;
      totals.traces += traces;
      totals.full += all.traces.length;
      if (traces === reduced.traces.length) totals.optimal++;
    }),
    { numRuns, seed: Number(process.env.DPOR_SEED ?? 2026) },
  );
  return totals;
}

describe('dpor traces', () => {
  it('every trace of the full search, and (nearly) one schedule per trace', async () => {
    const t = await againstFull(false, 80);
    console.log(`dpor traces: ${t.compared} programs, ${t.optimal} explored optimally; ${t.schedules} schedules for ${t.traces} traces`);
    expect(t.compared).toBeGreaterThan(40);
    expect(t.schedules).toBeLessThanOrEqual(Math.ceil(t.traces * 1.25));
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

  it('a reversed step placed by a wrong guess: what relied on the guess is explored again', async () => {
    // A reversed step here does more than guessed, so the check fires. While the reduction was
    // developed, a guess taken as the step ran and left unchecked lost a trace of this program.
    const tasks: Op[][] = [[{ kind: 'put', k: 0 }, { kind: 'get' }], [{ kind: 'locked', lock: 0, body: [{ kind: 'yield' }] }], [{ kind: 'locked', lock: 0, body: [{ kind: 'get' }] }]];
    const full = await search(build(tasks, new Set()), false);
    const reduced = await search(build(tasks, new Set()), true);
    expect(full.exhausted && reduced.exhausted).toBe(true);
    expect(reduced.misguessed).toBeGreaterThan(0);
    expect(new Set(reduced.traces)).toEqual(new Set(full.traces));
  });

  it('with sleeps, timeouts, calls and cancellation: every trace, with the reduction on throughout', async () => {
    const t = await againstFull(true, 80);
    console.log(`dpor with time and cancellation: ${t.compared} programs, ${t.schedules} schedules for ${t.traces} traces where the full search ran ${t.full}`);
    expect(t.compared).toBeGreaterThan(40);
    expect(t.schedules).toBeLessThan(t.full / 2);
  }, 300_000);

  it('with controlled calls, each completion an event of its own: every trace, reduced', async () => {
    const t = await againstFull('calls', 60);
    console.log(`dpor with calls: ${t.compared} programs, ${t.schedules} schedules for ${t.traces} traces where the full search ran ${t.full}`);
    expect(t.schedules).toBeLessThan(t.full / 2);
  }, 300_000);
});
