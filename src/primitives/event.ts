/**
 * `Event`: asyncio's one-flag broadcast. `set()` wakes every waiter; `clear()` resets the flag.
 *
 * Invariant: waiters exist only while the flag is clear.
 */
import { ParkingLot } from './parking-lot.js';
import { Resource, type PrimitiveOptions } from './resource.js';

/**
 * An event flag (asyncio.Event): tasks wait until it is set.
 *
 * @example
 * ```ts
 * const ready = new Event({ name: 'ready' });
 * spawn(async () => { await sleep(5); ready.set(); });
 * await ready.wait();
 * ```
 */
export class Event extends Resource {
  readonly kind = 'Event';
  #set = false;
  readonly #lot = new ParkingLot();

  /** @param options `{ name }` for traces and reports. */
  constructor(options?: PrimitiveOptions) {
    super(options);
  }

  /** True when the flag is set. */
  isSet(): boolean {
    this.observed();
    return this.#set;
  }

  /** Waits until the flag is set (returns at once if it is). Always a scheduling point. */
  async wait(): Promise<true> {
    const task = this.enter();
    await task.loop.checkpoint(task, 'wait', this);
    if (!this.#set) await this.#lot.park(task, 'wait', this);
    return true;
  }

  /** Sets the flag and wakes every waiter. */
  set(): void {
    const task = this.enter();
    task.loop.note(task, 'set', this);
    if (this.#set) return;
    this.#set = true;
    this.#lot.unparkAll();
  }

  /** Clears the flag: later `wait()` calls block until the next `set()`. */
  clear(): void {
    const task = this.enter();
    task.loop.note(task, 'clear', this);
    this.#set = false;
  }

  protected idle(): boolean {
    return !this.#set && this.#lot.size === 0;
  }

  abandon(): void {
    this.#set = false;
    this.#lot.clear();
  }

  override toString(): string {
    return `<Event '${this.label}' ${this.#set ? 'set' : 'unset'} waiters=${this.#lot.size}>`;
  }
}
