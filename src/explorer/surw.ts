/**
 * SURW, selectively uniform random walk (Zhao, Wolff, Mathur, Roychoudhury, ASPLOS 2025).
 *
 * Random walk (every runnable task equally likely) does not sample interleavings uniformly: a
 * task with one step runs early in almost every schedule, so a bug that needs it after most
 * of the others' steps is rare. Choosing each task with probability proportional to its
 * *remaining* steps samples every interleaving of known step counts with the same probability
 * (the multinomial count of completions is proportional to the remaining steps). SURW applies
 * this only to the *interesting* steps, those touching one shared object chosen per schedule,
 * and runs the other steps first, in a random order, so the interleavings of the steps on that
 * object are sampled close to uniformly while every interleaving stays possible.
 *
 * Per decision: if some candidate's next step is predicted not to touch the chosen object,
 * one of those runs (weighted by remaining steps); otherwise the candidate runs with
 * probability proportional to its remaining interesting steps.
 *
 * Departures:
 * - Step counts are not known in advance. The first schedule of the strategy is a profiling
 *   run in asyncio's order (the same whatever the seed); it records each task's number of
 *   steps and which of its steps touched which object (objects named by their label, tasks by
 *   creation number, both stable from run to run). Later schedules predict from it: task t's
 *   j-th step touches what t's j-th step touched then. A task or step the profile lacks counts
 *   as one remaining uninteresting step.
 * - The chosen object is drawn per schedule among the objects the profile shows touched by
 *   two tasks or more, one of them writing (a shared variable, a lock, a queue); an object
 *   only waited on (a gather's future, awaited tasks) is not chosen.
 * - A task seen spinning (steps.ts) is weighted last: it runs only when nothing else can.
 * - Candidates are opaque event ids; the clock and call completions count as uninteresting.
 *
 * Schedule `k` draws from its own stream (`runPrng(key, k)`) and depends on the seed, k and the
 * profile (a function of the program only). Its recipe says `history`, since the profile comes
 * from the strategy's first schedule: replaying it runs the strategy's schedules up to k again.
 * Cost per decision: O(candidates); per run, O(accesses) to read the profile.
 */
import { TaskImpl } from '../scheduler/task.js';
import { WRITE, type AccessLog } from '../scheduler/loop.js';
import { StepWatch } from './steps.js';
import { runPrng, seedKey, type RunRecipe, type Strategy } from './strategy.js';

interface TaskProfile {
  /** Steps the task ran. */
  steps: number;
  /** Object label → the task's step ordinals (0-based) that touched it. */
  touched: Map<string, number[]>;
}

interface Profile {
  tasks: Map<number, TaskProfile>;
  /** Objects touched by two tasks or more, one writing: the candidates to select. */
  shared: string[];
}

function labelOf(object: object): string | undefined {
  if (object instanceof TaskImpl) return undefined;
  const label = (object as { label?: unknown }).label;
  return typeof label === 'string' ? label : undefined;
}

/** Reads a profile from one schedule's choices and access log. */
export function profileOf(choices: readonly number[], log: AccessLog): Profile {
  const tasks = new Map<number, TaskProfile>();
  const ordinal: number[] = [];
  for (const id of choices) {
    let p = tasks.get(id);
    if (p === undefined) tasks.set(id, (p = { steps: 0, touched: new Map() }));
    ordinal.push(p.steps++);
  }
  const users = new Map<string, { tasks: Set<number>; write: boolean }>();
  for (let i = 0; i < log.length; i += 3) {
    const step = log[i] as number;
    const label = labelOf(log[i + 1] as object);
    const id = choices[step - 1];
    if (label === undefined || id === undefined) continue;
    const p = tasks.get(id)!;
    const ordinals = p.touched.get(label) ?? [];
    const j = ordinal[step - 1]!;
    if (ordinals[ordinals.length - 1] !== j) ordinals.push(j);
    p.touched.set(label, ordinals);
    const u = users.get(label) ?? { tasks: new Set<number>(), write: false };
    u.tasks.add(id);
    if (log[i + 2] === WRITE) u.write = true;
    users.set(label, u);
  }
  const shared = [...users].filter(([, u]) => u.tasks.size >= 2 && u.write).map(([label]) => label);
  return { tasks, shared };
}

export class SurwStrategy implements Strategy {
  readonly name: string = 'surw';
  readonly needsAccesses = true;
  readonly #key: string;
  #index = 0;
  #random: () => number = () => 0;
  #profile: Profile | undefined = undefined;
  #profiling = false;
  /** The object whose steps are interleaved uniformly in this schedule. */
  #selected: string | undefined = undefined;
  /** Steps each event id ran in this schedule. */
  #done = new Map<number, number>();
  #spinning = new Set<number>();
  #last: number | undefined = undefined;
  readonly #watch = new StepWatch();

  /** @param key `seedKey(seed)` */
  constructor(key: string) {
    this.#key = key;
  }

  /** A SURW strategy for a seed. */
  static seeded(seed: string): SurwStrategy {
    return new SurwStrategy(seedKey(seed));
  }

  beginRun(index: number): boolean {
    this.#index = index;
    this.#random = runPrng(this.#key, index);
    this.#profiling = this.#profile === undefined;
    this.#done = new Map();
    this.#spinning = new Set();
    this.#last = undefined;
    this.#watch.reset();
    const shared = this.#profile?.shared ?? [];
    this.#selected = shared.length === 0 ? undefined : shared[Math.floor(this.#random() * shared.length)];
    return true;
  }

  yielded(taskId: number): void {
    this.#watch.yielded(taskId);
  }

  choose(candidates: readonly number[], step: number): number {
    const last = this.#last;
    if (last !== undefined) {
      this.#done.set(last, (this.#done.get(last) ?? 0) + 1);
      if (this.#watch.ended(last, step)) this.#spinning.add(last);
      else this.#spinning.delete(last);
    }
    const index = this.#profiling || candidates.length === 1 ? 0 : this.#pick(candidates);
    this.#last = candidates[index]!;
    return index;
  }

  #pick(candidates: readonly number[]): number {
    // Weights: plain[i] for a candidate whose next step is uninteresting (remaining steps),
    // interesting[i] otherwise (remaining interesting steps); spinners only as a last resort.
    const plain: number[] = [];
    const interesting: number[] = [];
    let plainSum = 0;
    let interestingSum = 0;
    for (const id of candidates) {
      const p = this.#profile!.tasks.get(id);
      const done = this.#done.get(id) ?? 0;
      const ordinals = this.#selected === undefined ? undefined : p?.touched.get(this.#selected);
      const spinning = this.#spinning.has(id);
      let w = 0;
      let wi = 0;
      if (!spinning) {
        if (ordinals !== undefined && ordinals.includes(done)) wi = ordinals.filter((j) => j >= done).length;
        else w = Math.max(1, (p?.steps ?? 0) - done);
      }
      plain.push(w);
      interesting.push(wi);
      plainSum += w;
      interestingSum += wi;
    }
    if (plainSum > 0) return this.#weighted(plain, plainSum);
    if (interestingSum > 0) return this.#weighted(interesting, interestingSum);
    return Math.floor(this.#random() * candidates.length);
  }

  #weighted(weights: readonly number[], sum: number): number {
    let r = this.#random() * sum;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0 && weights[i]! > 0) return i;
    }
    // Rounding left r >= 0 after the last weight: the last candidate with a weight.
    for (let i = weights.length - 1; i > 0; i--) if (weights[i]! > 0) return i;
    return 0;
  }

  endRun(choices: readonly number[], _failed: boolean, accesses?: AccessLog): void {
    if (this.#profiling && accesses !== undefined) this.#profile = profileOf(choices, accesses);
  }

  recipe(): RunRecipe {
    return { strategy: 'surw', key: this.#key, index: this.#index, params: '', history: true };
  }
}
