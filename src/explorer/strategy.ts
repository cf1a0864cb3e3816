/**
 * The seam between the engine and the search: a `Strategy` answers "which of these runnable
 * tasks next?" at every decision, and is told when each schedule begins and ends. The loop
 * knows no strategy by name; random, PCT, replay and the shrinker are each one implementation.
 */
import type { AccessLog, Chooser } from '../scheduler/loop.js';

export { CLOCK, type Chooser } from '../scheduler/loop.js';

/**
 * A search strategy over schedules.
 *
 * @example
 * ```ts
 * // Always run the first ready task: asyncio's own order.
 * const fifo: Strategy = { name: 'fifo', beginRun: (i) => i === 0, choose: () => 0, endRun: () => {} };
 * ```
 */
export interface Strategy extends Chooser {
  readonly name: string;
  /** Prepares schedule number `index` (0-based); false when nothing is left to explore. */
  beginRun(index: number): boolean;
  /**
   * The schedule ended; `choices` are the task ids chosen at each decision, `accesses` what each
   * step touched (recorded only for strategies that ask for it: `needsAccesses`).
   */
  endRun(choices: readonly number[], failed: boolean, accesses?: AccessLog): void;
  /** Asks the loop to record what each step touches (partial-order reduction). */
  readonly needsAccesses?: boolean;
}
