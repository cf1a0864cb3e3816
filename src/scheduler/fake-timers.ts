/**
 * `fakeTimers`: while a controlled run executes, the host's `setTimeout`, `setInterval`,
 * `setImmediate` (and their `clear*`), `Date` and `performance.now` are replaced by virtual
 * ones driven by the run's clock, so unmodified code that uses timers is explored instead of
 * being reported as uncontrolled.
 *
 * Each timer callback runs as a task of its own (named `setTimeout-1`, `setInterval-1`,
 * `setImmediate-1`, numbered per run), so its code is a step the strategy schedules, and an
 * exception in it is an unhandled task failure, as it would crash a Node process. Virtual
 * `Date.now()` is `FAKE_EPOCH + now()`. Intervals are background timers: once the program has
 * returned, a live interval does not keep the run going (it is reported as a leak).
 *
 * Runs are serialised, so the globals belong to one run at a time; they are restored when the
 * run ends. Microtasks (`queueMicrotask`, `process.nextTick`) are deterministic and untouched.
 */
import { host } from './host.js';
import type { VirtualLoop } from './loop.js';
import type { Timer } from './timers.js';

/** Virtual `Date.now()` at virtual time 0: 2025-01-01T00:00:00Z. */
export const FAKE_EPOCH = Date.UTC(2025, 0, 1);

class FakeHandle {
  timer: Timer | undefined;
  cancelled = false;
  constructor(readonly id: number) {}
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  hasRef(): boolean {
    return true;
  }
  refresh(): this {
    return this;
  }
  [Symbol.toPrimitive](): number {
    return this.id;
  }
}

type Callback = (...args: unknown[]) => void;

function checkCallback(name: string, cb: unknown): asserts cb is Callback {
  if (typeof cb !== 'function') throw new TypeError(`The "callback" argument of ${name} must be a function, got ${typeof cb}`);
}

/** Replaces the timer globals with virtual ones for `loop`; returns the function that restores them. */
export function installFakeTimers(loop: VirtualLoop): () => void {
  const g = globalThis as unknown as Record<string, unknown>;
  const saved = {
    setTimeout: g['setTimeout'],
    clearTimeout: g['clearTimeout'],
    setInterval: g['setInterval'],
    clearInterval: g['clearInterval'],
    setImmediate: g['setImmediate'],
    clearImmediate: g['clearImmediate'],
    Date: g['Date'],
    now: performance.now,
  };
  const handles = new Map<number, FakeHandle>();
  let ids = 0;
  const counts = { setTimeout: 0, setInterval: 0, setImmediate: 0 };
  const fire = (kind: keyof typeof counts, cb: Callback, args: unknown[]): void => {
    loop.spawn(() => cb(...args), `${kind}-${++counts[kind]}`);
  };
  const find = (handle: unknown): FakeHandle | undefined =>
    handle instanceof FakeHandle ? handle : typeof handle === 'number' ? handles.get(handle) : undefined;
  const clear = (handle: unknown): void => {
    const h = find(handle);
    if (h === undefined) return;
    h.cancelled = true;
    h.timer?.cancel();
    handles.delete(h.id);
  };
  const delay = (ms: unknown): number => {
    const n = Number(ms);
    return Number.isFinite(n) && n >= 1 ? n : 1;
  };

  g['setTimeout'] = (cb: unknown, ms?: unknown, ...args: unknown[]): FakeHandle => {
    checkCallback('setTimeout', cb);
    const h = new FakeHandle(++ids);
    handles.set(h.id, h);
    h.timer = loop.callLater(delay(ms), () => {
      handles.delete(h.id);
      fire('setTimeout', cb, args);
    }) as Timer;
    return h;
  };
  g['setInterval'] = (cb: unknown, ms?: unknown, ...args: unknown[]): FakeHandle => {
    checkCallback('setInterval', cb);
    const h = new FakeHandle(++ids);
    handles.set(h.id, h);
    const period = delay(ms);
    const arm = (): void => {
      h.timer = loop.callLater(period, () => {
        if (h.cancelled) return;
        arm();
        fire('setInterval', cb, args);
      }, true) as Timer;
    };
    arm();
    return h;
  };
  g['setImmediate'] = (cb: unknown, ...args: unknown[]): FakeHandle => {
    checkCallback('setImmediate', cb);
    const h = new FakeHandle(++ids);
    handles.set(h.id, h);
    h.timer = loop.callLater(0, () => {
      handles.delete(h.id);
      fire('setImmediate', cb, args);
    }) as Timer;
    return h;
  };
  g['clearTimeout'] = clear;
  g['clearInterval'] = clear;
  g['clearImmediate'] = clear;

  const RealDate = host.Date;
  class FakeDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(FAKE_EPOCH + loop.now());
      else super(...(args as [number]));
    }
    static override now(): number {
      return FAKE_EPOCH + loop.now();
    }
  }
  g['Date'] = FakeDate;
  performance.now = () => loop.now();

  return () => {
    for (const [key, value] of Object.entries(saved)) {
      if (key === 'now') performance.now = value as () => number;
      else g[key] = value;
    }
  };
}
