/**
 * `Semaphore` and `BoundedSemaphore`: asyncio's counting semaphores, with FIFO hand-off.
 *
 * `release()` gives the permit straight to the oldest waiter when there is one, so the value
 * only grows when nobody waits; a newcomer never barges past a waiter. A waiter cancelled after
 * it was given a permit, before it ran, passes the permit on the same way.
 *
 * Invariants: `value >= 0`; waiters exist only while `value === 0`.
 */
import { InvalidStateError, invariant, show } from '../scheduler/errors.js';
import type { TaskImpl } from '../scheduler/task.js';
import { ParkingLot } from './parking-lot.js';
import { Resource, exclusive, type PrimitiveOptions } from './resource.js';

function checkPermits(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new RangeError(`Expected \`value\` to be an integer >= 0, got ${show(value)}`);
  }
  return value;
}

/**
 * A counting semaphore (asyncio.Semaphore): at most `value` holders at once, FIFO waiters.
 *
 * @example
 * ```ts
 * const pool = new Semaphore(2, { name: 'pool' });
 * await pool.runExclusive(() => query('select 1'));
 * ```
 */
export class Semaphore extends Resource {
  readonly kind: string = 'Semaphore';
  #value: number;
  readonly #initial: number;
  /** Tasks holding permits, for reports (a release by a non-holder drops the oldest). */
  #holders: TaskImpl[] = [];
  readonly #lot = new ParkingLot((wait) => this.#pass(wait.task));

  /**
   * @param value initial number of permits. @defaultValue 1
   * @throws RangeError if `value` is not an integer >= 0.
   */
  constructor(value = 1, options?: PrimitiveOptions) {
    super(options);
    this.#value = checkPermits(value);
    this.#initial = this.#value;
  }

  /** Permits available now. */
  get value(): number {
    this.observed();
    return this.#value;
  }

  /** True when `acquire()` would wait. */
  locked(): boolean {
    this.observed();
    return this.#value === 0 || this.#lot.size > 0;
  }

  /**
   * Takes a permit, waiting in FIFO order when none is free. Always a scheduling point.
   * @throws CancelledError if cancelled while waiting (no permit is taken).
   */
  async acquire(): Promise<true> {
    const task = this.enter();
    await task.loop.checkpoint(task, 'acquire', this);
    if (this.#value > 0 && this.#lot.size === 0) {
      this.#value--;
      this.#holders.push(task);
      return true;
    }
    await this.#lot.park(task, 'acquire', this);
    return true;
  }

  /**
   * Returns a permit, handing it to the oldest waiter if any.
   * @throws InvalidStateError for a BoundedSemaphore released more times than acquired.
   */
  release(): void {
    const task = this.enter();
    this.checkRelease(this.#value, this.#initial);
    task.loop.note(task, 'release', this);
    this.#pass(task);
  }

  /** Takes a permit from `from` and gives it to the oldest waiter, or back to the count. */
  #pass(from: TaskImpl): void {
    const i = this.#holders.indexOf(from);
    this.#holders.splice(i >= 0 ? i : 0, 1);
    const next = this.#lot.unpark();
    if (next !== undefined) {
      invariant(this.#value === 0, 'a Semaphore with waiters has no free permit');
      this.#holders.push(next.task);
    } else {
      this.#value++;
    }
  }

  /** Hook for BoundedSemaphore. */
  protected checkRelease(_value: number, _initial: number): void {}

  /** Runs `fn` holding a permit, releasing it however `fn` ends. */
  runExclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    return exclusive(this, fn);
  }

  holders(): readonly TaskImpl[] {
    return this.#value === 0 ? this.#holders : [];
  }

  protected idle(): boolean {
    return this.#lot.size === 0 && this.#value === this.#initial;
  }

  abandon(): void {
    this.#value = this.#initial;
    this.#holders = [];
    this.#lot.clear();
  }

  override toString(): string {
    return `<${this.kind} '${this.label}' value=${this.#value} waiters=${this.#lot.size}>`;
  }
}

/**
 * A semaphore that refuses to be released above its initial value (asyncio.BoundedSemaphore).
 *
 * @example
 * ```ts
 * const slots = new BoundedSemaphore(1);
 * await slots.acquire();
 * slots.release();
 * slots.release(); // throws InvalidStateError: released too many times
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  override readonly kind: string = 'BoundedSemaphore';

  /** @throws RangeError if `value` is not an integer >= 0. */
  constructor(value = 1, options?: PrimitiveOptions) {
    super(value, options);
  }

  protected override checkRelease(value: number, initial: number): void {
    if (value >= initial) {
      throw new InvalidStateError(
        `can't release BoundedSemaphore '${this.label}': released more times than acquired (value is already ${value}, its bound)`,
      );
    }
  }
}
