import { describe, expect, it } from 'vitest';
import { check, gather, spawn, yieldNow, type ExploreOptions } from 'interleaved';

/**
 * A lost update on a plain `let` variable, the way people write it: no `Shared`, so the access
 * log never sees the race. Every strategy must still find it, and no search may call itself
 * exhausted without having run the failing order.
 */
function lostUpdate(): () => Promise<void> {
  return async () => {
    let balance = 100;
    const withdraw = async (n: number) => {
      const seen = balance;
      await yieldNow();
      balance = seen - n;
    };
    await gather(spawn(() => withdraw(30)), spawn(() => withdraw(50)));
    if (balance !== 20) throw new Error(`balance is ${balance}, expected 20`);
  };
}

type Name = NonNullable<ExploreOptions['strategy']>;
const strategies: Name[] = ['random', 'pct', 'pos', 'surw', 'dfs', 'portfolio'];

describe('a race on a plain variable', () => {
  for (const strategy of strategies) {
    it(`is found by ${strategy}`, async () => {
      for (const seed of [1, 2, 3]) {
        const report = await check(lostUpdate(), { strategy, runs: 1000, seed });
        expect(report.failure?.kind).toBe('error');
        expect(report.exhausted).toBe(false);
      }
    });
  }

  it('dfs, by default, never reports exhausted after skipping the failing order', async () => {
    const report = await check(lostUpdate(), { strategy: 'dfs', runs: 1000, seed: 1 });
    expect(report.ok).toBe(false);
    // The same program with the race removed: every schedule runs, then exhausted.
    const safe = await check(async () => {
      let balance = 100;
      const withdraw = async (n: number) => {
        await yieldNow();
        balance -= n;
      };
      await gather(spawn(() => withdraw(30)), spawn(() => withdraw(50)));
      if (balance !== 20) throw new Error(`balance is ${balance}`);
    }, { strategy: 'dfs', runs: 1000, seed: 1 });
    expect(safe).toMatchObject({ ok: true, exhausted: true });
    expect(safe.runs).toBeGreaterThan(1);
  });
});
