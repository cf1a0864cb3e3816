/**
 * The default strategy: alternates seeded random schedules (good at shallow bugs with many
 * tasks) and PCT schedules (probabilistic guarantees for bugs of small depth), each with its
 * own stream derived from the seed. Schedule `i` uses random when `i` is even, PCT when odd.
 * A schedule's recipe is its member's: a token names the member, not the portfolio.
 */
import { PctStrategy } from './pct.js';
import { RandomStrategy } from './random.js';
import type { RunRecipe, Strategy } from './strategy.js';

export class PortfolioStrategy implements Strategy {
  readonly name = 'portfolio';
  readonly #members: Strategy[];
  #current: Strategy;

  constructor(seed: string, depth: number) {
    this.#members = [RandomStrategy.seeded(`${seed}/random`), PctStrategy.seeded(`${seed}/pct`, depth)];
    this.#current = this.#members[0]!;
  }

  beginRun(index: number): boolean {
    this.#current = this.#members[index % this.#members.length]!;
    return this.#current.beginRun(index);
  }

  choose(candidates: readonly number[], step: number): number {
    return this.#current.choose(candidates, step);
  }

  endRun(choices: readonly number[], failed: boolean): void {
    this.#current.endRun(choices, failed);
  }

  recipe(): RunRecipe | undefined {
    return this.#current.recipe?.();
  }
}
