/**
 * The runtime's public functions: `spawn`, `sleep`, `yieldNow`, `now`, `gather`, `timeout`,
 * `withTaskGroup`, `controlled`. Each serves the calling task's scheduler: the controlled loop
 * inside a run, Node's event loop outside one.
 */
import { host } from './host.js';
import { currentTask, type Scheduler } from './context.js';
import { CancelledError, InvalidStateError, TimeoutError, show } from './errors.js';
import { Future } from './future.js';
import { OUTSIDE, REAL, realYield } from './real.js';
import { TaskImpl, isThenable, type Task } from './task.js';
import { READ, WRITE } from './types.js';

/**
 * Options of {@link spawn} and `TaskGroup.spawn`.
 *
 * @example
 * ```ts
 * spawn(worker, { name: 'worker-1' }); // shows as worker-1 in traces and reports
 * ```
 */
export interface SpawnOptions {
  /** Name used in traces and reports. @defaultValue `Task-N`, in creation order within a run */
  name?: string;
}

function schedulerOf(task: TaskImpl | undefined): Scheduler {
  return task === undefined ? REAL : task.loop;
}

function checkDelay(what: string, ms: unknown): number {
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0) {
    throw new RangeError(`Expected \`${what}\` to be a number of milliseconds >= 0, got ${show(ms)}`);
  }
  return ms;
}

function checkFunction(what: string, fn: unknown): void {
  if (typeof fn !== 'function') throw new TypeError(`Expected \`${what}\` to be a function, got ${show(fn)}`);
}

/**
 * Starts `fn` as a new task. The body never runs synchronously: its first step is a
 * scheduling decision (inside a run) or a microtask (outside).
 *
 * @example
 * ```ts
 * const worker = spawn(async () => { await sleep(5); return 'done'; }, { name: 'worker' });
 * console.log(await worker); // 'done'
 * ```
 * @throws TypeError if `fn` is not a function.
 */
export function spawn<T>(fn: () => Promise<T> | T, options?: SpawnOptions): Task<T> {
  checkFunction('fn', fn);
  const name = options?.name;
  if (name !== undefined && typeof name !== 'string') throw new TypeError(`Expected \`options.name\` to be a string, got ${show(name)}`);
  return schedulerOf(currentTask()).spawn(fn, name);
}

/**
 * Suspends the calling task for `ms` milliseconds: virtual milliseconds inside a run (they cost
 * no real time), real ones outside. `sleep(0)` is a scheduling point.
 *
 * @example
 * ```ts
 * await sleep(1000); // inside a run: now() advanced by 1000, instantly
 * ```
 * @throws RangeError if `ms` is not a number >= 0.
 */
export function sleep(ms: number): Promise<void> {
  checkDelay('ms', ms);
  const task = currentTask() ?? OUTSIDE;
  return task.loop.sleep(task, ms);
}

/**
 * A scheduling point with no delay (asyncio's `sleep(0)`): other ready tasks may run first.
 *
 * @example
 * ```ts
 * const v = counter.get();
 * await yieldNow(); // another task may run here
 * counter.set(v + 1);
 * ```
 */
export function yieldNow(): Promise<void> {
  const task = currentTask();
  if (task === undefined || !task.loop.virtual) return realYield(task);
  return task.loop.checkpoint(task, 'yield');
}

/**
 * Milliseconds of virtual time since the run started (0 at its start), or real milliseconds
 * (`performance.now()`) outside a run.
 *
 * @example
 * ```ts
 * await sleep(250);
 * console.log(now()); // 250 inside a run
 * ```
 */
export function now(): number {
  return schedulerOf(currentTask()).now();
}

type Gathered<T extends readonly unknown[]> = { -readonly [K in keyof T]: Awaited<T[K]> };

/**
 * Waits for every item (Tasks, Futures, promises or plain values) and resolves with their
 * results in order, like `asyncio.gather` / `Promise.all`: the first failure rejects the
 * gather (the other items keep running). Cancelling the task that awaits a gather cancels
 * every Task and Future in it.
 *
 * @example
 * ```ts
 * const [a, b] = await gather(spawn(async () => 1), spawn(async () => 'two'));
 * ```
 */
export function gather<T extends readonly unknown[]>(...items: T): Promise<Gathered<T>> {
  const task = currentTask();
  if (task === undefined || !task.loop.virtual) return Promise.all(items) as Promise<Gathered<T>>;
  const outer = new Gathering(items.length, task.loop);
  for (let i = 0; i < items.length; i++) outer.add(i, items[i]);
  outer.ready();
  return outer.awaitIn(task) as Promise<Gathered<T>>;
}

/** The Future behind `gather`: cancelling it cancels the children. */
class Gathering extends Future<unknown[]> {
  readonly #results: unknown[];
  readonly #children: (TaskImpl | Future<unknown>)[] = [];
  readonly #loop: Scheduler;
  #left: number;
  #cancelling = false;

  constructor(n: number, loop: Scheduler) {
    super({ name: 'gather' });
    this.traced = false;
    this.#results = new Array<unknown>(n);
    this.#left = n + 1; // +1 until ready(): no early resolve while adding
    this.#loop = loop;
  }

  add(i: number, item: unknown): void {
    if (item instanceof TaskImpl || item instanceof Future) {
      this.#children.push(item);
      item.onDone((child: TaskImpl | Future<unknown>) => this.#childDone(i, child));
    } else if (isThenable(item)) {
      const f = new Future<unknown>({ name: 'promise' });
      this.#children.push(f);
      f.onDone((child) => this.#childDone(i, child));
      item.then(
        (v) => f.isDone() || f.resolve(v),
        (e: unknown) => f.isDone() || f.reject(e),
      );
      this.#loop.track(item);
    } else {
      this.#results[i] = item;
      this.#left--;
    }
  }

  ready(): void {
    this.#left--;
    this.#finishIfDone();
  }

  #childDone(i: number, child: TaskImpl | Future<unknown>): void {
    this.#left--;
    let failed = false;
    let error: unknown;
    try {
      this.#results[i] = child.result();
    } catch (e) {
      failed = true;
      error = e;
    }
    // The awaiter's wake-up depends on every child's completion, not only the last one's.
    // Successful completions commute (a read); a failure decides which error wins (a write).
    const by = currentTask();
    by?.loop.touch(this, failed ? WRITE : READ);
    if (failed && !this.isDone() && !this.#cancelling) {
      this.reject(error);
      return;
    }
    this.#finishIfDone();
  }

  #finishIfDone(): void {
    if (this.#left > 0 || this.isDone()) return;
    if (this.#cancelling) super.cancel();
    else this.resolve(this.#results);
  }

  override cancel(reason?: unknown): boolean {
    if (this.isDone()) return false;
    let any = false;
    for (const child of this.#children) if (child.cancel(reason)) any = true;
    if (!any) return super.cancel(reason);
    this.#cancelling = true;
    return true;
  }
}

/**
 * Runs `work` with a deadline of `ms` milliseconds in the calling task, like
 * `asyncio.timeout`: when the deadline passes, the task is cancelled where it waits, and the
 * cancellation surfaces as `TimeoutError`. A Task or Future given as `work` is cancelled too.
 *
 * @example
 * ```ts
 * try {
 *   await timeout(100, () => queue.get());
 * } catch (e) {
 *   if (e instanceof TimeoutError) console.log('no item within 100 ms');
 * }
 * ```
 * @throws TimeoutError when the deadline passes first.
 * @throws RangeError if `ms` is not a number >= 0.
 */
export async function timeout<T>(ms: number, work: PromiseLike<T> | (() => PromiseLike<T> | T)): Promise<T> {
  checkDelay('ms', ms);
  if (typeof work !== 'function' && !isThenable(work)) {
    throw new TypeError(`Expected \`work\` to be a promise or a function returning one, got ${show(work)}`);
  }
  const task = currentTask();
  if (task === undefined) return typeof work === 'function' ? outsideTimeoutTask(ms, work) : outsideTimeout(ms, work);
  // asyncio.timeout: the scope's own cancel is taken back on the way out however the work
  // ended (or it would hit the task's next await); a cancel that arrives from outside on top
  // of it stays a CancelledError.
  const outstanding = task.cancelRequests;
  let expired = false;
  const handle = task.loop.callLater(ms, () => {
    expired = true;
    task.loop.note(task, `timeout ${ms}ms`, undefined);
    task.cancel(TIMEOUT);
  });
  try {
    const result = await (typeof work === 'function' ? work() : work);
    if (expired) task.uncancel();
    return result;
  } catch (error) {
    if (expired && task.uncancel() <= outstanding && error instanceof CancelledError) {
      throw new TimeoutError(`the operation did not finish within ${ms} ms`);
    }
    throw error;
  } finally {
    handle.cancel();
  }
}

const TIMEOUT = Symbol('timeout');

/**
 * `timeout` of a function called from plain code outside any task: there is no task to cancel,
 * so the work runs in a task of its own on Node's loop, and the deadline cancels it where it
 * waits, as it would in the caller's task: its await raises `CancelledError`, its `finally`
 * blocks run, its timers go, and then `TimeoutError` surfaces. Work stuck on a promise
 * interleaved does not know can't be reached: the deadline surfaces at once, and the work sees
 * the cancel at its next await.
 */
function outsideTimeoutTask<T>(ms: number, work: () => PromiseLike<T> | T): Promise<T> {
  const task = REAL.spawn(async () => work(), 'timeout');
  task.retrieved = true;
  const expiredError = (): TimeoutError => new TimeoutError(`the operation did not finish within ${ms} ms`);
  return new Promise<T>((resolve, reject) => {
    let expired = false;
    const handle = REAL.callLater(ms, () => {
      expired = true;
      task.cancel(TIMEOUT);
      if (task.mustCancel) reject(expiredError());
    });
    task.onDone((t) => {
      handle.cancel();
      if (t.outcome === 'ok') resolve(t.value as T);
      else reject(expired && t.outcome === 'cancelled' ? expiredError() : t.value);
    });
  });
}

/**
 * `timeout` of a promise called from plain code outside any task: race it against a real timer
 * (cancelling it when it is a Task or Future).
 */
function outsideTimeout<T>(ms: number, work: PromiseLike<T> | (() => PromiseLike<T> | T)): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const p = typeof work === 'function' ? work() : work;
    const handle = host.setTimeout(() => {
      if (p instanceof TaskImpl || p instanceof Future) p.cancel(TIMEOUT);
      reject(new TimeoutError(`the operation did not finish within ${ms} ms`));
    }, ms);
    Promise.resolve(p).then(
      (v) => {
        host.clearTimeout(handle);
        resolve(v);
      },
      (e: unknown) => {
        host.clearTimeout(handle);
        reject(e);
      },
    );
  });
}

/**
 * A scope that owns tasks: made by {@link withTaskGroup}.
 *
 * @example
 * ```ts
 * await withTaskGroup(async (group) => {
 *   group.spawn(async () => fetchUser());
 *   group.spawn(async () => fetchOrders());
 * }); // both finished here; a failure cancelled the other
 * ```
 */
export interface TaskGroup {
  /**
   * Starts a task owned by the group.
   * @throws InvalidStateError if the group has finished or is shutting down after a failure.
   */
  spawn<T>(fn: () => Promise<T> | T, options?: SpawnOptions): Task<T>;
}

class Group implements TaskGroup {
  readonly children: TaskImpl[] = [];
  readonly errors: unknown[] = [];
  left = 0;
  aborting = false;
  closed = false;
  parentCancelled = false;
  waiter: Future<void> | undefined;
  constructor(readonly parent: TaskImpl | undefined) {}

  spawn<T>(fn: () => Promise<T> | T, options?: SpawnOptions): Task<T> {
    if (this.closed) throw new InvalidStateError("can't spawn in a TaskGroup that has finished: spawn inside its body");
    if (this.aborting) throw new InvalidStateError("can't spawn in a TaskGroup that is shutting down after a failure");
    const task = spawn(fn, options) as TaskImpl<T>;
    this.children.push(task);
    this.left++;
    task.onDone((t) => this.#childDone(t));
    return task;
  }

  abort(): void {
    this.aborting = true;
    for (const c of this.children) if (!c.isDone()) c.cancel();
  }

  #childDone(task: TaskImpl): void {
    this.left--;
    if (task.outcome === 'error') {
      task.retrieved = true;
      this.errors.push(task.value);
      if (!this.aborting) {
        this.abort();
        if (this.parent !== undefined && !this.parent.isDone()) {
          this.parentCancelled = true;
          this.parent.cancel();
        }
      }
    } else if (task.outcome === 'cancelled') {
      task.retrieved = true;
    }
    if (this.left === 0 && this.waiter !== undefined && !this.waiter.isDone()) this.waiter.resolve();
  }
}

/**
 * Runs `body` with a task group and waits for every task spawned in it (asyncio's TaskGroup).
 * When a child fails, its siblings and the body are cancelled; the group waits for all of them,
 * then raises: one error as itself, several as an `AggregateError`.
 *
 * @example
 * ```ts
 * const results = await withTaskGroup(async (group) => {
 *   const a = group.spawn(() => load('a'));
 *   const b = group.spawn(() => load('b'));
 *   return [a, b];
 * });
 * ```
 * @throws the child's error, or AggregateError when several children failed.
 */
export async function withTaskGroup<T>(body: (group: TaskGroup) => Promise<T>): Promise<T> {
  checkFunction('body', body);
  const parent = currentTask();
  // From plain code the body runs in a task of its own on Node's loop, so a failing child can
  // cancel it where it waits, as it would cancel the caller's task.
  if (parent === undefined) return (REAL.spawn(() => withTaskGroup(body), 'task group') as TaskImpl<T>).settled();
  const group = new Group(parent);
  let result: T | undefined;
  let bodyError: unknown;
  let bodyFailed = false;
  try {
    result = await body(group);
  } catch (error) {
    bodyFailed = true;
    bodyError = error;
    if (!(error instanceof CancelledError)) {
      group.errors.push(error);
      if (!group.aborting) group.abort();
    } else if (!group.parentCancelled && !group.aborting) {
      group.abort();
    }
  }
  // Each pass either ends with every child done or absorbs one cancellation; both are finite.
  let externalCancel: unknown;
  for (let pass = 0; group.left > 0 && pass <= group.children.length + 1000; pass++) {
    group.waiter = new Future<void>({ name: 'task group' });
    try {
      await group.waiter;
    } catch (error) {
      if (!(error instanceof CancelledError)) throw error;
      if (!group.parentCancelled) externalCancel = error;
      if (!group.aborting) group.abort();
    }
  }
  group.closed = true;
  if (group.parentCancelled) group.parent?.uncancel();
  if (group.errors.length === 1) throw group.errors[0];
  if (group.errors.length > 1) throw new AggregateError(group.errors, `${group.errors.length} tasks of the group failed`);
  if (externalCancel !== undefined) throw externalCancel;
  if (bodyFailed && !(bodyError instanceof CancelledError && group.parentCancelled)) throw bodyError;
  return result as T;
}

/**
 * Wraps an async function (a mocked HTTP call, a database driver) so that each call's
 * completion is a scheduling decision: inside a run, the explorer may complete a pending call
 * now, later, or only after virtual time has run to the next timer (I/O can outlast a
 * timeout). Outside a run, the wrapper just calls `fn`.
 *
 * @example
 * ```ts
 * const fetchUser = controlled(async (id: string) => ({ id, name: 'Ada' }), 'fetchUser');
 * const user = await fetchUser('42'); // completes when the explorer decides
 * ```
 */
export function controlled<A extends unknown[], T>(fn: (...args: A) => Promise<T>, label?: string): (...args: A) => Promise<T> {
  checkFunction('fn', fn);
  const name = label ?? (fn.name || 'call');
  return (...args: A): Promise<T> => {
    const task = currentTask();
    if (task === undefined || !task.loop.virtual) return fn(...args);
    let outcome: Promise<T>;
    try {
      outcome = Promise.resolve(fn(...args));
    } catch (error) {
      outcome = Promise.reject(error);
    }
    return task.loop.io(task, outcome, name) as Promise<T>;
  };
}
