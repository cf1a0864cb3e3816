/**
 * Scenarios: a program and its exploration options, exported from a file so the CLI (and any
 * runner) can discover and explore it.
 */
import { check, replay, type ExploreReport, type Program, type RunOptions, type RunResult } from './explore.js';
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
 * if (report.failure) console.log((await transfers.replay(report.failure.token)).ok); // false
 * ```
 */
export interface Scenario {
  readonly program: Program;
  readonly options: ExploreOptions;
  /** Explores the scenario; `overrides` win over its own options. */
  check(overrides?: ExploreOptions): Promise<ExploreReport>;
  /** Runs exactly the schedule of `token`, with the scenario's `maxSteps`, `detect` and `fakeTimers`. */
  replay(token: string): Promise<RunResult>;
}

function runOptionsOf(options: ExploreOptions): RunOptions {
  const out: RunOptions = {};
  if (options.maxSteps !== undefined) out.maxSteps = options.maxSteps;
  if (options.detect !== undefined) out.detect = options.detect;
  if (options.fakeTimers !== undefined) out.fakeTimers = options.fakeTimers;
  return out;
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
    replay: (token) => replay(program, token, runOptionsOf(options)),
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
