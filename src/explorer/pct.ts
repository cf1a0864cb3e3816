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
 * Departures: the schedule length k is learned from the longest schedule seen so far (the
 * paper assumes it known); priorities are assigned lazily because tasks are spawned during the
 * run. O(candidates) per decision.
 *
 * Schedule `i` draws from its own stream (`runPrng(key, i)`); with the depth and the length
 * estimate it started with, that names it in a replay token (`params` = `depth/length`).
 */
import { runPrng, seedKey, type RunRecipe, type Strategy } from './strategy.js';

export class PctStrategy implements Strategy {
  readonly name = 'pct';
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
  #last = -1;

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
    this.#last = -1;
    this.#changeAt = [];
    for (let i = 1; i < this.#depth; i++) this.#changeAt.push(1 + Math.floor(this.#random() * this.#runMaxSteps));
    return true;
  }

  choose(candidates: readonly number[], step: number): number {
    if (this.#changeAt.includes(step) && this.#last >= 0) {
      // Drop the running task below every initial priority (those are >= 1).
      this.#priority.set(this.#last, -(++this.#lowered));
    }
    let best = 0;
    let bestPriority = -Infinity;
    for (let i = 0; i < candidates.length; i++) {
      const id = candidates[i]!;
      let p = this.#priority.get(id);
      if (p === undefined) {
        p = 1 + this.#random();
        this.#priority.set(id, p);
      }
      if (p > bestPriority) {
        bestPriority = p;
        best = i;
      }
    }
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
