/**
 * Exhaustive depth-first search over schedules, with dynamic partial-order reduction and an
 * optional preemption bound.
 *
 * Stateless (VeriSoft-style): each schedule replays the current path of the search tree from
 * the start, then extends it with non-preemptive defaults; nothing is snapshotted.
 *
 * Partial-order reduction follows DPOR (Flanagan & Godefroid, POPL 2005): each decision keeps a
 * backtrack set, initially only the task that ran. After a schedule, every pair of dependent
 * steps by different tasks that the schedule left unordered by happens-before (vector clocks
 * over program order and dependence) is a race; the later step's task is added to the backtrack
 * set of the earlier step's decision (or every task enabled there, if it was not enabled). Only
 * backtrack entries are explored, so one schedule per class of equivalent interleavings (and
 * some duplicates: there are no sleep sets yet) is run instead of all of them.
 *
 * Dependence comes from what steps touch (the access log): a `Shared` read conflicts with a
 * write to the same variable; every other operation on a primitive, task or future counts as a
 * write (conservative); waking from `sleep` depends on the clock. A wake-up after blocking
 * acquires what woke it (it is ordered after it and races with nothing: it could not have run
 * earlier), which keeps hand-offs, awaited tasks and gathers from multiplying schedules. The reduction is sound only
 * for programs whose tasks share state through `Shared` and interleaved's primitives: two steps
 * that share a plain variable look independent. It is therefore off unless the user declares
 * that (`dpor: true`); without it the search is the full one.
 *
 * The reduction is applied to programs that coordinate through `Shared` and the primitives
 * alone. A schedule that lets virtual time run, cancels a task or has a controlled call pending
 * switches the search to the unreduced one (started over): which steps can run then depends on
 * more than what they touch (time advances only when every task waits).
 *
 * The preemption bound (iterative context bounding: Musuvathi & Qadeer, PLDI 2007) filters the
 * alternatives tried; with a finite bound the search is complete only within the bound.
 *
 * Cost: O(depth) per schedule to backtrack; the race analysis is O(accesses × tasks).
 */
import { ACQUIRE, CANCEL_OBJECT, CLOCK_OBJECT, WRITE, type AccessLog } from '../scheduler/loop.js';
import { CLOCK, type RunRecipe, type Strategy } from './strategy.js';

interface Node {
  /** Task ids runnable at this decision, in ready order. */
  candidates: number[];
  /** Task ids to explore here, the non-preemptive one first. */
  backtrack: number[];
  /** Task ids already explored here. */
  done: Set<number>;
  /** The task chosen in the current schedule. */
  chosen: number;
  /** Preemptions on the path before this decision. */
  before: number;
  /** Task chosen at the previous decision. */
  last: number;
}

interface Access {
  object: object;
  kind: number;
}

interface ObjectState {
  lastWrite: number;
  writer: number;
  /** Reads since the last write: task id → step index. */
  reads: Map<number, number>;
  /** Join of the clocks of every step that touched the object (what an acquire waits for). */
  clock: number[];
}

export class DfsStrategy implements Strategy {
  readonly name = 'dfs';
  readonly #bound: number;
  readonly #options: string;
  #index = 0;
  #dpor: boolean;
  /** The reduction was dropped after the last schedule: the search starts over, unreduced. */
  #restart = false;
  #sawIo = false;
  #path: Node[] = [];
  #depth = 0;
  #last = Number.NaN;
  #preemptions = 0;

  constructor(preemptionBound: number, dpor = false) {
    this.#bound = preemptionBound;
    this.#dpor = dpor;
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
    return this.#dpor;
  }

  #isPreemption(node: Node, id: number): boolean {
    return !Number.isNaN(node.last) && node.candidates.includes(node.last) && id !== node.last;
  }

  #allowed(node: Node, id: number): boolean {
    return node.before + (this.#isPreemption(node, id) ? 1 : 0) <= this.#bound;
  }

  beginRun(index: number): boolean {
    this.#index = index;
    this.#depth = 0;
    this.#last = Number.NaN;
    this.#preemptions = 0;
    this.#sawIo = false;
    if (index === 0 || this.#restart) {
      this.#restart = false;
      return true;
    }
    // Backtrack to the deepest decision with an unexplored alternative within the bound.
    while (this.#path.length > 0) {
      const node = this.#path[this.#path.length - 1]!;
      const next = node.backtrack.find((id) => !node.done.has(id) && this.#allowed(node, id));
      if (next !== undefined) {
        node.chosen = next;
        node.done.add(next);
        return true;
      }
      this.#path.pop();
    }
    return false;
  }

  choose(candidates: readonly number[], _step: number, pendingIo = false): number {
    const d = this.#depth++;
    if (pendingIo) this.#sawIo = true;
    let node = this.#path[d];
    if (node === undefined) {
      const preferred = candidates.includes(this.#last) ? this.#last : candidates[0]!;
      // Whether pending I/O completes before virtual time runs (and before which other steps)
      // is a choice no access shows: a decision with a call pending is explored in full.
      const full = !this.#dpor || pendingIo || candidates.includes(CLOCK);
      const backtrack = full ? [preferred, ...candidates.filter((id) => id !== preferred)] : [preferred];
      node = {
        candidates: candidates.slice(),
        backtrack,
        done: new Set([preferred]),
        chosen: preferred,
        before: this.#preemptions,
        last: this.#last,
      };
      this.#path.push(node);
    }
    let index = candidates.indexOf(node.chosen);
    if (index < 0) index = 0; // the program diverged from the recorded path
    if (this.#isPreemption(node, candidates[index]!)) this.#preemptions++;
    this.#last = candidates[index]!;
    return index;
  }

  endRun(_choices: readonly number[], _failed: boolean, accesses?: AccessLog): void {
    // A run shorter than the path (the program behaved differently) leaves stale nodes.
    this.#path.length = Math.min(this.#path.length, this.#depth);
    if (!this.#dpor || accesses === undefined) return;
    if (this.#sawIo || accesses.includes(CLOCK_OBJECT) || accesses.includes(CANCEL_OBJECT)) {
      // Virtual time (advancing only when every task waits), cancellation and pending I/O
      // make which steps can run depend on more than what they touch: the reduction is not
      // sound for them, so the search starts over without it.
      this.#dpor = false;
      this.#restart = true;
      this.#path = [];
      return;
    }
    this.#addRaces(this.#byStep(accesses));
  }

  /** Accesses grouped by decision depth (step s is the decision at depth s - 1). */
  #byStep(accesses: AccessLog): Access[][] {
    const n = this.#path.length;
    const byStep: Access[][] = Array.from({ length: n }, () => []);
    for (let i = 0; i < accesses.length; i += 3) {
      const step = accesses[i] as number;
      if (step >= 1 && step <= n) byStep[step - 1]!.push({ object: accesses[i + 1] as object, kind: accesses[i + 2] as number });
    }
    return byStep;
  }

  /** Adds a backtrack point for every race in the schedule just run. */
  #addRaces(byStep: Access[][]): void {
    const path = this.#path;
    const n = path.length;
    const clockOf = new Map<number, number[]>(); // task id → vector clock (slot → last step index)
    const stepClock: number[][] = [];
    const objects = new Map<object, ObjectState>();
    const join = (a: number[], b: readonly number[]): void => {
      for (let k = 0; k < b.length; k++) if ((b[k] ?? -1) > (a[k] ?? -1)) a[k] = b[k]!;
    };
    const slot = (id: number): number => id + 1; // CLOCK (-1) gets slot 0
    for (let i = 0; i < n; i++) {
      const node = path[i]!;
      const p = node.chosen;
      const clock = (clockOf.get(p) ?? []).slice();
      if (p === CLOCK) {
        // Letting time run is ordered after everything before it, and may go anywhere.
        for (const other of stepClock) join(clock, other);
        this.#race(node, -1);
      }
      const touched: ObjectState[] = [];
      for (const { object, kind } of byStep[i]!) {
        let state = objects.get(object);
        if (state === undefined) {
          state = { lastWrite: -1, writer: -2, reads: new Map(), clock: [] };
          objects.set(object, state);
        }
        touched.push(state);
        if (kind === ACQUIRE) {
          // A wake-up: ordered after everything that touched the object, racing with none.
          join(clock, state.clock);
          continue;
        }
        const conflicts: number[] = [];
        if (state.lastWrite >= 0 && state.writer !== p) conflicts.push(state.lastWrite);
        if (kind === WRITE) for (const [reader, j] of state.reads) if (reader !== p) conflicts.push(j);
        for (const j of conflicts) {
          const q = path[j]!.chosen;
          if ((clock[slot(q)] ?? -1) < j) this.#race(path[j]!, p);
          join(clock, stepClock[j]!);
        }
        if (kind === WRITE) {
          state.lastWrite = i;
          state.writer = p;
          state.reads.clear();
        } else {
          state.reads.set(p, i);
        }
      }
      clock[slot(p)] = i;
      clockOf.set(p, clock);
      stepClock.push(clock);
      for (const state of touched) join(state.clock, clock);
    }
  }

  /** Step of `node` races with a later step of task `p`: explore `p` first there. */
  #race(node: Node, p: number): void {
    const add = (id: number): void => {
      if (!node.backtrack.includes(id)) node.backtrack.push(id);
    };
    if (p !== -1 && node.candidates.includes(p)) add(p);
    else for (const id of node.candidates) add(id);
  }
}
