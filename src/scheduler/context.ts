/**
 * Which task is running, and which scheduler serves it.
 *
 * Every public function works in two modes: inside a controlled run (a `VirtualLoop`) or on
 * Node's real event loop (the `RealLoop`). The mode is the scheduler of the calling task.
 *
 * Attribution of code to tasks, the contract's "code that continues after an await belongs to
 * the task that awaited":
 * - a controlled run starts in *direct* mode: exactly one task runs per step, and the loop knows
 *   which (`loop.current`); nothing per promise is paid, which keeps a step cheap;
 * - when a task waits on a promise the loop does not know (a library's mutex ticket, a pool),
 *   another task may later settle it and both would run in one step, so the run is restarted
 *   from its first step in *context* mode, where each task's code runs inside an
 *   `AsyncLocalStorage` context that follows its promise continuations. The restart replays the
 *   same choices, so the schedule is unchanged.
 * - real-mode tasks (spawned outside a run) always carry their context.
 *
 * Controlled runs are serialised process-wide (see `gate`), so at most one loop is active.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { VirtualLoop } from './loop.js';
import type { TaskImpl } from './task.js';
import type { AccessKind } from './types.js';
import type { Target, Wait } from './wait.js';

/** Context of tasks of controlled runs in context mode. */
export const runContext = new AsyncLocalStorage<TaskImpl>();
/** Context of tasks spawned on the real event loop. */
export const realContext = new AsyncLocalStorage<TaskImpl>();

/** A cancellable timer registration. */
export interface TimerHandle {
  cancel(): void;
}

/** What primitives and the runtime functions need from a scheduler (virtual or real). */
export interface Scheduler {
  readonly virtual: boolean;
  /** True once a controlled run is over (never for the real loop). */
  readonly ended: boolean;
  /** ms: virtual time since the run began, or real ms. */
  now(): number;
  spawn<T>(fn: () => Promise<T> | T, name: string | undefined): TaskImpl<T>;
  /** A scheduling point: the task lets the scheduler choose who runs next. */
  checkpoint(task: TaskImpl, op: string, target?: Target): Promise<void>;
  /** Parks `task` on a new pending wait; someone later calls `wake`/`fail`. */
  park(task: TaskImpl, op: string, target?: Target, interrupt?: Wait['interrupt']): Wait;
  /** Gives a pending wait its outcome (in a run: makes its task runnable). */
  wake(wait: Wait, value: unknown): void;
  fail(wait: Wait, error: unknown): void;
  sleep(task: TaskImpl, ms: number): Promise<void>;
  /** Runs `fn` after `ms` (virtual ms in a run). */
  callLater(ms: number, fn: () => void): TimerHandle;
  /** Records that the running step touched `target` (for partial-order reduction), without a trace event. */
  touch(target: object, kind: AccessKind): void;
  /** Records a non-blocking operation in the trace (a release, a set, a Shared access). */
  note(task: TaskImpl | undefined, op: string, target: Target | undefined): void;
  /** A native promise whose settlement will wake a task (gather): the run is not over before it settles. */
  track(promise: PromiseLike<unknown>): void;
  /** Completes a controlled call: the task continues with `outcome` when chosen. */
  io(task: TaskImpl, outcome: Promise<unknown>, label: string): Promise<unknown>;
  /** A task ended: wake whoever waits for it. */
  finished(task: TaskImpl): void;
  /** Lock-order bookkeeping (`detect.lockOrder`): `task` now holds `lock`. */
  acquired(task: TaskImpl, lock: Target): void;
  /** `task` no longer holds `lock`. */
  released(task: TaskImpl, lock: Target): void;
  /** Registers a primitive with this run; returns its label for the run (`Lock-1`, or its name). */
  bind(resource: Bindable): string;
}

/** A primitive that binds itself to the run using it (see `Resource`). */
export interface Bindable extends Target {
  readonly kind: string;
  readonly explicitName: string | undefined;
  /** Forget all state: the run that used it was abandoned (restarted) by interleaved. */
  abandon(): void;
}

/** The active controlled loop, if any (runs are serialised). Set by the loop itself. */
export const active: { loop: VirtualLoop | undefined } = {
  loop: undefined,
};

/** The task whose code is running now, or undefined outside any task. */
export function currentTask(): TaskImpl | undefined {
  // A real-mode task is known for sure, even while a controlled run is active.
  const real = realContext.getStore();
  if (real !== undefined) return real;
  const loop = active.loop;
  if (loop !== undefined && loop.direct && loop.current !== undefined) return loop.current;
  return runContext.getStore();
}
