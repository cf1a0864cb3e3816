import { describe, expect, it } from 'vitest';
import { check, gather, Shared, spawn, yieldNow, type StrategyName } from 'interleaved';
import { PctStrategy } from '../../src/explorer/pct.js';
import { PosStrategy } from '../../src/explorer/pos.js';
import { runSchedule } from '../../src/explorer/runner.js';
import type { Strategy } from '../../src/explorer/strategy.js';
import { SurwStrategy } from '../../src/explorer/surw.js';
import { rebuild, regenerate } from '../../src/explorer/regenerate.js';
import { hashOfChoices } from '../../src/explorer/token.js';

const DETECT = { deadlock: true, leaks: true, unhandled: true, lockOrder: false };

/** Runs `runs` schedules of `program` under `strategy` and counts each outcome it records. */
async function outcomes(strategy: Strategy, runs: number, program: (record: (o: string) => void) => () => Promise<void>): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let outcome = '';
  const body = program((o) => (outcome = o));
  for (let i = 0; i < runs; i++) {
    strategy.beginRun(i);
    outcome = '';
    const r = await runSchedule(body, strategy, { maxSteps: 10_000, detect: DETECT, direct: true, trace: false, accesses: strategy.needsAccesses === true });
    strategy.endRun(r.choices, r.end.kind !== 'ok', r.accesses);
    expect(r.end.kind).toBe('ok');
    counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  }
  return counts;
}

/**
 * One task writes `x` once; the other makes `n` steps on its own variable, then reads `x`.
 * Two partial orders: the read sees the write or not. Random walk sees "not" with probability
 * 2^-(n+1) (the writer must lose n+1 coin flips); POS with about 1/(n+2), since the writer's
 * priority stays put while the other task's steps draw fresh ones.
 */
const lateRead = (n: number) => (record: (o: string) => void) => async () => {
  const x = new Shared(0, { name: 'x' });
  const own = new Shared(0, { name: 'own' });
  const writer = spawn(async () => {
    x.set(1);
  });
  const reader = spawn(async () => {
    for (let i = 0; i < n; i++) {
      own.set(i);
      await yieldNow();
    }
    record(x.get() === 0 ? 'read first' : 'write first');
  });
  await gather(writer, reader);
};

/** `a` writes `x` three times, `b` once: b's write lands at position 0..3 among the four. */
const positions = (record: (o: string) => void) => async () => {
  const x = new Shared('', { name: 'x' });
  const a = spawn(async () => {
    for (let i = 0; i < 3; i++) {
      x.set(x.get() + 'a');
      await yieldNow();
    }
  });
  const b = spawn(async () => {
    x.set(x.get() + 'b');
  });
  await gather(a, b);
  record(String(x.get().indexOf('b')));
};

describe('POS', () => {
  it('samples the rare partial order of a late read far more often than random walk would', async () => {
    const n = 8;
    const runs = 400;
    const counts = await outcomes(PosStrategy.seeded('pos-test'), runs, lateRead(n));
    const rare = (counts.get('read first') ?? 0) / runs;
    // Random walk: 2^-9 ≈ 0.002 (under one schedule in 400). POS: about 1/10.
    expect(rare).toBeGreaterThan(0.04);
    expect(rare).toBeLessThan(0.3);
    expect(counts.get('write first') ?? 0).toBeGreaterThan(runs / 2);
  });

  it('draws schedule k from the seed and k only', async () => {
    const choicesOf = async (s: Strategy, k: number) => {
      s.beginRun(k);
      const body = lateRead(4)(() => {});
      const r = await runSchedule(body, s, { maxSteps: 1000, detect: DETECT, direct: true, trace: false, accesses: true });
      return r.choices.join(',');
    };
    const fresh = PosStrategy.seeded('same');
    const used = PosStrategy.seeded('same');
    for (let k = 0; k < 5; k++) await choicesOf(used, k);
    expect(await choicesOf(used, 7)).toBe(await choicesOf(fresh, 7));
  });
});

describe('regeneration', () => {
  it.each([
    ['pos', () => PosStrategy.seeded('regen')],
    ['surw', () => SurwStrategy.seeded('regen')],
  ] as const)('a %s schedule is made again from its recipe alone', async (_name, make) => {
    const strategy = make();
    const body = positions(() => {});
    let recorded: { recipe: ReturnType<Strategy['recipe'] & {}>; hash: number; choices: string } | undefined;
    for (let k = 0; k < 6; k++) {
      strategy.beginRun(k);
      const r = await runSchedule(body, strategy, { maxSteps: 1000, detect: DETECT, direct: true, trace: false, accesses: true });
      strategy.endRun(r.choices, false, r.accesses);
      if (k === 5) recorded = { recipe: strategy.recipe!()!, hash: hashOfChoices(r.choices), choices: r.choices.join(',') };
    }
    const recipe = recorded!.recipe!;
    const again = await regenerate(body, rebuild(recipe)!, recipe, recorded!.hash, { maxSteps: 1000, detect: DETECT, direct: true, trace: true });
    expect(again.end.kind).toBe('ok');
    expect(again.choices.join(',')).toBe(recorded!.choices);
  });
});

describe('SURW', () => {
  it('samples the interleavings of the selected object uniformly, weighting tasks by remaining steps', async () => {
    const runs = 801;
    const counts = await outcomes(SurwStrategy.seeded('surw-test'), runs, positions);
    // Uniform over the 4 interleavings of a's 3 writes and b's one: 1/4 each. Random walk
    // would give 1/2, 1/4, 1/8, 1/8.
    for (const position of ['0', '1', '2', '3']) {
      const share = (counts.get(position) ?? 0) / runs;
      expect(share, `position ${position}: ${share}`).toBeGreaterThan(0.18);
      expect(share, `position ${position}: ${share}`).toBeLessThan(0.32);
    }
  });
});

/** A spinner waits in a compare-and-set retry loop until the setter moves. */
async function spinWait(): Promise<void> {
  const x = new Shared(0, { name: 'x' });
  const cas = (expected: number, next: number): boolean => {
    if (x.get() !== expected) return false;
    x.set(next);
    return true;
  };
  const spinner = spawn(async () => {
    while (!cas(1, 2)) await yieldNow();
  }, { name: 'spinner' });
  const setter = spawn(async () => {
    await yieldNow();
    cas(0, 1);
  }, { name: 'setter' });
  await gather(spinner, setter);
  if (x.get() !== 2) throw new Error(`x is ${x.get()}`);
}

describe('livelock-aware scheduling', () => {
  it.each(['random', 'pct', 'pos', 'surw', 'dfs', 'portfolio'] as StrategyName[])('a spin-wait that is correct under fair scheduling passes under %s', async (strategy) => {
    const report = await check(spinWait, { strategy, runs: 150, seed: 3, maxSteps: 2000 });
    expect(report.failure?.message).toBeUndefined();
    expect(report.ok).toBe(true);
  });

  it('PCT and POS demote a spinning task: no schedule starves the setter', async () => {
    for (const strategy of [PctStrategy.seeded('spin', 3), PosStrategy.seeded('spin'), SurwStrategy.seeded('spin')]) {
      for (let k = 0; k < 60; k++) {
        strategy.beginRun(k);
        const r = await runSchedule(spinWait, strategy, { maxSteps: 200, detect: DETECT, direct: true, trace: false, accesses: true });
        strategy.endRun(r.choices, r.end.kind !== 'ok', r.accesses);
        expect(r.end.kind, `${strategy.name} schedule ${k}`).toBe('ok');
      }
    }
  });

  it('a real livelock is still reported, naming the spinning tasks', async () => {
    const report = await check(async () => {
      const flag = new Shared(false, { name: 'flag' });
      const waiter = spawn(async () => {
        while (!flag.get()) await yieldNow();
      }, { name: 'waiter' });
      await waiter;
    }, { runs: 5, seed: 1, maxSteps: 500, strategy: 'pct' });
    expect(report.failure?.kind).toBe('step-limit');
    expect(report.failure?.message).toContain('livelock');
    expect(report.failure?.message).toContain("'waiter'");
    expect(report.failure?.message).toContain('maxSteps=500');
  });
});
