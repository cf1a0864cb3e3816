/**
 * `fakeTimers`: Node's timers and clocks on the run's virtual clock, for the run's own code.
 *
 * What is virtual (the list users know from `@sinonjs/fake-timers`, for Node): the timer
 * globals and their `clear*`; `node:timers` (the CommonJS object and, through
 * `syncBuiltinESMExports`, the ESM named exports); `node:timers/promises` (`setTimeout`,
 * `setImmediate`, the `setInterval` async iterator, `scheduler.wait` and `scheduler.yield`);
 * `AbortSignal.timeout`; `Date` (`new Date()`, `Date.now()`, `Date()`), `performance.now`,
 * `process.hrtime` and `process.hrtime.bigint`.
 *
 * Who gets which clock is decided by the code that calls, not by the moment: each of these is
 * replaced once, when interleaved loads, by a forwarder that serves a virtual timer only when
 * the calling code belongs to a running `fakeTimers` run (the loop's `inStep`: the run executes
 * inside one turn of Node's event loop, so nothing else runs then), and the host's real one
 * otherwise, even while a fake-timer run is in progress. References taken after interleaved was
 * imported (`const si = setImmediate`) therefore follow the same rule; `interleaved/register`
 * (for `node --import`) installs the forwarders before any other module loads.
 *
 * Semantics, as in Node: a timer callback runs as a task of its own (`setTimeout-1`,
 * `setInterval-1`, `setImmediate-1`, numbered per run), so it is a step the strategy schedules
 * and an exception in it is an unhandled failure; timers due at the same instant fire in an
 * order the strategy chooses, never before their deadline; a timer cleared after it fell due
 * never runs (its task is discarded before its first step). Handles have `ref`, `unref`,
 * `hasRef`, `refresh`, `close` and `Symbol.toPrimitive`, and are cleared by handle or by numeric
 * id. An unref'd timer does not keep a finished program's run going; a live ref'd interval
 * left when the program returns is reported as a leak. Delays follow Node's coercion (not a
 * number in [1, 2^31-1]: 1 ms). Virtual `Date.now()` is `FAKE_EPOCH + now()`.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { promisify } from 'node:util';
import { active, currentTask } from './context.js';
import { host } from './host.js';
import type { VirtualLoop } from './loop.js';
import type { TaskImpl } from './task.js';
import type { Timer } from './timers.js';
import { PENDING, type Wait } from './wait.js';

/** Virtual `Date.now()` at virtual time 0: 2025-01-01T00:00:00Z. */
export const FAKE_EPOCH = Date.UTC(2025, 0, 1);
/** Virtual `process.hrtime.bigint()` at virtual time 0 (an arbitrary origin, as in Node). */
const HR_EPOCH = 1_000_000_000_000n;
const TIMEOUT_MAX = 2 ** 31 - 1;
/** Ids of virtual handles start here, clear of the small ids of Node's own timers. */
const FIRST_ID = 1_000_000_000;

type Callback = (...args: unknown[]) => void;
type Kind = 'setTimeout' | 'setInterval' | 'setImmediate' | 'AbortSignal.timeout';

/** The running fake-timer run whose code is executing now, if any. */
function fakeLoop(): VirtualLoop | undefined {
  const loop = active.loop;
  return loop !== undefined && loop.inStep && loop.fakeTimers ? loop : undefined;
}

/** The run whose code is executing now (with or without fake timers). */
function runLoop(): VirtualLoop | undefined {
  const loop = active.loop;
  return loop !== undefined && loop.inStep ? loop : undefined;
}

/** Per-run numbering of timer callback tasks (`setTimeout-3`). */
const names = new WeakMap<VirtualLoop, Map<Kind, number>>();
function taskName(loop: VirtualLoop, kind: Kind): string {
  let counts = names.get(loop);
  if (counts === undefined) names.set(loop, (counts = new Map()));
  const n = (counts.get(kind) ?? 0) + 1;
  counts.set(kind, n);
  return `${kind}-${n}`;
}

const byId = new Map<number, FakeTimer>();
let nextId = FIRST_ID;

/** Node's delay coercion: anything but a number in [1, 2^31-1] becomes 1 ms. */
function delay(ms: unknown): number {
  const n = Number(ms);
  return n >= 1 && n <= TIMEOUT_MAX ? n : 1;
}

function checkCallback(name: string, cb: unknown): asserts cb is Callback {
  if (typeof cb !== 'function') {
    const error = new TypeError(`The "callback" argument of ${name} must be of type function. Received ${cb === null ? 'null' : typeof cb}`);
    (error as TypeError & { code: string }).code = 'ERR_INVALID_ARG_TYPE';
    throw error;
  }
}

/**
 * A virtual timer handle, shaped like Node's `Timeout` (and `Immediate`).
 *
 * Invariant: `#timer` is the live heap entry while the timer waits for its deadline; `#task`
 * is the callback's task from the moment the deadline passes until that task starts.
 */
class FakeTimer {
  readonly #loop: VirtualLoop;
  readonly #kind: Kind;
  readonly #callback: Callback;
  readonly #args: unknown[];
  readonly #ms: number;
  readonly #repeat: boolean;
  #timer: Timer | undefined = undefined;
  #task: TaskImpl | undefined = undefined;
  #refed = true;
  #cleared = false;
  #id = 0;

  constructor(loop: VirtualLoop, kind: Kind, callback: Callback, args: unknown[], ms: number, repeat: boolean) {
    this.#loop = loop;
    this.#kind = kind;
    this.#callback = callback;
    this.#args = args;
    this.#ms = ms;
    this.#repeat = repeat;
    this.#arm();
  }

  #arm(): void {
    const timer = this.#loop.addTimer(this.#ms, () => this.#fire());
    this.#timer = timer;
    this.#flags();
  }

  /** A background timer does not keep the run going; a ref'd interval left behind is a leak. */
  #flags(): void {
    const timer = this.#timer;
    if (timer === undefined) return;
    timer.daemon = this.#repeat || !this.#refed || this.#kind === 'AbortSignal.timeout';
    timer.leaks = this.#repeat && this.#refed;
  }

  #fire(): void {
    this.#timer = undefined;
    if (this.#cleared || this.#loop.ended) return;
    if (this.#repeat) this.#arm();
    else if (this.#id !== 0) byId.delete(this.#id);
    const callback = this.#callback;
    const args = this.#args;
    const task = this.#loop.spawn(() => {
      if (this.#task === task) this.#task = undefined;
      callback(...args);
    }, taskName(this.#loop, this.#kind));
    this.#task = task;
  }

  /** clearTimeout / clearInterval / clearImmediate. */
  clear(): void {
    this.#cleared = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    if (this.#task !== undefined) this.#loop.discard(this.#task);
    this.#task = undefined;
    if (this.#id !== 0) byId.delete(this.#id);
  }

  ref(): this {
    this.#refed = true;
    this.#flags();
    return this;
  }

  unref(): this {
    this.#refed = false;
    this.#flags();
    return this;
  }

  hasRef(): boolean {
    return this.#refed;
  }

  /** Restarts the countdown from now; re-arms a timeout that has fired (Node's `refresh`). */
  refresh(): this {
    if (this.#cleared || this.#loop.ended) return this;
    this.#timer?.cancel();
    this.#arm();
    return this;
  }

  close(): this {
    this.clear();
    return this;
  }

  [Symbol.toPrimitive](): number {
    if (this.#id === 0) {
      this.#id = nextId++;
      if (!this.#cleared) byId.set(this.#id, this);
    }
    return this.#id;
  }
}

function find(handle: unknown): FakeTimer | undefined {
  if (handle instanceof FakeTimer) return handle;
  if (typeof handle === 'number' || typeof handle === 'string') return byId.get(Number(handle));
  return undefined;
}

// ---- the forwarders -------------------------------------------------------------------------

function setTimeout(this: unknown, callback: unknown, ms?: unknown, ...args: unknown[]): unknown {
  const loop = fakeLoop();
  if (loop === undefined) return host.setTimeout(callback as Callback, ms as number, ...args);
  checkCallback('setTimeout', callback);
  return new FakeTimer(loop, 'setTimeout', callback, args, delay(ms), false);
}

function setInterval(this: unknown, callback: unknown, ms?: unknown, ...args: unknown[]): unknown {
  const loop = fakeLoop();
  if (loop === undefined) return host.setInterval(callback as Callback, ms as number, ...args);
  checkCallback('setInterval', callback);
  return new FakeTimer(loop, 'setInterval', callback, args, delay(ms), true);
}

function setImmediate(this: unknown, callback: unknown, ...args: unknown[]): unknown {
  const loop = fakeLoop();
  if (loop === undefined) return host.setImmediate(callback as Callback, ...args);
  checkCallback('setImmediate', callback);
  return new FakeTimer(loop, 'setImmediate', callback, args, 0, false);
}

/** A `clear*` forwarder: a virtual handle (or its numeric id) is cleared here, anything else by the host. */
function clearing(name: string, real: (handle: never) => void): (handle?: unknown) => void {
  const clear = (handle?: unknown): void => {
    const fake = find(handle);
    if (fake !== undefined) fake.clear();
    else real(handle as never);
  };
  return Object.defineProperty(clear, 'name', { value: name });
}

const clearTimeout = clearing('clearTimeout', host.clearTimeout);
const clearInterval = clearing('clearInterval', host.clearInterval);
const clearImmediate = clearing('clearImmediate', host.clearImmediate);

// ---- node:timers/promises -----------------------------------------------------------------

const require = createRequire(import.meta.url);
const timersModule = require('node:timers') as Record<string, unknown>;
const promisesModule = require('node:timers/promises') as typeof import('node:timers/promises');
const real = {
  setTimeout: promisesModule.setTimeout,
  setImmediate: promisesModule.setImmediate,
  setInterval: promisesModule.setInterval,
  wait: promisesModule.scheduler.wait.bind(promisesModule.scheduler),
  yield: promisesModule.scheduler.yield.bind(promisesModule.scheduler),
  abortTimeout: AbortSignal.timeout.bind(AbortSignal),
  hrtime: process.hrtime.bind(process),
  hrtimeBigint: process.hrtime.bigint.bind(process.hrtime),
  Date: host.Date,
};

interface TimerOptions {
  signal?: AbortSignal;
  ref?: boolean;
}

function abortError(signal: AbortSignal): Error {
  const error = new Error('The operation was aborted', { cause: signal.reason });
  error.name = 'AbortError';
  (error as Error & { code: string }).code = 'ABORT_ERR';
  return error;
}

function checkOptions(options: unknown): TimerOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') {
    const error = new TypeError(`The "options" argument must be of type object. Received ${options === null ? 'null' : typeof options}`);
    (error as TypeError & { code: string }).code = 'ERR_INVALID_ARG_TYPE';
    throw error;
  }
  const { signal } = options as TimerOptions;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    const error = new TypeError('The "options.signal" property must be an instance of AbortSignal');
    (error as TypeError & { code: string }).code = 'ERR_INVALID_ARG_TYPE';
    throw error;
  }
  return options as TimerOptions;
}

/** The calling task waits `ms` virtual ms for `value`; an abort signal rejects the wait. */
function virtualWait<T>(loop: VirtualLoop, ms: number, value: T, options: TimerOptions): Promise<T> {
  const { signal } = options;
  if (signal?.aborted === true) return Promise.reject(abortError(signal));
  const task = currentTask() ?? loop.tasks[0]!;
  const wait = loop.sleepWait(task as TaskImpl, ms, 'sleep', value);
  if (signal !== undefined && wait.state === PENDING) {
    const onAbort = (): void => abortWait(wait, signal);
    signal.addEventListener('abort', onAbort, { once: true });
    void (wait.promise as Promise<unknown>).then(
      () => signal.removeEventListener('abort', onAbort),
      () => signal.removeEventListener('abort', onAbort),
    );
  }
  return wait.promise as Promise<T>;
}

function abortWait(wait: Wait, signal: AbortSignal): void {
  if (wait.state !== PENDING) return;
  wait.home?.remove(wait);
  wait.home = undefined;
  wait.task.loop.fail(wait, abortError(signal));
}

function promisesSetTimeout<T = void>(ms?: number, value?: T, options?: TimerOptions): Promise<T> {
  const loop = fakeLoop();
  if (loop === undefined) return real.setTimeout(ms, value as T, options);
  return virtualWait(loop, delay(ms), value as T, checkOptions(options));
}

function promisesSetImmediate<T = void>(value?: T, options?: TimerOptions): Promise<T> {
  const loop = fakeLoop();
  if (loop === undefined) return real.setImmediate(value as T, options);
  return virtualWait(loop, 0, value as T, checkOptions(options));
}

/** `timers/promises.setInterval`: an async iterator over virtual ticks; ticks not yet consumed queue up. */
function promisesSetInterval<T = void>(ms?: number, value?: T, options?: TimerOptions): AsyncIterableIterator<T> {
  const loop = fakeLoop();
  if (loop === undefined) return real.setInterval(ms, value as T, options);
  const { signal } = checkOptions(options);
  const period = delay(ms);
  let pending = 0;
  let waiter: Wait | undefined;
  let closed = false;
  let timer: Timer | undefined;
  const arm = (): void => {
    timer = loop.addTimer(period, () => {
      if (closed) return;
      arm();
      if (waiter !== undefined && waiter.state === PENDING) {
        const w = waiter;
        waiter = undefined;
        w.home = undefined;
        loop.wake(w, { value, done: false });
      } else {
        pending++;
      }
    });
    timer.daemon = true;
    timer.leaks = true;
  };
  const close = (): void => {
    closed = true;
    timer?.cancel();
    if (waiter !== undefined) {
      const w = waiter;
      waiter = undefined;
      w.home = undefined;
      loop.wake(w, { value: undefined, done: true });
    }
  };
  if (signal !== undefined) signal.addEventListener('abort', close, { once: true });
  arm();
  const iterator: AsyncIterableIterator<T> = {
    next(): Promise<IteratorResult<T>> {
      if (signal?.aborted === true) return Promise.reject(abortError(signal));
      if (closed) return Promise.resolve({ value: undefined, done: true });
      if (pending > 0) {
        pending--;
        return Promise.resolve({ value: value as T, done: false });
      }
      const task = (currentTask() ?? loop.tasks[0]!) as TaskImpl;
      const wait = loop.park(task, 'sleep');
      if (wait.state === PENDING) {
        waiter = wait;
        wait.home = { remove: () => (waiter = undefined) };
      }
      return wait.promise as Promise<IteratorResult<T>>;
    },
    return(): Promise<IteratorResult<T>> {
      close();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

function schedulerWait(ms: number, options?: TimerOptions): Promise<void> {
  const loop = fakeLoop();
  if (loop === undefined) return real.wait(ms, options);
  return virtualWait(loop, delay(ms), undefined, checkOptions(options));
}

function schedulerYield(): Promise<void> {
  const loop = fakeLoop();
  if (loop === undefined) return real.yield();
  return virtualWait(loop, 0, undefined, {});
}

function abortSignalTimeout(ms: number): AbortSignal {
  const loop = fakeLoop();
  if (loop === undefined) return real.abortTimeout(ms);
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0) return real.abortTimeout(ms); // Node's own validation error
  const controller = new AbortController();
  const abort = (): void => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  new FakeTimer(loop, 'AbortSignal.timeout', abort, [], Math.max(1, ms), false);
  return controller.signal;
}

// ---- clocks ---------------------------------------------------------------------------------

function virtualNow(loop: VirtualLoop): number {
  return FAKE_EPOCH + loop.now();
}

/** The host clock for code outside a fake-timer run; a run without fakeTimers reading it is noted. */
function hostClock(what: string): void {
  runLoop()?.hostRead(what);
}

const RealDate = host.Date;
/**
 * `Date` with a virtual "now" for the run's code. A Proxy of the real constructor, so a Date
 * made at any time is `instanceof Date`, subclasses work, and `Date()` called as a function
 * still returns a string.
 */
const FakeDate = new Proxy(RealDate, {
  construct(target, args, newTarget) {
    if (args.length === 0) {
      const loop = fakeLoop();
      if (loop !== undefined) return Reflect.construct(target, [virtualNow(loop)], newTarget) as object;
      hostClock('new Date()');
    }
    return Reflect.construct(target, args, newTarget) as object;
  },
  apply() {
    const loop = fakeLoop();
    if (loop !== undefined) return new RealDate(virtualNow(loop)).toString();
    hostClock('Date()');
    return RealDate();
  },
  get(target, key, receiver) {
    if (key === 'now') return dateNow;
    return Reflect.get(target, key, receiver) as unknown;
  },
});

function dateNow(): number {
  const loop = fakeLoop();
  if (loop !== undefined) return virtualNow(loop);
  hostClock('Date.now()');
  return RealDate.now();
}

function performanceNow(): number {
  const loop = fakeLoop();
  if (loop !== undefined) return loop.now();
  hostClock('performance.now()');
  return host.now();
}

function virtualHr(loop: VirtualLoop): bigint {
  return HR_EPOCH + BigInt(Math.round(loop.now() * 1e6));
}

function hrtime(previous?: [number, number]): [number, number] {
  const loop = fakeLoop();
  if (loop === undefined) {
    hostClock('process.hrtime()');
    return real.hrtime(previous);
  }
  let ns = virtualHr(loop);
  if (previous !== undefined) ns -= BigInt(previous[0]) * 1_000_000_000n + BigInt(previous[1]);
  return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
}
hrtime.bigint = function bigint(): bigint {
  const loop = fakeLoop();
  if (loop === undefined) {
    hostClock('process.hrtime.bigint()');
    return real.hrtimeBigint();
  }
  return virtualHr(loop);
};

// ---- installation (once, when interleaved loads) -------------------------------------------

function install(): void {
  const g = globalThis as unknown as Record<string, unknown>;
  Object.defineProperty(setTimeout, promisify.custom, { value: promisesSetTimeout });
  Object.defineProperty(setImmediate, promisify.custom, { value: promisesSetImmediate });
  const forwarders = { setTimeout, clearTimeout, setInterval, clearInterval, setImmediate, clearImmediate };
  for (const [key, fn] of Object.entries(forwarders)) {
    g[key] = fn;
    timersModule[key] = fn;
  }
  g['Date'] = FakeDate;
  // `new Date().constructor === Date` keeps holding (libraries compare constructors).
  Object.defineProperty(RealDate.prototype, 'constructor', { value: FakeDate, writable: true, configurable: true, enumerable: false });
  const promises = promisesModule as unknown as Record<string, unknown>;
  promises['setTimeout'] = promisesSetTimeout;
  promises['setImmediate'] = promisesSetImmediate;
  promises['setInterval'] = promisesSetInterval;
  const scheduler = promisesModule.scheduler as unknown as Record<string, unknown>;
  scheduler['wait'] = schedulerWait;
  scheduler['yield'] = schedulerYield;
  AbortSignal.timeout = abortSignalTimeout;
  performance.now = performanceNow;
  process.hrtime = hrtime as typeof process.hrtime;
  // ESM named imports of builtins (`import { setTimeout } from 'node:timers'`) see the change.
  syncBuiltinESMExports();
}

install();
