/**
 * The seam between the engine and the search: a `Strategy` answers "which of these runnable
 * tasks next?" at every decision, and is told when each schedule begins and ends. The loop
 * knows no strategy by name; random, PCT, replay and the shrinker are each one implementation.
 *
 * Regeneration, the other half of the seam: a replay token must stay short however long the
 * schedule (token.ts), so a schedule a strategy made is named by how to make it again, a
 * {@link RunRecipe}, rather than by its choices. A strategy takes part in three steps:
 * 1. draw every random number of run `index` from `runPrng(key, index)`, where `key` is
 *    `seedKey(seed)` (made once, in the constructor): run k then depends on the seed and k
 *    only, never on how many numbers runs 0..k-1 drew;
 * 2. implement `recipe()`: after `beginRun(index)` it names that run, with anything else the run
 *    depends on (an option such as PCT's depth, a parameter learned from earlier runs such as
 *    PCT's schedule-length estimate) in the short `params` string. A strategy whose run k
 *    depends on what runs 0..k-1 found (dfs) says `history: true`;
 * 3. register a factory in regenerate.ts that rebuilds the strategy from `(key, params)`.
 *    Replay then calls `beginRun(index)` on the rebuilt strategy (after runs 0..index-1 when
 *    `history` is set) and runs the program once: the same choices, checked against the hash
 *    the token carries.
 * A strategy without `recipe()` still works: its failures get a token of their choices, which
 * may be long.
 */
import { createHash } from 'node:crypto';
import type { AccessLog, Chooser } from '../scheduler/loop.js';

export { CLOCK, type Chooser } from '../scheduler/loop.js';

/**
 * How to make one run of a strategy again: everything a replay token records about a run
 * besides its flags and the hash of its choices.
 *
 * @example
 * ```ts
 * const recipe: RunRecipe = { strategy: 'pct', key: seedKey('ci-42'), index: 17, params: '3/812', history: false };
 * ```
 */
export interface RunRecipe {
  /** The name a factory is registered under in regenerate.ts (a portfolio names its member). */
  readonly strategy: string;
  /** {@link seedKey} of the strategy's seed, or '' for a strategy that draws nothing. */
  readonly key: string;
  /** The run's index (0-based), as given to `beginRun`. */
  readonly index: number;
  /** Whatever else run `index` depends on, as a short string the strategy parses back. */
  readonly params: string;
  /** True when run `index` can only be made again by running 0..index-1 first (dfs). */
  readonly history: boolean;
}

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
  /**
   * Names the run prepared by the last `beginRun` so that it can be made again (see the
   * module header); `endRun` does not change the answer. Undefined: it can't be.
   */
  recipe?(): RunRecipe | undefined;
}

/**
 * 16 hex digits derived from a seed (SHA-256): what a strategy keys its per-run random
 * streams with, and what a replay token stores instead of the seed (which may be long).
 *
 * @example
 * ```ts
 * const random = runPrng(seedKey('ci-42'), 7); // the stream of run 7
 * ```
 */
export function seedKey(seed: string): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, 16);
}

/**
 * The random stream of run `index` of a strategy keyed by `key`: floats in [0, 1), independent
 * of every other run's stream. sfc32 (Doty-Humphrey's small fast counting generator, 128-bit
 * state) seeded from the key's two 32-bit halves and the index: a run begins in well under a
 * microsecond, which matters when a search runs a million short schedules.
 *
 * @example
 * ```ts
 * const random = runPrng(seedKey('ci-42'), 0);
 * const pick = Math.floor(random() * candidates.length);
 * ```
 */
export function runPrng(key: string, index: number): () => number {
  let a = parseInt(key.slice(0, 8) || '0', 16) | 0;
  let b = parseInt(key.slice(8, 16) || '0', 16) | 0;
  let c = index | 0;
  let d = Math.floor(index / 2 ** 32) ^ 0x9e3779b9;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // The first outputs still show the seed's structure: mix it away.
  for (let i = 0; i < 15; i++) next();
  return next;
}
