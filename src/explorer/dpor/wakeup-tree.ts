/**
 * Wake-up trees (Abdulla, Aronis, Jonsson, Sagonas, POPL 2014, §6; JACM 2017): at each decision
 * of the search, the ordered set of event sequences still to explore from there, as a tree
 * whose branches share their common beginnings.
 *
 * A sequence `w` is *covered* by a node's subtree when some explored or pending branch starts
 * with events that `w` could begin with too. The test is on *weak initials*: task `p` is a weak
 * initial of `w` when `p`'s first event in `w` is independent of everything before it in `w`
 * (it could run first), or when `p` does not occur in `w` and its next event is independent
 * of all of `w` (running it first leaves `w` possible). Insertion walks down the tree taking,
 * at each node, the first child whose task is a weak initial of what is left of `w`, and
 * removes that task's event from `w`; reaching a leaf means `w` is covered; otherwise what is
 * left of `w` becomes a new last branch where the walk stopped.
 *
 * Cost: an insertion is O(depth × children × |w|²) dependence tests.
 */
import { dependent, type Event } from './events.js';

/**
 * A sequence placed in a tree by trusting a guessed event (optimal.ts): if the guess proves
 * wrong, `v` is added again at decision `depth`, the conservative way.
 */
export interface Watch {
  depth: number;
  v: Event[];
}

export class WakeupNode {
  readonly task: number;
  /** The event the task makes here (known once run, or from the schedule that inserted it). */
  event: Event | undefined;
  readonly children: WakeupNode[] = [];
  /** Guesses of what the task's step does here, each with the sequence that relied on it. */
  guesses: { guess: Event; watch: Watch }[] | undefined = undefined;
  /** Sequences whose placement went through this node while it held a guess. */
  dependents: Watch[] | undefined = undefined;

  constructor(task: number, event?: Event) {
    this.task = task;
    this.event = event;
  }

  remove(child: WakeupNode): void {
    const i = this.children.indexOf(child);
    if (i >= 0) this.children.splice(i, 1);
  }
}

/**
 * Whether `task` (whose next event is `next`, when known) is a weak initial of `w`; returns the
 * index of its first event in `w`, `w.length` when it does not occur, or -1 when it is not one.
 */
export function weakInitial(task: number, next: Event | undefined, w: readonly Event[]): number {
  for (let m = 0; m < w.length; m++) {
    if (w[m]!.task !== task) continue;
    for (let k = 0; k < m; k++) if (dependent(w[k]!, w[m]!)) return -1;
    return m;
  }
  if (next === undefined) return -1;
  for (const e of w) if (dependent(e, next)) return -1;
  return w.length;
}

/** Where an insertion went: the nodes it went through or made, and the node of `w`'s last event. */
export interface Placement {
  nodes: WakeupNode[];
  last: WakeupNode | undefined;
}

/**
 * Inserts `w` under `root` unless a branch already covers it. With `placement`, records the
 * nodes the insertion went through or made, and where `w`'s last event landed (undefined: a
 * leaf covered `w` before it).
 */
export function insert(root: WakeupNode, w: readonly Event[], placement?: Placement): void {
  let node = root;
  let rest = w.slice();
  const last = w[w.length - 1];
  for (let guard = 0; guard <= w.length + 1_000_000; guard++) {
    if (node !== root && node.children.length === 0) return;
    let next: WakeupNode | undefined;
    for (const child of node.children) {
      const m = weakInitial(child.task, child.event, rest);
      if (m < 0) continue;
      if (m < rest.length) {
        if (placement !== undefined && rest[m] === last) placement.last = child;
        rest.splice(m, 1);
      }
      next = child;
      break;
    }
    if (next === undefined) {
      for (const e of rest) {
        const leaf = new WakeupNode(e.task, e);
        node.children.push(leaf);
        node = leaf;
        if (placement !== undefined) {
          placement.nodes.push(leaf);
          if (e === last) placement.last = leaf;
        }
      }
      return;
    }
    placement?.nodes.push(next);
    node = next;
  }
  throw new Error('interleaved internal error: a wake-up tree insertion did not end');
}

/**
 * Adds `w` under `root` as a branch of its own unless a branch with the same tasks in the same
 * order is there: for a sequence whose last step is not known, no cover can be trusted.
 */
export function append(root: WakeupNode, w: readonly Event[]): void {
  let node = root;
  let k = 0;
  for (; k < w.length; k++) {
    const same = node.children.find((c) => c.task === w[k]!.task);
    if (same === undefined) break;
    node = same;
  }
  for (; k < w.length; k++) {
    const leaf = new WakeupNode(w[k]!.task, w[k]);
    node.children.push(leaf);
    node = leaf;
  }
}
