/**
 * The one wait queue under every primitive (trio's ParkingLot).
 *
 * `park()` suspends the calling task on a FIFO queue; `unpark()` wakes the oldest waiter and
 * returns it, so a primitive can hand ownership over (a Lock's owner, a Semaphore's permit) at
 * the moment of the wake-up; `requeue()` moves waiters to another lot without waking them
 * (`Condition.notify` moves them to the lock's queue); `breakAll()` fails every waiter.
 *
 * Cancellation is written once, here: a cancelled waiter that has not been woken is taken out
 * of the queue (its wait's `home` is the lot), so a wake-up never goes to a task that gave
 * up. A waiter cancelled after `unpark()` woke it but before it ran gets `CancelledError` at
 * its await (asyncio), and the lot's `giveBack` hook, given by the primitive, passes on what
 * the wake-up carried: the lock to the next waiter, the permit, the turn to take an item. So
 * no wake-up is lost either. A broadcast (`unparkAll`) carries nothing to pass on.
 *
 * Invariants: every wait in `#queue` is PENDING and has `home === this`; a wait carries
 * `giveBack` only from `unpark()` until it is delivered or cancelled.
 */
import type { TaskImpl } from '../scheduler/task.js';
import { PENDING, type Target, type Wait } from '../scheduler/wait.js';

export class ParkingLot {
  #queue: Wait[] = [];
  readonly #giveBack: ((wait: Wait) => void) | undefined;

  /**
   * @param giveBack passes on what `unpark()` handed to a waiter that is cancelled before it
   * runs (called once, inside `cancel()`; the waiter's await throws `CancelledError`).
   */
  constructor(giveBack?: (wait: Wait) => void) {
    this.#giveBack = giveBack;
  }

  /** Number of parked tasks. */
  get size(): number {
    return this.#queue.length;
  }

  /** Suspends `task` until unparked (resolves with the unpark value) or cancelled. */
  park(task: TaskImpl, op: string, target: Target): Promise<unknown> {
    const wait = task.loop.park(task, op, target);
    if (wait.state === PENDING) {
      wait.home = this;
      this.#queue.push(wait);
    }
    return wait.promise as Promise<unknown>;
  }

  /** Takes a cancelled wait out of the queue. */
  remove(wait: Wait): void {
    const i = this.#queue.indexOf(wait);
    if (i >= 0) this.#queue.splice(i, 1);
  }

  /** Wakes the oldest waiter with `value`; returns its wait, or undefined if none. */
  unpark(value?: unknown): Wait | undefined {
    const wait = this.#queue.shift();
    if (wait === undefined) return undefined;
    wait.home = undefined;
    wait.woken = true;
    // Before the wake: a loop that delivers at once (real mode) drops the hook on delivery.
    wait.giveBack = this.#giveBack;
    wait.task.loop.wake(wait, value);
    return wait;
  }

  /** Wakes every waiter, oldest first; returns how many. */
  unparkAll(value?: unknown): number {
    const queue = this.#queue;
    this.#queue = [];
    for (const wait of queue) {
      wait.home = undefined;
      wait.woken = true;
      wait.task.loop.wake(wait, value);
    }
    return queue.length;
  }

  /** Moves up to `n` of the oldest waiters to `other` (still parked, now waiting on `target`). */
  requeue(other: ParkingLot, n: number, target: Target): number {
    const moved = this.#queue.splice(0, n);
    for (const wait of moved) {
      wait.home = other;
      wait.target = target;
      other.#queue.push(wait);
    }
    return moved.length;
  }

  /** Fails every waiter with `error` (a broken barrier, a queue shut down). */
  breakAll(error: () => Error): number {
    const queue = this.#queue;
    this.#queue = [];
    for (const wait of queue) {
      wait.home = undefined;
      wait.task.loop.fail(wait, error());
    }
    return queue.length;
  }

  /** Forgets every waiter without waking it (the run using the lot was abandoned). */
  clear(): void {
    this.#queue = [];
  }

  /** The parked tasks, oldest first. */
  tasks(): TaskImpl[] {
    return this.#queue.map((w) => w.task);
  }
}
