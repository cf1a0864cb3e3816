import { createHook } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { check, gather, Shared, spawn, yieldNow } from 'interleaved';

describe('cost of a step', () => {
  it('does not take a macrotask per step: far fewer setImmediate calls than steps', async () => {
    let immediates = 0;
    const hook = createHook({
      init(_id, type) {
        if (type === 'Immediate') immediates++;
      },
    }).enable();
    let steps = 0;
    try {
      await check(async () => {
        const c = new Shared(0);
        const body = async () => {
          for (let i = 0; i < 10; i++) {
            const v = c.get();
            await yieldNow();
            steps++;
            c.set(v + 1);
          }
        };
        await gather(spawn(body), spawn(body), spawn(body));
      }, { runs: 500, seed: 1, strategy: 'random' });
    } finally {
      hook.disable();
    }
    expect(steps).toBe(15_000);
    // A step ends on a next-tick callback, never a macrotask; the search yields about every 50 ms.
    expect(immediates).toBeLessThan(steps / 100);
  });

  it('explorations can not nest: a clear error instead of waiting for itself', async () => {
    const report = await check(async () => {
      await check(async () => {});
    }, { runs: 1, seed: 1 });
    expect(report.failure?.kind).toBe('error');
    expect(String(report.failure?.error)).toContain("explorations can't nest");
  });
});
