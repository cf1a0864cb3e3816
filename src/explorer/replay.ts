/**
 * Replaying a recorded schedule: the choices of a token, then a default.
 *
 * A recorded choice is a task id (creation index), not a position, so a replay that finds the
 * expected task not runnable knows the program diverged and says where: "step 12 expected
 * task #3 runnable; runnable were [1, 4]". In strict mode that divergence is reported as
 * nondeterminism; in lenient mode (the shrinker edits schedules) it falls back to the default.
 *
 * Past the recorded choices, and at choices marked `PREFER_LAST`, the default keeps running
 * the previously chosen task if it is runnable (no preemption), else the head of the ready
 * queue (asyncio's order).
 */
import { isCall } from '../scheduler/types.js';
import { CLOCK, type Chooser } from './strategy.js';

/** A choice meaning "no preemption here": keep the last task if it can run (never an event id). */
export const PREFER_LAST = Number.MIN_SAFE_INTEGER;

export class ReplayChooser implements Chooser {
  readonly #choices: readonly number[];
  readonly #strict: boolean;
  readonly #then: Chooser | undefined;
  #last: number | undefined = undefined;
  /** First divergence, in words (strict mode). */
  divergence: string | undefined;

  /**
   * @param choices recorded choices, one per decision (index = step - 1)
   * @param then who decides after the recorded choices (default: no preemption)
   */
  constructor(choices: readonly number[], strict: boolean, then?: Chooser) {
    this.#choices = choices;
    this.#strict = strict;
    this.#then = then;
  }

  choose(candidates: readonly number[], step: number): number {
    const i = step - 1;
    let index: number;
    if (i < this.#choices.length) {
      const want = this.#choices[i]!;
      index = want === PREFER_LAST ? this.#preferLast(candidates) : candidates.indexOf(want);
      if (index < 0) {
        if (this.#strict && this.divergence === undefined) {
          const name = (id: number): string => (id === CLOCK ? 'clock' : isCall(id) ? `call #${-2 - id}` : `task #${id}`);
          this.divergence =
            `replay diverged at step ${step}: expected ${name(want)} runnable; runnable were ` +
            `[${candidates.map(name).join(', ')}]: the program has nondeterminism outside the scheduler ` +
            `(Math.random, Date.now, real timers or I/O, or state kept between runs)`;
        }
        index = this.#preferLast(candidates);
      }
    } else if (this.#then !== undefined) {
      index = this.#then.choose(candidates, step);
    } else {
      index = this.#preferLast(candidates);
    }
    this.#last = candidates[index]!;
    return index;
  }

  #preferLast(candidates: readonly number[]): number {
    if (this.#last === undefined) return 0;
    const i = candidates.indexOf(this.#last);
    return i >= 0 ? i : 0;
  }
}
