/**
 * Making a run again from its recipe (see strategy.ts): the replay of a `RECIPE` token.
 *
 * The strategy is rebuilt from the recipe's key and parameters by the factory registered under
 * its name; run `index` is then prepared (after running 0..index-1 when the strategy's runs
 * depend on their predecessors, as dfs's do) and run once. The choices it makes are checked
 * against the hash the token carries: a program that changed since the token was made gives a
 * different schedule, and the replay says so instead of showing an unrelated trace.
 *
 * Cost: one run, or `index + 1` runs for a strategy with history (bounded by the index the
 * search itself reached).
 */
import { errorText } from './report.js';
import { runSchedule, type RunConfig, type ScheduleResult } from './runner.js';
import type { Program } from './explore.js';
import { DfsStrategy } from './dfs.js';
import { PctStrategy } from './pct.js';
import { PosStrategy } from './pos.js';
import { RandomStrategy } from './random.js';
import type { RunRecipe, Strategy } from './strategy.js';
import { SurwStrategy } from './surw.js';
import { hashOfChoices } from './token.js';

/** Asyncio's own order: the head of the ready queue, always (what `run` does). */
export const FIFO: Strategy = {
  name: 'fifo',
  beginRun: () => true,
  choose: () => 0,
  endRun: () => {},
  recipe: () => ({ strategy: 'fifo', key: '', index: 0, params: '', history: false }),
};

/**
 * Factories by strategy name: `(key, params)` to a fresh strategy, undefined when the
 * parameters are malformed. A new strategy with a `recipe()` adds its line here.
 */
const FACTORIES: Record<string, (key: string, params: string) => Strategy | undefined> = {
  fifo: () => FIFO,
  random: (key, params) => (params === '' && key !== '' ? new RandomStrategy(key) : undefined),
  pct: (key, params) => (key === '' ? undefined : PctStrategy.fromParams(key, params)),
  dfs: (_key, params) => DfsStrategy.fromParams(params),
  pos: (key, params) => (params === '' && key !== '' ? new PosStrategy(key) : undefined),
  surw: (key, params) => (params === '' && key !== '' ? new SurwStrategy(key) : undefined),
};

/** The strategy a recipe names, rebuilt; undefined when no factory knows it. */
export function rebuild(recipe: RunRecipe): Strategy | undefined {
  return Object.hasOwn(FACTORIES, recipe.strategy) ? FACTORIES[recipe.strategy]!(recipe.key, recipe.params) : undefined;
}

function drifted(result: ScheduleResult, why: string): ScheduleResult {
  const then = result.end.kind === 'ok' ? '' : `\n(the regenerated run then failed: ${errorText(result.end.error)})`;
  const error = new Error(
    `the token's schedule could not be made again: ${why}. The program changed since the token was made, ` +
      `or it has nondeterminism outside the scheduler (Math.random, Date.now, real timers or I/O, or state kept between runs)${then}`,
  );
  return { ...result, end: { kind: 'nondeterministic', error } };
}

/**
 * Runs the schedule a recipe names, with `config` (traced); the result is 'nondeterministic'
 * when the run made differs from the recorded one.
 */
export async function regenerate(program: Program, strategy: Strategy, recipe: RunRecipe, hash: number, config: RunConfig): Promise<ScheduleResult> {
  const quiet: RunConfig = { ...config, trace: false };
  for (let i = recipe.history ? 0 : recipe.index; i <= recipe.index; i++) {
    const last = i === recipe.index;
    const live = last ? config : quiet;
    const began = strategy.beginRun(i);
    live.accesses = strategy.needsAccesses === true;
    if (!began) {
      const none: ScheduleResult = {
        end: { kind: 'ok' },
        choices: [],
        steps: 0,
        time: 0,
        preemptions: 0,
        direct: config.direct,
        fakeTimers: config.fakeTimers === true,
        randomSeed: config.randomSeed ?? 0,
        realResources: [],
        hostReads: [],
        accesses: undefined,
        trace: [],
      };
      return drifted(none, `the ${strategy.name} search ended after ${i} schedules, and the token names schedule ${recipe.index + 1}`);
    }
    const result = await runSchedule(program, strategy, live);
    if (last) {
      const made = hashOfChoices(result.choices);
      return made === hash ? result : drifted(result, `the regenerated schedule ${recipe.index + 1} (${result.steps} steps) is not the recorded one`);
    }
    strategy.endRun(result.choices, result.end.kind !== 'ok', result.accesses);
    if (!result.direct) {
      config.direct = false;
      quiet.direct = false;
    }
  }
  throw new Error('interleaved internal error: a regeneration loop ended without its last run');
}
