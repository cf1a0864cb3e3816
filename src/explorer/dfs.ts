/**
 * Exhaustive depth-first search over schedules, with an optional preemption bound
 * (iterative context bounding: Musuvathi & Qadeer, PLDI 2007).
 *
 * Stateless: each schedule replays the current path of the search tree from the start (the
 * program is re-run; nothing is snapshotted), then extends it with non-preemptive defaults.
 * After the run, the deepest decision with an untried alternative is advanced. When the tree
 * is exhausted, every schedule within the bound has been run exactly once.
 *
 * Partial-order reduction is not applied here yet: equivalent interleavings of independent
 * steps are all run. Cost: O(depth) per schedule for backtracking; the tree is exponential.
 */
import type { Strategy } from './strategy.js';

interface Node {
  candidates: number[];
  /** Candidate indices in the order they are tried: the non-preemptive choice first. */
  order: number[];
  /** Position in `order` of the branch being explored. */
  pos: number;
  /** Preemptions on the path before this decision. */
  before: number;
  /** Task chosen at the previous decision. */
  last: number;
}

export class DfsStrategy implements Strategy {
  readonly name = 'dfs';
  readonly #bound: number;
  #path: Node[] = [];
  #depth = 0;
  #last = -3;
  #preemptions = 0;

  constructor(preemptionBound: number) {
    this.#bound = preemptionBound;
  }

  #isPreemption(node: Node, index: number): boolean {
    return node.last !== -3 && node.candidates.includes(node.last) && node.candidates[index] !== node.last;
  }

  beginRun(index: number): boolean {
    this.#depth = 0;
    this.#last = -3;
    this.#preemptions = 0;
    if (index === 0) return true;
    // Backtrack to the deepest decision with an alternative within the preemption bound.
    while (this.#path.length > 0) {
      const node = this.#path[this.#path.length - 1]!;
      let next = node.pos + 1;
      while (next < node.order.length && node.before + (this.#isPreemption(node, node.order[next]!) ? 1 : 0) > this.#bound) next++;
      if (next < node.order.length) {
        node.pos = next;
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
      const preferred = candidates.indexOf(this.#last);
      const order: number[] = preferred >= 0 ? [preferred] : [];
      for (let i = 0; i < candidates.length; i++) if (i !== preferred) order.push(i);
      node = { candidates: candidates.slice(), order, pos: 0, before: this.#preemptions, last: this.#last };
      this.#path.push(node);
    }
    const planned = node.order[node.pos]!;
    const index = planned < candidates.length ? planned : 0;
    if (this.#isPreemption(node, index)) this.#preemptions++;
    this.#last = candidates[index]!;
    return index;
  }

  endRun(): void {
    // A run shorter than the path (the program behaved differently) leaves stale nodes.
    this.#path.length = Math.min(this.#path.length, this.#depth);
  }
}
