/**
 * Lock specifics beyond the conformance suite: misuse errors, release by another task, the
 * lack of reentrancy, names and printing.
 */
import { describe, it, expect } from 'vitest';
import { InvalidStateError, Lock, Semaphore, Shared, run, sleep, spawn, yieldNow } from 'interleaved';
import { inRun, thrown } from './helpers.js';

describe('Lock misuse', () => {
  it('release() of an unlocked lock throws InvalidStateError saying it is not locked', async () => {
    await inRun(async () => {
      const lock = new Lock({ name: 'db' });
      const error = thrown(() => lock.release());
      expect(error).toBeInstanceOf(InvalidStateError);
      expect((error as Error).message).toContain('not locked');
      expect((error as Error).message).toContain('db');
      expect(lock.locked()).toBe(false);
    });
  });

  it('a second release() after one acquire throws and does not corrupt the lock', async () => {
    await inRun(async () => {
      const lock = new Lock();
      await lock.acquire();
      lock.release();
      expect(() => lock.release()).toThrow(/not locked/);
      // Still works afterwards, and still excludes.
      await lock.acquire();
      expect(lock.locked()).toBe(true);
      const other = spawn(() => lock.acquire());
      await sleep(5);
      expect(other.done()).toBe(false);
      lock.release();
      await other;
      expect(lock.locked()).toBe(true);
      lock.release();
      expect(lock.locked()).toBe(false);
    });
  });

  it('a release of an unlocked lock fails the run as an error', async () => {
    const result = await run(async () => {
      new Lock({ name: 'orphan' }).release();
    });
    expect(result.ok).toBe(false);
    expect(result.failure?.kind).toBe('error');
    expect(result.failure?.error).toBeInstanceOf(InvalidStateError);
    expect((result.failure?.error as Error).message).toMatch(/orphan.*not locked/);
  });

  it('another task may release a held lock (asyncio allows it), handing it to the next waiter', async () => {
    await inRun(async () => {
      const lock = new Lock({ name: 'shared' });
      const order: string[] = [];
      const holder = spawn(async () => {
        await lock.acquire();
        order.push('holder acquired');
      }, { name: 'holder' });
      await holder;
      expect(lock.locked()).toBe(true);
      const waiter = spawn(async () => {
        await lock.acquire();
        order.push('waiter acquired');
      }, { name: 'waiter' });
      await sleep(1);
      expect(waiter.done()).toBe(false);
      // main never acquired the lock, yet may release it.
      lock.release();
      await waiter;
      expect(order).toEqual(['holder acquired', 'waiter acquired']);
      expect(String(lock)).toContain('owner=waiter');
      lock.release();
      expect(lock.locked()).toBe(false);
    });
  });

  it('is not reentrant: acquiring a held lock again from the same task deadlocks', async () => {
    const result = await run(async () => {
      const lock = new Lock({ name: 'once' });
      await lock.acquire();
      await lock.acquire();
    });
    expect(result.ok).toBe(false);
    expect(result.failure?.kind).toBe('deadlock');
    expect(result.failure?.message).toContain('once');
  });
});

describe('Lock names and printing', () => {
  it("prints as <Lock 'db' unlocked> and as locked with owner and waiters", async () => {
    const lock = new Lock({ name: 'db' });
    expect(String(lock)).toBe("<Lock 'db' unlocked>");
    expect(lock.toString()).toBe("<Lock 'db' unlocked>");
    await inRun(async () => {
      await lock.acquire();
      expect(String(lock)).toBe("<Lock 'db' locked owner=main waiters=0>");
      const t = spawn(() => lock.runExclusive(() => undefined), { name: 'worker' });
      await sleep(1);
      expect(String(lock)).toBe("<Lock 'db' locked owner=main waiters=1>");
      lock.release();
      await sleep(1);
      await t;
      expect(String(lock)).toBe("<Lock 'db' unlocked>");
    });
    expect(String(lock)).toBe("<Lock 'db' unlocked>");
  });

  it('default labels are Lock-1, Lock-2, … in traces, numbered again in each run and per kind', async () => {
    const program = async (): Promise<void> => {
      const a = new Lock();
      const b = new Lock();
      const s = new Semaphore(2);
      await a.acquire();
      await b.acquire();
      await s.acquire();
      s.release();
      b.release();
      a.release();
    };
    for (let i = 0; i < 2; i++) {
      const result = await run(program);
      expect(result.ok).toBe(true);
      const acquires = result.trace.filter((e) => e.op === 'acquire').map((e) => e.target);
      expect(acquires).toEqual(['Lock-1', 'Lock-2', 'Semaphore-1']);
      const releases = result.trace.filter((e) => e.op === 'release').map((e) => e.target);
      expect(releases).toEqual(['Semaphore-1', 'Lock-2', 'Lock-1']);
    }
  });

  it('an explicit name is used in traces as given', async () => {
    const result = await run(async () => {
      const lock = new Lock({ name: 'accounts' });
      await lock.runExclusive(() => yieldNow());
    });
    expect(result.ok).toBe(true);
    const touched = result.trace.filter((e) => e.target === 'accounts').map((e) => e.op);
    expect(touched).toEqual(['acquire', 'release']);
  });

  it('validates options: a non-string name or a non-object options is a TypeError', () => {
    expect(() => new Lock({ name: 5 as unknown as string })).toThrow(TypeError);
    expect(() => new Lock('db' as unknown as { name: string })).toThrow(TypeError);
    expect(() => new Shared(0, { name: 1 as unknown as string })).toThrow(TypeError);
  });
});
