/**
 * Lock-order checking (`detect.lockOrder`), after the Linux kernel's lockdep: every time a task
 * takes a lock while holding others, an edge "held → taken" is added to a graph of locks; an
 * edge that closes a cycle means two code paths take the same locks in opposite orders, a
 * deadlock that only needs the right schedule, even if none of the explored schedules hit it.
 *
 * Per run, so the verdict is a function of the schedule. O(locks + edges) per new edge.
 */
import type { TaskImpl } from './task.js';
import type { Target } from './wait.js';

export class LockOrder {
  /** Locks each task holds, in the order taken. */
  readonly #held = new Map<TaskImpl, Target[]>();
  /** before → after → why ("Task-1 acquired b while holding a"). */
  readonly #edges = new Map<Target, Map<Target, string>>();

  /** `task` took `lock`; returns the report of an inversion, if this closes a cycle. */
  acquired(task: TaskImpl, lock: Target): string | undefined {
    const held = this.#held.get(task) ?? [];
    for (const before of held) {
      if (before === lock) continue;
      const out = this.#edges.get(before) ?? new Map<Target, string>();
      if (out.has(lock)) continue;
      const why = `${task.name} acquired ${lock.label} while holding ${before.label}`;
      const back = this.#path(lock, before);
      if (back !== undefined) {
        return (
          `lock-order inversion: locks are taken in inconsistent orders, a deadlock waiting for the right schedule\n  ` +
          `${[why, ...back].join('\n  ')}\ntake the locks in one global order everywhere`
        );
      }
      out.set(lock, why);
      this.#edges.set(before, out);
    }
    held.push(lock);
    this.#held.set(task, held);
    return undefined;
  }

  /** `task` no longer holds `lock` (a lock released by another task is dropped from its owner). */
  released(task: TaskImpl, lock: Target): void {
    const held = this.#held.get(task);
    if (held === undefined) return;
    const i = held.lastIndexOf(lock);
    if (i >= 0) held.splice(i, 1);
  }

  /** The reasons along a path of edges from `from` to `to`, if there is one. */
  #path(from: Target, to: Target): string[] | undefined {
    const seen = new Set<Target>();
    const walk = (at: Target): string[] | undefined => {
      if (seen.has(at)) return undefined;
      seen.add(at);
      for (const [next, why] of this.#edges.get(at) ?? []) {
        if (next === to) return [why];
        const rest = walk(next);
        if (rest !== undefined) return [why, ...rest];
      }
      return undefined;
    };
    return walk(from);
  }
}
