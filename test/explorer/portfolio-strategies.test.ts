import { describe, expect, it } from 'vitest';
import { check } from 'interleaved';
import { interleavedRt, literature, type LiteratureProgram } from '../../bench/literature/index.js';

/**
 * The default portfolio against a representative subset of the bug-finding benchmark
 * (bench/bugs.bench.ts runs all of it, with 20 seeds): one program per shape that some single
 * strategy misses within the budget. Every seed finds every bug within 10,000 schedules, and
 * no fixed twin fails.
 */
const SUBSET = ['late-read-12', 'deep-counter-20', 'reorder-20', 'twostage-20', 'din-phil-5', 'cas-retry', 'spin-handoff', 'narrow-window', 'bluetooth'];
const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

function program(name: string): LiteratureProgram {
  const p = literature.find((q) => q.name === name);
  if (p === undefined) throw new Error(`no benchmark program '${name}'`);
  return p;
}

describe('portfolio on the literature benchmark', () => {
  it('has at least 20 programs, each credited', () => {
    expect(literature.length).toBeGreaterThanOrEqual(20);
    for (const p of literature) expect(p.source.length, p.name).toBeGreaterThan(5);
  });

  it.each(SUBSET)('finds the bug of %s with every seed within 10,000 schedules', async (name) => {
    const p = program(name);
    for (const seed of SEEDS) {
      const report = await check(() => p.bug(interleavedRt), { runs: 10_000, seed, minimize: false, maxSteps: 5000 });
      expect(report.failure, `${name}, seed ${seed}`).toBeDefined();
      expect(['error', 'deadlock']).toContain(report.failure?.kind);
    }
  });

  it.each(SUBSET)('never fails the fixed twin of %s', async (name) => {
    const p = program(name);
    for (const seed of [1, 2]) {
      const report = await check(() => p.fixed(interleavedRt), { runs: 300, seed, maxSteps: 5000 });
      expect(report.failure?.message, `${name}, seed ${seed}`).toBeUndefined();
    }
  });
});
