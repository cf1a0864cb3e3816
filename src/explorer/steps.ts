/**
 * What the step that just ended touched, read from the running loop's access log while the run
 * is still going, and the spin detector built on it. Shared by the strategies that react to
 * steps during a run (POS redraws the priorities of racing events; PCT, POS and SURW demote a
 * spinning task).
 *
 * The log is the loop's own array (`VirtualLoop.accesses()`, recorded when the strategy sets
 * `needsAccesses`), flat triples `(step, object, kind)`; a cursor reads each entry once, so the
 * cost over a run is O(accesses). A run restarted in context mode has a new log: the cursor
 * moves to it and skips the steps replayed before the strategy is asked again.
 */
import { active } from '../scheduler/context.js';
import { READ, type AccessLog } from '../scheduler/loop.js';

/** One step's accesses as flat pairs `(object, kind)`. */
export type StepAccessList = (number | object)[];

const NONE: StepAccessList = [];

function liveLog(): AccessLog | undefined {
  const loop = active.loop as { accesses?: () => AccessLog | undefined } | undefined;
  return loop?.accesses?.();
}

/** Reads the running loop's access log step by step. */
class StepReader {
  #log: AccessLog | undefined = undefined;
  #cursor = 0;

  /** Forgets the previous run. */
  reset(): void {
    this.#log = undefined;
    this.#cursor = 0;
  }

  /**
   * The accesses of the steps before `step` not read yet (normally just step `step - 1`), as
   * `(object, kind)` pairs; empty when the run records no accesses.
   */
  before(step: number): StepAccessList {
    const log = liveLog();
    if (log === undefined) return NONE;
    if (log !== this.#log) {
      this.#log = log;
      this.#cursor = 0;
      while (this.#cursor < log.length && (log[this.#cursor] as number) < step - 1) this.#cursor += 3;
    }
    const out: StepAccessList = [];
    while (this.#cursor < log.length && (log[this.#cursor] as number) < step) {
      out.push(log[this.#cursor + 1]!, log[this.#cursor + 2]!);
      this.#cursor += 3;
    }
    return out;
  }
}

/**
 * Spots a task spinning: a step that ended in an explicit yield, wrote nothing, and read the
 * same objects as the task's previous step, which ended the same way (`while (!ready.get())
 * await yieldNow()`, a failed compare-and-set retried). A yield alone is not enough: tests use
 * `yieldNow` as their scheduling point everywhere (`v = x.get(); await yieldNow(); x.set(v + 1)`),
 * and demoting every yield would turn a priority strategy into round robin. A delay loop of
 * bare yields reads nothing and ends by itself: it is not a spin either.
 */
class SpinDetector {
  #yielded: number | undefined = undefined;
  /** Per task: the objects its last step read, when that step was a read-only yield. */
  #reads = new Map<number, object[]>();

  reset(): void {
    this.#yielded = undefined;
    this.#reads = new Map();
  }

  /** The running task's step ends in a yield (from `Chooser.yielded`). */
  yielded(task: number): void {
    this.#yielded = task;
  }

  /** `task` ran the step that just ended, touching `accesses`: is it spinning? */
  ended(task: number, accesses: StepAccessList): boolean {
    const yielded = this.#yielded === task;
    this.#yielded = undefined;
    const reads: object[] = [];
    let readOnly = yielded;
    for (let i = 0; readOnly && i < accesses.length; i += 2) {
      const object = accesses[i] as object;
      if (accesses[i + 1] !== READ) readOnly = false;
      else if (!reads.includes(object)) reads.push(object);
    }
    // Every checkpoint reads the task's own cancel state: that read alone is a bare yield.
    if (!readOnly || reads.length < 2) {
      this.#reads.delete(task);
      return false;
    }
    const before = this.#reads.get(task);
    this.#reads.set(task, reads);
    return before !== undefined && before.length === reads.length && before.every((o) => reads.includes(o));
  }
}

/** Reads each step's accesses and spots spinning, for a strategy that reacts to both. */
export class StepWatch {
  readonly #reader = new StepReader();
  readonly #spin = new SpinDetector();
  /** The accesses of the step that ended last (read by `ended`). */
  accesses: StepAccessList = NONE;

  reset(): void {
    this.#reader.reset();
    this.#spin.reset();
    this.accesses = NONE;
  }

  yielded(task: number): void {
    this.#spin.yielded(task);
  }

  /** Event `last` ran step `step - 1`: reads its accesses; true when it is spinning. */
  ended(last: number, step: number): boolean {
    this.accesses = this.#reader.before(step);
    return this.#spin.ended(last, this.accesses);
  }
}

/**
 * The index of the candidate with the highest priority; a candidate without one draws it
 * with `draw` (in candidate order, so the draws are deterministic).
 */
export function highest(candidates: readonly number[], priority: Map<number, number>, draw: () => number): number {
  let best = 0;
  let bestPriority = -Infinity;
  for (let i = 0; i < candidates.length; i++) {
    const id = candidates[i]!;
    let p = priority.get(id);
    if (p === undefined) {
      p = draw();
      priority.set(id, p);
    }
    if (p > bestPriority) {
      bestPriority = p;
      best = i;
    }
  }
  return best;
}
