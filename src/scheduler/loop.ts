/**
 * The controlled event loop: virtual time, a ready queue, and one decision per step.
 *
 * Vocabulary (used the same way everywhere):
 * - a *scheduling point* is an operation at which a task hands control to the loop: a
 *   `yieldNow`, a `sleep`, the await of a Task or Future, every blocking primitive operation
 *   (even one that does not block);
 * - a *step* is what happens between two decisions: the loop picks one runnable task (the
 *   strategy chooses among them), delivers that task's wake-up, and the task runs until it
 *   reaches its next scheduling point or ends;
 * - the run is *idle* when no task is runnable: virtual time then jumps to the earliest timer
 *   (timers ordered by `(deadline, sequence)`); when no timer is left either, the run is over:
 *   finished, deadlocked, leaking or uncontrolled.
 *
 * Like asyncio, time advances only when nothing is ready. Unlike asyncio, which runs every task
 * that was ready when a tick began, the loop lets the strategy pick any ready task at every
 * step; picking the head of the ready queue each time is asyncio's own order (`run`).
 *
 * How a step ends: the running task *signals* when it parks on a new wait or finishes, and the
 * next decision is queued as a microtask, behind the rest of the task's synchronous code. A task
 * that awaits something the loop does not know never signals; a watchdog (`setImmediate`,
 * armed once per macrotask turn, so not once per step) fires when the microtask queue drains
 * and handles that step: the task is blocked on other waits it registered (`Promise.all` over
 * tasks), or waits on a foreign promise (the run restarts in context mode, see context.ts), or
 * on real I/O or a real timer (`uncontrolled`).
 *
 * Cost per step: one Wait object, one promise, two microtasks (the decision and the task's
 * continuation), O(ready) to pick.
 */
import { host } from './host.js';
import { active, currentTask, runContext, type Bindable, type Scheduler, type TimerHandle } from './context.js';
import { blockedTasks, describeBlocked } from './deadlock.js';
import { CancelledError, DeadlockError, InternalError, invariant } from './errors.js';
import { TaskImpl } from './task.js';
import { TimerHeap } from './timers.js';
import { PENDING, READY, START, Wait, type Target } from './wait.js';
import { LockOrder } from './lock-order.js';
import { ACQUIRE, CLOCK, CLOCK_OBJECT, READ, WRITE, type AccessKind, type AccessLog, type Chooser, type LoopConfig, type RunEnd, type TraceEvent } from './types.js';

export { ACQUIRE, CANCEL_OBJECT, CLOCK, CLOCK_OBJECT, READ, WRITE, type AccessKind, type AccessLog, type Chooser, type Detect, type FailureKind, type LoopConfig, type RunEnd, type TraceEvent } from './types.js';

// The watchdog: one setImmediate at a time, for whichever loop is active.
let armed = false;
function arm(): void {
  if (armed) return;
  armed = true;
  host.setImmediate(onWatchdog);
}
function onWatchdog(): void {
  armed = false;
  const loop = active.loop;
  if (loop instanceof VirtualLoop) loop.watchdog();
}

const NEVER: Promise<never> = new Promise<never>(() => {});
const RESOLVED: Promise<void> = Promise.resolve();
const NO_TIMER: TimerHandle = { cancel: () => {} };
const ONLY_CLOCK: readonly number[] = Object.freeze([CLOCK]);

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

export function resourceCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
}

class Hole implements Target {
  constructor(readonly label: string) {}
  toString(): string {
    return this.label;
  }
}

export class VirtualLoop implements Scheduler {
  readonly virtual = true;
  readonly direct: boolean;
  /** The task chosen at the last decision. */
  current: TaskImpl | undefined = undefined;
  time = 0;
  steps = 0;
  preemptions = 0;
  /** Recorded decisions: a task id, or CLOCK, per decision. */
  readonly choices: number[] = [];
  readonly tasks: TaskImpl[] = [];
  readonly done: Promise<RunEnd>;
  #resolveDone!: (end: RunEnd) => void;
  readonly #config: LoopConfig;
  readonly #chooser: Chooser;
  /** Ready waits in the order they became ready (FIFO). */
  readonly #ready: Wait[] = [];
  /** Controlled calls whose completion the strategy may pick at any step. */
  readonly #io: Wait[] = [];
  readonly #timers = new TimerHeap();
  /** Task ids of `#ready`, index for index. */
  readonly #readyIds: number[] = [];
  /** Tasks with two or more ready wake-ups (then candidates need deduplication). */
  #dupes = 0;
  readonly #maxSteps: number;
  readonly #tracing: boolean;
  #queued = false;
  #awaiting = false;
  #idle = false;
  #unknown = 0;
  #inflight = 0;
  #ended = false;
  #last = -2;
  // Trace: six slots per event: step, time, task id, op, target, detail.
  readonly #ev: (number | string | Target | undefined)[] = [];
  #bound: Bindable[] | undefined = undefined;
  readonly #lockOrder: LockOrder | undefined;
  readonly #acc: (number | object)[] | undefined;
  #kinds: Map<string, number> | undefined = undefined;
  #baseline: Map<string, number> | undefined;
  readonly #decide = (): void => {
    try {
      this.#step();
    } catch (error) {
      this.#end({ kind: 'error', error });
    }
  };

  constructor(config: LoopConfig, chooser: Chooser) {
    this.#config = config;
    this.#chooser = chooser;
    this.direct = config.direct;
    this.#maxSteps = config.maxSteps;
    this.#tracing = config.trace;
    this.#lockOrder = config.detect.lockOrder ? new LockOrder() : undefined;
    this.#acc = config.accesses ? [] : undefined;
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
  }

  /** Starts the run of `program` as the root task `main`; resolves `done` when it ends. */
  start(program: () => Promise<unknown> | unknown): Promise<RunEnd> {
    invariant(active.loop === undefined, 'controlled runs never overlap (the gate serialises them)');
    active.loop = this;
    this.#baseline = this.#config.baseline ?? resourceCounts();
    this.#enqueueStart(new TaskImpl(this, 0, 'main', program));
    // The first decision is a microtask too: the caller's synchronous code (another check()
    // started in the same Promise.all, say) must not run as if it were the program.
    this.#queue();
    return this.done;
  }

  now(): number {
    return this.time;
  }

  get ended(): boolean {
    return this.#ended;
  }

  spawn<T>(fn: () => Promise<T> | T, name: string | undefined): TaskImpl<T> {
    const id = this.tasks.length;
    const task = new TaskImpl<T>(this, id, name ?? `Task-${id}`, fn);
    if (this.#ended) return task;
    this.#enqueueStart(task);
    // The spawn is an operation on the new task: its first step depends on it.
    if (this.#tracing || this.#acc !== undefined) this.note(currentTask(), 'spawn', task);
    return task;
  }

  #enqueueStart(task: TaskImpl): void {
    this.tasks.push(task);
    const wait = new Wait(task, 'start', undefined, undefined, START);
    wait.state = READY;
    this.#pushReady(wait);
  }

  checkpoint(task: TaskImpl, op: string, target?: Target): Promise<void> {
    if (this.#ended) return NEVER;
    // Reaching an await reads the task's own cancel state (a cancel elsewhere conflicts).
    if (this.#acc !== undefined) this.#acc.push(this.steps, task, READ);
    const wait = Wait.open(task, op, target, undefined, true);
    this.#pushReady(wait);
    this.#signal(task);
    return wait.promise as Promise<void>;
  }

  park(task: TaskImpl, op: string, target?: Target, interrupt?: Wait['interrupt']): Wait {
    // A run that ended parks nobody: the wait never settles.
    if (this.#ended) return new Wait(task, op, target, interrupt);
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
    if (this.#ended || !wait.settle(ok, value)) return;
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
    const wait = this.park(task, 'sleep');
    // sleep(Infinity) parks for good: no timer, so a run that needs it to end deadlocks.
    if (wait.state === PENDING && ms !== Infinity) {
      const timer = this.#timers.add(this.time + ms, () => this.wake(wait, undefined));
      wait.home = timer;
    }
    return wait.promise as Promise<void>;
  }

  callLater(ms: number, fn: () => void, daemon = false): TimerHandle {
    if (ms === Infinity) return NO_TIMER;
    return this.#timers.add(this.time + Math.max(0, ms), fn, daemon);
  }

  note(task: TaskImpl | undefined, op: string, target: Target | undefined): void {
    if (this.#ended) return;
    if (this.#acc !== undefined && target !== undefined) this.#acc.push(this.steps, target, op === 'read' ? READ : WRITE);
    if (this.#tracing) this.#ev.push(this.steps, this.time, task === undefined ? -1 : task.id, op, target, undefined);
  }

  touch(target: object, kind: AccessKind): void {
    if (this.#acc !== undefined && !this.#ended) this.#acc.push(this.steps, target, kind);
  }

  /** What each step touched (when the run records accesses). */
  accesses(): AccessLog | undefined {
    return this.#acc;
  }

  track(promise: PromiseLike<unknown>): void {
    if (this.#ended) return;
    this.#inflight++;
    const settled = (): void => {
      this.#inflight--;
      if (this.#idle && !this.#ended) {
        this.#idle = false;
        this.#queue();
      }
    };
    promise.then(settled, settled);
  }

  io(task: TaskImpl, outcome: Promise<unknown>, label: string): Promise<unknown> {
    const wait = this.park(task, 'call', new Hole(label));
    if (wait.state !== PENDING) return wait.promise as Promise<unknown>;
    // Avoid an unhandled rejection while the strategy delays the completion.
    outcome.catch(() => {});
    wait.io = true;
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

  finished(task: TaskImpl): void {
    if (this.#ended) return;
    this.note(task, 'end', task);
    if (task.id === 0 && task.outcome !== 'ok') {
      task.retrieved = true;
      this.#end({ kind: 'error', error: task.value });
      return;
    }
    this.#signal(task);
  }

  acquired(task: TaskImpl, lock: Target): void {
    if (this.#lockOrder === undefined || this.#ended) return;
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

  /** The task signalled: it parked on a new wait or ended. */
  #signal(task: TaskImpl): void {
    if (task.unknown) {
      task.unknown = false;
      this.#unknown--;
    }
    if (task === this.current && this.#awaiting) {
      this.#awaiting = false;
      if (this.#unknown === 0) this.#queue();
    }
  }

  #queue(): void {
    if (this.#queued) return;
    this.#queued = true;
    // A reaction on a settled promise: the cheapest microtask (queueMicrotask allocates an
    // AsyncResource per call).
    void RESOLVED.then(this.#decide);
  }

  /** The microtask queue drained: the step in progress will not signal by itself. */
  watchdog(): void {
    if (this.#ended) return;
    if (this.#queued) return arm();
    if (this.#idle) {
      this.#idle = false;
      this.#conclude(true);
      return;
    }
    if (this.#awaiting) {
      this.#awaiting = false;
      const task = this.current;
      if (task !== undefined && !task.done() && task.pendingWaits.length === 0 && task.readyCount === 0 && !task.unknown) {
        // The task awaits a promise nothing in the run announced.
        if (this.#resourcesGrew()) {
          this.#end({
            kind: 'uncontrolled',
            error: new Error(
              `task '${task.name}' awaits something outside the run's control (a real timer or real I/O): ` +
                `wrap the call with controlled(), use interleaved's sleep(), or enable fakeTimers`,
            ),
          });
          return;
        }
        if (this.direct) {
          this.#end({ kind: 'restart' });
          return;
        }
        task.unknown = true;
        this.#unknown++;
      }
    }
    this.#step();
  }

  #resourcesGrew(): boolean {
    const base = this.#baseline ?? new Map<string, number>();
    for (const [kind, n] of resourceCounts()) if (n > (base.get(kind) ?? 0)) return true;
    return false;
  }

  /** One decision: pick a runnable task and deliver its wake-up. */
  #step(): void {
    this.#queued = false;
    if (this.#ended) return;
    const ready = this.#ready;
    const io = this.#io;
    const timers = this.#timers;
    for (;;) {
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
        if (this.tasks[0]!.done() && timers.onlyDaemons()) {
          this.#conclude(false, timers.peek() !== undefined);
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
      // ready wake-ups and no call is pending), else a deduplicated list with pending calls and
      // the clock.
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
        for (let i = 0; i < io.length; i++) {
          const id = io[i]!.task.id;
          if (!cand.includes(id)) cand.push(id);
        }
        if (ready.length === 0 && timers.peek() !== undefined) cand.push(CLOCK);
      }
      const index = this.#chooser.choose(cand, this.steps + 1, io.length > 0);
      const id = cand[index];
      if (id === undefined) throw new InternalError(`the strategy chose index ${index} of ${cand.length} candidates`);
      if (this.#last !== -2 && id !== this.#last && cand.includes(this.#last)) this.preemptions++;
      this.#last = id;
      this.choices.push(id);
      this.steps++;
      if (id === CLOCK) {
        this.#clockStep(true);
        continue;
      }
      let wait: Wait | undefined;
      if (fast) {
        wait = ready[index]!;
        this.#takeReady(index);
      } else {
        for (let i = 0; i < ready.length; i++) {
          if (ready[i]!.task.id === id) {
            wait = ready[i]!;
            this.#takeReady(i);
            break;
          }
        }
      }
      if (wait === undefined) {
        for (let i = 0; i < io.length; i++) {
          if (io[i]!.task.id === id) {
            wait = io[i]!;
            io.splice(i, 1);
            const pending = wait.task.pendingWaits;
            pending.splice(pending.indexOf(wait), 1);
            break;
          }
        }
      }
      if (wait === undefined) throw new InternalError(`candidate task #${id} has no wake-up`);
      const task = wait.task;
      if (this.#tracing) this.#ev.push(this.steps, this.time, id, wait.op, wait.target, wakeDetail(wait));
      if (this.#acc !== undefined) {
        // A step touches what its wake-up names; a task's first step touches the task (its
        // spawn did); a wake-up from sleep depends on virtual time. A bare yield touches nothing.
        if (wait.kind === START) this.#acc.push(this.steps, task, ACQUIRE);
        else if (wait.op === 'sleep' && wait.parked) this.#acc.push(this.steps, CLOCK_OBJECT, WRITE);
        else if (wait.target !== undefined) this.#acc.push(this.steps, wait.target, wait.parked ? ACQUIRE : WRITE);
      }
      this.current = task;
      this.#awaiting = true;
      arm();
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

  /** Nothing is runnable and no timer is left: the run is over. */
  #conclude(force: boolean, intervals = false): void {
    if (this.#inflight > 0 && !force) {
      // A watched promise may still settle through microtasks; the watchdog decides.
      this.#idle = true;
      arm();
      return;
    }
    const detect = this.#config.detect;
    const root = this.tasks[0]!;
    // The common ending, checked without allocating: the program finished, every task is done,
    // and no failure went unobserved.
    let clean = root.done();
    for (let i = 1; clean && i < this.tasks.length; i++) {
      const t = this.tasks[i]!;
      if (!t.done() || (t.outcome === 'error' && !t.retrieved)) clean = false;
    }
    if (clean && !intervals) {
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
    if (!root.done()) {
      if ((this.#inflight > 0 || blocked.some((b) => b.task.unknown)) && this.#resourcesGrew()) {
        const names = blocked.filter((b) => b.task.unknown).map((b) => `'${b.task.name}'`);
        this.#end({
          kind: 'uncontrolled',
          error: new Error(
            `task ${names.join(', ') || `'${blocked[0]!.task.name}'`} awaits something outside the run's control (real I/O or a real timer): ` +
              `wrap the call with controlled(), use interleaved's sleep(), or enable fakeTimers`,
          ),
        });
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
    if (intervals && detect.leaks) {
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

  #end(end: RunEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    this.current = undefined;
    if (active.loop === this) active.loop = undefined;
    // A run that failed or was restarted leaves its primitives as the failure found them; that
    // state belongs to no later run (the explorer's own replays of the schedule included).
    if (end.kind !== 'ok') for (const r of this.#bound ?? []) r.abandon();
    this.#resolveDone(end);
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

