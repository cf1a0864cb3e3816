import { describe, expect, it } from 'vitest';
import { check, gather, Lock, Shared, spawn, yieldNow } from 'interleaved';

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

describe('dfs without reduction', () => {
  it('runs every schedule exactly once and says it is exhausted', async () => {
    // Each task makes 3 decisions (start, 2 yields): C(6,3) = 20 interleavings for two tasks,
    // 6! / (2!)^3 = 90 for three tasks of one yield.
    const two = await check(tasks(2, 2), { strategy: 'dfs', dpor: false, runs: 10_000, seed: 1 });
    expect(two).toMatchObject({ ok: true, exhausted: true, runs: 20, distinct: 20 });
    const three = await check(tasks(3, 1), { strategy: 'dfs', dpor: false, runs: 10_000, seed: 1 });
    expect(three).toMatchObject({ ok: true, exhausted: true, runs: 90, distinct: 90 });
  });

  it('a preemption bound of 0 explores only the non-preemptive schedules', async () => {
    // Without preemptions only the order of the tasks varies: 3! = 6.
    const bounded = await check(tasks(3, 2), { strategy: 'dfs', dpor: false, runs: 10_000, preemptionBound: 0, seed: 1 });
    expect(bounded).toMatchObject({ ok: true, exhausted: true, runs: 6 });
    // One preemption for two tasks of 3 decisions: AAABBB, BBBAAA, and A^k B^3 A^(3-k), B^k A^3 B^(3-k) for k = 1, 2.
    const one = await check(tasks(2, 2), { strategy: 'dfs', dpor: false, runs: 10_000, preemptionBound: 1, seed: 1 });
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

/** Each of `n` tasks writes its name to one shared variable after `pad` yields; returns the orders seen. */
function writers(n: number, pad: number, orders: Set<string>, separate = false) {
  return async () => {
    const shared = [new Shared('', { name: 'log' })];
    for (let i = 1; i < n; i++) shared.push(separate ? new Shared('', { name: `log-${i}` }) : shared[0]!);
    const all = [];
    for (let i = 0; i < n; i++) {
      all.push(spawn(async () => {
        for (let k = 0; k < pad; k++) await yieldNow();
        const log = shared[i]!;
        log.set(log.get() + String(i));
      }, { name: `w${i}` }));
    }
    await gather(...all);
    orders.add((separate ? shared : shared.slice(0, 1)).map((s) => s.get()).join('|'));
  };
}

describe('dfs with partial-order reduction (dpor: true)', () => {
  it('runs one schedule when no two tasks touch the same object', async () => {
    const orders = new Set<string>();
    const reduced = await check(writers(3, 2, orders, true), { strategy: 'dfs', dpor: true, runs: 10_000, seed: 1 });
    const full = await check(writers(3, 2, new Set(), true), { strategy: 'dfs', dpor: false, runs: 10_000, seed: 1 });
    expect(reduced).toMatchObject({ ok: true, exhausted: true });
    expect(full).toMatchObject({ ok: true, exhausted: true });
    expect(reduced.runs).toBeLessThanOrEqual(3);
    expect(full.runs).toBeGreaterThan(100);
    expect(orders).toEqual(new Set(['0|1|2']));
  });

  it('still runs every order of conflicting writes, in far fewer schedules', async () => {
    const orders = new Set<string>();
    const reduced = await check(writers(3, 2, orders), { strategy: 'dfs', dpor: true, runs: 10_000, seed: 1 });
    const fullOrders = new Set<string>();
    const full = await check(writers(3, 2, fullOrders), { strategy: 'dfs', dpor: false, runs: 100_000, seed: 1 });
    expect(reduced.exhausted && full.exhausted).toBe(true);
    // Every permutation of the three writes: the reduction lost no behaviour.
    expect([...orders].sort()).toEqual(['012', '021', '102', '120', '201', '210']);
    expect(orders).toEqual(fullOrders);
    expect(reduced.runs).toBeLessThan(full.runs / 10);
  });

  it('finds a lost update and a deadlock', async () => {
    const lost = await check(async () => {
      const c = new Shared(0, { name: 'c' });
      const inc = async () => {
        const v = c.get();
        await yieldNow();
        c.set(v + 1);
      };
      await gather(spawn(inc), spawn(inc), spawn(inc));
      if (c.get() !== 3) throw new Error(`lost update: ${c.get()}`);
    }, { strategy: 'dfs', dpor: true, runs: 1000, seed: 1 });
    expect(lost.failure?.kind).toBe('error');
    const deadlock = await check(async () => {
      const a = new Lock({ name: 'a' });
      const b = new Lock({ name: 'b' });
      const t1 = spawn(async () => { await a.acquire(); await b.acquire(); b.release(); a.release(); });
      const t2 = spawn(async () => { await b.acquire(); await a.acquire(); a.release(); b.release(); });
      await gather(t1, t2);
    }, { strategy: 'dfs', dpor: true, runs: 1000, seed: 1 });
    expect(deadlock.failure?.kind).toBe('deadlock');
  });

  it('a passing lock-protected program is explored exhaustively with reduction', async () => {
    const reduced = await check(async () => {
      const lock = new Lock();
      const c = new Shared(0);
      const inc = () => lock.runExclusive(async () => { const v = c.get(); await yieldNow(); c.set(v + 1); });
      await gather(spawn(inc), spawn(inc), spawn(inc));
      if (c.get() !== 3) throw new Error('lost update');
    }, { strategy: 'dfs', dpor: true, runs: 100_000, seed: 1 });
    expect(reduced).toMatchObject({ ok: true, exhausted: true });
  });
});
