/**
 * Who explores what: scenarios and seed streams split across CI machines (`--shard i/n`) and
 * across the worker threads of one machine, deterministically from `--seed`.
 *
 * The unit of work is a pair (scenario k, seed stream j); stream j searches with the seed
 * `<seed>.<j>`. A shard owns:
 * - when there are at least as many scenarios as shards, the scenarios with k mod n = i, each
 *   with streams 0 … W-1 (W = its workers);
 * - otherwise every scenario, with the streams j = i + n·w for w = 0 … W-1.
 * Either way two shards never own the same pair, and together the n shards own every scenario
 * (all of them, with n·W streams, in the second case). Worker w of a shard takes its w-th
 * stream of every scenario it owns, in scenario order.
 *
 * dfs enumerates one fixed order whatever the seed, so a dfs scenario has only stream 0, run
 * by worker 0 of the shard that owns it.
 */

/**
 * One (scenario, seed stream) pair given to a worker.
 *
 * @example
 * ```ts
 * const job: Job = { scenario: 0, stream: 1, seed: 'ci.1', runs: undefined };
 * ```
 */
export interface Job {
  /** Index into the scenarios list. */
  scenario: number;
  stream: number;
  seed: string;
  /** Schedules for this job; undefined means until the time budget ends. */
  runs: number | undefined;
}

/**
 * What a plan is made from.
 *
 * @example
 * ```ts
 * const input: PlanInput = { scenarios: 3, workers: 2, shard: { index: 0, count: 1 }, seed: 'ci', runs: undefined, dfs: () => false };
 * ```
 */
export interface PlanInput {
  scenarios: number;
  workers: number;
  shard: { index: number; count: number };
  seed: string;
  /** Schedules per scenario on this machine, split across its workers. */
  runs: number | undefined;
  /** Scenarios explored with dfs (one stream only). */
  dfs: (scenario: number) => boolean;
}

/**
 * This shard's work.
 *
 * @example
 * ```ts
 * const plan: Plan = planShard(input);
 * ```
 */
export interface Plan {
  /** Scenario indexes this shard explores, ascending. */
  scenarios: number[];
  /** One job list per worker that has work; never an empty list. */
  workers: Job[][];
}

/**
 * The seed of stream `j`.
 *
 * @example
 * ```ts
 * streamSeed('ci', 2); // 'ci.2'
 * ```
 */
export function streamSeed(seed: string, stream: number): string {
  return `${seed}.${stream}`;
}

/**
 * Splits the work of this shard across its workers.
 *
 * @example
 * ```ts
 * const plan = planShard({ scenarios: 3, workers: 2, shard: { index: 0, count: 1 }, seed: 'ci', runs: undefined, dfs: () => false });
 * plan.workers[1]!.map((j) => j.seed); // ['ci.1', 'ci.1', 'ci.1']
 * ```
 */
export function planShard(input: PlanInput): Plan {
  const { index, count } = input.shard;
  const byScenario = input.scenarios >= count;
  const scenarios: number[] = [];
  for (let k = 0; k < input.scenarios; k++) if (!byScenario || k % count === index) scenarios.push(k);
  const workers: Job[][] = Array.from({ length: input.workers }, () => []);
  for (const k of scenarios) {
    const dfs = input.dfs(k);
    for (let w = 0; w < input.workers; w++) {
      const stream = byScenario ? w : index + count * w;
      if (dfs && stream !== 0) continue;
      const share = dfs ? input.runs : input.runs === undefined ? undefined : Math.floor(input.runs / input.workers) + (w < input.runs % input.workers ? 1 : 0);
      if (share === 0) continue;
      workers[w]!.push({ scenario: k, stream, seed: streamSeed(input.seed, stream), runs: share });
    }
  }
  const busy = workers.filter((jobs) => jobs.length > 0);
  const owned = scenarios.filter((k) => busy.some((jobs) => jobs.some((j) => j.scenario === k)));
  return { scenarios: owned, workers: busy };
}
