/**
 * `Lock`: asyncio's mutual-exclusion lock, with FIFO hand-off.
 *
 * `release()` hands the lock straight to the oldest waiter (it becomes the owner at once), so a
 * newcomer can never barge past a waiter; a waiter cancelled before its wake-up simply leaves
 * the queue, and one cancelled after it (before it ran) hands the lock on in turn. Like asyncio, any task may release a held lock; the owner is remembered
 * for reports. Not reentrant: a task acquiring a lock it holds waits for itself.
 *
 * Invariants: `#owner !== undefined` iff locked; waiters exist only while locked.
 */
import { InvalidStateError, invariant } from '../scheduler/errors.js';
import type { Scheduler } from '../scheduler/context.js';
import type { TaskImpl } from '../scheduler/task.js';
import { ParkingLot } from './parking-lot.js';
import { Resource, exclusive, type PrimitiveOptions } from './resource.js';

/**
 * A mutual-exclusion lock (asyncio.Lock). Waiters acquire it in FIFO order.
 *
 * @example
 * ```ts
 * const lock = new Lock({ name: 'account' });
 * await lock.runExclusive(async () => {
 *   const balance = await read();
 *   await write(balance + 10);
 * });
 * ```
 */
export class Lock extends Resource {
  readonly kind: string = 'Lock';
  #owner: TaskImpl | undefined = undefined;
  /** @internal The queue of waiters (Condition moves its waiters here). */
  readonly lot = new ParkingLot((wait) => {
    // A waiter cancelled after the lock was handed to it, before it ran: pass the lock on.
    invariant(this.#owner === wait.task, 'a cancelled Lock waiter owned the lock it gives back');
    this.#handOver(wait.task.loop);
  });

  /** @param options `{ name }` for traces and reports. */
  constructor(options?: PrimitiveOptions) {
    super(options);
  }

  /** True while some task holds the lock. */
  locked(): boolean {
    this.observed();
    return this.#owner !== undefined;
  }

  /** @internal The holder, for reports and Condition's ownership check. */
  get owner(): TaskImpl | undefined {
    return this.#owner;
  }

  /**
   * Acquires the lock, waiting in FIFO order while it is held. Always a scheduling point.
   * @throws CancelledError if the task is cancelled while waiting (the lock is not taken).
   */
  async acquire(): Promise<true> {
    const task = this.enter();
    await task.loop.checkpoint(task, 'acquire', this);
    if (this.#owner === undefined) {
      invariant(this.lot.size === 0, 'an unlocked Lock has no waiters');
      this.#owner = task;
      task.loop.acquired(task, this);
      return true;
    }
    await this.lot.park(task, 'acquire', this);
    invariant(this.#owner === task, 'a woken Lock waiter owns the lock');
    return true;
  }

  /**
   * Releases the lock, handing it to the oldest waiter if any.
   * @throws InvalidStateError if the lock is not locked.
   */
  release(): void {
    const task = this.enter();
    if (this.#owner === undefined) throw new InvalidStateError(`can't release ${this.#name()}: it is not locked (release only after acquire)`);
    task.loop.note(task, 'release', this);
    this.#handOver(task.loop);
  }

  /** Passes the held lock to the oldest waiter, or unlocks it. */
  #handOver(loop: Scheduler): void {
    loop.released(this.#owner!, this);
    const next = this.lot.unpark();
    this.#owner = next?.task;
    if (next !== undefined) loop.acquired(next.task, this);
  }

  /** Runs `fn` holding the lock, releasing it however `fn` ends. */
  runExclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    return exclusive(this, fn);
  }

  holders(): readonly TaskImpl[] {
    return this.#owner === undefined ? [] : [this.#owner];
  }

  protected idle(): boolean {
    return this.#owner === undefined && this.lot.size === 0;
  }

  abandon(): void {
    this.#owner = undefined;
    this.lot.clear();
  }

  #name(): string {
    return `${this.kind} '${this.label}'`;
  }

  override toString(): string {
    if (this.#owner === undefined) return `<${this.kind} '${this.label}' unlocked>`;
    return `<${this.kind} '${this.label}' locked owner=${this.#owner.name} waiters=${this.lot.size}>`;
  }
}
