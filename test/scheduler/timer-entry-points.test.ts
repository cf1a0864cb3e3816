/**
 * Every way Node code reaches a timer or a clock is virtual inside a `fakeTimers` run, for the
 * run's own code, and real outside it. The list follows what `@sinonjs/fake-timers` fakes for
 * Node (its `toFake` list: setTimeout, clearTimeout, setImmediate, clearImmediate, setInterval,
 * clearInterval, Date, hrtime, performance.now; plus `node:timers` and `node:timers/promises`).
 */
import { createRequire } from 'node:module';
import * as timersEsm from 'node:timers';
import * as timersPromises from 'node:timers/promises';
import { setTimeout as esmSetTimeout } from 'node:timers';
import { scheduler, setInterval as promiseInterval, setTimeout as sleepFor } from 'node:timers/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { check, now, run } from 'interleaved';

const require = createRequire(import.meta.url);
const timersCjs = require('node:timers') as typeof import('node:timers');

/** Captured after interleaved was imported, as a module-level reference in library code. */
const capturedSetImmediate = setImmediate;
const capturedSetTimeout = setTimeout;

/** Runs `body` once under fakeTimers and returns the virtual time at its end. */
async function virtual(body: () => Promise<void>): Promise<number> {
  const result = await run(body, { fakeTimers: true });
  if (!result.ok) throw result.failure!.error;
  return result.time;
}

describe('timer entry points under fakeTimers', () => {
  it('globals: setTimeout, setInterval, setImmediate and their clear*', async () => {
    const time = await virtual(async () => {
      const log: string[] = [];
      await new Promise((r) => setTimeout(r, 1000));
      const i = setInterval(() => log.push('tick'), 100);
      await new Promise((r) => setTimeout(r, 350));
      clearInterval(i);
      const cleared = setTimeout(() => log.push('cleared'), 10);
      clearTimeout(cleared);
      const imm = setImmediate(() => log.push('cleared immediate'));
      clearImmediate(imm);
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setTimeout(r, 50));
      if (log.join() !== 'tick,tick,tick') throw new Error(`log: ${log.join()}`);
    });
    expect(time).toBe(1400);
  });

  it('node:timers as a CommonJS object and as ESM named and namespace imports', async () => {
    const time = await virtual(async () => {
      await new Promise((r) => timersCjs.setTimeout(r, 100));
      await new Promise((r) => esmSetTimeout(r, 100));
      await new Promise((r) => timersEsm.setTimeout(r, 100));
      const h = timersCjs.setInterval(() => {}, 10);
      timersCjs.clearInterval(h);
    });
    expect(time).toBe(300);
  });

  it('node:timers/promises: setTimeout, setImmediate, setInterval and scheduler.wait', async () => {
    const time = await virtual(async () => {
      const v = await sleepFor(250, 'value');
      if (v !== 'value') throw new Error(`setTimeout resolved ${v}`);
      await timersPromises.setImmediate();
      await scheduler.wait(50);
      let ticks = 0;
      for await (const _ of promiseInterval(100)) {
        if (++ticks === 3) break;
      }
      await promisify(setTimeout)(20);
    });
    expect(time).toBe(250 + 50 + 300 + 20);
  });

  it('an aborted timers/promises wait rejects with AbortError at virtual time', async () => {
    const time = await virtual(async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);
      const outcome = await sleepFor(1000, undefined, { signal: controller.signal }).then(
        () => 'slept',
        (e: Error) => e.name,
      );
      if (outcome !== 'AbortError') throw new Error(`outcome ${outcome}`);
    });
    expect(time).toBe(30);
  });

  it('AbortSignal.timeout aborts on the virtual clock with a TimeoutError', async () => {
    const time = await virtual(async () => {
      const signal = AbortSignal.timeout(500);
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      const reason = signal.reason as DOMException;
      if (reason.name !== 'TimeoutError') throw new Error(`reason ${reason.name}`);
    });
    expect(time).toBe(500);
  });

  it('Date (new Date, Date.now, Date()), performance.now and process.hrtime follow virtual time', async () => {
    const before = new Date(2000, 0, 1);
    await virtual(async () => {
      const d0 = Date.now();
      const n0 = performance.now();
      const h0 = process.hrtime();
      const b0 = process.hrtime.bigint();
      await new Promise((r) => setTimeout(r, 1500));
      const checks: [string, number][] = [
        ['Date.now', Date.now() - d0],
        ['new Date', new Date().getTime() - d0],
        ['performance.now', performance.now() - n0],
        ['hrtime', process.hrtime(h0)[0] * 1000 + process.hrtime(h0)[1] / 1e6],
        ['hrtime.bigint', Number((process.hrtime.bigint() - b0) / 1_000_000n)],
        ['now()', now() - 0],
      ];
      for (const [what, elapsed] of checks) if (elapsed !== 1500) throw new Error(`${what} advanced ${elapsed}`);
      if (typeof Date() !== 'string' || !Date().includes('2025')) throw new Error(`Date() is ${Date()}`);
      if (!(before instanceof Date)) throw new Error('a Date made before the run is not instanceof Date');
      if (!(new Date(0) instanceof Date) || new Date(0).getTime() !== 0) throw new Error('new Date(0)');
      class Stamp extends Date {}
      if (!(new Stamp() instanceof Date)) throw new Error('subclass');
    });
    expect(before instanceof Date).toBe(true);
    expect(new Date().constructor).toBe(Date);
    expect(before.constructor).toBe(Date);
    expect(Date.now()).toBeGreaterThan(Date.UTC(2026, 0, 1));
  });

  it('handles: ref, unref, hasRef, refresh, close, Symbol.toPrimitive and clearing by numeric id', async () => {
    const time = await virtual(async () => {
      const fired: string[] = [];
      const t = setTimeout(() => fired.push('t'), 100);
      if (t.hasRef() !== true) throw new Error('hasRef after create');
      if (t.unref().hasRef() !== false) throw new Error('unref');
      if (t.ref().hasRef() !== true) throw new Error('ref');
      await new Promise((r) => setTimeout(r, 60));
      t.refresh(); // restarts the 100 ms countdown at 60: fires at 160
      await new Promise((r) => setTimeout(r, 60));
      if (fired.length !== 0) throw new Error('refresh did not restart the countdown');
      await new Promise((r) => setTimeout(r, 50));
      if (fired.join() !== 't') throw new Error(`fired ${fired.join()} at ${now()}`);
      const byNumber = setTimeout(() => fired.push('number'), 10);
      clearTimeout(+byNumber);
      const byString = setTimeout(() => fired.push('string'), 10);
      clearTimeout(String(+byString) as unknown as number);
      const closed = setInterval(() => fired.push('closed'), 10);
      closed.close();
      await new Promise((r) => setTimeout(r, 30));
      if (fired.join() !== 't') throw new Error(`fired ${fired.join()}`);
    });
    expect(time).toBe(200);
  });

  it('an unref-ed timer does not keep a finished program running; a ref-ed one does', async () => {
    let late = false;
    const unrefd = await run(async () => {
      setTimeout(() => (late = true), 1000).unref();
    }, { fakeTimers: true });
    expect(unrefd.ok).toBe(true);
    expect(unrefd.time).toBe(0);
    expect(late).toBe(false);
    const refd = await run(async () => {
      setTimeout(() => (late = true), 1000);
    }, { fakeTimers: true });
    expect(refd.ok).toBe(true);
    expect(refd.time).toBe(1000);
    expect(late).toBe(true);
  });

  it('references taken after interleaved was imported are virtual in a run and real outside', async () => {
    const time = await virtual(async () => {
      await new Promise((r) => capturedSetTimeout(r, 700));
      await new Promise((r) => capturedSetImmediate(r));
    });
    expect(time).toBe(700);
    const started = performance.now();
    await new Promise((r) => capturedSetTimeout(r, 5));
    expect(performance.now() - started).toBeGreaterThanOrEqual(4);
  });

  it('the caller\'s own code right after starting a run keeps real timers, clock and randomness', async () => {
    let seededFirst = 0;
    await run(async () => {
      seededFirst = Math.random(); // the first value of a run's stream (run() has one seed)
    });
    let inside = '';
    let insideRandom = 0;
    const pending = run(async () => {
      inside = setTimeout(() => {}, 1).constructor.name;
      insideRandom = Math.random();
    }, { fakeTimers: true });
    // run() has begun (the run is active) but its first step has not been delivered yet.
    const handle = setTimeout(() => {}, 1);
    const outsideKind = handle.constructor.name;
    clearTimeout(handle);
    const clock = Date.now();
    const outsideRandom = Math.random();
    await pending;
    expect(outsideKind).toBe('Timeout');
    expect(clock).toBeGreaterThan(Date.UTC(2026, 0, 1));
    expect(outsideRandom).not.toBe(seededFirst);
    expect(inside).toBe('FakeTimer');
    expect(insideRandom).toBe(seededFirst);
  });

  it('timers are real again after every run: passing, failing, or thrown synchronously', async () => {
    const programs = [
      async () => {
        setTimeout(() => {}, 10);
      },
      async () => {
        setTimeout(() => {}, 10);
        throw new Error('fails');
      },
      (() => {
        setTimeout(() => {}, 10);
        throw new Error('throws before returning a promise');
      }) as () => Promise<void>,
    ];
    for (const program of programs) {
      await run(program, { fakeTimers: true });
      const started = performance.now();
      const date = Date.now();
      await new Promise((r) => setTimeout(r, 5));
      expect(performance.now() - started).toBeGreaterThanOrEqual(4);
      expect(date).toBeGreaterThan(Date.UTC(2026, 0, 1));
    }
  });

  it('timer callbacks are steps: two callbacks due at the same instant run in both orders', async () => {
    const orders = new Set<string>();
    const report = await check(async () => {
      const log: string[] = [];
      setTimeout(() => log.push('a'), 10);
      setTimeout(() => log.push('b'), 10);
      await new Promise((r) => setTimeout(r, 20));
      orders.add(log.join(''));
    }, { runs: 100, seed: 4, fakeTimers: true });
    expect(report.ok).toBe(true);
    expect([...orders].sort()).toEqual(['ab', 'ba']);
  });

  it('a timer cleared after it fell due never runs, in any schedule', async () => {
    const outcomes = new Set<string>();
    const report = await check(async () => {
      let cleared = false;
      let ran = false;
      const victim = setTimeout(() => {
        if (cleared) throw new Error('a cleared timer ran after clearTimeout');
        ran = true;
      }, 10);
      await new Promise((r) => setTimeout(r, 10)); // falls due together with the victim
      clearTimeout(victim);
      cleared = true;
      await new Promise((r) => setTimeout(r, 50));
      outcomes.add(ran ? 'ran before the clear' : 'cleared while due');
    }, { strategy: 'dfs', runs: 1000, fakeTimers: true });
    expect(report.failure?.message).toBeUndefined();
    expect(report.exhausted).toBe(true);
    // Both orders were explored: the clear came while the victim was already due.
    expect([...outcomes].sort()).toEqual(['cleared while due', 'ran before the clear']);
  });
});
