/**
 * Cancellation on Node's real event loop (outside any run): `timeout`, `withTaskGroup` and
 * `Task.cancel` reach the work where it waits, as they do inside a run. The pending await raises
 * `CancelledError`, `finally` blocks run, and no real timer or immediate is left behind.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { CancelledError, Event, Future, Queue, TimeoutError, sleep, spawn, timeout, withTaskGroup, yieldNow } from 'interleaved';

/**
 * Real timers and immediates alive in this process. Compared as "no more than before": the
 * runner's own may end meanwhile, while a leaked 10-minute sleep would still be counted.
 */
function liveTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'Immediate').length;
}

/** Lets queued microtasks and one macrotask turn run. */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('timeout outside a run', () => {
  it('cancels the work: its sleep raises CancelledError, finally runs, no timer stays, then TimeoutError', async () => {
    const before = liveTimers();
    const log: string[] = [];
    const error = await timeout(5, async () => {
      try {
        await sleep(600_000);
        log.push('slept');
      } catch (e) {
        log.push(`inner ${(e as Error).name}`);
        throw e;
      } finally {
        log.push('finally');
      }
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(log).toEqual(['inner CancelledError', 'finally']);
    expect(liveTimers()).toBeLessThanOrEqual(before);
  });

  it('cancels work waiting on a Future, a Task, a yield and a primitive', async () => {
    const waits: Record<string, () => PromiseLike<unknown>> = {
      future: () => new Future<void>(),
      task: () => spawn(() => sleep(600_000)),
      event: () => new Event().wait(),
      queue: () => new Queue<number>().get(),
      yield: async () => {
        for (let i = 0; i < 1_000_000; i++) await yieldNow();
      },
    };
    for (const [name, wait] of Object.entries(waits)) {
      const before = liveTimers();
      const seen: string[] = [];
      const error = await timeout(5, async () => {
        try {
          await wait();
        } catch (e) {
          seen.push((e as Error).name);
          throw e;
        }
      }).catch((e: unknown) => e);
      expect([name, error]).toEqual([name, expect.any(TimeoutError)]);
      expect([name, seen]).toEqual([name, ['CancelledError']]);
      await turn();
      expect([name, liveTimers() <= before]).toEqual([name, true]);
    }
  });

  it('lets the process exit at once: nothing of the cancelled work keeps it alive', () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const script = `
      import { timeout, sleep } from './dist/index.js';
      const e = await timeout(5, async () => { await sleep(600_000); }).catch((e) => e);
      console.log(e.name);`;
    // Without the cancel the process would wait the 10 minutes out: the bound turns that into a failure.
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 20_000 });
    expect(child.signal).toBeNull();
    expect(child.stdout.trim()).toBe('TimeoutError');
  });

  it('still returns the result of work that finishes in time, leaving no timer', async () => {
    const before = liveTimers();
    expect(await timeout(60_000, async () => { await yieldNow(); return 'quick'; })).toBe('quick');
    expect(liveTimers()).toBeLessThanOrEqual(before);
  });
});

describe('withTaskGroup outside a run', () => {
  it('a failing child cancels the body where it waits; the group raises the child error', async () => {
    const before = liveTimers();
    const log: string[] = [];
    const error = await withTaskGroup(async (group) => {
      group.spawn(async () => {
        await yieldNow();
        throw new Error('boom');
      });
      try {
        await sleep(600_000);
        log.push('body slept');
      } catch (e) {
        log.push(`body ${(e as Error).name}`);
        throw e;
      } finally {
        log.push('body finally');
      }
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('boom');
    expect(log).toEqual(['body CancelledError', 'body finally']);
    expect(liveTimers()).toBeLessThanOrEqual(before);
  });
});

describe('Task.cancel outside a run', () => {
  it('a task awaiting a Future or another Task raises CancelledError (the awaited one is cancelled too)', async () => {
    const future = new Future<void>();
    const inner = spawn(() => sleep(600_000));
    const log: string[] = [];
    const body = (what: string, awaited: PromiseLike<unknown>) => async () => {
      try {
        await awaited;
      } catch (e) {
        log.push(`${what} ${(e as Error).name}`);
        throw e;
      }
    };
    const a = spawn(body('future', future));
    const b = spawn(body('task', inner));
    await turn();
    a.cancel();
    b.cancel();
    await expect(a).rejects.toBeInstanceOf(CancelledError);
    await expect(b).rejects.toBeInstanceOf(CancelledError);
    expect(log.sort()).toEqual(['future CancelledError', 'task CancelledError']);
    expect(future.cancelled()).toBe(true);
    expect(inner.cancelled()).toBe(true);
  });

  it('a task waiting in yieldNow raises CancelledError there, not at some later await', async () => {
    const log: string[] = [];
    const t = spawn(async () => {
      try {
        await yieldNow();
        log.push('resumed');
      } catch (e) {
        log.push((e as Error).name);
        throw e;
      }
    });
    await Promise.resolve(); // the task's first step runs and starts its yield
    await Promise.resolve();
    t.cancel();
    await expect(t).rejects.toBeInstanceOf(CancelledError);
    expect(log).toEqual(['CancelledError']);
  });
});
