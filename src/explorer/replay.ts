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
 *
 * The chooser also records where the run departed from that default, and where it departed
 * from the head of the ready queue (`departures`): the sparse forms of the schedule that a
 * replay token stores (token.ts). A schedule made by preempting rarely (dfs, the shrinker)
 * departs little from the first; one made by picks then asyncio's order (fast-check, `run`)
 * departs little from the second.
 */
import { isCall, type AccessLog } from '../scheduler/types.js';
import { CLOCK, type Chooser } from './strategy.js';

/**
 * A choice meaning "no preemption here": keep the last task if it can run. Not an integer, so
 * it never collides with a choice value (task ids, the clock, controlled calls).
 */
export const PREFER_LAST = -Infinity;
/** A choice meaning "the head of the ready queue" (asyncio's order). Not an integer either. */
export const PREFER_HEAD = Infinity;

/** Asyncio's own order: always the head of the ready queue. */
export const HEAD: Chooser = { choose: () => 0 };

/** Departures of a run from each default: `[step, choice, …]`, steps increasing. */
export interface Departures {
  /** From "keep the last task if it can run, else the head". */
  last: number[];
  /** From "the head of the ready queue". */
  head: number[];
}

/** The default decision: the task chosen last if it is runnable, else the head of the queue. */
function defaultIndex(candidates: readonly number[], last: number): number {
  const i = candidates.indexOf(last);
  return i >= 0 ? i : 0;
}

/**
 * Expands departures from a default (`[step, choice, …]`) into choices for a replay; past them,
 * the replay continues with the same default (`HEAD` as its `then` for the head).
 */
export function choicesOf(deviations: readonly number[], fallback: 'last' | 'head' = 'last'): number[] {
  const last = deviations.length === 0 ? 0 : deviations[deviations.length - 2]!;
  const choices = new Array<number>(last).fill(fallback === 'last' ? PREFER_LAST : PREFER_HEAD);
  for (let i = 0; i < deviations.length; i += 2) choices[deviations[i]! - 1] = deviations[i + 1]!;
  return choices;
}

export class ReplayChooser implements Chooser {
  readonly #choices: readonly number[];
  readonly #strict: boolean;
  readonly #then: Chooser | undefined;
  /** The choice made at each step (index step - 1), for the default of the next one. */
  readonly #made: number[] = [];
  /** Steps (index step - 1) where the choice was not the default, or not the head. */
  readonly #departed: boolean[] = [];
  readonly #notHead: boolean[] = [];
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

  observe(log: AccessLog): void {
    this.#then?.observe?.(log);
  }

  /** A task yielded: the strategy deciding after the recorded choices hears of it too. */
  yielded(taskId: number): void {
    this.#then?.yielded?.(taskId);
  }

  choose(candidates: readonly number[], step: number): number {
    const i = step - 1;
    // Keyed by step, not kept as "the last choice": a run restarted in context mode replays
    // its first steps with another chooser and asks this one from the step after.
    const preferred = defaultIndex(candidates, i > 0 ? this.#made[i - 1]! : Number.NaN);
    let index: number;
    if (i < this.#choices.length) {
      const want = this.#choices[i]!;
      index = want === PREFER_LAST ? preferred : want === PREFER_HEAD ? 0 : candidates.indexOf(want);
      if (index < 0) {
        if (this.#strict && this.divergence === undefined) {
          const name = (id: number): string => (id === CLOCK ? 'the clock' : isCall(id) ? `call #${-1 - id}` : `task #${id}`);
          this.divergence =
            `replay diverged at step ${step}: expected ${name(want)} runnable; runnable were ` +
            `[${candidates.map(name).join(', ')}]: the program has nondeterminism outside the scheduler ` +
            `(the wall clock without fakeTimers, real timers or I/O, or state kept between runs)`;
        }
        index = preferred;
      }
    } else if (this.#then !== undefined) {
      index = this.#then.choose(candidates, step);
    } else {
      index = preferred;
    }
    this.#made[i] = candidates[index]!;
    this.#departed[i] = index !== preferred;
    this.#notHead[i] = index !== 0;
    return index;
  }

  /** Where the run departed from each default. */
  departures(): Departures {
    const pick = (flags: boolean[]): number[] => {
      const out: number[] = [];
      for (let i = 0; i < flags.length; i++) if (flags[i] === true) out.push(i + 1, this.#made[i]!);
      return out;
    };
    return { last: pick(this.#departed), head: pick(this.#notHead) };
  }
}
