/**
 * POS, partial order sampling (Yuan, Yang, Gu, CAV 2018).
 *
 * Priorities belong to events, not tasks: each task's next step gets a random priority, and the
 * enabled step with the highest priority runs. After a step, its task's next step draws a fresh
 * priority, and so does every pending step that races with the one that ran (same object, not
 * both reads). Redrawing the racing steps is what makes POS sample partial orders rather than
 * interleavings: two independent steps keep their relative order, while a step that a write has
 * just raced with gets a new chance to go first. Random walk picks among interleavings, so a
 * partial order with few interleavings (one task's late step first, say) is sampled rarely; the
 * paper shows POS's probability of each partial order depends on the races, not on how many
 * interleavings it has.
 *
 * Departures: a step's accesses are known only once it has run (the loop records them; the
 * strategy sets `needsAccesses`), so a task's pending step is assumed to touch what the task's
 * previous step touched (a loop touches the same objects each turn; a read and its write-back
 * touch one variable). A task seen spinning (steps.ts) drops to the lowest priority instead of
 * drawing a fresh one, so a task waiting in a retry loop lets the task it waits for run.
 * Candidates are opaque event ids (tasks, the clock, call completions) with priorities alike.
 *
 * Schedule `k` draws from its own stream (`runPrng(key, k)`): it depends on the seed and k only,
 * and a replay token names it by them (no parameters).
 * Cost per decision: O(candidates + accesses of the step × the pending steps sharing an object).
 */
import { READ } from '../scheduler/loop.js';
import { StepWatch, highest, type StepAccessList } from './steps.js';
import { runPrng, seedKey, type RunRecipe, type Strategy } from './strategy.js';

export class PosStrategy implements Strategy {
  readonly name: string = 'pos';
  readonly needsAccesses = true;
  readonly #key: string;
  #index = 0;
  #random: () => number = () => 0;
  /** Priority of each event id's pending step; drawn when first needed. */
  #priority = new Map<number, number>();
  /** What each event id's last step touched: the guess for its pending step. */
  #touched = new Map<number, StepAccessList>();
  /** Object → the event ids whose last step touched it, and whether that step wrote it. */
  #users = new Map<object, Map<number, boolean>>();
  #lowered = 0;
  #last: number | undefined = undefined;
  readonly #watch = new StepWatch();

  /** @param key `seedKey(seed)` */
  constructor(key: string) {
    this.#key = key;
  }

  /** A POS strategy for a seed. */
  static seeded(seed: string): PosStrategy {
    return new PosStrategy(seedKey(seed));
  }

  beginRun(index: number): boolean {
    this.#index = index;
    this.#random = runPrng(this.#key, index);
    this.#priority = new Map();
    this.#touched = new Map();
    this.#users = new Map();
    this.#lowered = 0;
    this.#last = undefined;
    this.#watch.reset();
    return true;
  }

  yielded(taskId: number): void {
    this.#watch.yielded(taskId);
  }

  choose(candidates: readonly number[], step: number): number {
    const last = this.#last;
    if (last !== undefined) this.#stepped(last, this.#watch.ended(last, step), this.#watch.accesses);
    const best = highest(candidates, this.#priority, this.#random);
    this.#last = candidates[best]!;
    return best;
  }

  /** Event `id` ran a step that touched `accesses`: new priorities for it and its races. */
  #stepped(id: number, spinning: boolean, accesses: StepAccessList): void {
    if (spinning) this.#priority.set(id, -(++this.#lowered));
    else this.#priority.delete(id);
    if (accesses.length === 0) return;
    // Forget what the previous step of `id` touched, then redraw every other pending step
    // that touched an object this step touched, when one of the two wrote it.
    const before = this.#touched.get(id) ?? [];
    for (let i = 0; i < before.length; i += 2) this.#users.get(before[i] as object)?.delete(id);
    for (let i = 0; i < accesses.length; i += 2) {
      const object = accesses[i] as object;
      const wrote = accesses[i + 1] !== READ;
      let users = this.#users.get(object);
      if (users === undefined) this.#users.set(object, (users = new Map()));
      for (const [other, otherWrote] of users) {
        // A demoted spinner stays demoted until it runs again.
        if (other !== id && (wrote || otherWrote) && (this.#priority.get(other) ?? 0) >= 0) this.#priority.delete(other);
      }
    }
    for (let i = 0; i < accesses.length; i += 2) {
      const users = this.#users.get(accesses[i] as object)!;
      users.set(id, users.get(id) === true || accesses[i + 1] !== READ);
    }
    this.#touched.set(id, accesses);
  }

  endRun(): void {}

  recipe(): RunRecipe {
    return { strategy: 'pos', key: this.#key, index: this.#index, params: '', history: false };
  }
}
