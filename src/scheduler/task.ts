/**
 * Tasks: a body run by a scheduler, awaitable like a promise, cancellable like asyncio's Task.
 *
 * State: `NEW` (created, its first step not yet taken) → `RUNNING` → `DONE` with an outcome of
 * 'ok', 'error' or 'cancelled'.
 *
 * Cancellation follows asyncio: `cancel()` reaches the await the task is suspended at. A wake-up
 * that was granted but not yet delivered becomes a `CancelledError`, and the primitive that
 * granted it passes it on (see wait.ts); a pending wait is failed with `CancelledError` (or the
 * cancel is passed on to the Task/Future it awaits). Only a task that is running (or has not
 * started) remembers the cancel, for its next scheduling point. A cancel is delivered once: a
 * second cancel before the first is delivered is absorbed by it.
 */
import { currentTask, type Scheduler } from './context.js';
import { CancelledError, InvalidStateError, invariant } from './errors.js';
import { CANCEL_OBJECT, CLOCK_OBJECT, READ, WRITE } from './types.js';
import { READY, Wait } from './wait.js';

const NEW = 0;
const RUNNING = 1;
const DONE = 2;

/**
 * A running body of async work, created by {@link spawn}. Awaiting it is a scheduling point
 * and gives the body's result (or throws its error).
 *
 * @example
 * ```ts
 * const task = spawn(async () => 42, { name: 'answer' });
 * console.log(task.name, await task); // answer 42
 * ```
 */
export interface Task<T> extends PromiseLike<T> {
  /** `Task-N` in creation order within a run, unless named. */
  readonly name: string;
  /** Creation index within its run (the root program is 0). */
  readonly id: number;
  /** True once the body returned, threw, or was cancelled. */
  done(): boolean;
  /** True when the task ended by cancellation (a `CancelledError` left its body). */
  cancelled(): boolean;
  /**
   * Requests cancellation: the task's current (or next) blocking await throws
   * `CancelledError`. Returns false if the task is already done.
   */
  cancel(reason?: unknown): boolean;
}

export type Outcome = 'ok' | 'error' | 'cancelled';

export class TaskImpl<T = unknown> implements Task<T> {
  readonly id: number;
  readonly name: string;
  readonly loop: Scheduler;
  #fn: (() => unknown) | undefined;
  #status = NEW;
  outcome: Outcome | undefined = undefined;
  value: unknown = undefined;
  /** Someone observed the outcome (awaited, `then`, gather): not an unhandled failure. */
  retrieved = false;
  /** A cancel waits for the next blocking await. */
  mustCancel = false;
  cancelReason: unknown = undefined;
  /** Cancel requests not yet taken back by `uncancel()` (asyncio's counter, used by timeout). */
  cancelRequests = 0;
  /** Invariant: exactly this task's waits in state PENDING. */
  readonly pendingWaits: Wait[] = [];
  /** Invariant: exactly this task's RESUME waits in state READY (undelivered wake-ups). */
  readonly readyWaits: Wait[] = [];
  /** Invariant: number of this task's waits in state READY. */
  readyCount = 0;
  /** Direct/context bookkeeping of the controlled loop: waits on a promise it does not know. */
  unknown = false;
  #watchers: Wait[] | undefined = undefined;
  #callbacks: ((task: TaskImpl) => void)[] | undefined = undefined;
  #settled: Promise<unknown> | undefined = undefined;

  constructor(loop: Scheduler, id: number, name: string, fn: () => Promise<T> | T) {
    this.loop = loop;
    this.id = id;
    this.name = name;
    this.#fn = fn;
  }

  done(): boolean {
    // The program branching on it reads the task's state (partial-order reduction).
    this.loop.touch(this, READ);
    return this.#status === DONE;
  }

  cancelled(): boolean {
    this.loop.touch(this, READ);
    return this.outcome === 'cancelled';
  }

  /** @internal `done()` for interleaved's own bookkeeping: not a read by the program. */
  isDone(): boolean {
    return this.#status === DONE;
  }

  /** True when the task's first step has been taken. */
  started(): boolean {
    return this.#status !== NEW;
  }

  cancel(reason?: unknown): boolean {
    this.loop.touch(CANCEL_OBJECT, WRITE);
    if (this.#status === DONE) {
      // Whether the cancel lands depends on whether the task has ended: a conflicting access.
      this.loop.touch(this, WRITE);
      return false;
    }
    this.cancelRequests++;
    this.loop.note(this, 'cancel', this);
    const error = new CancelledError(`task '${this.name}' was cancelled`, reason);
    let handled = false;
    // A wake-up granted but not yet delivered: the await throws instead (a copy: giving back
    // may wake other waits). Then the pending waits (a copy: an interrupt takes its wait out).
    if (this.readyWaits.length > 0) {
      for (const wait of this.readyWaits.slice()) {
        if (wait.target !== undefined) this.loop.touch(wait.target, WRITE);
        if (wait.cancelReady(error)) handled = true;
      }
    }
    for (const wait of this.pendingWaits.slice()) {
      // Taking a waiter out of a queue (or a sleep off the clock) changes what it waits on.
      this.loop.touch(wait.target ?? (wait.op === 'sleep' ? CLOCK_OBJECT : this), WRITE);
      if (wait.interrupt !== undefined ? wait.interrupt(wait, error) : interruptWait(wait, error)) handled = true;
    }
    if (!handled) {
      this.mustCancel = true;
      this.cancelReason = reason;
    }
    return true;
  }

  /** Takes back one cancel request; returns how many remain (asyncio's `Task.uncancel`). */
  uncancel(): number {
    if (this.cancelRequests > 0) this.cancelRequests--;
    if (this.cancelRequests === 0) this.mustCancel = false;
    return this.cancelRequests;
  }

  /** Consumes a remembered cancel, returning the error to throw at this await. */
  takeCancel(): CancelledError | undefined {
    if (!this.mustCancel) return undefined;
    this.mustCancel = false;
    return new CancelledError(`task '${this.name}' was cancelled`, this.cancelReason);
  }

  /** Ends a task that never started, without running it (see `VirtualLoop.discard`). */
  discard(): void {
    invariant(this.#status === NEW, 'only a task that has not started is discarded');
    this.#fn = undefined;
    this.#status = DONE;
    this.outcome = 'cancelled';
    this.value = new CancelledError(`task '${this.name}' was discarded before it started`);
    this.retrieved = true;
  }

  /** Runs the body: the delivery of the task's `START` wait. */
  begin(): void {
    invariant(this.#status === NEW, 'a task starts once');
    const fn = this.#fn;
    this.#fn = undefined;
    this.#status = RUNNING;
    const cancel = this.takeCancel();
    if (cancel !== undefined || fn === undefined) {
      this.finish(false, cancel ?? new CancelledError());
      return;
    }
    let result: unknown;
    try {
      result = fn();
    } catch (error) {
      this.finish(false, error);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (value) => this.finish(true, value),
        (error: unknown) => this.finish(false, error),
      );
    } else if (isThenable(result)) {
      Promise.resolve(result).then(
        (value) => this.finish(true, value),
        (error: unknown) => this.finish(false, error),
      );
    } else {
      this.finish(true, result);
    }
  }

  finish(ok: boolean, value: unknown): void {
    if (this.#status === DONE) return;
    this.#status = DONE;
    this.outcome = ok ? 'ok' : value instanceof CancelledError ? 'cancelled' : 'error';
    this.value = value;
    this.mustCancel = false;
    const watchers = this.#watchers;
    this.#watchers = undefined;
    if (watchers !== undefined) {
      for (const wait of watchers) {
        if (wait.state !== READY && wait.task.pendingWaits.includes(wait)) {
          if (ok) this.loop.wake(wait, value);
          else this.loop.fail(wait, value);
        }
      }
    }
    const callbacks = this.#callbacks;
    this.#callbacks = undefined;
    if (callbacks !== undefined) for (const cb of callbacks) cb(this);
    this.loop.finished(this);
  }

  /** Calls `cb` synchronously when the task ends (internal: gather, task groups). */
  onDone(cb: (task: TaskImpl) => void): void {
    if (this.#status === DONE) cb(this);
    else (this.#callbacks ??= []).push(cb);
  }

  /** The result of a finished task; throws its error. */
  result(): T {
    if (this.#status !== DONE) throw new InvalidStateError(`task '${this.name}' is not done: await it first`);
    this.retrieved = true;
    if (this.outcome !== 'ok') throw this.value;
    return this.value as T;
  }

  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.retrieved = true;
    const me = currentTask();
    if (me === undefined || me.loop !== this.loop) return this.settled().then(onfulfilled, onrejected);
    if (me === this) {
      return Promise.reject(new InvalidStateError(`task '${this.name}' awaits itself: it would wait forever`)).then(onfulfilled, onrejected);
    }
    const wait = this.loop.park(me, 'await', this, awaitInterrupt);
    if (wait.state === READY || wait.state === 2) return (wait.promise as Promise<T>).then(onfulfilled, onrejected);
    if (this.#status === DONE) {
      if (this.outcome === 'ok') this.loop.wake(wait, this.value);
      else this.loop.fail(wait, this.value);
    } else {
      (this.#watchers ??= []).push(wait);
    }
    return (wait.promise as Promise<T>).then(onfulfilled, onrejected);
  }

  /** A native promise settled with the task's outcome, for awaits from outside its run. */
  settled(): Promise<T> {
    return (this.#settled ??= new Promise<unknown>((resolve, reject) => {
      this.onDone((task) => (task.outcome === 'ok' ? resolve(task.value) : reject(task.value)));
    })) as Promise<T>;
  }

  get label(): string {
    return this.name;
  }

  toString(): string {
    const state = this.#status === NEW ? 'pending' : this.#status === RUNNING ? 'running' : this.outcome;
    return `<Task '${this.name}' ${state}>`;
  }

  holders(): readonly TaskImpl[] {
    return this.#status === DONE ? [] : [this];
  }
}

/** Default interrupt: take the wait out of where it is parked and fail it. */
export function interruptWait(wait: Wait, error: Error): boolean {
  wait.home?.remove(wait);
  wait.home = undefined;
  wait.task.loop.fail(wait, error);
  return true;
}

/** Cancelling a task that awaits another task cancels that task too (asyncio). */
function awaitInterrupt(wait: Wait, error: Error): boolean {
  const inner = wait.target as TaskImpl;
  if (inner.cancel((error as CancelledError).reason)) return true;
  return interruptWait(wait, error);
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}
