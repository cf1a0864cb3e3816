/**
 * The vocabulary shared by the controlled loop and the explorer: the strategy seam
 * (`Chooser`), how a run ends, its configuration, and trace events.
 */

/** The candidate meaning "let virtual time run to the next timer" (offered beside pending I/O). */
export const CLOCK = -1;

/**
 * The candidate meaning "controlled call number `serial` of the run completes" (serials count
 * from 0 in the order calls start). Task ids are >= 0 and `CLOCK` is -1, so calls are <= -2.
 */
export function callId(serial: number): number {
  return -2 - serial;
}

/** True when a candidate or recorded choice is a controlled call's completion. */
export function isCall(id: number): boolean {
  return id <= -2;
}

/** Chooses the next step: the seam between the loop and every search strategy. */
export interface Chooser {
  /**
   * Picks one of `candidates` (task ids in ready-queue order, then pending calls' ids, then
   * possibly `CLOCK`) for step `step`
   * (1-based) and returns its index. Called at every decision, even with one candidate.
   * `pendingIo` says a controlled call is pending, so whether it completes before virtual time
   * runs is part of this choice.
   */
  choose(candidates: readonly number[], step: number, pendingIo?: boolean): number;
  /**
   * The running task's step is ending in an explicit yield (`yieldNow`, `sleep(0)`): a hint
   * that it may be spinning, so priority strategies can let others run (livelock-aware).
   */
  yielded?(taskId: number): void;
  /**
   * Called once, before the first decision, with the run's access log while it is being written
   * (runs that record accesses only): at each decision it holds every earlier step's accesses.
   */
  observe?(log: AccessLog): void;
}

/**
 * What went wrong in a failing schedule.
 *
 * @example
 * ```ts
 * const kind: FailureKind | undefined = (await check(program)).failure?.kind; // 'deadlock', …
 * ```
 */
export type FailureKind =
  | 'error'
  | 'deadlock'
  | 'leak'
  | 'unhandled'
  | 'step-limit'
  | 'lock-order'
  | 'uncontrolled'
  | 'nondeterministic';

export interface RunEnd {
  kind: 'ok' | 'restart' | FailureKind;
  error?: unknown;
  /** Human explanation (blocked tasks, the limit hit, …). */
  detail?: string;
}

export interface Detect {
  deadlock: boolean;
  leaks: boolean;
  unhandled: boolean;
  lockOrder: boolean;
}

export interface LoopConfig {
  maxSteps: number;
  detect: Detect;
  /** Direct attribution (fast) or AsyncLocalStorage contexts (see context.ts). */
  direct: boolean;
  /** Seed of the run's `Math.random`, `crypto.randomUUID` and `crypto.getRandomValues`. */
  randomSeed?: number;
  /**
   * Record the trace. A search runs untraced (a schedule is fully described by its choices)
   * and replays a failing schedule traced, which keeps the search's steps cheap.
   */
  trace: boolean;
  /** Virtualise the host's timers and clock during the run (see fake-timers.ts). */
  fakeTimers?: boolean;
  /** Record which step touched which object, for partial-order reduction (see dfs.ts). */
  accesses?: boolean;
}

/**
 * One scheduling decision, or one thing a step did (a read, a release, an end).
 *
 * @example
 * ```ts
 * // { step: 4, time: 0, task: 'Task-1', op: 'acquire', target: 'db' }
 * const acquires = result.trace.filter((e) => e.op === 'acquire');
 * ```
 */
export interface TraceEvent {
  step: number;
  time: number;
  task: string;
  op: string;
  target?: string;
  /** How a wake-up came about: `woken` by a primitive after blocking, or `cancelled`. */
  detail?: 'woken' | 'cancelled';
}


/**
 * The objects each step touched, as flat triples `(step, object, kind)` with the kinds below.
 * A `Shared` read is a read; every other operation on a primitive, task or future counts as a
 * write (conservative). A wake-up after blocking (a lock handed over, a task awaited to its
 * end, a task's first step after its spawn) *acquires* what woke it: it is ordered after every
 * earlier access to that object, and races with none, since it could not have run before them.
 * Virtual time is the object `CLOCK_OBJECT`.
 */
export type AccessLog = readonly (number | object)[];

export const READ = 0;
export const WRITE = 1;
export const ACQUIRE = 2;
/** The object was made by the running step (names it across schedules; not an access). */
export const CREATE = 3;
export type AccessKind = typeof READ | typeof WRITE | typeof ACQUIRE | typeof CREATE;

/** Stands for virtual time in access logs. */
export const CLOCK_OBJECT: object = Object.freeze({ clock: true });

/** Stands for the run's list of tasks: a spawn writes it (task ids are creation order). */
export const TASKS_OBJECT: object = Object.freeze({ tasks: true });

/**
 * Not an object the program shares: marks a controlled call's completion taken while a timer
 * was pending (READ), and a step that made a timer (WRITE). Either means the call could have
 * completed after virtual time ran instead.
 */
export const TIMERS_PENDING: object = Object.freeze({ timersPending: true });

/** Marks a step that cancelled a task, in access logs. */
export const CANCEL_OBJECT: object = Object.freeze({ cancel: true });
