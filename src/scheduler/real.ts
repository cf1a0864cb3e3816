/**
 * The real-mode scheduler: the same runtime functions and primitives on Node's own event loop,
 * with real timers and no decisions to make, so application code runs unchanged in production.
 *
 * Waits settle at once when woken and are delivered a microtask later; `sleep` is a real `setTimeout`; a scheduling point that does
 * not block costs nothing (only `yieldNow` yields, to the macrotask queue like `asyncio.sleep(0)`).
 * Tasks spawned here run inside an `AsyncLocalStorage` context so cancellation reaches them:
 * every await of a real task (a sleep, a yield, a Task, a Future, a primitive) is a `Wait` that
 * a cancel fails with `CancelledError`, taking its real timer or immediate with it.
 */
import { host } from './host.js';
import { realContext, type Bindable, type Scheduler, type TimerHandle } from './context.js';
import { TaskImpl } from './task.js';
import { PENDING, READY, Wait, type Target } from './wait.js';

const MAX_DELAY = 2 ** 31 - 1;

class RealLoop implements Scheduler {
  readonly virtual = false;
  readonly ended = false;
  #ids = 0;

  now(): number {
    return host.now();
  }

  spawn<T>(fn: () => Promise<T> | T, name: string | undefined): TaskImpl<T> {
    const id = ++this.#ids;
    const task = new TaskImpl<T>(this, id, name ?? `Task-${id}`, fn);
    queueMicrotask(() => realContext.run(task, () => task.begin()));
    return task;
  }

  checkpoint(task: TaskImpl): Promise<void> {
    const cancel = task.takeCancel();
    return cancel === undefined ? Promise.resolve() : Promise.reject(cancel);
  }

  park(task: TaskImpl, op: string, target?: Target, interrupt?: Wait['interrupt']): Wait {
    const wait = Wait.open(task, op, target, interrupt, false);
    if (wait.state === READY) wait.deliver();
    return wait;
  }

  // Delivered a microtask later, as asyncio resumes a woken task on the loop's next turn: a
  // cancel in the same synchronous stretch as the wake-up still reaches the await (wait.ts).
  wake(wait: Wait, value: unknown): void {
    if (wait.settle(true, value)) queueMicrotask(() => wait.deliver());
  }

  fail(wait: Wait, error: unknown): void {
    if (wait.settle(false, error)) queueMicrotask(() => wait.deliver());
  }

  sleep(task: TaskImpl, ms: number): Promise<void> {
    const wait = this.park(task, 'sleep');
    if (wait.state === PENDING) {
      const timer = this.callLater(ms, () => this.wake(wait, undefined));
      wait.home = { remove: () => timer.cancel() };
    }
    return wait.promise as Promise<void>;
  }

  callLater(ms: number, fn: () => void): TimerHandle {
    if (ms === Infinity) return { cancel: () => {} };
    // Node fires a delay above 2^31-1 ms after 1 ms; longer delays are chained.
    let handle: ReturnType<typeof setTimeout>;
    const deadline = host.now() + ms;
    const arm = (left: number): void => {
      handle = host.setTimeout(() => {
        const rest = deadline - host.now();
        if (rest > 0 && left > MAX_DELAY) arm(rest);
        else fn();
      }, Math.min(left, MAX_DELAY));
    };
    arm(ms);
    return { cancel: () => host.clearTimeout(handle) };
  }

  note(): void {}

  touch(): void {}

  track(): void {}

  io(_task: TaskImpl, outcome: Promise<unknown>): Promise<unknown> {
    return outcome;
  }

  finished(): void {}

  acquired(): void {}

  released(): void {}

  bind(resource: Bindable): string {
    return resource.explicitName ?? resource.kind;
  }
}

/** The process's real-mode scheduler. */
export const REAL: Scheduler = new RealLoop();

/** Stands for code that runs outside any task (plain async code in real mode). */
export const OUTSIDE = new TaskImpl<void>(REAL, 0, 'outside', () => undefined);

/**
 * Real-mode `yieldNow`: one turn of the macrotask queue. A task's yield is a wait like any
 * other, so a cancel that arrives while it waits raises `CancelledError` there (asyncio's
 * `sleep(0)`) and clears the pending immediate.
 */
export function realYield(task: TaskImpl | undefined): Promise<void> {
  if (task === undefined) return new Promise((resolve) => host.setImmediate(resolve));
  const wait = REAL.park(task, 'yield');
  if (wait.state === PENDING) {
    const immediate = host.setImmediate(() => REAL.wake(wait, undefined));
    wait.home = { remove: () => host.clearImmediate(immediate) };
  }
  return wait.promise as Promise<void>;
}
