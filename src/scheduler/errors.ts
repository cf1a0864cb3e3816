/**
 * Error classes of the runtime.
 *
 * Every error states the broken rule, the offending value and the fix, in that order. None is a
 * shared singleton: each failure gets its own instance with its own stack.
 */

/**
 * Thrown at a task's blocking await when the task is cancelled (asyncio's `CancelledError`).
 *
 * A task may catch it to clean up, but should let it propagate: a task that swallows it and
 * returns normally is not `cancelled()`.
 *
 * @example
 * ```ts
 * const t = spawn(async () => { await sleep(1000); });
 * t.cancel();
 * try { await t; } catch (e) { console.log(e instanceof CancelledError); } // true
 * ```
 */
export class CancelledError extends Error {
  /** The reason given to `cancel(reason)`, if any. */
  readonly reason: unknown;
  constructor(message = 'the task was cancelled', reason?: unknown) {
    super(message);
    this.name = 'CancelledError';
    this.reason = reason;
  }
}

/**
 * Thrown by {@link timeout} when the work did not finish within its deadline.
 *
 * @example
 * ```ts
 * try { await timeout(10, () => sleep(50)); } catch (e) { console.log(e instanceof TimeoutError); } // true
 * ```
 */
export class TimeoutError extends Error {
  constructor(message = 'the operation timed out') {
    super(message);
    this.name = 'TimeoutError';
  }
}

/**
 * Thrown when an operation does not fit the object's state: resolving a settled Future,
 * reading the result of an unfinished task, a task awaiting itself.
 *
 * @example
 * ```ts
 * const f = new Future<number>();
 * f.resolve(1);
 * f.resolve(2); // throws InvalidStateError
 * ```
 */
export class InvalidStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidStateError';
  }
}

/**
 * The error of a `deadlock` failure: no task can run, no timer is pending, and the program has
 * not finished. Its message names every blocked task, what it waits on and who holds it.
 *
 * @example
 * ```ts
 * const report = await check(program);
 * if (report.failure?.kind === 'deadlock') console.log(report.failure.error instanceof DeadlockError);
 * ```
 */
export class DeadlockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeadlockError';
  }
}

/**
 * Raised by `Queue.getNowait()` on an empty queue.
 *
 * @example
 * ```ts
 * try { new Queue<number>().getNowait(); } catch (e) { console.log(e instanceof QueueEmpty); } // true
 * ```
 */
export class QueueEmpty extends Error {
  constructor(message = 'the queue is empty') {
    super(message);
    this.name = 'QueueEmpty';
  }
}

/**
 * Raised by `Queue.putNowait()` on a full queue.
 *
 * @example
 * ```ts
 * const q = new Queue<number>(1);
 * q.putNowait(1);
 * try { q.putNowait(2); } catch (e) { console.log(e instanceof QueueFull); } // true
 * ```
 */
export class QueueFull extends Error {
  constructor(message = 'the queue is full') {
    super(message);
    this.name = 'QueueFull';
  }
}

/**
 * Raised by queue operations after `Queue.shutdown()`.
 *
 * @example
 * ```ts
 * const q = new Queue<number>();
 * q.shutdown();
 * try { await q.put(1); } catch (e) { console.log(e instanceof QueueShutDown); } // true
 * ```
 */
export class QueueShutDown extends Error {
  constructor(message = 'the queue is shut down') {
    super(message);
    this.name = 'QueueShutDown';
  }
}

/**
 * Raised by `Barrier.wait()` when the barrier is broken (aborted or reset while tasks waited).
 *
 * @example
 * ```ts
 * const b = new Barrier(2);
 * await b.abort();
 * try { await b.wait(); } catch (e) { console.log(e instanceof BrokenBarrierError); } // true
 * ```
 */
export class BrokenBarrierError extends Error {
  constructor(message = 'the barrier is broken') {
    super(message);
    this.name = 'BrokenBarrierError';
  }
}

/**
 * A broken internal invariant of interleaved itself: please report it as a bug.
 *
 * @example
 * ```ts
 * invariant(queue.length >= 0, 'ready queue length is never negative');
 * ```
 */
export class InternalError extends Error {
  constructor(message: string) {
    super(`interleaved internal error: ${message}. This is a bug in interleaved; please report it with the replay token.`);
    this.name = 'InternalError';
  }
}

/**
 * Checks an internal invariant.
 *
 * @example
 * ```ts
 * invariant(task.pending >= 0, 'a task never has a negative number of pending waits');
 * ```
 * @throws InternalError when `condition` is false.
 */
export function invariant(condition: unknown, rule: string): asserts condition {
  if (!condition) throw new InternalError(rule);
}

/** Describes a value and its type for validation messages: `` `-1` (number) ``. */
export function show(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : typeof value === 'bigint' ? `${value}n` : String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return `\`${text}\` (${type})`;
}
