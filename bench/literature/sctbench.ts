// Programs ported from SCTBench (Thomson, Donaldson, Betts, "Concurrency testing using
// controlled schedulers: an empirical study", TOPC 2016; PPoPP 2014), mostly its `CS` group,
// which it took from the SV-COMP concurrency benchmarks of Cordeiro and Fischer (ESBMC) and the
// Lazy-CSeq authors. Threads become tasks, pthread mutexes become `rt.mutex`, shared globals
// become `rt.cell`, and a scheduling point stands where the C program could be preempted
// between two visible operations. Each has a fixed twin: the same program with the bug repaired.

import { check, times, type LiteratureProgram, type Rt } from './rt.js';

/** CS/account_bad: a deposit and a withdrawal under one lock; a check reads the balance too early. */
function account(fixed: boolean) {
  return async (rt: Rt): Promise<void> => {
    const m = rt.mutex('m');
    const balance = rt.cell('balance', 100);
    const depositDone = rt.cell('deposit-done', false);
    const withdrawDone = rt.cell('withdraw-done', false);
    const locked = async (fn: () => void): Promise<void> => {
      await m.acquire();
      fn();
      m.release();
    };
    const deposit = rt.spawn('deposit', () => locked(() => (balance.set(balance.get() + 50), depositDone.set(true))));
    const withdraw = rt.spawn('withdraw', () => locked(() => (balance.set(balance.get() - 30), withdrawDone.set(true))));
    const checker = rt.spawn('check', async () => {
      await m.acquire();
      // The bug: the check asserts the final balance as soon as the deposit is done.
      const ready = fixed ? depositDone.get() && withdrawDone.get() : depositDone.get();
      if (ready) check(balance.get() === 120, `balance is ${balance.get()} after the deposit, expected 120`);
      m.release();
    });
    await rt.join([deposit, withdraw, checker]);
  };
}

/** CS/lazy01_bad: three tasks add 1, 2 and check under one lock; the check's bound is off by one. */
function lazy01(fixed: boolean) {
  return async (rt: Rt): Promise<void> => {
    const m = rt.mutex('m');
    const data = rt.cell('data', 0);
    const add = (n: number) => async (): Promise<void> => {
      await m.acquire();
      data.set(data.get() + n);
      m.release();
    };
    const t1 = rt.spawn('add-1', add(1));
    const t2 = rt.spawn('add-2', add(2));
    const t3 = rt.spawn('check', async () => {
      await m.acquire();
      check(fixed ? data.get() <= 3 : data.get() < 3, `data is ${data.get()}`);
      m.release();
    });
    await rt.join([t1, t2, t3]);
  };
}

/** CS/wronglock_bad: two tasks guard one counter with different locks. */
function wronglock(fixed: boolean) {
  return async (rt: Rt): Promise<void> => {
    const a = rt.mutex('a');
    const b = fixed ? a : rt.mutex('b');
    const data = rt.cell('data', 0);
    const bump = (m: typeof a, n: number) => async (): Promise<void> => {
      await m.acquire();
      const v = data.get();
      await rt.point();
      data.set(v + n);
      m.release();
    };
    const tasks = [rt.spawn('t1', bump(a, 1)), rt.spawn('t2', bump(b, 1)), rt.spawn('t3', bump(a, 1))];
    await rt.join(tasks);
    check(data.get() === 3, `data is ${data.get()}, expected 3`);
  };
}

/** CS/deadlock01_bad: two locks taken in opposite orders. */
function deadlock01(fixed: boolean) {
  return async (rt: Rt): Promise<void> => {
    const a = rt.mutex('a');
    const b = rt.mutex('b');
    const counter = rt.cell('counter', 0);
    const both = (first: typeof a, second: typeof a) => async (): Promise<void> => {
      await first.acquire();
      await second.acquire();
      counter.set(counter.get() + 1);
      second.release();
      first.release();
    };
    await rt.join([rt.spawn('t1', both(a, b)), rt.spawn('t2', fixed ? both(a, b) : both(b, a))]);
  };
}

/** CS/din_phil (dining philosophers, 5): each takes the left fork, then the right one. */
function philosophers(fixed: boolean) {
  return async (rt: Rt): Promise<void> => {
    const n = 5;
    const forks = Array.from({ length: n }, (_, i) => rt.mutex(`fork-${i}`));
    const meals = rt.cell('meals', 0);
    const tasks = forks.map((_, i) =>
      rt.spawn(`phil-${i}`, async () => {
        let first = forks[i]!;
        let second = forks[(i + 1) % n]!;
        // The repair: the last philosopher takes the forks in the other order.
        if (fixed && i === n - 1) [first, second] = [second, first];
        await first.acquire();
        await second.acquire();
        meals.set(meals.get() + 1);
        second.release();
        first.release();
      }),
    );
    await rt.join(tasks);
  };
}

/** CS/stack_bad: push and pop share a top index; pop tests for emptiness, then decrements. */
function stack(fixed: boolean) {
  return async (rt: Rt): Promise<void> => {
    const m = rt.mutex('m');
    const top = rt.cell('top', 0);
    const size = 3;
    const pusher = rt.spawn('push', () =>
      times(rt, size, async () => {
        await m.acquire();
        top.set(top.get() + 1);
        m.release();
      }),
    );
    const popper = rt.spawn('pop', () =>
      times(rt, size, async () => {
        await m.acquire();
        // The bug: the emptiness test is not repeated under the lock it relies on.
        const empty = top.get() === 0;
        if (!fixed || !empty) {
          check(top.get() > 0, 'pop from an empty stack');
          top.set(top.get() - 1);
        }
        m.release();
      }),
    );
    await rt.join([pusher, popper]);
  };
}

/** CS/twostage_bad (and twostage_100_bad with many writers): a two-step update read in between. */
function twostage(writers: number, fixed: boolean) {
  return async (rt: Rt): Promise<void> => {
    const m1 = rt.mutex('m1');
    const m2 = rt.mutex('m2');
    const data1 = rt.cell('data1', 0);
    const data2 = rt.cell('data2', 0);
    const write = async (): Promise<void> => {
      await m1.acquire();
      data1.set(1);
      // The repair: hold m1 until data2 agrees.
      if (!fixed) m1.release();
      await m2.acquire();
      data2.set(data1.get() + 1);
      m2.release();
      if (fixed) m1.release();
    };
    const read = async (): Promise<void> => {
      await m1.acquire();
      const t1 = data1.get();
      m1.release();
      await m2.acquire();
      const t2 = data2.get();
      m2.release();
      check(t1 === 0 || t2 === t1 + 1, `read data1=${t1} but data2=${t2}`);
    };
    const tasks = Array.from({ length: writers }, (_, i) => rt.spawn(`write-${i}`, write));
    tasks.push(rt.spawn('read', read));
    await rt.join(tasks);
  };
}

/**
 * CS/reorder_X_bad: setters write `a = 1` then `b = -1`; a checker asserts it never sees one
 * without the other. X tasks in all (the benchmark's reorder_20 has 20).
 */
function reorder(tasks: number, fixed: boolean) {
  return async (rt: Rt): Promise<void> => {
    const m = rt.mutex('m');
    const a = rt.cell('a', 0);
    const b = rt.cell('b', 0);
    const all = [];
    for (let i = 0; i < tasks - 1; i++) {
      all.push(
        rt.spawn(`set-${i}`, async () => {
          if (fixed) await m.acquire();
          a.set(1);
          await rt.point();
          b.set(-1);
          if (fixed) m.release();
        }),
      );
    }
    all.push(
      rt.spawn('check', async () => {
        if (fixed) await m.acquire();
        const va = a.get();
        await rt.point();
        const vb = b.get();
        if (fixed) m.release();
        check((va === 0 && vb === 0) || (va === 1 && vb === -1), `saw a=${va}, b=${vb}`);
      }),
    );
    await rt.join(all);
  };
}

/** CS/token_ring_bad: four tasks pass a token around a ring of cells; the last check is wrong. */
function tokenRing(fixed: boolean) {
  return async (rt: Rt): Promise<void> => {
    const x = [rt.cell('x1', 1), rt.cell('x2', 2), rt.cell('x3', 1), rt.cell('x4', 2)];
    const step = (i: number) => async (): Promise<void> => {
      const prev = x[(i + 3) % 4]!;
      const mine = x[i]!;
      // Copy the predecessor's token (a read, a preemption window, a write).
      const v = prev.get();
      await rt.point();
      mine.set(v);
    };
    const tasks = [0, 1, 2, 3].map((i) => rt.spawn(`node-${i}`, step(i)));
    await rt.join(tasks);
    const values = x.map((c) => c.get());
    // The original asserts x1 == x2 == x3 == x4 at the end, which some orders break. The fixed
    // twin asserts what does hold: every final value is one of the initial tokens.
    if (fixed) check(values.every((v) => v === 1 || v === 2), `tokens ${values.join(',')}`);
    else check(!(values[0] === values[1] && values[1] === values[2] && values[2] === values[3]), `all nodes hold token ${values[0]}`);
  };
}

/**
 * CS/bluetooth_driver_bad (after Qadeer and Wu, KISS, PLDI 2004): an I/O request races with
 * the driver being stopped; the request can run on a stopped driver.
 */
function bluetooth(fixed: boolean) {
  return async (rt: Rt): Promise<void> => {
    const pendingIo = rt.cell('pendingIo', 1);
    const stoppingFlag = rt.cell('stoppingFlag', false);
    const stoppingEvent = rt.cell('stoppingEvent', false);
    const stopped = rt.cell('stopped', false);
    const decrement = (): void => {
      pendingIo.set(pendingIo.get() - 1);
      if (pendingIo.get() === 0) stoppingEvent.set(true);
    };
    const adder = rt.spawn('add', async () => {
      // The bug: the flag test and the increment are two steps (the repair makes them one).
      if (stoppingFlag.get()) return;
      if (!fixed) await rt.point();
      if (fixed && stoppingFlag.get()) return;
      pendingIo.set(pendingIo.get() + 1);
      await rt.point();
      check(!stopped.get(), 'I/O on a stopped driver');
      await rt.point();
      decrement();
    });
    const stopper = rt.spawn('stop', async () => {
      stoppingFlag.set(true);
      await rt.point();
      decrement();
      while (!stoppingEvent.get()) await rt.point();
      stopped.set(true);
    });
    await rt.join([adder, stopper]);
  };
}

export const sctbench: LiteratureProgram[] = [
  { name: 'account', source: 'SCTBench CS/account_bad', bug: account(false), fixed: account(true) },
  { name: 'lazy01', source: 'SCTBench CS/lazy01_bad', bug: lazy01(false), fixed: lazy01(true) },
  { name: 'wronglock', source: 'SCTBench CS/wronglock_bad', bug: wronglock(false), fixed: wronglock(true) },
  { name: 'deadlock01', source: 'SCTBench CS/deadlock01_bad', bug: deadlock01(false), fixed: deadlock01(true) },
  { name: 'din-phil-5', source: 'SCTBench CS/din_phil (Dijkstra)', bug: philosophers(false), fixed: philosophers(true) },
  { name: 'stack', source: 'SCTBench CS/stack_bad', bug: stack(false), fixed: stack(true) },
  { name: 'twostage', source: 'SCTBench CS/twostage_bad', bug: twostage(1, false), fixed: twostage(1, true) },
  { name: 'twostage-20', source: 'SCTBench CS/twostage_100_bad (20 writers)', bug: twostage(20, false), fixed: twostage(20, true) },
  { name: 'reorder-5', source: 'SCTBench CS/reorder_5_bad', bug: reorder(5, false), fixed: reorder(5, true) },
  { name: 'reorder-20', source: 'SCTBench CS/reorder_20_bad', bug: reorder(20, false), fixed: reorder(20, true) },
  { name: 'token-ring', source: 'SCTBench CS/token_ring_bad', bug: tokenRing(false), fixed: tokenRing(true) },
  { name: 'bluetooth', source: 'SCTBench CS/bluetooth_driver_bad (KISS, Qadeer & Wu 2004)', bug: bluetooth(false), fixed: bluetooth(true) },
];
