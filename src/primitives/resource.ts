/**
 * Base of every primitive: its name, and its binding to the run that uses it.
 *
 * A primitive made at module level may serve one run after another while it is idle. It binds
 * to the calling task's scheduler on each use; moving to another run (or between a run and the
 * real event loop) is allowed only when it is idle, so state never leaks between schedules:
 * one left locked, holding items or set by an earlier run fails the run that touches it, with
 * an error naming it.
 */
import { currentTask, type Bindable, type Scheduler } from '../scheduler/context.js';
import { CREATE, READ } from '../scheduler/types.js';
import { InvalidStateError, show } from '../scheduler/errors.js';
import { OUTSIDE } from '../scheduler/real.js';
import type { TaskImpl } from '../scheduler/task.js';

/**
 * The `{ name }` option every primitive takes last.
 *
 * @example
 * ```ts
 * new Lock({ name: 'db' }); new Semaphore(2, { name: 'pool' }); new Queue(10, { name: 'jobs' });
 * ```
 */
export interface PrimitiveOptions {
  /** Name used in traces and deadlock reports. @defaultValue `Kind-N`, numbered per run */
  name?: string;
}

export abstract class Resource implements Bindable {
  abstract readonly kind: string;
  readonly explicitName: string | undefined;
  #loop: Scheduler | undefined = undefined;
  #label: string | undefined;

  constructor(options: PrimitiveOptions | undefined) {
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      throw new TypeError(`Expected options to be an object like { name: 'db' }, got ${show(options)}`);
    }
    const name = options?.name;
    if (name !== undefined && typeof name !== 'string') throw new TypeError(`Expected \`options.name\` to be a string, got ${show(name)}`);
    this.explicitName = name;
    // Names the primitive across schedules for partial-order reduction (its maker and rank).
    currentTask()?.loop.touch(this, CREATE);
  }

  /** The name in traces: the given name, or `Kind-N` numbered within the current run. */
  get label(): string {
    return this.#label ?? this.explicitName ?? this.kind;
  }

  /** True when no task holds, waits on, or left state in this primitive. */
  protected abstract idle(): boolean;

  /** Drops all state (the run that used it was abandoned by interleaved). */
  abstract abandon(): void;

  /** Called when the primitive moves to a new controlled run. */
  protected rebound(): void {}

  /**
   * The program reads this primitive's state (`locked()`, `qsize()`, …): recorded for
   * partial-order reduction, so a step that branches on it conflicts with steps that change it.
   */
  protected observed(): void {
    currentTask()?.loop.touch(this, READ);
  }

  /** Binds to the calling task's run and returns the calling task. */
  protected enter(): TaskImpl {
    const task = currentTask() ?? OUTSIDE;
    const loop = task.loop;
    if (loop !== this.#loop) this.#bind(loop);
    return task;
  }

  #bind(loop: Scheduler): void {
    const previous = this.#loop;
    if (previous !== undefined && !this.idle()) {
      const where = !previous.virtual
        ? 'by code outside the run (on the real event loop)'
        : previous.ended
          ? 'by an earlier run, which left it that way'
          : 'by another run at the same time';
      throw new InvalidStateError(
        `${String(this)} is in use ${where}: a primitive shared between runs must be idle ` +
          `(unlocked, empty, unset, no waiters) when a run starts using it; create it inside the program, or leave it idle at the end of each run`,
      );
    }
    this.#loop = loop;
    this.#label = loop.bind(this);
    if (loop.virtual) this.rebound();
  }
}

/** Runs `fn` between `acquire()` and `release()`, releasing however `fn` ends. */
export async function exclusive<T>(lock: { acquire(): Promise<unknown>; release(): void }, fn: () => Promise<T> | T): Promise<T> {
  await lock.acquire();
  try {
    return await fn();
  } finally {
    lock.release();
  }
}
