/**
 * Shared: get/set/update, accesses recorded in the trace under the variable's name and
 * attributed to the task that made them, and a fresh initial value in every run.
 */
import { describe, it, expect } from 'vitest';
import { Shared, check, gather, run, spawn, yieldNow } from 'interleaved';
import { inRun } from './helpers.js';

describe('Shared values', () => {
  it('get/set/update read and change the value; update returns the new value', async () => {
    await inRun(async () => {
      const v = new Shared(10, { name: 'v' });
      expect(v.get()).toBe(10);
      v.set(11);
      expect(v.get()).toBe(11);
      expect(v.update((x) => x * 2)).toBe(22);
      expect(v.get()).toBe(22);
    });
  });

  it('holds any type, including objects by reference', async () => {
    await inRun(async () => {
      const list = new Shared<string[]>([]);
      list.update((xs) => [...xs, 'a']);
      list.set([...list.get(), 'b']);
      expect(list.get()).toEqual(['a', 'b']);
    });
  });

  it('works outside any run as a plain variable', () => {
    const v = new Shared(1, { name: 'plain' });
    v.set(2);
    expect(v.update((x) => x + 1)).toBe(3);
    expect(v.get()).toBe(3);
  });

  it('prints its name', () => {
    expect(String(new Shared(0, { name: 'balance' }))).toContain("'balance'");
  });
});

describe('Shared in traces', () => {
  it("records reads as op 'read', writes as op 'write' and updates as op 'update', with the name as target", async () => {
    const result = await run(async () => {
      const balance = new Shared(100, { name: 'balance' });
      const v = balance.get();
      await yieldNow();
      balance.set(v - 30);
      balance.update((x) => x + 1);
    });
    expect(result.ok).toBe(true);
    const accesses = result.trace.filter((e) => e.target === 'balance').map((e) => e.op);
    expect(accesses).toEqual(['read', 'write', 'update']);
    const read = result.trace.find((e) => e.op === 'read')!;
    const write = result.trace.find((e) => e.op === 'write')!;
    expect(read.task).toBe('main');
    expect(write.step).toBeGreaterThan(read.step);
  });

  it('attributes each access to the task that made it', async () => {
    const result = await run(async () => {
      const counter = new Shared(0, { name: 'counter' });
      const bump = async (): Promise<void> => {
        const v = counter.get();
        await yieldNow();
        counter.set(v + 1);
      };
      await gather(spawn(bump, { name: 'alice' }), spawn(bump, { name: 'bob' }));
    });
    expect(result.ok).toBe(true);
    const byTask = (task: string) =>
      result.trace.filter((e) => e.target === 'counter' && e.task === task).map((e) => e.op);
    expect(byTask('alice')).toEqual(['read', 'write']);
    expect(byTask('bob')).toEqual(['read', 'write']);
    expect(byTask('main')).toEqual([]);
  });

  it('an unnamed Shared is labelled Shared-1, Shared-2 in a run', async () => {
    const result = await run(async () => {
      const a = new Shared(0);
      const b = new Shared(0);
      a.get();
      b.set(1);
    });
    const targets = result.trace.filter((e) => e.op === 'read' || e.op === 'write').map((e) => e.target);
    expect(targets).toEqual(['Shared-1', 'Shared-2']);
  });

  it('a failing schedule’s report points at the Shared variable', async () => {
    const report = await check(
      async () => {
        const balance = new Shared(100, { name: 'balance' });
        const withdraw = async (n: number) => {
          const v = balance.get();
          await yieldNow();
          balance.set(v - n);
        };
        await gather(spawn(() => withdraw(30)), spawn(() => withdraw(50)));
        if (balance.get() !== 20) throw new Error(`balance is ${balance.get()}, expected 20`);
      },
      { runs: 200, seed: 1 },
    );
    expect(report.ok).toBe(false);
    expect(report.failure?.trace.some((e) => e.target === 'balance' && e.op === 'write')).toBe(true);
    expect(report.failure?.message).toContain('balance');
  });
});

describe('Shared across runs', () => {
  it('a module-level Shared starts every run from its initial value', async () => {
    const counter = new Shared(0, { name: 'global-counter' });
    const seen: number[] = [];
    const report = await check(
      async () => {
        seen.push(counter.get());
        counter.update((x) => x + 1);
        await yieldNow();
      },
      { runs: 20, seed: 1 },
    );
    expect(report.ok).toBe(true);
    expect(seen.length).toBeGreaterThan(1);
    expect(new Set(seen)).toEqual(new Set([0]));
  });
});
