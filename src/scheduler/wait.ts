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
 * Cancellation (asyncio's rule): cancelling a task reaches the await it is suspended at. A
 * `Pending` wait is interrupted (taken out of its queue and failed); a `Ready` wait that has not
 * been delivered has its outcome replaced by the `CancelledError` (`cancelReady`), and what a
 * primitive handed to it with the wake-up (a lock, a permit, the right to take an item) goes
 * back through its `giveBack` hook, set by the parking lot that woke it. The hook runs once, at
 * the cancel, so the next waiter is woken at once and nothing is held by a task that will
 * never use it.
 *
 * Invariants:
 * - a task's `pendingWaits` holds exactly its waits in state `Pending`;
 * - a task's `readyWaits` holds exactly its `RESUME` waits in state `Ready`;
 * - a task's `readyCount` is the number of its waits in state `Ready` (kept by the loop);
 * - an outcome is set when the wait leaves `Pending`, and changes after that only to a
 *   `CancelledError`, before delivery;
 * - `giveBack` is set only on a `Ready` wait woken by a primitive, and runs at most once.
 */
import { CancelledError } from './errors.js';
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
  /**
   * Passes on what the primitive gave with the wake-up, when the task is cancelled before the
   * wake-up is delivered (set by the parking lot that woke the wait).
   */
  giveBack: ((wait: Wait) => void) | undefined = undefined;
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
      task.readyWaits.push(wait);
    } else if (ready) {
      wait.state = READY;
      task.readyWaits.push(wait);
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
    if (this.kind === RESUME) this.task.readyWaits.push(this);
    return true;
  }

  /**
   * The task was cancelled while this wait is `Ready` and undelivered: its await will throw
   * `error` instead, and what a primitive gave with the wake-up is passed on. A wait that
   * already ends in a `CancelledError` absorbs the cancel (asyncio delivers one). Returns false
   * when the wait is not `Ready`.
   */
  cancelReady(error: CancelledError): boolean {
    if (this.state !== READY || this.kind !== RESUME) return false;
    if (this.ok || !(this.value instanceof CancelledError)) {
      this.ok = false;
      this.value = error;
    }
    const giveBack = this.giveBack;
    this.giveBack = undefined;
    // A run that ended has dropped its primitives' state (abandon): nothing to pass on.
    if (giveBack !== undefined && !this.task.loop.ended) giveBack(this);
    return true;
  }

  /** Releases the waiting task's continuation with the outcome (a `RESUME` wait). */
  deliver(): void {
    if (this.state === READY) {
      const ready = this.task.readyWaits;
      const last = ready.length - 1;
      if (ready[last] === this) ready.pop();
      else {
        const i = ready.indexOf(this);
        if (i >= 0) ready.splice(i, 1);
      }
    }
    this.giveBack = undefined;
    this.state = DONE;
    if (this.ok) this.#resolve?.(this.value);
    else this.#reject?.(this.value);
  }
}
