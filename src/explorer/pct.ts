/**
 * PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
 * ASPLOS 2010).
 *
 * Each task gets a random distinct priority when it is first seen; the highest-priority
 * runnable task always runs. `depth - 1` change points are drawn uniformly over the expected
 * schedule length; when the step count reaches one, the running task's priority drops below
 * every initial priority. A bug of depth d is found with probability at least
 * 1 / (n · k^(d-1)) per schedule (n tasks, k steps).
 *
 * Livelock-aware: strict priorities starve a task that spins waiting for another (`while
 * (!cas()) await yieldNow()`): the spinner keeps the highest priority and the run hits
 * `maxSteps`. A task seen spinning (steps.ts: a read-only yield repeated) drops to the lowest
 * priority, like at a change point, so the task it waits for runs.
 *
 * Departures: the schedule length k is learned from the longest schedule seen so far (the
 * paper assumes it known); priorities are assigned lazily because tasks are spawned during the
 * run; the spin demotion above. O(candidates) per decision, plus the step's accesses for the
 * spin check.
 *
 * Schedule `i` draws from its own stream (`runPrng(key, i)`); with the depth and the length
 * estimate it started with, that names it in a replay token (`params` = `depth/length`).
 */
import { StepWatch, highest } from './steps.js';
import { runPrng, seedKey, type RunRecipe, type Strategy } from './strategy.js';

export class PctStrategy implements Strategy {
  readonly name = 'pct';
  readonly needsAccesses = true;
  readonly #key: string;
  readonly #depth: number;
  #random: () => number = () => 0;
  #maxSteps = 16;
  /** Index and length estimate of the current run (what its recipe records). */
  #index = 0;
  #runMaxSteps = 16;
  #priority = new Map<number, number>();
  #changeAt: number[] = [];
  #lowered = 0;
  #last: number | undefined = undefined;
  readonly #watch = new StepWatch();

  /**
   * @param key `seedKey(seed)`
   * @param maxSteps the schedule-length estimate to start from
   */
  constructor(key: string, depth: number, maxSteps = 16) {
    this.#key = key;
    this.#depth = depth;
    this.#maxSteps = maxSteps;
  }

  /** A PCT strategy for a seed. */
  static seeded(seed: string, depth: number): PctStrategy {
    return new PctStrategy(seedKey(seed), depth);
  }

  /** Rebuilds the strategy a recipe's `params` (`depth/length`) describe; undefined if malformed. */
  static fromParams(key: string, params: string): PctStrategy | undefined {
    const m = /^([1-9][0-9]{0,5})\/([1-9][0-9]{0,9})$/.exec(params);
    return m === null ? undefined : new PctStrategy(key, Number(m[1]), Number(m[2]));
  }

  beginRun(index: number): boolean {
    this.#index = index;
    this.#runMaxSteps = this.#maxSteps;
    this.#random = runPrng(this.#key, index);
    this.#priority = new Map();
    this.#lowered = 0;
    this.#last = undefined;
    this.#watch.reset();
    this.#changeAt = [];
    for (let i = 1; i < this.#depth; i++) this.#changeAt.push(1 + Math.floor(this.#random() * this.#runMaxSteps));
    return true;
  }

  yielded(taskId: number): void {
    this.#watch.yielded(taskId);
  }

  choose(candidates: readonly number[], step: number): number {
    const last = this.#last;
    if (last !== undefined) {
      // Drop the running task below every initial priority (those are >= 1) at a change point,
      // or when it was seen spinning.
      const spinning = this.#watch.ended(last, step);
      if (spinning || (last >= 0 && this.#changeAt.includes(step))) this.#priority.set(last, -(++this.#lowered));
    }
    const best = highest(candidates, this.#priority, () => 1 + this.#random());
    this.#last = candidates[best]!;
    return best;
  }

  endRun(choices: readonly number[]): void {
    if (choices.length > this.#maxSteps) this.#maxSteps = choices.length;
  }

  recipe(): RunRecipe {
    return { strategy: 'pct', key: this.#key, index: this.#index, params: `${this.#depth}/${this.#runMaxSteps}`, history: false };
  }
}
