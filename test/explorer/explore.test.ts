import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  check,
  explore,
  formatTrace,
  gather,
  InterleavingFailure,
  Lock,
  replay,
  run,
  Shared,
  sleep,
  spawn,
  TokenError,
  yieldNow,
  type Program,
} from 'interleaved';

/** Three transfers on two accounts with a check-then-act race. */
const racyBank: Program = async () => {
  const a = new Shared(100, { name: 'a' });
  const b = new Shared(100, { name: 'b' });
  const move = async (from: Shared<number>, to: Shared<number>, n: number) => {
    const f = from.get();
    await yieldNow();
    from.set(f - n);
    const t = to.get();
    await sleep(1);
    to.set(t + n);
  };
  await gather(spawn(() => move(a, b, 10), { name: 'ab' }), spawn(() => move(b, a, 20), { name: 'ba' }), spawn(() => move(a, b, 5), { name: 'ab2' }));
  if (a.get() + b.get() !== 200) throw new Error(`money was created or lost: total ${a.get() + b.get()}`);
};

describe('explore and check', () => {
  it('explore rejects with InterleavingFailure carrying the report; check resolves', async () => {
    const error = await explore(racyBank, { runs: 500, seed: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterleavingFailure);
    const failure = (error as InterleavingFailure).report.failure!;
    expect(failure.kind).toBe('error');
    expect((error as Error).message).toBe(failure.message);
    const report = await check(racyBank, { runs: 500, seed: 1 });
    expect(report.ok).toBe(false);
    expect(report.seed).toBe('1');
    expect(report.failure?.token).toBe(failure.token);
  });

  it('a failure message shows kind, error, seed, token, a per-task timeline and the reproduce line', async () => {
    const report = await check(racyBank, { runs: 500, seed: 1, testName: 'bank keeps its money' });
    const { message, token } = report.failure!;
    expect(message).toContain('kind:      error');
    expect(message).toContain('money was created or lost');
    expect(message).toContain('seed:      1');
    expect(message).toContain(`reproduce: INTERLEAVE_REPLAY=${token} npx vitest -t "bank keeps its money"`);
    expect(message.split(token).length).toBe(2); // printed once
    const header = message.split('\n').find((l) => l.startsWith('step'))!;
    for (const task of ['main', 'ab', 'ba', 'ab2']) expect(header).toContain(task);
    expect(message).toMatch(/read a|read b/);
  });

  it('the same seed gives the same search; a different seed may not', async () => {
    const one = await check(racyBank, { runs: 500, seed: 'abc' });
    const two = await check(racyBank, { runs: 500, seed: 'abc' });
    expect(two.failure?.token).toBe(one.failure?.token);
    expect(two.failure?.runIndex).toBe(one.failure?.runIndex);
  });

  it('a passing program reports ok with runs and distinct schedules', async () => {
    const report = await check(async () => {
      const lock = new Lock();
      const c = new Shared(0);
      const inc = () => lock.runExclusive(async () => { const v = c.get(); await yieldNow(); c.set(v + 1); });
      await gather(spawn(inc), spawn(inc), spawn(inc));
      if (c.get() !== 3) throw new Error('lost update');
    }, { runs: 300, seed: 2 });
    expect(report).toMatchObject({ ok: true, runs: 300, exhausted: false, seed: '2' });
    expect(report.distinct).toBeGreaterThan(10);
    expect(report.distinct).toBeLessThanOrEqual(300);
  });

  it('shrinking yields a schedule with no more steps or preemptions than the one found', async () => {
    const raw = await check(racyBank, { runs: 500, seed: 4, minimize: false });
    const small = await check(racyBank, { runs: 500, seed: 4 });
    expect(raw.failure!.minimized).toBe(false);
    expect(small.failure!.minimized).toBe(true);
    expect(small.failure!.preemptions).toBeLessThanOrEqual(raw.failure!.preemptions);
    if (small.failure!.preemptions === raw.failure!.preemptions) expect(small.failure!.steps).toBeLessThanOrEqual(raw.failure!.steps);
    expect(small.failure!.kind).toBe(raw.failure!.kind);
  });

  it('timeLimit ends the search and onProgress reports it', async () => {
    const seen: number[] = [];
    const report = await check(async () => { await gather(spawn(yieldNow), spawn(yieldNow)); }, {
      runs: 10_000_000,
      timeLimit: 150,
      seed: 1,
      onProgress: (p) => seen.push(p.runs),
    });
    expect(report.ok).toBe(true);
    expect(report.runs).toBeLessThan(10_000_000);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toBe(report.runs);
  });

  it('every strategy finds the lost update', async () => {
    for (const strategy of ['random', 'pct', 'dfs', 'portfolio'] as const) {
      const report = await check(racyBank, { runs: 2000, seed: 5, strategy });
      expect(report.failure?.kind, strategy).toBe('error');
      expect(report.strategy).toBe(strategy);
    }
  });
});

describe('replay and determinism', () => {
  it('replaying a token gives the same trace, byte for byte, every time', async () => {
    const report = await check(racyBank, { runs: 500, seed: 9 });
    const token = report.failure!.token;
    const reference = JSON.stringify(report.failure!.trace);
    const text = formatTrace(report.failure!.trace);
    for (let i = 0; i < 25; i++) {
      const again = await replay(racyBank, token);
      expect(again.ok).toBe(false);
      expect(again.token).toBe(token);
      expect(JSON.stringify(again.trace)).toBe(reference);
      expect(formatTrace(again.trace)).toBe(text);
    }
  });

  it('a token is versioned and shell-safe', async () => {
    const report = await check(racyBank, { runs: 500, seed: 9 });
    expect(report.failure!.token).toMatch(/^v2\.[A-Za-z0-9_-]+$/);
  });

  it('a malformed token is a misuse error naming the problem', async () => {
    await expect(replay(racyBank, 'nonsense')).rejects.toBeInstanceOf(TokenError);
    await expect(replay(racyBank, 'v9.AAAA')).rejects.toThrow(/version 'v9'/);
    const report = await check(racyBank, { runs: 500, seed: 9 });
    const token = report.failure!.token;
    const corrupted = token.slice(0, -2) + (token.endsWith('A') ? 'BB' : 'AA');
    await expect(replay(racyBank, corrupted)).rejects.toThrow(/checksum|ends in the middle|trailing|impossible/);
  });

  it('a program that draws Math.random replays the same values: checkDeterminism finds nothing', async () => {
    const draws: number[] = [];
    const seeded: Program = async () => {
      const n = Math.random() < 0.5 ? 1 : 2;
      draws.push(n);
      const tasks = [];
      for (let i = 0; i < n; i++) tasks.push(spawn(yieldNow));
      await gather(...tasks);
    };
    const report = await check(seeded, { runs: 200, seed: 1, checkDeterminism: true });
    expect(report.failure?.message).toBeUndefined();
    expect(new Set(draws).size).toBe(2); // different runs drew different values
  });

  it('a program that draws an unseeded random source is reported as nondeterministic on replay', async () => {
    const flaky: Program = async () => {
      const n = randomBytes(1)[0]! < 128 ? 1 : 2;
      const tasks = [];
      for (let i = 0; i < n; i++) tasks.push(spawn(yieldNow));
      await gather(...tasks);
    };
    const report = await check(flaky, { runs: 200, seed: 1, checkDeterminism: true });
    expect(report.failure?.kind).toBe('nondeterministic');
    expect(report.failure?.message).toMatch(/not reproducible|diverged/);
  });

  it('replay option runs the token first, then stops unless runs is given', async () => {
    const found = await check(racyBank, { runs: 500, seed: 9 });
    const only = await check(racyBank, { replay: found.failure!.token });
    expect(only.runs).toBe(1);
    expect(only.failure?.token).toBe(found.failure!.token);
  });

  it('run() is asyncio order: ready tasks first-in first-out', async () => {
    const order: string[] = [];
    const result = await run(async () => {
      const worker = (name: string) => spawn(async () => {
        for (let i = 0; i < 2; i++) {
          order.push(`${name}${i}`);
          await yieldNow();
        }
      });
      await gather(worker('a'), worker('b'));
    });
    expect(result.ok).toBe(true);
    expect(order).toEqual(['a0', 'b0', 'a1', 'b1']);
  });
});

describe('environment overrides', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of ['INTERLEAVE_SEED', 'INTERLEAVE_RUNS', 'INTERLEAVE_TIME_LIMIT', 'INTERLEAVE_REPLAY']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it('INTERLEAVE_SEED and INTERLEAVE_RUNS win over the options in code', async () => {
    process.env['INTERLEAVE_SEED'] = '77';
    process.env['INTERLEAVE_RUNS'] = '3';
    const report = await check(async () => { await gather(spawn(yieldNow), spawn(yieldNow)); }, { runs: 100, seed: 1 });
    expect(report.seed).toBe('77');
    expect(report.runs).toBe(3);
  });

  it('INTERLEAVE_REPLAY runs exactly that schedule', async () => {
    const found = await check(racyBank, { runs: 500, seed: 9 });
    process.env['INTERLEAVE_REPLAY'] = found.failure!.token;
    const report = await check(racyBank, { runs: 500, seed: 1 });
    expect(report.runs).toBe(1);
    expect(report.failure?.token).toBe(found.failure!.token);
  });

  it('INTERLEAVE_TIME_LIMIT bounds the search in real milliseconds', async () => {
    process.env['INTERLEAVE_TIME_LIMIT'] = '100';
    const report = await check(async () => { await gather(spawn(yieldNow), spawn(yieldNow)); }, { runs: 50_000_000, seed: 1 });
    expect(report.ok).toBe(true);
    expect(report.runs).toBeLessThan(50_000_000);
    expect(report.elapsedMs).toBeLessThan(5_000);
  });

  it('a malformed environment value is a clear error', async () => {
    process.env['INTERLEAVE_RUNS'] = 'many';
    await expect(check(racyBank)).rejects.toThrow(/INTERLEAVE_RUNS to be an integer >= 1, got `"many"`/);
  });
});

describe('options validation', () => {
  it('names the option, the value and the rule', async () => {
    await expect(check(racyBank, { runs: 0 })).rejects.toThrow(/Expected `runs` to be an integer >= 1, got `0` \(number\)/);
    await expect(check(racyBank, { strategy: 'bfs' as never })).rejects.toThrow(/strategy/);
    await expect(check(racyBank, { runz: 5 } as never)).rejects.toThrow(/Unknown option `runz`/);
    await expect(check(racyBank, { detect: { deadlocks: true } as never })).rejects.toThrow(/detect\.deadlocks/);
    await expect(check('program' as never)).rejects.toThrow(/Expected `program` to be an async function/);
  });
});
