/**
 * `Barrier`: asyncio's cyclic barrier. `parties` tasks meet; the last to arrive releases all.
 *
 * States (asyncio's): `filling` (tasks arrive), `draining` (released tasks leave; newcomers wait
 * for the next cycle), `resetting` (waiters leave with BrokenBarrierError, then filling again),
 * `broken` (every wait fails until `reset()`).
 *
 * Invariant: `count` is the number of tasks inside `wait()` past the entry gate.
 */
import { BrokenBarrierError, show } from '../scheduler/errors.js';
import { ParkingLot } from './parking-lot.js';
import { Resource, type PrimitiveOptions } from './resource.js';

type State = 'filling' | 'draining' | 'resetting' | 'broken';

/**
 * A cyclic barrier (asyncio.Barrier) for `parties` tasks.
 *
 * @example
 * ```ts
 * const barrier = new Barrier(3, { name: 'start' });
 * const index = await barrier.wait(); // 0, 1 or 2: arrival order
 * ```
 */
export class Barrier extends Resource {
  readonly kind = 'Barrier';
  readonly #parties: number;
  #count = 0;
  #state: State = 'filling';
  /** Tasks waiting for the barrier to fill. */
  readonly #arrived = new ParkingLot();
  /** Tasks waiting for a draining or resetting cycle to end. */
  readonly #gate = new ParkingLot();

  /** @throws RangeError if `parties` is not an integer >= 1. */
  constructor(parties: number, options?: PrimitiveOptions) {
    super(options);
    if (typeof parties !== 'number' || !Number.isInteger(parties) || parties < 1) {
      throw new RangeError(`Expected \`parties\` to be an integer >= 1, got ${show(parties)}`);
    }
    this.#parties = parties;
  }

  /** Number of tasks needed to pass the barrier. */
  get parties(): number {
    return this.#parties;
  }

  /** Number of tasks waiting in the filling state. */
  get nWaiting(): number {
    this.observed();
    return this.#state === 'filling' ? this.#count : 0;
  }

  /** True when the barrier is broken. */
  get broken(): boolean {
    this.observed();
    return this.#state === 'broken';
  }

  /**
   * Waits until `parties` tasks have called `wait()`; returns this task's arrival index
   * (0 … parties-1). Always a scheduling point.
   * @throws BrokenBarrierError if the barrier is broken, or reset/aborted while waiting.
   */
  async wait(): Promise<number> {
    const task = this.enter();
    await task.loop.checkpoint(task, 'wait', this);
    while (this.#state === 'draining' || this.#state === 'resetting') {
      await this.#gate.park(task, 'wait', this);
    }
    if (this.#state === 'broken') throw new BrokenBarrierError(`Barrier '${this.label}' is broken: reset() it before waiting again`);
    const index = this.#count++;
    try {
      if (index + 1 === this.#parties) {
        this.#state = 'draining';
        this.#arrived.unparkAll();
      } else {
        await this.#arrived.park(task, 'wait', this);
        const state = this.#state as State;
        if (state === 'broken' || state === 'resetting') {
          throw new BrokenBarrierError(`Barrier '${this.label}' was ${state === 'broken' ? 'aborted' : 'reset'} while waiting`);
        }
      }
      return index;
    } finally {
      this.#count--;
      const state = this.#state as State;
      if (this.#count === 0 && (state === 'draining' || state === 'resetting')) {
        this.#state = 'filling';
        this.#gate.unparkAll();
      }
    }
  }

  /** Returns the barrier to the empty filling state; current waiters get BrokenBarrierError. */
  async reset(): Promise<void> {
    const task = this.enter();
    await task.loop.checkpoint(task, 'reset', this);
    if (this.#count > 0) {
      this.#state = 'resetting';
      this.#arrived.unparkAll();
    } else {
      this.#state = 'filling';
      this.#gate.unparkAll();
    }
  }

  /** Breaks the barrier: current and future `wait()` calls fail until `reset()`. */
  async abort(): Promise<void> {
    const task = this.enter();
    await task.loop.checkpoint(task, 'abort', this);
    this.#state = 'broken';
    this.#arrived.unparkAll();
    this.#gate.unparkAll();
  }

  protected idle(): boolean {
    return this.#count === 0 && this.#arrived.size === 0 && this.#gate.size === 0 && this.#state === 'filling';
  }

  abandon(): void {
    this.#count = 0;
    this.#state = 'filling';
    this.#arrived.clear();
    this.#gate.clear();
  }

  override toString(): string {
    return `<Barrier '${this.label}' ${this.#state} waiting=${this.#count}/${this.#parties}>`;
  }
}
