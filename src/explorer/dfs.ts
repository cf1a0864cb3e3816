/**
 * Exhaustive depth-first search over schedules, with optimal partial-order reduction on
 * request (`dpor: true`) and an optional preemption bound.
 *
 * Stateless (VeriSoft-style): each schedule replays the current path of the search tree from
 * the start, then extends it with non-preemptive defaults; nothing is snapshotted.
 *
 * Without reduction every runnable task is tried at every decision, so `exhausted` holds for
 * any program, plain variables included. The preemption bound (iterative context bounding:
 * Musuvathi & Qadeer, PLDI 2007) filters the alternatives tried; with a finite bound the search
 * is complete only within the bound.
 *
 * With `dpor: true` the user declares that tasks share state only through `Shared` and
 * interleaved's primitives, and the search is optimal DPOR (dpor/optimal.ts): one schedule per
 * Mazurkiewicz trace. Each controlled call's completion is an event of its own there, ordered
 * after the step that started the call and before the task's later steps; letting virtual time
 * run is an event too, and cancellation a write to what the cancelled task waits on
 * (dpor/events.ts states the dependence). A finite preemption bound means the unreduced search
 * (bounding and the reduction do not compose soundly).
 *
 * Cost: O(depth) per schedule to backtrack, plus the reduction's race analysis.
 */
import type { AccessLog } from '../scheduler/loop.js';
import { OptimalDpor, type DporStats } from './dpor/optimal.js';
import type { RunRecipe, Strategy } from './strategy.js';

interface Node {
  /** Task ids runnable at this decision, in ready order, the non-preemptive one first. */
  order: number[];
  /** How many of `order` were explored (the current one included). */
  next: number;
  /** Preemptions on the path before this decision. */
  before: number;
  /** Task chosen at the previous decision (NaN: none). */
  last: number;
}

/** Every schedule, non-preemptive choices first, within a preemption bound. */
class ExhaustiveSearch {
  readonly #bound: number;
  #path: Node[] = [];
  #depth = 0;
  #last = Number.NaN;
  #preemptions = 0;

  constructor(bound: number) {
    this.#bound = bound;
  }

  #allowed(node: Node, id: number): boolean {
    const preempts = !Number.isNaN(node.last) && node.order.includes(node.last) && id !== node.last;
    return node.before + (preempts ? 1 : 0) <= this.#bound;
  }

  beginRun(index: number): boolean {
    this.#depth = 0;
    this.#last = Number.NaN;
    this.#preemptions = 0;
    if (index === 0) {
      this.#path = [];
      return true;
    }
    // Backtrack to the deepest decision with an unexplored alternative within the bound.
    while (this.#path.length > 0) {
      const node = this.#path[this.#path.length - 1]!;
      while (node.next < node.order.length && !this.#allowed(node, node.order[node.next]!)) node.next++;
      if (node.next < node.order.length) {
        node.next++;
        return true;
      }
      this.#path.pop();
    }
    return false;
  }

  choose(candidates: readonly number[]): number {
    const d = this.#depth++;
    let node = this.#path[d];
    if (node === undefined) {
      const preferred = candidates.includes(this.#last) ? this.#last : candidates[0]!;
      node = { order: [preferred, ...candidates.filter((id) => id !== preferred)], next: 1, before: this.#preemptions, last: this.#last };
      this.#path.push(node);
    }
    let index = candidates.indexOf(node.order[node.next - 1]!);
    if (index < 0) index = 0; // the program diverged from the recorded path
    const id = candidates[index]!;
    if (!Number.isNaN(this.#last) && id !== this.#last && candidates.includes(this.#last)) this.#preemptions++;
    this.#last = id;
    return index;
  }

  endRun(steps: number): void {
    // A run shorter than the path (the program behaved differently) leaves stale nodes.
    this.#path.length = Math.min(this.#path.length, steps);
  }
}

export class DfsStrategy implements Strategy {
  readonly name = 'dfs';
  readonly #options: string;
  #index = 0;
  readonly #full: ExhaustiveSearch;
  #dpor: OptimalDpor | undefined;

  constructor(preemptionBound: number, dpor = false) {
    this.#full = new ExhaustiveSearch(preemptionBound);
    this.#dpor = dpor && preemptionBound === Infinity ? new OptimalDpor() : undefined;
    this.#options = `${preemptionBound}/${dpor ? 1 : 0}`;
  }

  /** Rebuilds the search a recipe's `params` (`bound/dpor`) describe; undefined if malformed. */
  static fromParams(params: string): DfsStrategy | undefined {
    const m = /^(Infinity|[0-9]{1,9})\/([01])$/.exec(params);
    return m === null ? undefined : new DfsStrategy(Number(m[1]), m[2] === '1');
  }

  /** Run k is made again by searching runs 0..k-1 first: the search is deterministic. */
  recipe(): RunRecipe {
    return { strategy: 'dfs', key: '', index: this.#index, params: this.#options, history: true };
  }

  get needsAccesses(): boolean {
    return this.#dpor !== undefined;
  }

  /** The reduction's counters (undefined when the search is unreduced). */
  get stats(): DporStats | undefined {
    return this.#dpor?.stats;
  }

  observe(log: AccessLog): void {
    this.#dpor?.observe(log);
  }

  beginRun(index: number): boolean {
    this.#index = index;
    if (this.#dpor !== undefined) return this.#dpor.beginRun(index);
    return this.#full.beginRun(index);
  }

  choose(candidates: readonly number[]): number {
    return this.#dpor !== undefined ? this.#dpor.choose(candidates) : this.#full.choose(candidates);
  }

  endRun(choices: readonly number[], failed: boolean, accesses?: AccessLog): void {
    if (this.#dpor === undefined) return this.#full.endRun(choices.length);
    if (accesses === undefined) throw new Error('interleaved internal error: dfs with dpor ran a schedule without its access log');
    this.#dpor.endRun(choices.length, accesses, failed);
  }
}
