/**
 * fast-check integration: `interleavings()` is an arbitrary of schedules, so a property can
 * quantify over interleavings next to its other inputs and fast-check shrinks the schedule
 * together with them.
 *
 * A generated schedule is a list of picks; at decision i the loop takes candidate
 * `picks[i] mod candidates`, and after the list, the head of the ready queue (asyncio's order).
 * fast-check shrinks lists towards shorter and smaller, that is towards asyncio's own order,
 * so a shrunk counterexample has few deviations from it. Each run records its choices as an
 * ordinary replay token.
 */
import fc from 'fast-check';
import { resolveOptions } from './options.js';
import type { Chooser } from './strategy.js';
import type { Program, RunOptions, RunResult } from './explore.js';
import { runRecorded } from './explore.js';
import { show } from '../scheduler/errors.js';

/**
 * One schedule drawn by {@link interleavings}: run a program under it.
 *
 * @example
 * ```ts
 * const result = await schedule.run(program);
 * if (!result.ok) console.log(result.failure?.token);
 * ```
 */
export interface Schedule {
  /** The raw picks (decision i takes candidate `picks[i] mod n`). */
  readonly picks: readonly number[];
  /** Runs `program` under this schedule. */
  run(program: Program): Promise<RunResult>;
  /** The picks, and the replay token of the last run. */
  toString(): string;
}

/**
 * Options of {@link interleavings}.
 *
 * @example
 * ```ts
 * fc.asyncProperty(interleavings({ maxDecisions: 200, fakeTimers: true }), async (s) => (await s.run(program)).ok);
 * ```
 */
export interface InterleavingsOptions extends RunOptions {
  /** Most decisions a schedule steers before falling back to asyncio's order. @defaultValue 64 */
  maxDecisions?: number;
}

class PickSchedule implements Schedule {
  #token: string | undefined;
  constructor(
    readonly picks: readonly number[],
    readonly options: RunOptions,
  ) {}

  async run(program: Program): Promise<RunResult> {
    const o = resolveOptions({ ...this.options, seed: 0, minimize: false }, program);
    const picks = this.picks;
    const chooser: Chooser = {
      choose: (candidates, step) => {
        const pick = picks[step - 1];
        return pick === undefined ? 0 : pick % candidates.length;
      },
    };
    const result = await runRecorded(program, chooser, o);
    this.#token = result.token;
    return result;
  }

  toString(): string {
    return `Schedule([${this.picks.join(',')}]${this.#token === undefined ? '' : `, token ${this.#token}`})`;
  }
}

/**
 * An arbitrary of schedules for fast-check properties; fast-check shrinks a failing schedule
 * towards asyncio's own order.
 *
 * @example
 * ```ts
 * await fc.assert(fc.asyncProperty(interleavings(), async (schedule) => {
 *   const result = await schedule.run(program);
 *   return result.ok;
 * }));
 * ```
 * @throws RangeError if `maxDecisions` is not an integer >= 0.
 */
export function interleavings(options?: InterleavingsOptions): fc.Arbitrary<Schedule> {
  const { maxDecisions = 64, ...runOptions } = options ?? {};
  if (!Number.isInteger(maxDecisions) || maxDecisions < 0) {
    throw new RangeError(`Expected \`maxDecisions\` to be an integer >= 0, got ${show(maxDecisions)}`);
  }
  return fc
    .array(fc.nat({ max: 0xffff }), { maxLength: maxDecisions })
    .map((picks) => new PickSchedule(picks, runOptions) as Schedule);
}
