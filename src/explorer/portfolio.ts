/**
 * The default strategy: a portfolio that rotates random walk, PCT, POS, SURW and dfs, one
 * schedule at a time, in a fixed repeating pattern.
 *
 * Why a portfolio: each strategy has a bug shape it finds fast and one it misses (measured in
 * BENCHMARKS.md, "Bug-finding"). Random walk finds shallow races among many tasks; PCT bugs of
 * small depth among few tasks; POS orderings that need one racing step to jump ahead of many
 * independent ones; SURW a late step among many tasks (it samples interleavings of one
 * object's accesses near uniformly); dfs reaches bugs that need a long non-preemptive run or a
 * precise sequence of switches, which no sampler hits by chance. The user rarely knows the
 * shape in advance; a rotation pays at most a constant factor over the best member on each
 * shape, while any single member misses some shapes entirely.
 *
 * Shares (per cycle of `PATTERN`) come from the benchmark: the samplers share most of the
 * budget; dfs keeps a fixed share whatever the program, so the bugs that need systematic depth
 * are reached within the budget, and its search, being stateful, continues where it stopped at
 * each of its turns. When dfs has run every schedule it can, its turns go to surw: the
 * portfolio never reports `exhausted` itself (dfs's completeness depends on its reduction).
 *
 * Each member numbers its own schedules 0, 1, 2…, and draws from its own stream derived from
 * the seed (`seed/pos`, …), so member schedule `k` is the one the member would make alone, and a
 * schedule's recipe is its member's: a token names the member, not the portfolio. O(1) per
 * decision above the member's own cost.
 */
import { DfsStrategy } from './dfs.js';
import { PctStrategy } from './pct.js';
import { PosStrategy } from './pos.js';
import { RandomStrategy } from './random.js';
import type { RunRecipe, Strategy } from './strategy.js';
import { SurwStrategy } from './surw.js';
import type { AccessLog } from '../scheduler/loop.js';

/**
 * Member names by turn; one cycle of the rotation: surw 3 in 10 (never missed in the benchmark,
 * and its first schedule, the profiling run, is asyncio's own order), random 2 (fastest on
 * shallow bugs among many tasks), pct 2 (fastest on the deep counter), dfs 2 (fixed), pos 1
 * (the late read; slow elsewhere).
 */
const PATTERN = ['surw', 'random', 'pct', 'dfs', 'surw', 'pos', 'random', 'pct', 'surw', 'dfs'] as const;

type Member = (typeof PATTERN)[number];

/** Settings of the members, as the explorer resolved them. */
export interface PortfolioSettings {
  depth: number;
  preemptionBound: number;
  dpor: boolean;
}

export class PortfolioStrategy implements Strategy {
  readonly name = 'portfolio';
  readonly #members: Record<Member, Strategy>;
  readonly #runs: Record<Member, number> = { random: 0, pct: 0, pos: 0, surw: 0, dfs: 0 };
  #dfsDone = false;
  #current: Strategy;

  constructor(seed: string, settings: PortfolioSettings) {
    this.#members = {
      random: RandomStrategy.seeded(`${seed}/random`),
      pct: PctStrategy.seeded(`${seed}/pct`, settings.depth),
      pos: PosStrategy.seeded(`${seed}/pos`),
      surw: SurwStrategy.seeded(`${seed}/surw`),
      dfs: new DfsStrategy(settings.preemptionBound, settings.dpor),
    };
    this.#current = this.#members.random;
  }

  get needsAccesses(): boolean {
    return this.#current.needsAccesses === true;
  }

  beginRun(index: number): boolean {
    let name: Member = PATTERN[index % PATTERN.length]!;
    if (name === 'dfs' && !this.#dfsDone) {
      if (this.#members.dfs.beginRun(this.#runs.dfs)) {
        this.#runs.dfs++;
        this.#current = this.#members.dfs;
        return true;
      }
      this.#dfsDone = true;
    }
    // dfs has finished: its turns go to surw.
    if (name === 'dfs') name = 'surw';
    this.#current = this.#members[name];
    return this.#current.beginRun(this.#runs[name]++);
  }

  observe(log: AccessLog): void {
    this.#current.observe?.(log);
  }

  yielded(taskId: number): void {
    this.#current.yielded?.(taskId);
  }

  choose(candidates: readonly number[], step: number, pendingIo?: boolean): number {
    return this.#current.choose(candidates, step, pendingIo);
  }

  endRun(choices: readonly number[], failed: boolean, accesses?: AccessLog): void {
    this.#current.endRun(choices, failed, accesses);
  }

  recipe(): RunRecipe | undefined {
    return this.#current.recipe?.();
  }
}
