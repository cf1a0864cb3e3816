/**
 * A `Wait` is one pending blocking await of one task: the task awaits `wait.promise`, and the
 * scheduler decides when the outcome is delivered.
 *
 * Life cycle: `Pending` (parked on a primitive, a timer or another task) → `Ready` (its outcome
 * is known; in a controlled run it sits in the ready queue until the strategy picks its task)
 * → `Done` (delivered: the task's continuation has been released). A wait created already
 * `Ready` is a bare scheduling point (`yieldNow`, the checkpoint before every primitive
 * operation).
 *
 * Invariants:
 * - a task's `pendingWaits` holds exactly its waits in state `Pending`;
 * - a task's `readyCount` is the number of its waits in state `Ready`;
 * - an outcome is set once, when the wait leaves `Pending`.
 */
import type { TaskImpl } from './task.js';

export const PENDING = 0;
export const READY = 1;
export const DONE = 2;

/** How a wait's outcome is delivered. */
export const RESUME = 0; // settle `promise`
export const START = 1; // run the task's body for the first time

/** Something a task can wait on or touch, named in traces and reports. */
export interface Target {
  /** Display name: the user's `{ name }` or `Kind-N` numbered per run. */
  readonly label: string;
  /** `<Lock 'db' locked owner=Task-3 waiters=2>` */
  toString(): string;
  /** Tasks that hold this target (a Lock's owner): the wait-for edges of deadlock reports. */
  holders?(): readonly TaskImpl[];
}

/**
 * Called when the waiting task is cancelled while this wait is pending. Returns true when the
 * cancellation was taken care of (the wait was failed with the error, or the cancel was passed
 * on to what the task awaits), false when the task must remember it for its next await.
 */
export type Interrupt = (wait: Wait, error: Error) => boolean;

let capturing: Wait | undefined;
let capture: (resolve: (value: unknown) => void, reject: (error: unknown) => void) => void;

export class Wait {
  state = PENDING;
  ok = true;
  value: unknown = undefined;
  kind = RESUME;
  /** The trace/op name of what the task is doing: 'yield', 'acquire', 'get', … */
  readonly op: string;
  /** Changes when a Condition moves the waiter to its lock (requeue). */
  target: Target | undefined;
  readonly task: TaskImpl;
  interrupt: Interrupt | undefined;
  /** Where a parked wait sits (a parking lot's queue), so cancellation can take it out. */
  home: { remove(wait: Wait): void } | undefined = undefined;
  /** A controlled call in flight: its id among the loop's candidates (see `callId`), else 0. */
  call = 0;
  /** Woken by a primitive (a lock handed over, an item arrived), after blocking in its queue. */
  woken = false;
  /** The task blocked on this wait (it was not a bare scheduling point). */
  parked = false;
  /** What the task awaits; a `START` wait has none (its delivery runs the task's body). */
  readonly promise: Promise<unknown> | undefined;
  #resolve: ((value: unknown) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;

  constructor(task: TaskImpl, op: string, target: Target | undefined, interrupt?: Interrupt, kind = RESUME) {
    this.task = task;
    this.op = op;
    this.target = target;
    this.interrupt = interrupt;
    this.kind = kind;
    if (kind === START) {
      this.promise = undefined;
    } else {
      capturing = this;
      this.promise = new Promise(capture);
    }
  }

  static {
    // One executor for every wait (a closure per wait would be one more allocation per step).
    capture = (resolve, reject) => {
      capturing!.#resolve = resolve;
      capturing!.#reject = reject;
    };
  }

  /**
   * Opens a wait for `task`: pending (registered in the task's `pendingWaits`), or already
   * `READY` when `ready` (a bare scheduling point). A cancel the task remembers is taken here:
   * the wait is then `READY` with the `CancelledError`.
   */
  static open(task: TaskImpl, op: string, target: Target | undefined, interrupt: Interrupt | undefined, ready: boolean): Wait {
    const wait = new Wait(task, op, target, interrupt);
    const cancel = task.takeCancel();
    if (cancel !== undefined) {
      wait.ok = false;
      wait.value = cancel;
      wait.state = READY;
    } else if (ready) {
      wait.state = READY;
    } else {
      wait.parked = true;
      task.pendingWaits.push(wait);
    }
    return wait;
  }

  /** Gives a pending wait its outcome (state `READY`); false if it already had one. */
  settle(ok: boolean, value: unknown): boolean {
    if (this.state !== PENDING) return false;
    const pending = this.task.pendingWaits;
    const i = pending.indexOf(this);
    if (i >= 0) pending.splice(i, 1);
    this.ok = ok;
    this.value = value;
    this.state = READY;
    return true;
  }

  /** Releases the waiting task's continuation with the outcome (a `RESUME` wait). */
  deliver(): void {
    this.state = DONE;
    if (this.ok) this.#resolve?.(this.value);
    else this.#reject?.(this.value);
  }
}
