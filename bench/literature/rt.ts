// A tiny runtime interface the benchmark programs are written against, so the same source runs
// under interleaved's explorer and under fast-check's scheduler (`fc.scheduler()`).
//
// A program gets an `Rt` and throws when it finds its invariant broken. `point()` is a
// scheduling point (interleaved: `yieldNow`; fast-check: a scheduled resolved promise); every
// task starts at a scheduling point; a mutex acquisition is one too.

import fc from 'fast-check';
import { gather, Lock, Shared, spawn, yieldNow } from 'interleaved';

export interface Cell<T> {
  get(): T;
  set(value: T): void;
}

export interface Mutex {
  acquire(): Promise<unknown>;
  release(): void;
}

export interface Rt {
  /** Starts a task running `body`; the returned promise settles when it ends. */
  spawn(name: string, body: () => Promise<void>): PromiseLike<void>;
  /** Waits for every task (and fails with the first failure). */
  join(tasks: PromiseLike<void>[]): Promise<void>;
  /** A scheduling point. */
  point(): Promise<void>;
  cell<T>(name: string, initial: T): Cell<T>;
  mutex(name: string): Mutex;
}

/** A program of the benchmark: a buggy version and its fixed twin, with where it comes from. */
export interface LiteratureProgram {
  name: string;
  /** The paper, benchmark suite or system it is taken from. */
  source: string;
  bug: (rt: Rt) => Promise<void>;
  fixed: (rt: Rt) => Promise<void>;
}

/** Runs `body` `n` times, with a scheduling point before each later turn. */
export async function times(rt: Rt, n: number, body: (i: number) => void | Promise<void>): Promise<void> {
  for (let i = 0; i < n; i++) {
    if (i > 0) await rt.point();
    await body(i);
  }
}

export function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

/** The runtime over interleaved: tasks, `Shared`, `Lock`, `yieldNow`. */
export const interleavedRt: Rt = {
  spawn: (name, body) => spawn(body, { name }),
  join: async (tasks) => {
    await gather(...(tasks as Promise<void>[]));
  },
  point: () => yieldNow(),
  cell: (name, initial) => new Shared(initial, { name }),
  mutex: (name) => new Lock({ name }),
};

/** The runtime over fast-check's scheduler: promises released one at a time by `s`. */
export function fastCheckRt(s: fc.Scheduler): Rt {
  const point = (): Promise<void> => s.schedule(Promise.resolve(), 'point');
  return {
    spawn: (name, body) => s.schedule(Promise.resolve(), name).then(body),
    join: async (tasks) => {
      await Promise.all(tasks);
    },
    point,
    cell: <T>(_name: string, initial: T): Cell<T> => {
      let value = initial;
      return { get: () => value, set: (v) => (value = v) };
    },
    mutex: () => {
      let locked = false;
      const waiters: (() => void)[] = [];
      return {
        async acquire() {
          await point();
          if (!locked) {
            locked = true;
            return;
          }
          // FIFO hand-off: release passes the mutex to the first waiter.
          await new Promise<void>((resolve) => waiters.push(resolve));
        },
        release() {
          const next = waiters.shift();
          if (next !== undefined) next();
          else locked = false;
        },
      };
    },
  };
}

/** A fast-check property running `program` under the scheduler; a program that never ends is a deadlock. */
export function fastCheckProperty(program: (rt: Rt) => Promise<void>): fc.IAsyncPropertyWithHooks<[fc.Scheduler]> {
  return fc.asyncProperty(fc.scheduler(), async (s) => {
    let outcome: { error: unknown } | undefined;
    program(fastCheckRt(s)).then(
      () => (outcome = { error: undefined }),
      (error: unknown) => (outcome = { error }),
    );
    await s.waitIdle();
    for (let i = 0; i < 10 && outcome === undefined; i++) await Promise.resolve();
    if (outcome === undefined) throw new Error('deadlock: the program did not finish and nothing is scheduled');
    if (outcome.error !== undefined) throw outcome.error;
  });
}
