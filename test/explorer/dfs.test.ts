import { describe, expect, it } from 'vitest';
import { check, gather, Shared, spawn, yieldNow } from 'interleave';

/** n tasks, each doing `k` yields; the number of interleavings is the multinomial (n·k)! / (k!)^n. */
function tasks(n: number, k: number) {
  return async () => {
    const body = async () => {
      for (let i = 0; i < k; i++) await yieldNow();
    };
    const all = [];
    for (let i = 0; i < n; i++) all.push(spawn(body));
    await gather(...all);
  };
}

describe('dfs', () => {
  it('runs every schedule exactly once and says it is exhausted', async () => {
    // Each task makes 3 decisions (start, 2 yields): C(6,3) = 20 interleavings for two tasks,
    // 6! / (2!)^3 = 90 for three tasks of one yield.
    const two = await check(tasks(2, 2), { strategy: 'dfs', runs: 10_000, seed: 1 });
    expect(two).toMatchObject({ ok: true, exhausted: true, runs: 20, distinct: 20 });
    const three = await check(tasks(3, 1), { strategy: 'dfs', runs: 10_000, seed: 1 });
    expect(three).toMatchObject({ ok: true, exhausted: true, runs: 90, distinct: 90 });
  });

  it('a preemption bound of 0 explores only the non-preemptive schedules', async () => {
    // Without preemptions only the order of the tasks varies: 3! = 6.
    const bounded = await check(tasks(3, 2), { strategy: 'dfs', runs: 10_000, preemptionBound: 0, seed: 1 });
    expect(bounded).toMatchObject({ ok: true, exhausted: true, runs: 6 });
    // One preemption for two tasks of 3 decisions: AAABBB, BBBAAA, and A^k B^3 A^(3-k), B^k A^3 B^(3-k) for k = 1, 2.
    const one = await check(tasks(2, 2), { strategy: 'dfs', runs: 10_000, preemptionBound: 1, seed: 1 });
    expect(one).toMatchObject({ ok: true, exhausted: true, runs: 6 });
  });

  it('finds a lost update that needs one preemption', async () => {
    const report = await check(async () => {
      const c = new Shared(0, { name: 'c' });
      const inc = async () => {
        const v = c.get();
        await yieldNow();
        c.set(v + 1);
      };
      await gather(spawn(inc), spawn(inc));
      if (c.get() !== 2) throw new Error(`lost update: ${c.get()}`);
    }, { strategy: 'dfs', runs: 1000, seed: 1 });
    expect(report.failure?.kind).toBe('error');
    expect(report.exhausted).toBe(false);
  });
});
