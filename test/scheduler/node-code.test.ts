/**
 * Plain Node code under the explorer: I/O completions in every order, steps that drain Node's
 * queues, runs that nothing outside them disturbs, seeded randomness.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { check, controlled, gather, replay, run, Shared, sleep, spawn, yieldNow } from 'interleaved';

describe('controlled calls started by one task', () => {
  const orders = (): { program: () => Promise<void>; seen: Set<string> } => {
    const seen = new Set<string>();
    const program = async (): Promise<void> => {
      const order: string[] = [];
      const a = controlled(async () => 'a', 'svc.a');
      const b = controlled(async () => 'b', 'svc.b');
      const record = (v: string) => order.push(v);
      await Promise.all([a().then(record), b().then(record)]);
      seen.add(order.join(''));
    };
    return { program, seen };
  };

  it('complete in both orders under Promise.all', async () => {
    const { program, seen } = orders();
    const report = await check(program, { runs: 200, seed: 1 });
    expect(report.ok).toBe(true);
    expect([...seen].sort()).toEqual(['ab', 'ba']);
    expect(report.distinct).toBeGreaterThanOrEqual(2);
  });

  it('dfs reaches both orders and only then reports exhausted', async () => {
    const { program, seen } = orders();
    const report = await check(program, { strategy: 'dfs', runs: 100 });
    expect(report.exhausted).toBe(true);
    expect([...seen].sort()).toEqual(['ab', 'ba']);
    expect(report.runs).toBe(2);
  });

  it('traces name the call that completed', async () => {
    const query = controlled(async (sql: string) => sql.length, 'db.query');
    const result = await run(async () => {
      await Promise.all([query('select 1'), query('select 2')]);
    });
    const completions = result.trace.filter((e) => e.op === 'complete').map((e) => e.target);
    expect(completions).toEqual(['db.query#1', 'db.query#2']);
  });

  it('a pending call may complete after a timer fires (I/O outlasts a timeout)', async () => {
    const seen = new Set<string>();
    const slow = controlled(async () => 'io', 'slow');
    await check(async () => {
      const winner = await Promise.race([slow(), sleep(10).then(() => 'timer')]);
      seen.add(winner);
    }, { runs: 100, seed: 2 });
    expect([...seen].sort()).toEqual(['io', 'timer']);
  });
});

describe("a step drains Node's queues", () => {
  it('a 50-reaction promise chain started before a controlled call has finished when the call completes, in every schedule', async () => {
    const call = controlled(async () => 'done', 'api.get');
    const report = await check(async () => {
      const worker = async (name: string) => {
        let reactions = 0;
        let chain: Promise<unknown> = Promise.resolve();
        for (let i = 0; i < 50; i++) chain = chain.then(() => reactions++);
        await call();
        if (reactions !== 50) throw new Error(`${name}: the call completed after only ${reactions} of 50 reactions`);
        await chain;
      };
      await gather(spawn(() => worker('one')), spawn(() => worker('two')));
    }, { strategy: 'dfs', runs: 1000 });
    expect(report.failure?.message).toBeUndefined();
    expect(report.exhausted).toBe(true);
    expect(report.runs).toBeGreaterThan(1);
  });

  it('inside a timer callback, process.nextTick callbacks run before promise reactions, as in Node', async () => {
    const orders = new Set<string>();
    const report = await check(async () => {
      const log: string[] = [];
      await new Promise<void>((resolve) => {
        setTimeout(() => {
          Promise.resolve().then(() => log.push('promise'));
          process.nextTick(() => log.push('tick'));
          setTimeout(resolve, 1);
        }, 5);
      });
      orders.add(log.join(','));
    }, { runs: 20, seed: 1, fakeTimers: true });
    expect(report.failure?.message).toBeUndefined();
    expect([...orders]).toEqual(['tick,promise']);
  });

  it('a step whose next-tick callbacks queue microtasks ends only after those have run', async () => {
    const report = await check(async () => {
      const state = new Shared(0, { name: 'state' });
      const writer = spawn(async () => {
        process.nextTick(() => {
          void Promise.resolve().then(() => state.set(1));
        });
        await yieldNow();
        if (state.get() !== 1) throw new Error('the next-tick callback of the previous step had not finished');
      });
      await writer;
    }, { runs: 50, seed: 3 });
    expect(report.failure?.message).toBeUndefined();
  });
});

describe('randomness inside a run', () => {
  const program = async (): Promise<void> => {
    const coins: number[] = [];
    await gather(
      spawn(async () => {
        coins.push(Math.random());
        await yieldNow();
      }),
      spawn(async () => {
        coins.push(Math.random());
      }),
    );
    const uuid = crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(2));
    if (coins.every((c) => c < 0.2)) throw new Error(`both coins came up low: ${coins.join(', ')} ${uuid} ${bytes.join(',')}`);
  };

  it('a failure that needs particular Math.random values is found and replays exactly', async () => {
    const report = await check(program, { runs: 1000, seed: 7 });
    expect(report.failure?.kind).toBe('error');
    const message = (report.failure!.error as Error).message;
    for (let i = 0; i < 5; i++) {
      const again = await replay(program, report.failure!.token);
      expect(again.failure?.kind).toBe('error');
      expect((again.failure!.error as Error).message).toBe(message);
      expect(JSON.stringify(again.trace)).toBe(JSON.stringify(report.failure!.trace));
    }
  });

  it('outside a run Math.random is the host generator again, not the run\'s stream', async () => {
    const draw = (n: number, into: number[]) => async () => {
      for (let i = 0; i < n; i++) into.push(Math.random());
    };
    const first: number[] = [];
    const longer: number[] = [];
    await run(draw(10, first));
    const outside = Array.from({ length: 10 }, () => Math.random());
    await run(draw(20, longer));
    // Each run starts its seeded stream afresh (run() uses one seed): the same first values.
    expect(longer.slice(0, 10)).toEqual(first);
    // Code outside the run did not continue that stream.
    expect(outside).not.toEqual(longer.slice(10));
    for (const x of outside) expect(longer).not.toContain(x);
  });
});

describe('determinism self-check', () => {
  it('names the first step where two runs of the same schedule diverge, and the likely cause', async () => {
    let calls = 0; // state kept between runs: the second run of a schedule spawns one task more
    const report = await check(async () => {
      calls++;
      const tasks = [spawn(yieldNow)];
      if (calls % 2 === 0) tasks.push(spawn(yieldNow));
      await gather(...tasks);
    }, { runs: 20, seed: 1, checkDeterminism: true });
    expect(report.failure?.kind).toBe('nondeterministic');
    expect(report.failure?.message).toMatch(/diverged at step \d+/);
    expect(report.failure?.message).toMatch(/likely cause: .*state kept between runs/);
  });

  it('names a real clock read as the likely cause', async () => {
    const report = await check(async () => {
      const tasks = [spawn(yieldNow)];
      // Nanoseconds of the real clock: a run and its replay agree on the parity about half the
      // time, so within 200 schedules they disagree (all agreeing has probability 2^-200).
      if (process.hrtime.bigint() % 2n === 0n) tasks.push(spawn(yieldNow));
      await gather(...tasks);
    }, { runs: 200, seed: 1, checkDeterminism: true });
    expect(report.failure?.kind).toBe('nondeterministic');
    expect(report.failure?.message).toMatch(/likely cause: .*process\.hrtime\.bigint\(\)/);
  });

  it('INTERLEAVE_CHECK_DETERMINISM turns the check on from the environment', async () => {
    let calls = 0;
    const program = async (): Promise<void> => {
      calls++;
      const tasks = [spawn(yieldNow)];
      if (calls % 2 === 0) tasks.push(spawn(yieldNow));
      await gather(...tasks);
    };
    process.env['INTERLEAVE_CHECK_DETERMINISM'] = '1';
    try {
      const report = await check(program, { runs: 20, seed: 1 });
      expect(report.failure?.kind).toBe('nondeterministic');
    } finally {
      delete process.env['INTERLEAVE_CHECK_DETERMINISM'];
    }
  });
});

describe('nothing outside a run disturbs it', () => {
  /** A correct debounced saver on Node's timers and clock. */
  const saver = async (): Promise<void> => {
    const saved = new Shared<number[]>([], { name: 'saved' });
    let pending: ReturnType<typeof setTimeout> | undefined;
    const started = Date.now();
    const save = (v: number) => {
      if (pending !== undefined) clearTimeout(pending);
      pending = setTimeout(() => saved.update((s) => [...s, v]), 20);
    };
    await gather(
      spawn(async () => {
        save(1);
        await new Promise((r) => setTimeout(r, 5));
        save(2);
      }),
      spawn(async () => {
        await new Promise((r) => setImmediate(r));
        save(3);
      }),
    );
    await new Promise((r) => setTimeout(r, 100));
    if (saved.get().length !== 1) throw new Error(`saved ${saved.get().length} times`);
    if (Date.now() - started !== 105) throw new Error(`virtual clock moved ${Date.now() - started} ms`);
  };

  it('a correct program explored 1,000 times under fakeTimers is ok while real I/O and real timers run outside it', async () => {
    let stop = false;
    // Real file reads in flight the whole time.
    let reads = 0;
    const reader = (async () => {
      while (!stop) {
        await readFile(new URL(import.meta.url));
        reads++;
      }
    })();
    // A real interval and a self-re-arming real timer chain, recording the clock they see.
    const seen: number[] = [];
    const interval = setInterval(() => seen.push(Date.now()), 1);
    let chain: ReturnType<typeof setTimeout>;
    let ticked: () => void = () => {};
    const tick = (): void => {
      seen.push(Date.now());
      ticked();
      chain = setTimeout(tick, 1);
    };
    chain = setTimeout(tick, 1);
    try {
      const report = await check(saver, { runs: 1000, seed: 11, fakeTimers: true });
      expect(report.failure?.message).toBeUndefined();
      expect(report.runs).toBe(1000);
      // The chain still runs on real timers after the search: it ticks again in real time.
      await new Promise<void>((resolve, reject) => {
        ticked = resolve;
        const guard = setTimeout(() => reject(new Error('the real timer chain stopped: it was given a virtual timer')), 10_000);
        guard.unref();
      });
    } finally {
      stop = true;
      clearInterval(interval);
      clearTimeout(chain!);
      await reader;
    }
    // Everything outside the run saw the real clock (the virtual one starts at 2025-01-01).
    const realNow = Date.now();
    expect(seen.length).toBeGreaterThan(0);
    for (const t of seen) expect(Math.abs(realNow - t)).toBeLessThan(10 * 60_000);
    expect(reads).toBeGreaterThan(0);
  });

  it('the same program awaiting its own real read is uncontrolled and names the task', async () => {
    const report = await check(async () => {
      await spawn(async () => {
        await readFile(new URL(import.meta.url));
      }, { name: 'loader' });
    }, { runs: 5, seed: 1, fakeTimers: true });
    expect(report.failure?.kind).toBe('uncontrolled');
    expect(report.failure?.message).toContain("'loader'");
    expect(report.failure?.message).toMatch(/FSReq/);
  });

  it("a concurrent check's real I/O never counts against another check", async () => {
    // B awaits a promise made outside interleaved (context mode, where stalls look at real
    // resources) while A's runs keep starting real reads that stay in flight between runs.
    const handoff = async (): Promise<void> => {
      let release: () => void = () => {};
      const gate = new Promise<void>((r) => (release = r));
      const waiter = spawn(async () => {
        await gate;
      });
      await spawn(async () => release());
      await waiter;
    };
    const [a, b] = await Promise.all([
      check(async () => {
        await spawn(async () => {
          await readFile(new URL(import.meta.url));
        }, { name: 'reader' });
      }, { runs: 50, seed: 1 }),
      check(handoff, { runs: 300, seed: 2 }),
    ]);
    expect(a.failure?.kind).toBe('uncontrolled');
    expect(b.failure?.message).toBeUndefined();
    expect(b.runs).toBe(300);
  });

  it('a synchronous read is no I/O to schedule: the run stays controlled', async () => {
    const report = await check(async () => {
      await spawn(async () => {
        readFileSync(new URL(import.meta.url));
        await yieldNow();
      });
    }, { runs: 5, seed: 1 });
    expect(report.ok).toBe(true);
  });
});
