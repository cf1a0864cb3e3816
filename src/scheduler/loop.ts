/**
 * The controlled event loop: virtual time, a ready queue, and one decision per step.
 *
 * Vocabulary (used the same way everywhere):
 * - a *scheduling point* is an operation at which a task hands control to the loop: a
 *   `yieldNow`, a `sleep`, the await of a Task or Future, every blocking primitive operation
 *   (even one that does not block);
 * - an *event* is what a decision delivers: a task's wake-up (its first step, a primitive
 *   handing it a lock, a timer ending its sleep), the completion of one controlled call, or
 *   letting virtual time run to the next timer (`CLOCK`);
 * - a *step* is everything Node runs for one event before it would return to its event loop:
 *   the delivery, then the next-tick queue and the microtask queue drained completely. A chain
 *   of promise reactions started before a scheduling point therefore finishes inside its step,
 *   as it does in Node before the next I/O callback or timer;
 * - the run is *stalled* when no event is deliverable: the run is over, finished, deadlocked,
 *   leaking or uncontrolled.
 *
 * Like asyncio, time advances only when nothing is ready. Unlike asyncio, which runs every task
 * that was ready when a tick began, the loop lets the strategy pick any event at every step;
 * picking the head of the ready queue each time is asyncio's own order (`run`).
 *
 * How a step ends: after delivering, the loop queues a microtask that queues a next-tick
 * callback. Node runs next-tick callbacks only once the microtask queue is empty, so that
 * callback runs exactly when the step's work has drained (a tick queued by the program in
 * between is noticed through the counters of drain.ts, and the check is repeated). The whole
 * run therefore executes inside one turn of Node's event loop: no real timer or I/O callback of
 * anything outside the run can run in the middle of it, and code that executes while
 * `inStep` is set is the run's own.
 *
 * A task whose step ends without it reaching a scheduling point awaits a promise the loop does
 * not know: a library's promise settled by another task (the run restarts once in context mode,
 * see context.ts, and continues), or real I/O or a real timer started by the run's own code.
 * Since nothing outside the run executes while it runs, and no real I/O or timer can complete
 * before the run gives the event loop back, the real resources active when the run stalls
 * minus those active when it started are exactly the ones its own code created, whatever the
 * machine's speed and whatever other tests have in flight: when nothing else can run and the
 * run waits on such a resource, that is `uncontrolled`.
 *
 * Cost per step: one Wait object, one promise, two microtasks and one next-tick callback,
 * O(candidates) to pick.
 */
import { active, currentTask, runContext, type Bindable, type Scheduler, type TimerHandle } from './context.js';
import { blockedTasks, describeBlocked } from './deadlock.js';
import { ticks } from './drain.js';
import { CancelledError, DeadlockError, InternalError, invariant } from './errors.js';
import { host } from './host.js';
import { TaskImpl } from './task.js';
import seedrandom from 'seedrandom';
import { TimerHeap, type Timer } from './timers.js';
import { PENDING, READY, START, Wait, type Target } from './wait.js';
import { LockOrder } from './lock-order.js';
import { ACQUIRE, CLOCK, CLOCK_OBJECT, CREATE, READ, TASKS_OBJECT, TIMERS_PENDING, WRITE, callId, type AccessKind, type AccessLog, type Chooser, type LoopConfig, type RunEnd, type TraceEvent } from './types.js';

export { ACQUIRE, CANCEL_OBJECT, CLOCK, CLOCK_OBJECT, CREATE, READ, TASKS_OBJECT, TIMERS_PENDING, WRITE, callId, isCall, type AccessKind, type AccessLog, type Chooser, type Detect, type FailureKind, type LoopConfig, type RunEnd, type TraceEvent } from './types.js';

const NEVER: Promise<never> = new Promise<never>(() => {});
const RESOLVED: Promise<void> = Promise.resolve();
const NO_TIMER: TimerHandle = { cancel: () => {} };
const ONLY_CLOCK: readonly number[] = Object.freeze([CLOCK]);
/** Drain checks one step may repeat because the program keeps queueing next-tick callbacks. */
const MAX_DRAIN_CHECKS = 100_000;

/** Removes `array[i]` in place (splice allocates the removed slice; this does not). */
function removeAt<T>(array: T[], i: number): void {
  const last = array.length - 1;
  for (let j = i; j < last; j++) array[j] = array[j + 1]!;
  array.pop();
}

/** How a delivered wake-up came about, for traces: woken by a primitive, or cancelled. */
function wakeDetail(wait: Wait): TraceEvent['detail'] {
  if (!wait.ok && wait.value instanceof CancelledError) return 'cancelled';
  return wait.woken ? 'woken' : undefined;
}

/** A controlled call, named in traces: `db.query#2` is the second call of `db.query` in the run. */
export class Call implements Target {
  /** Its id among the loop's candidates while pending (`callId`); 0 if it never was. */
  id = 0;
  constructor(readonly label: string) {}
  toString(): string {
    return `call ${this.label}`;
  }
}

/** Real resources (I/O, real timers) of one type created by the run's own code. */
export interface RealResource {
  type: string;
  count: number;
}

/** Active handles, requests and timers of the process, by type. */
export function resourceCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
}

export class VirtualLoop implements Scheduler {
  readonly virtual = true;
  readonly direct: boolean;
  /** The task of the event chosen at the last decision. */
  current: TaskImpl | undefined = undefined;
  /** True while the run's own code executes: from a delivery until Node's queues drain. */
  inStep = false;
  time = 0;
  steps = 0;
  preemptions = 0;
  /** Recorded decisions: a task id, `CLOCK`, or a call's id (see `callId`), per decision. */
  readonly choices: number[] = [];
  readonly tasks: TaskImpl[] = [];
  readonly done: Promise<RunEnd>;
  /** Real I/O and real timers the run's code created (context mode: see `#realGrowth`). */
  realResources: RealResource[] = [];
  /** Reads of the real clock or of unseeded randomness by the run's code (for reports). */
  readonly hostReads: string[] = [];
  #resolveDone!: (end: RunEnd) => void;
  readonly #config: LoopConfig;
  readonly #chooser: Chooser;
  /** Ready waits in the order they became ready (FIFO). */
  readonly #ready: Wait[] = [];
  /** Controlled calls in flight: each one's completion is an event of its own. */
  readonly #io: Wait[] = [];
  readonly #timers = new TimerHeap();
  /** Task ids of `#ready`, index for index. */
  readonly #readyIds: number[] = [];
  /** Tasks with two or more ready wake-ups (then candidates need deduplication). */
  #dupes = 0;
  readonly #maxSteps: number;
  readonly #tracing: boolean;
  #unknown = 0;
  #inflight = 0;
  #calls = 0;
  #callNames: Map<string, number> | undefined = undefined;
  #ended: RunEnd | undefined = undefined;
  #finalized = false;
  #last: number | undefined = undefined;
  #drainChecks = 0;
  #ticksQueued = 0;
  #ticksRan = 0;
  // Trace: six slots per event: step, time, task id, op, target, detail.
  readonly #ev: (number | string | Target | undefined)[] = [];
  #bound: Bindable[] | undefined = undefined;
  readonly #lockOrder: LockOrder | undefined;
  readonly #acc: (number | object)[] | undefined;
  #kinds: Map<string, number> | undefined = undefined;
  #random: (() => number) | undefined = undefined;
  /** Real resources by type when a context-mode run started (direct mode never needs them). */
  #baseline: Map<string, number> | undefined = undefined;
  readonly #toTick = (): void => {
    this.#ticksQueued = ticks.queued;
    this.#ticksRan = ticks.ran;
    host.nextTick(this.#drained);
  };
  readonly #drained = (): void => {
    try {
      if (ticks.queued !== this.#ticksQueued || ticks.ran !== this.#ticksRan) {
        // The program's own next-tick callbacks ran or wait in the queue: their microtasks may
        // still be pending. Check again once those have drained.
        if (++this.#drainChecks > MAX_DRAIN_CHECKS) {
          this.#end({
            kind: 'step-limit',
            error: new Error(
              `step ${this.steps} never let Node's queues drain: process.nextTick or promise callbacks kept queueing ` +
                `each other ${MAX_DRAIN_CHECKS} times; break the loop with a scheduling point (await yieldNow())`,
            ),
          });
        } else {
          void RESOLVED.then(this.#toTick);
          return;
        }
      }
      this.#drainChecks = 0;
      this.#afterStep();
    } catch (error) {
      this.#end({ kind: 'error', error });
    }
    if (this.#ended !== undefined) this.#finalize();
  };

  constructor(config: LoopConfig, chooser: Chooser) {
    this.#config = config;
    this.#chooser = chooser;
    this.direct = config.direct;
    this.#maxSteps = config.maxSteps;
    this.#tracing = config.trace;
    this.#lockOrder = config.detect.lockOrder ? new LockOrder() : undefined;
    this.#acc = config.accesses ? [] : undefined;
    if (this.#acc !== undefined) chooser.observe?.(this.#acc);
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
  }

  /** Starts the run of `program` as the root task `main`; resolves `done` when it ends. */
  start(program: () => Promise<unknown> | unknown): Promise<RunEnd> {
    invariant(active.loop === undefined, 'controlled runs never overlap (the gate serialises them)');
    active.loop = this;
    if (!this.direct) this.#baseline = resourceCounts();
    this.#enqueueStart(new TaskImpl(this, 0, 'main', program));
    // The first decision comes once the caller's queues drained too: the caller's own code
    // (the test that called run(), another check() started in the same Promise.all) is not the
    // run's, so `inStep` stays false until the first event is delivered.
    this.#armDrain();
    return this.done;
  }

  /** Virtual time, read by the program (`now()`, fake `Date.now()`): a read of the clock. */
  now(): number {
    if (this.#acc !== undefined && this.#ended === undefined) this.#acc.push(this.steps, CLOCK_OBJECT, READ);
    return this.time;
  }

  get ended(): boolean {
    return this.#ended !== undefined;
  }

  /** The run's seed for `Math.random` and friends (see seeded.ts). */
  get randomSeed(): number {
    return this.#config.randomSeed ?? 0;
  }

  get fakeTimers(): boolean {
    return this.#config.fakeTimers === true;
  }

  spawn<T>(fn: () => Promise<T> | T, name: string | undefined): TaskImpl<T> {
    const id = this.tasks.length;
    const task = new TaskImpl<T>(this, id, name ?? `Task-${id}`, fn);
    if (this.#ended !== undefined) return task;
    this.#enqueueStart(task);
    // The spawn is an operation on the new task: its first step depends on it. Spawns write
    // the task list too: a task's id is its place in it.
    this.#acc?.push(this.steps, TASKS_OBJECT, WRITE);
    if (this.#tracing || this.#acc !== undefined) this.note(currentTask(), 'spawn', task);
    return task;
  }

  #enqueueStart(task: TaskImpl): void {
    this.tasks.push(task);
    const wait = new Wait(task, 'start', undefined, undefined, START);
    wait.state = READY;
    this.#pushReady(wait);
  }

  /**
   * Takes a task that has not started yet out of the run without running it (a timer callback
   * whose timer was cleared after it fell due). It ends cancelled and is never reported.
   */
  discard(task: TaskImpl): void {
    if (task.started() || task.isDone()) return;
    for (let i = 0; i < this.#ready.length; i++) {
      const wait = this.#ready[i]!;
      if (wait.task === task && wait.kind === START) {
        this.#takeReady(i);
        break;
      }
    }
    task.discard();
  }

  checkpoint(task: TaskImpl, op: string, target?: Target): Promise<void> {
    if (this.#ended !== undefined) return NEVER;
    // Reaching an await reads the task's own cancel state (a cancel elsewhere conflicts).
    if (this.#acc !== undefined) this.#acc.push(this.steps, task, READ);
    if (op === 'yield' || op === 'sleep') this.#chooser.yielded?.(task.id);
    const wait = Wait.open(task, op, target, undefined, true);
    this.#pushReady(wait);
    this.#signal(task);
    return wait.promise as Promise<void>;
  }

  park(task: TaskImpl, op: string, target?: Target, interrupt?: Wait['interrupt']): Wait {
    // A run that ended parks nobody: the wait never settles.
    if (this.#ended !== undefined) return new Wait(task, op, target, interrupt);
    if (this.#acc !== undefined) this.#acc.push(this.steps, task, READ);
    const wait = Wait.open(task, op, target, interrupt, false);
    if (wait.state === READY) this.#pushReady(wait);
    this.#signal(task);
    return wait;
  }

  wake(wait: Wait, value: unknown): void {
    this.#settle(wait, true, value);
  }

  fail(wait: Wait, error: unknown): void {
    this.#settle(wait, false, error);
  }

  #settle(wait: Wait, ok: boolean, value: unknown): void {
    // A pending controlled call is settled only by a cancel, whose interrupt has already taken
    // it out of `#io` (its home).
    if (this.#ended !== undefined || !wait.settle(ok, value)) return;
    // The settling step enables the wake-up; when the task has other waits in flight (Promise.all
    // over tasks), which one is delivered first depends on the order they settle in.
    if (this.#acc !== undefined) {
      this.#acc.push(this.steps, wait, WRITE);
      if (wait.task.pendingWaits.length > 0 || wait.task.readyCount > 0) this.#acc.push(this.steps, wait.task, WRITE);
    }
    this.#pushReady(wait);
  }

  #pushReady(wait: Wait): void {
    if (++wait.task.readyCount === 2) this.#dupes++;
    this.#ready.push(wait);
    this.#readyIds.push(wait.task.id);
  }

  #takeReady(i: number): void {
    const wait = this.#ready[i]!;
    if (wait.task.readyCount-- === 2) this.#dupes--;
    removeAt(this.#ready, i);
    removeAt(this.#readyIds, i);
  }

  sleep(task: TaskImpl, ms: number): Promise<void> {
    if (!(ms > 0)) return this.checkpoint(task, 'sleep');
    return this.sleepWait(task, ms, 'sleep').promise as Promise<void>;
  }

  /**
   * Parks `task` until virtual time has advanced by `ms`; the wait resolves with `value`.
   * `sleep(Infinity)` parks for good: no timer, so a run that needs it to end deadlocks.
   */
  sleepWait(task: TaskImpl, ms: number, op: string, value?: unknown): Wait {
    const wait = this.park(task, op);
    if (wait.state === PENDING && ms !== Infinity) wait.home = this.addTimer(ms, () => this.wake(wait, value));
    return wait;
  }

  callLater(ms: number, fn: () => void): TimerHandle {
    return ms === Infinity ? NO_TIMER : this.addTimer(ms, fn);
  }

  /** A virtual timer `ms` from now (fake-timers.ts): the Timer itself, whose flags it adjusts. */
  addTimer(ms: number, fn: () => void): Timer {
    // A step that makes a timer lets time run later (see TIMERS_PENDING).
    this.#acc?.push(this.steps, TIMERS_PENDING, WRITE);
    return this.#timers.add(this.time + Math.max(0, ms), fn);
  }

  /** The run's seeded PRNG (`Math.random` inside the run), in [0, 1). */
  random(): number {
    return (this.#random ??= seedrandom.alea(`interleaved/${this.randomSeed}`))();
  }

  note(task: TaskImpl | undefined, op: string, target: Target | undefined): void {
    if (this.#ended !== undefined) return;
    if (this.#acc !== undefined && target !== undefined) this.#acc.push(this.steps, target, op === 'read' ? READ : WRITE);
    if (this.#tracing) this.#ev.push(this.steps, this.time, task === undefined ? -1 : task.id, op, target, undefined);
  }

  touch(target: object, kind: AccessKind): void {
    if (this.#acc !== undefined && this.#ended === undefined) this.#acc.push(this.steps, target, kind);
  }

  /** What each step touched (when the run records accesses). */
  accesses(): AccessLog | undefined {
    return this.#acc;
  }

  track(promise: PromiseLike<unknown>): void {
    if (this.#ended !== undefined) return;
    this.#inflight++;
    const settled = (): void => {
      this.#inflight--;
    };
    promise.then(settled, settled);
  }

  io(task: TaskImpl, outcome: Promise<unknown>, label: string): Promise<unknown> {
    const names = (this.#callNames ??= new Map());
    const n = (names.get(label) ?? 0) + 1;
    names.set(label, n);
    const call = new Call(`${label}#${n}`);
    // Named by the task that starts it (its maker) for partial-order reduction, whatever the
    // order calls of different tasks start in.
    this.#acc?.push(this.steps, call, CREATE);
    this.note(task, 'call', call);
    const wait = this.park(task, 'complete', call);
    // Avoid an unhandled rejection while the strategy delays the completion.
    outcome.catch(() => {});
    if (wait.state !== PENDING) return wait.promise as Promise<unknown>;
    wait.call = callId(this.#calls++);
    call.id = wait.call;
    wait.value = outcome;
    const io = this.#io;
    io.push(wait);
    wait.home = {
      remove: (w: Wait) => {
        const i = io.indexOf(w);
        if (i >= 0) io.splice(i, 1);
      },
    };
    return wait.promise as Promise<unknown>;
  }

  /**
   * The real resources (by type, as `process.getActiveResourcesInfo` names them) active now and
   * not when the run started: the ones the run's own code created (see the header).
   */
  #realGrowth(): RealResource[] {
    const base = this.#baseline;
    if (base === undefined) return [];
    const grown: RealResource[] = [];
    for (const [type, n] of resourceCounts()) {
      const more = n - (base.get(type) ?? 0);
      if (more > 0) grown.push({ type, count: more });
    }
    return grown;
  }

  /** The run's code read the real clock or unseeded randomness: a likely cause of nondeterminism. */
  hostRead(what: string): void {
    if (this.hostReads.length < 8 && !this.hostReads.includes(what)) this.hostReads.push(what);
  }

  finished(task: TaskImpl): void {
    if (this.#ended !== undefined) return;
    this.note(task, 'end', task);
    if (task.id === 0 && task.outcome !== 'ok') {
      task.retrieved = true;
      this.#end({ kind: 'error', error: task.value });
      return;
    }
    this.#signal(task);
  }

  acquired(task: TaskImpl, lock: Target): void {
    if (this.#lockOrder === undefined || this.#ended !== undefined) return;
    const inversion = this.#lockOrder.acquired(task, lock);
    if (inversion !== undefined) this.#end({ kind: 'lock-order', error: new Error(inversion) });
  }

  released(task: TaskImpl, lock: Target): void {
    this.#lockOrder?.released(task, lock);
  }

  bind(resource: Bindable): string {
    (this.#bound ??= []).push(resource);
    if (resource.explicitName !== undefined) return resource.explicitName;
    const kinds = (this.#kinds ??= new Map());
    const n = (kinds.get(resource.kind) ?? 0) + 1;
    kinds.set(resource.kind, n);
    return `${resource.kind}-${n}`;
  }

  /** The task reached a scheduling point or ended: it no longer awaits an unknown promise. */
  #signal(task: TaskImpl): void {
    if (task.unknown) {
      task.unknown = false;
      this.#unknown--;
    }
  }

  /** Calls `#afterStep` once Node's queues have drained (see the header). */
  #armDrain(): void {
    void RESOLVED.then(this.#toTick);
  }

  /** The step in progress has drained: account for a task left awaiting something unknown. */
  #afterStep(): void {
    if (this.#ended !== undefined) return;
    const task = this.current;
    if (task !== undefined && !task.isDone() && task.pendingWaits.length === 0 && task.readyCount === 0 && !task.unknown) {
      // The task awaits a promise nothing in the run announced. Attributing code directly is
      // then unsafe (another task may settle it and both would run in one step): restart in
      // context mode. In context mode it is blocked on whatever will settle that promise.
      if (this.direct) {
        this.#end({ kind: 'restart' });
        return;
      }
      task.unknown = true;
      this.#unknown++;
    }
    this.#step();
  }

  /** One decision: pick an event and deliver it; the step then runs until Node's queues drain. */
  #step(): void {
    const ready = this.#ready;
    const io = this.#io;
    const timers = this.#timers;
    for (;;) {
      if (this.#ended !== undefined) return;
      if (this.steps >= this.#maxSteps) {
        this.#end({
          kind: 'step-limit',
          error: new Error(
            `the run took more than maxSteps=${this.#config.maxSteps} steps without finishing: a livelock, ` +
              `or a loop that never blocks; raise maxSteps if the program really needs more`,
          ),
        });
        return;
      }
      if (ready.length === 0 && io.length === 0) {
        if (this.tasks[0]!.isDone() && timers.onlyDaemons()) {
          this.#conclude(timers.liveDaemons());
          return;
        }
        if (timers.peek() === undefined) {
          this.#conclude(false);
          return;
        }
        // Letting time run is a decision of its own (the only candidate): timer effects, like
        // a timeout cancelling its task, belong to this step, not to the task that ran last.
        this.#chooser.choose(ONLY_CLOCK, this.steps + 1, false);
        this.#clockStep();
        continue;
      }
      // Candidates: the ids of the ready queue as they stand (the common case: no task has two
      // ready wake-ups and no call is pending), else a deduplicated list with every pending call
      // and, when no task is ready, the clock.
      const fast = this.#dupes === 0 && io.length === 0;
      let cand: number[];
      if (fast) {
        cand = this.#readyIds;
      } else {
        cand = [];
        for (let i = 0; i < ready.length; i++) {
          const id = ready[i]!.task.id;
          if (!cand.includes(id)) cand.push(id);
        }
        for (let i = 0; i < io.length; i++) cand.push(io[i]!.call);
        // Timers never fire while a task is ready (as in Node, where timer and immediate
        // callbacks wait for the microtask-level work in flight); a pending call may complete
        // before or after them.
        if (ready.length === 0 && timers.peek() !== undefined) cand.push(CLOCK);
      }
      const index = this.#chooser.choose(cand, this.steps + 1, io.length > 0);
      const id = cand[index];
      if (id === undefined) throw new InternalError(`the strategy chose index ${index} of ${cand.length} candidates`);
      if (this.#last !== undefined && id !== this.#last && cand.includes(this.#last)) this.preemptions++;
      this.#last = id;
      this.choices.push(id);
      this.steps++;
      if (id === CLOCK) {
        this.#clockStep(true);
        continue;
      }
      if (id < CLOCK && this.#acc !== undefined && this.#timers.peek() !== undefined) this.#acc.push(this.steps, TIMERS_PENDING, READ);
      let wait: Wait | undefined;
      if (fast) {
        wait = ready[index]!;
        this.#takeReady(index);
      } else if (id >= 0) {
        for (let i = 0; i < ready.length; i++) {
          if (ready[i]!.task.id === id) {
            wait = ready[i]!;
            this.#takeReady(i);
            break;
          }
        }
      } else {
        for (let i = 0; i < io.length; i++) {
          if (io[i]!.call === id) {
            wait = io[i]!;
            io.splice(i, 1);
            wait.home = undefined;
            const pending = wait.task.pendingWaits;
            pending.splice(pending.indexOf(wait), 1);
            break;
          }
        }
      }
      if (wait === undefined) throw new InternalError(`candidate #${id} has no event`);
      const task = wait.task;
      if (this.#tracing) this.#ev.push(this.steps, this.time, task.id, wait.op, wait.target, wakeDetail(wait));
      if (this.#acc !== undefined) {
        // A step touches what its wake-up names; a task's first step touches the task (its
        // spawn did); a wake-up from sleep depends on virtual time. A bare yield touches nothing.
        // A wake-up after blocking acquires the wait (the step that settled it enabled it).
        if (wait.kind === START) this.#acc.push(this.steps, task, ACQUIRE);
        else if (wait.op === 'sleep' && wait.parked) this.#acc.push(this.steps, CLOCK_OBJECT, WRITE);
        if (wait.parked) this.#acc.push(this.steps, wait, ACQUIRE);
        // A call's completion is an event of its own (chooser id `wait.call`) that continues the
        // task: the task's later steps are ordered after it.
        if (wait.call !== 0) this.#acc.push(this.steps, task, WRITE);
        if (wait.kind !== START && wait.op !== 'sleep' && wait.target !== undefined) this.#acc.push(this.steps, wait.target, wait.parked ? ACQUIRE : WRITE);
      }
      this.current = task;
      this.inStep = true;
      this.#armDrain();
      if (wait.kind === START) {
        if (this.direct) task.begin();
        else runContext.run(task, () => task.begin());
      } else {
        wait.deliver();
      }
      return;
    }
  }

  /** A decision to let virtual time run to the next timer (`counted`: already recorded). */
  #clockStep(counted = false): void {
    if (!counted) {
      this.choices.push(CLOCK);
      this.steps++;
      this.#last = CLOCK;
    }
    const next = this.#timers.peek();
    if (this.#tracing) this.#ev.push(this.steps, Math.max(this.time, next?.deadline ?? this.time), -1, 'advance', undefined, undefined);
    if (this.#acc !== undefined) this.#acc.push(this.steps, CLOCK_OBJECT, WRITE);
    this.#advance();
  }

  /** Fires every timer due at the earliest deadline. */
  #advance(): void {
    const timers = this.#timers;
    const first = timers.peek();
    if (first === undefined) return;
    if (first.deadline > this.time) this.time = first.deadline;
    for (let t = timers.peek(); t !== undefined && t.deadline <= this.time; t = timers.peek()) {
      timers.pop();
      t.fire();
    }
  }

  /** Nothing is deliverable (`daemons`: only background timers are left): the run is over. */
  #conclude(daemons: boolean): void {
    const detect = this.#config.detect;
    const root = this.tasks[0]!;
    // The common ending, checked without allocating: the program finished, every task is done,
    // and no failure went unobserved.
    let clean = root.isDone();
    for (let i = 1; clean && i < this.tasks.length; i++) {
      const t = this.tasks[i]!;
      if (!t.isDone() || (t.outcome === 'error' && !t.retrieved)) clean = false;
    }
    if (clean && !daemons) {
      this.#end({ kind: 'ok' });
      return;
    }
    if (detect.unhandled) {
      const lost = this.tasks.filter((t) => t.outcome === 'error' && !t.retrieved);
      if (lost.length > 0) {
        const first = lost[0]!;
        this.#end({
          kind: 'unhandled',
          error: first.value,
          detail: `task '${first.name}' failed and nothing awaited it${lost.length > 1 ? ` (and ${lost.length - 1} more)` : ''}`,
        });
        return;
      }
    }
    const blocked = blockedTasks(this.tasks);
    if (!root.isDone()) {
      // A native promise the run waits on (gather) is still pending: it may be real I/O, which
      // only context mode records.
      if (this.direct && this.#inflight > 0) {
        this.#end({ kind: 'restart' });
        return;
      }
      const waiting = blocked.filter((b) => b.task.unknown);
      if (this.#inflight > 0 || waiting.length > 0) this.realResources = this.#realGrowth();
      if (this.realResources.length > 0) {
        this.#end({ kind: 'uncontrolled', error: new Error(this.#uncontrolledText(waiting.map((b) => b.task.name))) });
        return;
      }
      if (!detect.deadlock) {
        this.#end({ kind: 'ok' });
        return;
      }
      const detail = describeBlocked(blocked);
      this.#end({ kind: 'deadlock', error: new DeadlockError(`deadlock: no task can run and the program has not finished\n${detail}`) });
      return;
    }
    if (daemons && detect.leaks) {
      this.#end({
        kind: 'leak',
        error: new Error('the program returned with a setInterval still active: clear it (clearInterval) before returning'),
      });
      return;
    }
    if (blocked.length > 0 && detect.leaks) {
      const detail = describeBlocked(blocked);
      this.#end({
        kind: 'leak',
        error: new Error(`the program returned while ${blocked.length} task(s) stayed blocked forever\n${detail}`),
      });
      return;
    }
    this.#end({ kind: 'ok' });
  }

  #uncontrolledText(waiting: string[]): string {
    const made = this.realResources.map((r) => (r.count > 1 ? `${r.count} ${r.type}` : r.type)).join(', ');
    const who = waiting.length > 0 ? `task ${waiting.map((n) => `'${n}'`).join(', ')} awaits` : 'the run awaits';
    return (
      `${who} something outside the run's control: the run's code started real I/O or a real timer (${made}). ` +
      `Wrap the call with controlled(), use interleaved's sleep(), or enable fakeTimers`
    );
  }

  #end(end: RunEnd): void {
    if (this.#ended !== undefined) return;
    this.#ended = end;
    // A run that failed or was restarted leaves its primitives as the failure found them; that
    // state belongs to no later run (the explorer's own replays of the schedule included).
    if (end.kind !== 'ok') for (const r of this.#bound ?? []) r.abandon();
  }

  /** Called once the step that ended the run has drained: the run gives the process back. */
  #finalize(): void {
    if (this.#finalized) return;
    this.#finalized = true;
    // A traced run keeps what it started, for nondeterminism reports.
    if (this.#tracing && this.realResources.length === 0) this.realResources = this.#realGrowth();
    this.inStep = false;
    this.current = undefined;
    if (active.loop === this) active.loop = undefined;
    this.#resolveDone(this.#ended!);
  }

  /** The recorded trace as events (call right after the run, before primitives rebind). */
  trace(): TraceEvent[] {
    const out: TraceEvent[] = [];
    const ev = this.#ev;
    for (let i = 0; i < ev.length; i += 6) {
      const id = ev[i + 2] as number;
      const target = ev[i + 4] as Target | undefined;
      const detail = ev[i + 5] as TraceEvent['detail'];
      const event: TraceEvent = {
        step: ev[i] as number,
        time: ev[i + 1] as number,
        task: id < 0 ? '(clock)' : this.tasks[id]!.name,
        op: ev[i + 3] as string,
      };
      if (target !== undefined) event.target = target.label;
      if (detail !== undefined) event.detail = detail;
      out.push(event);
    }
    return out;
  }
}
