import { describe, expect, it } from 'vitest';
import { check, gather, replay, run, Shared, sleep, spawn, timeout } from 'interleaved';

/** Unmodified code that uses the host's timers: a debounced writer and a poller. */
async function timerProgram(): Promise<void> {
  const value = new Shared(0, { name: 'value' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const debouncedWrite = (v: number) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => value.set(v), 50);
  };
  debouncedWrite(1);
  await new Promise((resolve) => setTimeout(resolve, 10));
  debouncedWrite(2);
  await new Promise((resolve) => setTimeout(resolve, 100));
  if (value.get() !== 2) throw new Error(`debounce wrote ${value.get()}`);
}

describe('fakeTimers', () => {
  it('without fakeTimers a real timer is uncontrolled', async () => {
    const timers: ReturnType<typeof setTimeout>[] = [];
    const report = await check(async () => {
      await new Promise((resolve) => timers.push(setTimeout(resolve, 60_000)));
    }, { runs: 2, seed: 1 });
    for (const t of timers) clearTimeout(t);
    expect(report.failure?.kind).toBe('uncontrolled');
  });

  it('with fakeTimers setTimeout/clearTimeout run on virtual time', async () => {
    const started = performance.now();
    const report = await check(timerProgram, { runs: 50, seed: 1, fakeTimers: true });
    expect(report.failure?.message).toBeUndefined();
    expect(report.ok).toBe(true);
    expect(performance.now() - started).toBeLessThan(10_000);
    // Outside the run the same globals are real again: a real 5 ms timer takes real time.
    const before = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(performance.now() - before).toBeGreaterThanOrEqual(4);
  });

  it('Date.now and performance.now follow virtual time inside the run', async () => {
    const result = await run(async () => {
      const d0 = Date.now();
      const p0 = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      if (Date.now() - d0 !== 1500) throw new Error(`Date advanced ${Date.now() - d0}`);
      if (performance.now() - p0 !== 1500) throw new Error(`performance advanced ${performance.now() - p0}`);
      if (new Date().getTime() !== Date.now()) throw new Error('new Date() is not virtual');
    }, { fakeTimers: true });
    expect(result.failure?.message).toBeUndefined();
    expect(result.time).toBe(1500);
  });

  it('finds a race between a timer callback and a task, and replays it', async () => {
    const program = async () => {
      const cache = new Shared<string | undefined>(undefined, { name: 'cache' });
      const reader = spawn(async () => {
        cache.set('fresh');
        setTimeout(() => cache.set(undefined), 10); // expiry, due when the reader wakes up
        await new Promise((resolve) => setTimeout(resolve, 10));
        if (cache.get() !== 'fresh') throw new Error('entry expired between write and read');
      });
      await gather(reader);
    };
    const report = await check(program, { runs: 300, seed: 2, fakeTimers: true });
    expect(report.failure?.kind).toBe('error');
    const again = await replay(program, report.failure!.token);
    expect(again.trace).toEqual(report.failure!.trace);
  });

  it('a setInterval left running when the program returns is a leak, not a livelock', async () => {
    const report = await check(async () => {
      setInterval(() => {}, 10);
    }, { runs: 2, seed: 1, fakeTimers: true });
    expect(report.failure?.kind).toBe('leak');
    expect(report.failure?.message).toContain('setInterval');
    const cleared = await check(async () => {
      let n = 0;
      await new Promise<void>((resolve) => {
        const h = setInterval(() => {
          if (++n === 3) {
            clearInterval(h);
            resolve();
          }
        }, 10);
      });
    }, { runs: 5, seed: 1, fakeTimers: true });
    expect(cleared.failure?.message).toBeUndefined();
  });
});

describe('timeout whose deadline passes while the work waits on a plain promise', () => {
  it('takes its cancel back when the work then finishes: the next await is not cancelled', async () => {
    const result = await run(async () => {
      const value = await timeout(10, () => new Promise<string>((resolve) => setTimeout(() => resolve('late but done'), 10)));
      if (value !== 'late but done') throw new Error(`got ${value}`);
      await sleep(1); // would throw CancelledError if the expired scope's cancel were left behind
    }, { fakeTimers: true });
    expect(result.failure?.message).toBeUndefined();
    expect(result.ok).toBe(true);
  });
});
