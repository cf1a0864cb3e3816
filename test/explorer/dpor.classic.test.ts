import { describe, expect, it } from 'vitest';
import { check } from 'interleaved';
import { filesystem, indexer, lastzero, lockedCounter, philosophers, readersWriters, separate, sleepers, timeouts, writers } from '../../bench/dpor.programs.js';
import { distinct, search } from './dpor.traces.js';

/**
 * The classic benchmarks of partial-order reduction (bench/dpor.programs.ts), with the exact
 * number of schedules dfs + dpor runs and of Mazurkiewicz traces among them. Where the
 * unreduced search finishes, its set of traces is the reference: the reduced search must reach
 * every one of them. BENCHMARKS.md explains the rows where schedules exceed traces.
 */
type Row = [name: string, program: () => Promise<void> | void, schedules: number, traces: number, compareWithFull: boolean];

const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));

const rows: Row[] = [
  ['4 tasks on separate variables', separate(4), 1, 1, true],
  ['3 writers of one variable', writers(3), factorial(3), factorial(3), true],
  ['4 writers of one variable', writers(4), factorial(4), factorial(4), false],
  ['readers-writers, 2 readers and 2 writers: (2 + 1)^2 · 2!', readersWriters(2, 2), 18, 18, true],
  ['readers-writers, 3 readers and 2 writers: (2 + 1)^3 · 2!', readersWriters(3, 2), 54, 54, false],
  ['lastzero(2)', lastzero(2), 5, 5, true],
  ['lastzero(3)', lastzero(3), 13, 12, false],
  ['lastzero(4)', lastzero(4), 34, 28, false],
  ['lastzero(5)', lastzero(5), 88, 64, false],
  ['indexer(11): no collisions', indexer(11), 1, 1, false],
  ['indexer(12)', indexer(12), 8, 8, false],
  ['indexer(13)', indexer(13), 148, 64, false],
  ['filesystem(13): no shared block', filesystem(13), 1, 1, false],
  ['filesystem(14)', filesystem(14), 2, 2, false],
  ['filesystem(16)', filesystem(16), 23, 8, false],
  ['dining philosophers(2)', philosophers(2), 3, 3, true],
  ['dining philosophers(3)', philosophers(3), 17, 16, true],
  ['2 tasks incrementing under one Lock', lockedCounter(2), 4, 4, true],
  ['3 tasks incrementing under one Lock', lockedCounter(3), 36, 36, true],
  ['4 tasks incrementing under one Lock', lockedCounter(4), 552, 552, false],
  ['3 sleepers on their own variables', sleepers(3), 1, 1, true],
  ['2 calls under timeout: each answers in time or not, 2^2', timeouts(2), 4, 4, true],
  ['3 calls under timeout: 2^3', timeouts(3), 8, 8, true],
  ['5 calls under timeout: 2^5', timeouts(5), 32, 32, false],
];

describe('dfs + dpor on the classic benchmarks', () => {
  for (const [name, program, schedules, traces, compare] of rows) {
    it(`${name}: ${schedules} schedules, ${traces} traces`, async () => {
      const reduced = await search(program, true);
      expect(reduced.exhausted).toBe(true);
      expect(reduced.traces.length).toBe(schedules);
      expect(distinct(reduced.traces)).toBe(traces);
      expect(reduced.diverged).toBe(0);
      if (compare) {
        const full = await search(program, false);
        expect(full.exhausted).toBe(true);
        expect(new Set(reduced.traces)).toEqual(new Set(full.traces));
      }
    }, 120_000);
  }

  it('check() reports the same count and exhausted', async () => {
    const report = await check(writers(4), { strategy: 'dfs', dpor: true, runs: 1000, seed: 1 });
    expect(report).toMatchObject({ ok: true, exhausted: true, runs: 24 });
  });

  it('finds the deadlock of the dining philosophers', async () => {
    const report = await check(philosophers(3), { strategy: 'dfs', dpor: true, runs: 1000, seed: 1 });
    expect(report.failure?.kind).toBe('deadlock');
  });
});
