/**
 * Replay tokens stay short and failure messages stay small however long the schedule; replaying
 * a token gives the same trace byte for byte, whichever form the token took.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { check, gather, interleavings, replay, run, Shared, spawn, TokenError, yieldNow, type Program } from 'interleaved';
import { encodeRecipe, encodeSparse, decodeToken, hashOfChoices, MAX_TOKEN_LENGTH } from '../../src/explorer/token.js';
import { HEAD, ReplayChooser, choicesOf } from '../../src/explorer/replay.js';
import { resolveOptions } from '../../src/explorer/options.js';
import { runSchedule } from '../../src/explorer/runner.js';
import { seedKey, type Strategy } from '../../src/explorer/strategy.js';
import { PctStrategy } from '../../src/explorer/pct.js';
import { RandomStrategy } from '../../src/explorer/random.js';

const TASKS = 20;
const ROUNDS = 5_000; // 20 tasks x 5,000 read-yield-write rounds: about 100,000 steps

/** A lost update among 20 tasks: any preemption loses one, and the total comes out short. */
function counters(rounds: number): Program {
  return async () => {
    const hits = new Shared(0, { name: 'hits' });
    const worker = async () => {
      for (let i = 0; i < rounds; i++) {
        const v = hits.get();
        await yieldNow();
        hits.set(v + 1);
      }
    };
    await gather(...Array.from({ length: TASKS }, () => spawn(worker)));
    if (hits.get() !== TASKS * rounds) throw new Error(`lost updates: hits is ${hits.get()}`);
  };
}

describe('tokens and messages of a 100,000-step failing schedule', () => {
  const program = counters(ROUNDS);
  for (const strategy of ['random', 'pct', 'pos', 'surw', 'dfs', 'portfolio'] as const) {
    it(`${strategy}: a token of at most ${MAX_TOKEN_LENGTH} characters, a message under 20,000, the same trace on replay`, async () => {
      const report = await check(program, { strategy, seed: 'long', runs: 5, minimize: false, maxSteps: 300_000 });
      const failure = report.failure!;
      expect(failure.kind).toBe('error');
      expect(failure.steps).toBeGreaterThan(100_000);
      expect(failure.trace.length).toBeGreaterThan(100_000); // the failure keeps the whole trace
      expect(failure.token.length).toBeLessThanOrEqual(MAX_TOKEN_LENGTH);
      expect(failure.token).toMatch(/^v2\.[A-Za-z0-9_-]+$/);
      expect(failure.message.length).toBeLessThan(20_000);
      expect(failure.message).toMatch(/… \d+ events left out \(\d+ whole steps, \d+ to \d+\) …/);
      expect(failure.message.split(failure.token).length).toBe(2); // printed once, in the reproduce line
      const again = await replay(program, failure.token, { maxSteps: 300_000 });
      expect(again.failure?.kind).toBe('error');
      expect(JSON.stringify(again.trace)).toBe(JSON.stringify(failure.trace));
      expect(again.token).toBe(failure.token);
    });
  }

  it('a message stays under 20,000 characters with many wide columns and a huge error text', async () => {
    const wide: Program = async () => {
      const hits = new Shared(0, { name: 'a-shared-counter-with-a-long-name' });
      const worker = async () => {
        for (let i = 0; i < 50; i++) {
          const v = hits.get();
          await yieldNow();
          hits.set(v + 1);
        }
      };
      await gather(...Array.from({ length: 60 }, (_, k) => spawn(worker, { name: `worker-with-a-long-name-${k}` })));
      if (hits.get() !== 3_000) throw new Error(`lost updates: ${'hits '.repeat(20_000)}`);
    };
    const failure = (await check(wide, { strategy: 'random', seed: 2, runs: 1, minimize: false })).failure!;
    expect(failure.message.length).toBeLessThan(20_000);
    expect(failure.message).toMatch(/events left out/);
    expect(failure.message).toMatch(/more characters left out/);
    expect(failure.message).toContain(`INTERLEAVE_REPLAY=${failure.token} `);
  });

  it('run k of a seeded strategy is made again alone, without runs 0..k-1', async () => {
    const program = counters(30);
    const o = resolveOptions({ seed: 0 }, program);
    for (const strategy of [RandomStrategy.seeded('alone'), PctStrategy.seeded('alone', 3)]) {
      let result;
      for (let k = 0; k <= 3; k++) {
        strategy.beginRun(k);
        result = await runSchedule(program, strategy, { maxSteps: 10_000, detect: o.detect, direct: true, trace: true });
        (strategy as Strategy).endRun(result.choices, result.end.kind !== 'ok');
      }
      const token = encodeRecipe(0, strategy.recipe(), hashOfChoices(result!.choices));
      const again = await replay(program, token);
      expect(again.failure?.kind).not.toBe('nondeterministic');
      expect(JSON.stringify(again.trace)).toBe(JSON.stringify(result!.trace));
    }
  });

  it('fast-check: a schedule of a few picks, then asyncio order, has a short token however long the run', async () => {
    const program = counters(2_000);
    const [schedule] = fc.sample(interleavings({ maxSteps: 300_000 }), { seed: 1, numRuns: 1 });
    const result = await schedule!.run(program);
    expect(result.steps).toBeGreaterThan(40_000);
    expect(result.token.length).toBeLessThanOrEqual(MAX_TOKEN_LENGTH);
    const again = await replay(program, result.token, { maxSteps: 300_000 });
    expect(JSON.stringify(again.trace)).toBe(JSON.stringify(result.trace));
  });

  it('run: asyncio order of a long program has a short token too', async () => {
    const result = await run(counters(2_000), { maxSteps: 300_000 });
    expect(result.steps).toBeGreaterThan(40_000);
    expect(result.token.length).toBeLessThanOrEqual(MAX_TOKEN_LENGTH);
    const again = await replay(counters(2_000), result.token, { maxSteps: 300_000 });
    expect(JSON.stringify(again.trace)).toBe(JSON.stringify(result.trace));
  });
});

describe('token forms', () => {
  const program = counters(3);

  it('a shrunk schedule is stored as its few departures from the default', async () => {
    const report = await check(program, { strategy: 'random', seed: 3, runs: 50 });
    const failure = report.failure!;
    expect(failure.minimized).toBe(true);
    const schedule = decodeToken(failure.token);
    expect(schedule.form).toBe('sparse');
    if (schedule.form === 'sparse') expect(schedule.deviations.length / 2).toBeLessThan(failure.steps / 4);
    const again = await replay(program, failure.token);
    expect(JSON.stringify(again.trace)).toBe(JSON.stringify(failure.trace));
  });

  it('a seeded schedule is stored by its recipe: strategy, seed key, run index and parameters', async () => {
    const report = await check(counters(300), { strategy: 'random', seed: 'k', runs: 20, minimize: false, maxSteps: 20_000 });
    const schedule = decodeToken(report.failure!.token);
    expect(schedule.form).toBe('recipe');
    if (schedule.form !== 'recipe') return;
    expect(schedule.recipe).toEqual({ strategy: 'random', key: seedKey('k'), index: report.failure!.runIndex, params: '', history: false });
  });

  it("PCT's recipe records its depth and the length estimate the run started with", () => {
    const pct = PctStrategy.seeded('k', 3);
    pct.beginRun(0);
    pct.endRun(new Array<number>(500).fill(0));
    pct.beginRun(1);
    pct.endRun(new Array<number>(900).fill(0)); // learned after run 1: not part of run 1's recipe
    expect(pct.recipe()).toEqual({ strategy: 'pct', key: seedKey('k'), index: 1, params: '3/500', history: false });
  });

  it('a dfs schedule regenerated from its run index replays byte for byte', async () => {
    const small = counters(40);
    const report = await check(small, { strategy: 'dfs', runs: 30, minimize: false, maxSteps: 20_000, dpor: false });
    const failure = report.failure!;
    expect(failure.runIndex).toBeGreaterThan(0);
    const flags = decodeToken(failure.token).flags;
    const hash = hashOfChoices(await choicesOfToken(small, failure.token, 20_000));
    const token = encodeRecipe(flags, { strategy: 'dfs', key: '', index: failure.runIndex, params: 'Infinity/0', history: true }, hash);
    const again = await replay(small, token, { maxSteps: 20_000 });
    expect(again.failure?.kind).toBe('error');
    expect(JSON.stringify(again.trace)).toBe(JSON.stringify(failure.trace));
  });

  it('a run of a strategy with history (surw) is made again when the program draws Math.random', async () => {
    const program: Program = async () => {
      const finished: number[] = [];
      const worker = async (k: number) => {
        for (let i = 0; i < 300; i++) if (Math.random() < 0.5) await yieldNow();
        finished.push(k);
      };
      await gather(...Array.from({ length: 10 }, (_, k) => spawn(() => worker(k))));
      if (finished.at(-1) === 0) throw new Error('worker 0 finished last');
    };
    const failure = (await check(program, { strategy: 'surw', seed: 3, runs: 200, minimize: false })).failure!;
    expect(failure.runIndex).toBeGreaterThan(0);
    expect(decodeToken(failure.token).form).toBe('recipe');
    const again = await replay(program, failure.token);
    expect(again.failure?.kind).toBe('error');
    expect(JSON.stringify(again.trace)).toBe(JSON.stringify(failure.trace));
  });

  it('a recipe replayed against a changed program says the schedule could not be made again', async () => {
    const report = await check(counters(300), { strategy: 'random', seed: 1, runs: 5, minimize: false, maxSteps: 20_000 });
    expect(decodeToken(report.failure!.token).form).toBe('recipe');
    const changed = await replay(counters(301), report.failure!.token, { maxSteps: 20_000 });
    expect(changed.failure?.kind).toBe('nondeterministic');
    expect(changed.failure?.message).toMatch(/could not be made again[^]*program changed since the token was made/);
  });

  it('a dfs recipe whose search ends early is reported, not replayed as something else', async () => {
    const token = encodeRecipe(0, { strategy: 'dfs', key: '', index: 500, params: 'Infinity/1', history: true }, 0);
    const result = await replay(async () => { await yieldNow(); }, token);
    expect(result.failure?.kind).toBe('nondeterministic');
    expect(result.failure?.message).toMatch(/the dfs search ended after \d+ schedules, and the token names schedule 501/);
  });

  it('choice values are any integers: tasks, the clock (-1), controlled calls (<= -2)', () => {
    const deviations = [1, 0, 2, -1, 7, -2, 9, -1234567, 1_000_000, 123456];
    const schedule = decodeToken(encodeSparse(3, deviations));
    expect(schedule).toEqual({ flags: 3, randomSeed: 0, form: 'sparse', fallback: 'last', deviations });
    expect(decodeToken(encodeSparse(1, deviations, 7, 'head'))).toEqual({ flags: 1 | 4, randomSeed: 7, form: 'sparse', fallback: 'head', deviations });
  });

  it('old v1 tokens still replay', async () => {
    const result = await run(program);
    // v1: flags 0, run-length pairs (choice + 1, repeat), Fletcher-16 checksum.
    const bytes: number[] = [0];
    const pairs: number[] = [];
    for (const c of await choicesOfToken(program, result.token)) {
      if (pairs.length > 0 && pairs[pairs.length - 2] === c + 1) pairs[pairs.length - 1]!++;
      else pairs.push(c + 1, 1);
    }
    bytes.push(pairs.length / 2, ...pairs);
    let a = 0;
    let b = 0;
    for (const x of bytes) {
      a = (a + x) % 255;
      b = (b + a) % 255;
    }
    const v1 = `v1.${Buffer.from([...bytes, b, a]).toString('base64url')}`;
    const again = await replay(program, v1);
    expect(JSON.stringify(again.trace)).toBe(JSON.stringify(result.trace));
  });

  it('a damaged token is a TokenError naming the problem', async () => {
    const { token } = await run(program);
    const damaged = token.slice(0, -2) + (token.endsWith('A') ? 'BB' : 'AA');
    await expect(replay(program, damaged)).rejects.toThrow(TokenError);
    await expect(replay(program, 'v3.AAAA')).rejects.toThrow(/version 'v3' is not supported/);
    await expect(replay(program, encodeRecipe(0, { strategy: 'nope', key: '', index: 0, params: '', history: false }, 0))).rejects.toThrow(/no strategy 'nope'/);
  });
});

/** Every choice of the run a sparse token names, by running it. */
async function choicesOfToken(program: Program, token: string, maxSteps = 10_000): Promise<number[]> {
  const schedule = decodeToken(token);
  if (schedule.form !== 'sparse') throw new Error(`expected a sparse token, got ${schedule.form}`);
  const o = resolveOptions({ seed: 0, maxSteps }, program);
  const chooser = new ReplayChooser(choicesOf(schedule.deviations, schedule.fallback), true, schedule.fallback === 'head' ? HEAD : undefined);
  const result = await runSchedule(program, chooser, { maxSteps, detect: o.detect, direct: true, trace: false });
  return result.choices;
}
