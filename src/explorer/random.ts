/**
 * Seeded random scheduling: at every decision, each runnable task is equally likely.
 *
 * Simple and surprisingly strong for shallow bugs; one PRNG stream (seedrandom's `alea`) is
 * drawn across the whole exploration, so schedule `i` depends on the seed and `i` only, and a
 * decision with a single candidate draws nothing. O(1) per decision.
 */
import seedrandom from 'seedrandom';
import type { Strategy } from './strategy.js';

/** Makes a PRNG returning floats in [0, 1) from a seed. */
export function prng(seed: string): () => number {
  return seedrandom.alea(seed);
}

export class RandomStrategy implements Strategy {
  readonly name = 'random';
  readonly #random: () => number;

  constructor(seed: string) {
    this.#random = prng(seed);
  }

  beginRun(): boolean {
    return true;
  }

  choose(candidates: readonly number[]): number {
    if (candidates.length === 1) return 0;
    return Math.floor(this.#random() * candidates.length);
  }

  endRun(): void {}
}
