/**
 * `Condition`: asyncio's condition variable over a Lock.
 *
 * `wait()` releases the lock and parks on the condition's queue; `notify(n)` moves `n` waiters
 * to the lock's queue without waking them (trio's requeue), so a notified waiter wakes up
 * owning the lock: no thundering herd, and no window where a notified task runs unlocked.
 * A waiter cancelled in either queue re-acquires the lock before `CancelledError` leaves
 * `wait()` (asyncio's guarantee: the caller's `finally` always runs holding the lock).
 */
import { CancelledError, InvalidStateError, show } from '../scheduler/errors.js';
import type { TaskImpl } from '../scheduler/task.js';
import { Lock } from './lock.js';
import { ParkingLot } from './parking-lot.js';
import { Resource, type PrimitiveOptions } from './resource.js';

/**
 * A condition variable (asyncio.Condition) bound to a Lock.
 *
 * @example
 * ```ts
 * const cond = new Condition(undefined, { name: 'items' });
 * await cond.runExclusive(async () => {
 *   await cond.waitFor(() => items.length > 0);
 *   items.shift();
 * });
 * ```
 */
export class Condition extends Resource {
  readonly kind = 'Condition';
  /** The lock the condition uses (given, or its own). */
  readonly lock: Lock;
  readonly #lot = new ParkingLot();

  /**
   * @param lock the lock to use. @defaultValue a new Lock
   * @throws TypeError if `lock` is neither a Lock nor undefined.
   */
  constructor(lock?: Lock | PrimitiveOptions, options?: PrimitiveOptions) {
    const givenLock = lock instanceof Lock ? lock : undefined;
    if (lock !== undefined && givenLock === undefined && (typeof lock !== 'object' || lock === null)) {
      throw new TypeError(`Expected \`lock\` to be a Lock, got ${show(lock)}`);
    }
    super(givenLock === undefined && lock !== undefined ? (lock as PrimitiveOptions) : options);
    this.lock = givenLock ?? new Lock(this.explicitName === undefined ? undefined : { name: `${this.explicitName}.lock` });
  }

  /** Acquires the underlying lock. */
  acquire(): Promise<true> {
    return this.lock.acquire();
  }

  /** Releases the underlying lock. */
  release(): void {
    this.lock.release();
  }

  /** True while the underlying lock is held. */
  locked(): boolean {
    return this.lock.locked();
  }

  /** Runs `fn` holding the underlying lock. */
  runExclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    return this.lock.runExclusive(fn);
  }

  #holding(op: string): TaskImpl {
    const task = this.enter();
    if (this.lock.owner !== task) {
      throw new InvalidStateError(
        `can't ${op} on Condition '${this.label}': the calling task ${task.name === 'outside' ? '' : `'${task.name}' `}does not hold its lock; acquire it first (runExclusive)`,
      );
    }
    return task;
  }

  /**
   * Releases the lock, waits until notified, and returns holding the lock again.
   * @throws InvalidStateError if the calling task does not hold the lock.
   * @throws CancelledError if cancelled (the lock is re-acquired first).
   */
  async wait(): Promise<true> {
    const task = this.#holding('wait');
    await task.loop.checkpoint(task, 'wait', this);
    this.lock.release();
    try {
      await this.#lot.park(task, 'wait', this);
    } catch (error) {
      try {
        if (this.lock.owner !== task) await this.#reacquire();
      } finally {
        // The waiter may have been notified before the error reached it: pass the notification
        // on (asyncio does the same; a spurious wake-up is allowed, a lost one is not).
        this.#lot.requeue(this.lock.lot, 1, this.lock);
      }
      throw error;
    }
    return true;
  }

  /** Re-acquires the lock after a cancelled wait, absorbing further cancels until it holds it. */
  async #reacquire(): Promise<void> {
    let cancelled: unknown;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.lock.acquire();
        break;
      } catch (error) {
        if (!(error instanceof CancelledError) || attempt > 1000) throw error;
        cancelled = error;
      }
    }
    if (cancelled !== undefined) throw cancelled;
  }

  /**
   * Waits until `predicate()` is truthy, re-checking after each notification; returns its value.
   * @throws InvalidStateError if the calling task does not hold the lock.
   */
  async waitFor<T>(predicate: () => T): Promise<T> {
    if (typeof predicate !== 'function') throw new TypeError(`Expected \`predicate\` to be a function, got ${show(predicate)}`);
    let result = predicate();
    while (!result) {
      await this.wait();
      result = predicate();
    }
    return result;
  }

  /**
   * Wakes up to `n` waiters (they resume once they get the lock).
   * @throws InvalidStateError if the calling task does not hold the lock.
   */
  notify(n = 1): void {
    if (typeof n !== 'number' || !(n >= 0)) throw new RangeError(`Expected \`n\` to be a number >= 0, got ${show(n)}`);
    const task = this.#holding('notify');
    task.loop.note(task, 'notify', this);
    this.#lot.requeue(this.lock.lot, n, this.lock);
  }

  /**
   * Wakes every waiter.
   * @throws InvalidStateError if the calling task does not hold the lock.
   */
  notifyAll(): void {
    const task = this.#holding('notifyAll');
    task.loop.note(task, 'notifyAll', this);
    this.#lot.requeue(this.lock.lot, this.#lot.size, this.lock);
  }

  protected idle(): boolean {
    return this.#lot.size === 0;
  }

  abandon(): void {
    this.#lot.clear();
  }

  override toString(): string {
    return `<Condition '${this.label}' ${this.lock.locked() ? `locked owner=${this.lock.owner?.name}` : 'unlocked'} waiters=${this.#lot.size}>`;
  }
}
