/**
 * Scenarios: a program and its exploration options, exported from a file so the CLI (and any
 * runner) can discover and explore it.
 */
import { check, type ExploreReport, type Program } from './explore.js';
import type { ExploreOptions } from './options.js';
import { show } from '../scheduler/errors.js';

const SCENARIO = Symbol.for('interleaved.scenario');

/**
 * A program packaged with its options, discoverable as an export of a file.
 *
 * @example
 * ```ts
 * export const transfers = scenario(async () => { ... }, { runs: 5000 });
 * const report = await transfers.check({ seed: 1 });
 * ```
 */
export interface Scenario {
  readonly program: Program;
  readonly options: ExploreOptions;
  /** Explores the scenario; `overrides` win over its own options. */
  check(overrides?: ExploreOptions): Promise<ExploreReport>;
}

/**
 * Declares a scenario: what the CLI explores when it finds it among a file's exports.
 *
 * @example
 * ```ts
 * export const lostUpdate = scenario(async () => {
 *   const c = new Shared(0);
 *   await gather(spawn(inc), spawn(inc));
 * }, { runs: 2000 });
 * ```
 * @throws TypeError if `program` is not a function.
 */
export function scenario(program: Program, options: ExploreOptions = {}): Scenario {
  if (typeof program !== 'function') throw new TypeError(`Expected \`program\` to be an async function, got ${show(program)}`);
  const s: Scenario & { [SCENARIO]: true } = {
    [SCENARIO]: true,
    program,
    options,
    check: (overrides) => check(program, { ...options, ...overrides }),
  };
  return Object.freeze(s);
}

/**
 * True for values made by {@link scenario}.
 *
 * @example
 * ```ts
 * const found = Object.values(await import('./scenarios.js')).filter(isScenario);
 * ```
 */
export function isScenario(value: unknown): value is Scenario {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SCENARIO] === true;
}
