/**
 * Seeded random scheduling: at every decision, each runnable task is equally likely.
 *
 * Simple and surprisingly strong for shallow bugs. Schedule `i` draws from its own stream
 * (`runPrng(key, i)`), so it depends on the seed and `i` only and a replay token names it by
 * them; a decision with a single candidate draws nothing. O(1) per decision.
 */
import { runPrng, seedKey, type RunRecipe, type Strategy } from './strategy.js';

export class RandomStrategy implements Strategy {
  readonly name = 'random';
  readonly #key: string;
  #random: () => number = () => 0;
  #index = 0;

  /** @param key `seedKey(seed)` */
  constructor(key: string) {
    this.#key = key;
  }

  /** A random strategy for a seed. */
  static seeded(seed: string): RandomStrategy {
    return new RandomStrategy(seedKey(seed));
  }

  beginRun(index: number): boolean {
    this.#index = index;
    this.#random = runPrng(this.#key, index);
    return true;
  }

  choose(candidates: readonly number[]): number {
    if (candidates.length === 1) return 0;
    return Math.floor(this.#random() * candidates.length);
  }

  endRun(): void {}

  recipe(): RunRecipe {
    return { strategy: 'random', key: this.#key, index: this.#index, params: '', history: false };
  }
}
