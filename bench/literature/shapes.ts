// Bug shapes from the papers behind the strategies (PCT, POS, SURW), the real-bug studies they
// cite, and the lock-free retry loops that `Shared` is meant to test. Each has a fixed twin.

import { check, times, type LiteratureProgram, type Rt } from './rt.js';

/** Two tasks read, are preempted, and write back: the atomicity violation every tool shows first. */
function lostUpdate(fixed: boolean) {
  return async (rt: Rt): Promise<void> => {
    const m = rt.mutex('m');
    const counter = rt.cell('counter', 0);
    const bump = async (): Promise<void> => {
      if (fixed) await m.acquire();
      const v = counter.get();
      await rt.point();
      counter.set(v + 1);
      if (fixed) m.release();
    };
    await rt.join([rt.spawn('a', bump), rt.spawn('b', bump)]);
    check(counter.get() === 2, `counter is ${counter.get()}, expected 2`);
  };
}

/**
 * POS's motivating shape: one task writes `x` once; the other takes `n` independent steps, then
 * reads `x` and fails if the write has not happened. Random walk needs the writer to lose
 * n + 1 coin flips in a row; POS keeps the writer's priority while the reader's steps redraw.
 */
function lateRead(n: number, fixed: boolean) {
  return async (rt: Rt): Promise<void> => {
    const x = rt.cell('x', 0);
    const own = rt.cell('own', 0);
    const done = rt.cell('done', false);
    const writer = rt.spawn('writer', async () => {
      x.set(1);
      done.set(true);
    });
    const reader = rt.spawn('reader', async () => {
      await times(rt, n, (i) => own.set(i));
      // The repair: wait for the write instead of assuming it happened.
      if (fixed) while (!done.get()) await rt.point();
      await rt.point();
      check(x.get() === 1, 'the reader ran all its steps before the writer wrote');
    });
    await rt.join([writer, reader]);
  };
}

/**
 * SURW's many-task shape: N workers each pass through two critical sections; one observer
 * fails if it sees all but one worker finished and that one between its sections.
 * It needs the observer held back past almost every other step, and one worker held back
 * between its two sections.
 */
function lateObserver(n: number, fixed: boolean) {
  return async (rt: Rt): Promise<void> => {
    const inside = rt.cell('inside', 0);
    const finished = rt.cell('finished', 0);
    // The observer is started first: it is late only because its check waits behind one step.
    const tasks = [
      rt.spawn('observer', async () => {
        await rt.point();
        check(!(finished.get() === n - 1 && inside.get() === 1), 'the observer saw the last worker between its two sections');
      }),
    ];
    for (let i = 0; i < n; i++) {
      tasks.push(
        rt.spawn(`worker-${i}`, async () => {
          inside.set(inside.get() + 1);
          // The repair: both sections in one step (nothing can see a worker in between).
          if (!fixed) await rt.point();
          inside.set(inside.get() - 1);
          finished.set(finished.get() + 1);
        }),
      );
    }
    await rt.join(tasks);
  };
}

/**
 * A deep counter: the watcher reads a counter twice; the bug needs the incrementer to run all
 * `k` of its steps between the two reads without the watcher being scheduled: a long
 * non-preemptive run, probability 2^-k under random walk.
 */
function deepCounter(k: number, fixed: boolean) {
  return async (rt: Rt): Promise<void> => {
    const counter = rt.cell('counter', 0);
    const incrementer = rt.spawn('incrementer', async () => {
      await times(rt, k, () => counter.set(counter.get() + 1));
    });
    const watcher = rt.spawn('watcher', async () => {
      const before = counter.get();
      // The repair: both reads in one step (the report cannot straddle the run).
      if (!fixed) await rt.point();
      const after = counter.get();
      check(after - before < k, `the whole count (${k}) happened between two steps of the watcher`);
    });
    await rt.join([incrementer, watcher]);
  };
}

/**
 * A lock-free counter over a compare-and-set retry loop (one atomic step). The bug: after a
 * failed compare-and-set the loop re-reads the value but keeps the increment it computed from
 * the old one, so a retry writes a stale value.
 */
function casRetry(fixed: boolean) {
  return async (rt: Rt): Promise<void> => {
    const counter = rt.cell('counter', 0);
    const cas = (expected: number, next: number): boolean => {
      if (counter.get() !== expected) return false;
      counter.set(next);
      return true;
    };
    const worker = async (): Promise<void> => {
      for (let n = 0; n < 2; n++) {
        let v = counter.get();
        let next = v + 1;
        await rt.point();
        while (!cas(v, next)) {
          await rt.point();
          v = counter.get();
          if (fixed) next = v + 1;
        }
      }
    };
    await rt.join([rt.spawn('w1', worker), rt.spawn('w2', worker), rt.spawn('w3', worker)]);
    check(counter.get() === 6, `counter is ${counter.get()}, expected 6`);
  };
}

/**
 * Message passing with a spin wait (the MP litmus test; the spin loop is the one livelock-aware
 * schedulers must not starve): the producer raises `ready` before writing the data.
 */
function spinHandoff(fixed: boolean) {
  return async (rt: Rt): Promise<void> => {
    const data = rt.cell('data', 0);
    const ready = rt.cell('ready', false);
    const producer = rt.spawn('producer', async () => {
      if (fixed) data.set(42);
      ready.set(true);
      await rt.point();
      if (!fixed) data.set(42);
    });
    const consumer = rt.spawn('consumer', async () => {
      while (!ready.get()) await rt.point();
      check(data.get() === 42, `consumer read data ${data.get()} after ready`);
    });
    await rt.join([producer, consumer]);
  };
}

/** Check-then-act lazy initialisation (Lu, Park, Seo, Zhou, ASPLOS 2008: atomicity violations). */
function lazyInit(fixed: boolean) {
  return async (rt: Rt): Promise<void> => {
    const ready = rt.cell('initialised', false);
    const inits = rt.cell('inits', 0);
    const get = async (): Promise<void> => {
      if (ready.get()) return;
      await rt.point();
      // The repair: check again in the step that initialises.
      if (fixed && ready.get()) return;
      inits.set(inits.get() + 1);
      ready.set(true);
    };
    await rt.join([rt.spawn('g1', get), rt.spawn('g2', get), rt.spawn('g3', get)]);
    check(inits.get() === 1, `initialised ${inits.get()} times`);
  };
}

/** Use before initialisation, an order violation (Lu et al. 2008, the Mozilla example). */
function useBeforeInit(fixed: boolean) {
  return async (rt: Rt): Promise<void> => {
    const thread = rt.cell<{ state: string } | undefined>('thread', undefined);
    const init = rt.spawn('init', async () => {
      await times(rt, 3, () => {});
      thread.set({ state: 'running' });
    });
    const user = rt.spawn('user', async () => {
      await rt.point();
      if (fixed) while (thread.get() === undefined) await rt.point();
      check(thread.get() !== undefined, 'used the thread before it was initialised');
    });
    await rt.join([init, user]);
  };
}

/**
 * Depth 3 after PCT (Burckhardt et al., ASPLOS 2010): B's check must fall inside A's one-step
 * window, and C must have finished before it.
 */
function narrowWindow(fixed: boolean) {
  return async (rt: Rt): Promise<void> => {
    const open = rt.cell('window', false);
    const cDone = rt.cell('c-done', false);
    const a = rt.spawn('A', async () => {
      await times(rt, 10, () => {});
      open.set(true);
      // The repair: the window closes in the step that opened it.
      if (!fixed) await rt.point();
      open.set(false);
      await times(rt, 10, () => {});
    });
    const b = rt.spawn('B', async () => {
      await times(rt, 10, () => {});
      check(!(open.get() && cDone.get()), "B ran inside A's window after C finished");
    });
    const c = rt.spawn('C', async () => {
      await times(rt, 10, () => {});
      cDone.set(true);
    });
    await rt.join([a, b, c]);
  };
}

/** Depth 1 among many tasks: the first task must be the last to start (a missed start-up signal). */
function lateStarter(fixed: boolean) {
  return async (rt: Rt): Promise<void> => {
    const started = rt.cell('started', false);
    const done = rt.cell('done', 0);
    const tasks = [rt.spawn('first', async () => started.set(true))];
    for (let t = 0; t < 5; t++) {
      tasks.push(
        rt.spawn(`worker-${t}`, async () => {
          await times(rt, 6, () => {});
          // The repair: the last worker waits for the start-up signal.
          if (fixed) while (!started.get()) await rt.point();
          done.set(done.get() + 1);
          check(!(done.get() === 5 && !started.get()), 'every worker finished before the first task started');
        }),
      );
    }
    await rt.join(tasks);
  };
}

export const shapes: LiteratureProgram[] = [
  { name: 'lost-update', source: 'CHESS (Musuvathi et al., OSDI 2008) and PCT examples', bug: lostUpdate(false), fixed: lostUpdate(true) },
  { name: 'late-read-12', source: 'POS (Yuan, Yang, Gu, CAV 2018), motivating example', bug: lateRead(12, false), fixed: lateRead(12, true) },
  { name: 'late-observer-100', source: 'SURW (Zhao et al., ASPLOS 2025), many tasks and one late observer', bug: lateObserver(100, false), fixed: lateObserver(100, true) },
  { name: 'deep-counter-20', source: 'a depth-2 bug behind a 20-step non-preemptive run (PCT depth, Burckhardt et al. 2010)', bug: deepCounter(20, false), fixed: deepCounter(20, true) },
  { name: 'cas-retry', source: 'lock-free compare-and-set retry loop (Herlihy & Shavit, ch. 11) with a stale retry', bug: casRetry(false), fixed: casRetry(true) },
  { name: 'spin-handoff', source: 'message-passing litmus test (MP) with a spin wait, as in Coyote\'s livelock tests', bug: spinHandoff(false), fixed: spinHandoff(true) },
  { name: 'lazy-init', source: 'check-then-act atomicity violation (Lu et al., ASPLOS 2008)', bug: lazyInit(false), fixed: lazyInit(true) },
  { name: 'use-before-init', source: 'order violation (Lu et al., ASPLOS 2008, Mozilla)', bug: useBeforeInit(false), fixed: useBeforeInit(true) },
  { name: 'narrow-window', source: 'depth-3 window (PCT, Burckhardt et al. 2010)', bug: narrowWindow(false), fixed: narrowWindow(true) },
  { name: 'late-starter', source: 'depth 1 among six tasks (PCT paper\'s missed signal)', bug: lateStarter(false), fixed: lateStarter(true) },
];
