import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gather, interleavings, isScenario, replay, run, scenario, Shared, spawn, yieldNow } from 'interleaved';

const lostUpdate = async () => {
  const c = new Shared(0, { name: 'c' });
  const inc = async () => {
    const v = c.get();
    await yieldNow();
    c.set(v + 1);
  };
  await gather(spawn(inc), spawn(inc));
  if (c.get() !== 2) throw new Error(`lost update: ${c.get()}`);
};

describe('interleavings()', () => {
  it('finds the race as a fast-check counterexample, shrunk, and replayable by token', async () => {
    let failing: { token: string; trace: unknown } | undefined;
    const details = await fc.check(
      fc.asyncProperty(interleavings(), async (schedule) => {
        const result = await schedule.run(lostUpdate);
        if (!result.ok) failing = { token: result.token, trace: result.trace };
        return result.ok;
      }),
      { seed: 1, numRuns: 200 },
    );
    expect(details.failed).toBe(true);
    const [schedule] = details.counterexample!;
    // Shrunk towards asyncio's order: only a few non-zero picks remain.
    expect(schedule.picks.filter((p) => p !== 0).length).toBeLessThanOrEqual(3);
    const last = await schedule.run(lostUpdate);
    expect(last.ok).toBe(false);
    const again = await replay(lostUpdate, last.token);
    expect(again.trace).toEqual(last.trace);
    expect(failing).toBeDefined();
  });

  it('an empty schedule is asyncio order (the same trace as run())', async () => {
    const result = await fc.sample(interleavings({ maxDecisions: 0 }), 1)[0]!.run(lostUpdate);
    const fifo = await run(lostUpdate);
    expect(result.trace).toEqual(fifo.trace);
    // In asyncio's order both tasks read before either writes: the classic lost update.
    expect(fifo.ok).toBe(false);
  });
});

describe('scenario()', () => {
  it('packages a program with options and is recognisable', async () => {
    const s = scenario(lostUpdate, { runs: 300 });
    expect(isScenario(s)).toBe(true);
    expect(isScenario({ program: lostUpdate })).toBe(false);
    const report = await s.check({ seed: 3 });
    expect(report.failure?.kind).toBe('error');
    expect(report.seed).toBe('3');
  });
});
