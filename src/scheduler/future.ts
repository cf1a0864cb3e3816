/**
 * `Future`: a one-shot result that tasks await, like asyncio's Future.
 *
 * Awaiting a Future is a scheduling point. Settling it wakes its awaiters in the order they
 * started waiting. Cancelling a task that awaits a Future cancels the Future (asyncio), and a
 * cancelled Future ends its awaiters with `CancelledError`. Once the Future has settled and
 * woken the task, a cancel before the task resumes only makes that task's await raise: the
 * Future keeps its result (see wait.ts).
 */
import { currentTask } from './context.js';
import { CancelledError, InvalidStateError } from './errors.js';
import type { TaskImpl } from './task.js';
import { CREATE, READ } from './types.js';
import { PENDING, type Wait } from './wait.js';

type State = 'pending' | 'ok' | 'error' | 'cancelled';

/**
 * A one-shot result to be settled by someone else; awaitable by any number of tasks.
 *
 * @example
 * ```ts
 * const answer = new Future<number>();
 * spawn(async () => { await sleep(10); answer.resolve(42); });
 * console.log(await answer); // 42, at virtual time 10 inside a run
 * ```
 */
export class Future<T> implements PromiseLike<T> {
  #state: State = 'pending';
  #value: unknown = undefined;
  #waiters: Wait[] = [];
  #callbacks: ((f: Future<T>) => void)[] = [];
  #settled: Promise<T> | undefined = undefined;
  readonly label: string;
  /** Whether settling shows in traces (internal futures only touch, for the reduction). */
  protected traced = true;

  constructor(options?: { name?: string }) {
    this.label = options?.name ?? 'Future';
    // Names the future across schedules for partial-order reduction (its maker and rank).
    currentTask()?.loop.touch(this, CREATE);
  }

  /** True once resolved, rejected or cancelled. */
  done(): boolean {
    // The program branching on it reads the future's state (partial-order reduction).
    currentTask()?.loop.touch(this, READ);
    return this.#state !== 'pending';
  }

  /** @internal `done()` for interleaved's own bookkeeping: not a read by the program. */
  isDone(): boolean {
    return this.#state !== 'pending';
  }

  /** True when the future was cancelled. */
  cancelled(): boolean {
    currentTask()?.loop.touch(this, READ);
    return this.#state === 'cancelled';
  }

  /**
   * Settles the future with a value and wakes its awaiters.
   * @throws InvalidStateError if the future is already settled.
   */
  resolve(value: T): void {
    this.#settle('ok', value);
  }

  /**
   * Settles the future with an error and wakes its awaiters.
   * @throws InvalidStateError if the future is already settled.
   */
  reject(error: unknown): void {
    this.#settle('error', error);
  }

  /** Cancels the future: awaiters get `CancelledError`. Returns false if already settled. */
  cancel(reason?: unknown): boolean {
    if (this.#state !== 'pending') return false;
    this.#settle('cancelled', new CancelledError(`future '${this.label}' was cancelled`, reason));
    return true;
  }

  /** The value of a settled future; throws its error. */
  result(): T {
    if (this.#state === 'pending') throw new InvalidStateError(`future '${this.label}' is not done: await it first`);
    if (this.#state !== 'ok') throw this.#value;
    return this.#value as T;
  }

  /** Calls `cb` synchronously when the future settles (at once if it has). */
  onDone(cb: (future: Future<T>) => void): void {
    if (this.#state !== 'pending') cb(this);
    else this.#callbacks.push(cb);
  }

  #settle(state: State, value: unknown): void {
    if (this.#state !== 'pending') {
      throw new InvalidStateError(`can't settle future '${this.label}': it is already ${this.#state === 'ok' ? 'resolved' : this.#state === 'error' ? 'rejected' : 'cancelled'}`);
    }
    this.#state = state;
    this.#value = value;
    const by = currentTask();
    if (this.traced) by?.loop.note(by, state === 'ok' ? 'resolve' : state === 'error' ? 'reject' : 'cancel', this);
    else by?.loop.touch(this, READ); // an internal future settles as a function of what was touched before
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wait of waiters) this.#deliverTo(wait);
    const callbacks = this.#callbacks;
    this.#callbacks = [];
    for (const cb of callbacks) cb(this);
  }

  #deliverTo(wait: Wait): void {
    if (wait.state !== PENDING) return;
    if (this.#state === 'ok') wait.task.loop.wake(wait, this.#value);
    else wait.task.loop.fail(wait, this.#value);
  }

  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    const me: TaskImpl | undefined = currentTask();
    if (me === undefined) {
      this.#settled ??= new Promise<T>((resolve, reject) => this.onDone((f) => (f.#state === 'ok' ? resolve(f.#value as T) : reject(f.#value))));
      return this.#settled.then(onfulfilled, onrejected);
    }
    return this.awaitIn(me).then(onfulfilled, onrejected);
  }

  /** @internal Parks `task` until the future settles (a scheduling point); returns what it awaits. */
  awaitIn(task: TaskImpl): Promise<T> {
    const wait = task.loop.park(task, 'await', this, futureInterrupt);
    if (wait.state === PENDING) {
      if (this.#state !== 'pending') this.#deliverTo(wait);
      else this.#waiters.push(wait);
    }
    return wait.promise as Promise<T>;
  }

  /** Stops a cancelled awaiter from being woken. */
  remove(wait: Wait): void {
    const i = this.#waiters.indexOf(wait);
    if (i >= 0) this.#waiters.splice(i, 1);
  }

  toString(): string {
    return `<Future '${this.label}' ${this.#state}>`;
  }
}

/** Cancelling a task that awaits a Future cancels the Future (asyncio). */
function futureInterrupt(wait: Wait, error: Error): boolean {
  const future = wait.target as Future<unknown>;
  if (future.cancel((error as CancelledError).reason)) return true;
  future.remove(wait);
  wait.task.loop.fail(wait, error);
  return true;
}
