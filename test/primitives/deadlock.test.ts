/**
 * Deadlock reports built from the primitives: a lock-order inversion found by the explorer,
 * named tasks and locks in the report, the wait-for cycle, and waits that are not cycles.
 */
import { describe, it, expect } from 'vitest';
import { Condition, DeadlockError, Event, Lock, Queue, Semaphore, check, gather, replay, run, spawn, yieldNow } from 'interleaved';

function inversion() {
  return async (): Promise<void> => {
    const alpha = new Lock({ name: 'alpha-lock' });
    const beta = new Lock({ name: 'beta-lock' });
    const left = spawn(
      async () => {
        await alpha.acquire();
        await yieldNow();
        await beta.acquire();
        beta.release();
        alpha.release();
      },
      { name: 'worker-left' },
    );
    const right = spawn(
      async () => {
        await beta.acquire();
        await yieldNow();
        await alpha.acquire();
        alpha.release();
        beta.release();
      },
      { name: 'worker-right' },
    );
    await gather(left, right);
  };
}

describe('deadlock reports', () => {
  it('check() finds two locks taken in opposite orders as a deadlock', async () => {
    const report = await check(inversion(), { runs: 300, seed: 1 });
    expect(report.ok).toBe(false);
    expect(report.failure?.kind).toBe('deadlock');
    expect(report.failure?.error).toBeInstanceOf(DeadlockError);
  });

  it('the report names both locks, both tasks, and prints the wait-for cycle', async () => {
    const report = await check(inversion(), { runs: 300, seed: 1 });
    const message = report.failure!.message;
    expect(message).toContain('alpha-lock');
    expect(message).toContain('beta-lock');
    expect(message).toContain('worker-left');
    expect(message).toContain('worker-right');
    expect(message).toMatch(/wait-for cycle/i);
    // The cycle names the tasks and, between them, the lock each waits on.
    expect(message).toMatch(
      /worker-left -> 'beta-lock' -> worker-right -> 'alpha-lock' -> worker-left|worker-right -> 'alpha-lock' -> worker-left -> 'beta-lock' -> worker-right/,
    );
    // Each task is shown waiting on the lock the other holds.
    const error = (report.failure!.error as Error).message;
    expect(error).toMatch(/worker-left[^\n]*beta-lock[^\n]*held by worker-right/);
    expect(error).toMatch(/worker-right[^\n]*alpha-lock[^\n]*held by worker-left/);
  });

  it('the failing schedule replays to the same deadlock', async () => {
    const report = await check(inversion(), { runs: 300, seed: 1 });
    const again = await replay(inversion(), report.failure!.token);
    expect(again.ok).toBe(false);
    expect(again.failure?.kind).toBe('deadlock');
  });

  it('the same two locks always taken in one order never deadlock', async () => {
    const report = await check(
      async () => {
        const alpha = new Lock({ name: 'alpha-lock' });
        const beta = new Lock({ name: 'beta-lock' });
        const both = async () => {
          await alpha.acquire();
          await yieldNow();
          await beta.acquire();
          beta.release();
          alpha.release();
        };
        await gather(spawn(both), spawn(both));
      },
      { runs: 300, seed: 1 },
    );
    expect(report.failure?.message).toBeUndefined();
    expect(report.ok).toBe(true);
  });

  it('a task waiting on an Event nobody sets is a deadlock naming the event (no cycle)', async () => {
    const result = await run(async () => {
      const never = new Event({ name: 'never-set' });
      await spawn(() => never.wait(), { name: 'sleeper' });
    });
    expect(result.ok).toBe(false);
    expect(result.failure?.kind).toBe('deadlock');
    expect(result.failure?.message).toContain('never-set');
    expect(result.failure?.message).toContain('sleeper');
    expect((result.failure?.error as Error).message).not.toMatch(/wait-for cycle/);
  });

  it('a getter on a queue nobody fills and an exhausted semaphore are reported as deadlocks', async () => {
    const q = await run(async () => {
      await new Queue<number>(0, { name: 'empty-q' }).get();
    });
    expect(q.failure?.kind).toBe('deadlock');
    expect(q.failure?.message).toContain('empty-q');
    const s = await run(async () => {
      await new Semaphore(0, { name: 'zero' }).acquire();
    });
    expect(s.failure?.kind).toBe('deadlock');
    expect(s.failure?.message).toContain('zero');
  });

  it('three tasks in a lock cycle are all named in the cycle', async () => {
    const report = await check(
      async () => {
        const locks = [new Lock({ name: 'L0' }), new Lock({ name: 'L1' }), new Lock({ name: 'L2' })];
        const tasks = [0, 1, 2].map((i) =>
          spawn(
            async () => {
              await locks[i]!.acquire();
              await yieldNow();
              await locks[(i + 1) % 3]!.acquire();
              locks[(i + 1) % 3]!.release();
              locks[i]!.release();
            },
            { name: `phil-${i}` },
          ),
        );
        await gather(...tasks);
      },
      { runs: 500, seed: 3 },
    );
    expect(report.failure?.kind).toBe('deadlock');
    const error = (report.failure!.error as Error).message;
    const cycleLine = error.split('\n').find((l) => /wait-for cycle/.test(l)) ?? '';
    for (const name of ['phil-0', 'phil-1', 'phil-2']) expect(cycleLine).toContain(name);
  });

  it('a Condition waiter nobody notifies is a deadlock naming the condition and the task', async () => {
    const result = await run(async () => {
      const cond = new Condition(undefined, { name: 'no-news' });
      await spawn(() => cond.runExclusive(() => cond.wait()), { name: 'listener' });
    });
    expect(result.ok).toBe(false);
    expect(result.failure?.kind).toBe('deadlock');
    expect(result.failure?.message).toContain('no-news');
    expect(result.failure?.message).toContain('listener');
  });
});
