// The classic benchmarks of dynamic partial-order reduction, written over Shared and the
// primitives: each shared access of the original C programs is one step here (an
// `await yieldNow()` separates accesses), a compare-and-swap is one atomic `Shared.update`, a
// pthread mutex is a Lock. Used by bench/dpor.bench.ts and by
// test/explorer/dpor.classic.test.ts, which asserts the counts.
//
// Sources: lastzero (Abdulla, Aronis, Jonsson, Sagonas, POPL 2014); indexer and filesystem
// (Flanagan & Godefroid, POPL 2005); readers-writers, N writers and separate variables (the
// textbook cases); dining philosophers (Dijkstra).

import { controlled, gather, Lock, Shared, sleep, spawn, timeout, TimeoutError, yieldNow, type Program } from 'interleaved';

/** `n` tasks each read and write their own variable after `pad` yields: one trace. */
export function separate(n: number, pad = 1): Program {
  return async () => {
    const all = [];
    for (let i = 0; i < n; i++) {
      const v = new Shared(0, { name: `v${i}` });
      all.push(spawn(async () => {
        for (let k = 0; k < pad; k++) await yieldNow();
        v.set(v.get() + 1);
      }));
    }
    await gather(...all);
  };
}

/** `n` tasks each append their index to one variable after `pad` yields: n! traces. */
export function writers(n: number, pad = 1): Program {
  return async () => {
    const s = new Shared('', { name: 's' });
    const all = [];
    for (let i = 0; i < n; i++) {
      all.push(spawn(async () => {
        for (let k = 0; k < pad; k++) await yieldNow();
        s.set(s.get() + String(i));
      }));
    }
    await gather(...all);
  };
}

/**
 * lastzero(n): an array of n + 1 zeros; task 0 scans from the end for the last zero
 * (`for (i = n; a[i] != 0; i--)`); task j in 1..n sets `a[j] = a[j - 1] + 1`.
 */
export function lastzero(n: number): Program {
  return async () => {
    const a = Array.from({ length: n + 1 }, (_, i) => new Shared(0, { name: `a${i}` }));
    const scan = spawn(async () => {
      await yieldNow();
      for (let i = n; i > 0; i--) {
        const zero = a[i]!.get() === 0;
        await yieldNow();
        if (zero) break;
      }
    });
    const all = [scan];
    for (let j = 1; j <= n; j++) {
      all.push(spawn(async () => {
        await yieldNow();
        const v = a[j - 1]!.get();
        await yieldNow();
        a[j]!.set(v + 1);
      }));
    }
    await gather(...all);
  };
}

/** `readers` tasks read and `writers` tasks write one variable, one access each. */
export function readersWriters(readers: number, writers: number): Program {
  return async () => {
    const x = new Shared(0, { name: 'x' });
    const all = [];
    for (let i = 0; i < writers; i++) all.push(spawn(async () => { await yieldNow(); x.set(i + 1); }));
    for (let i = 0; i < readers; i++) all.push(spawn(async () => { await yieldNow(); x.get(); }));
    await gather(...all);
  };
}

/**
 * indexer(n): n tasks insert 4 messages each into a 128-slot hash table with compare-and-swap
 * and linear probing (message `(m + 1) * 11 + tid`, hash `7 * w mod 128`). Tasks collide only
 * from n = 12 on.
 */
export function indexer(n: number): Program {
  return async () => {
    const table = Array.from({ length: 128 }, (_, i) => new Shared(0, { name: `t${i}` }));
    // An atomic compare-and-swap: one update, a write whether it succeeds or not, as the
    // machine instruction is.
    const cas = (slot: Shared<number>, w: number): boolean => {
      let won = false;
      slot.update((v) => {
        if (v !== 0) return v;
        won = true;
        return w;
      });
      return won;
    };
    const all = [];
    for (let tid = 0; tid < n; tid++) {
      all.push(spawn(async () => {
        for (let m = 0; m < 4; m++) {
          const w = (m + 1) * 11 + tid;
          let h = (w * 7) % 128;
          for (let probe = 0; probe < 128; probe++) {
            await yieldNow();
            if (cas(table[h]!, w)) break;
            h = (h + 1) % 128;
          }
        }
      }));
    }
    await gather(...all);
  };
}

/**
 * filesystem(n): n tasks each take inode `tid mod 32` under its lock and, if it is free, look
 * for a free block from `2 * inode mod 26` on, each block under its own lock. Tasks share
 * blocks only from n = 14 on.
 */
export function filesystem(n: number): Program {
  return async () => {
    const locki = Array.from({ length: 32 }, (_, i) => new Lock({ name: `locki${i}` }));
    const inode = Array.from({ length: 32 }, (_, i) => new Shared(0, { name: `inode${i}` }));
    const lockb = Array.from({ length: 26 }, (_, i) => new Lock({ name: `lockb${i}` }));
    const busy = Array.from({ length: 26 }, (_, i) => new Shared(false, { name: `busy${i}` }));
    const all = [];
    for (let tid = 0; tid < n; tid++) {
      all.push(spawn(async () => {
        const i = tid % 32;
        await locki[i]!.acquire();
        if (inode[i]!.get() === 0) {
          let b = (i * 2) % 26;
          for (let tries = 0; tries < 26; tries++) {
            await lockb[b]!.acquire();
            if (!busy[b]!.get()) {
              busy[b]!.set(true);
              inode[i]!.set(b + 1);
              lockb[b]!.release();
              break;
            }
            lockb[b]!.release();
            b = (b + 1) % 26;
          }
        }
        locki[i]!.release();
      }));
    }
    await gather(...all);
  };
}

/** `n` philosophers, each taking the left fork then the right (Locks): deadlocks included. */
export function philosophers(n: number): Program {
  return async () => {
    const forks = Array.from({ length: n }, (_, i) => new Lock({ name: `fork${i}` }));
    const all = [];
    for (let i = 0; i < n; i++) {
      all.push(spawn(async () => {
        const left = forks[i]!;
        const right = forks[(i + 1) % n]!;
        await left.acquire();
        await right.acquire();
        right.release();
        left.release();
      }));
    }
    await gather(...all);
  };
}

/** `n` tasks each increment a counter under one Lock (a read, a yield, a write). */
export function lockedCounter(n: number): Program {
  return async () => {
    const lock = new Lock();
    const c = new Shared(0);
    const inc = () => lock.runExclusive(async () => {
      const v = c.get();
      await yieldNow();
      c.set(v + 1);
    });
    const all = [];
    for (let i = 0; i < n; i++) all.push(spawn(inc));
    await gather(...all);
  };
}

/**
 * `n` tasks each await a controlled call under `timeout(10)` and record on their own variable
 * whether it answered in time: every call completes before or after the timers fire, 2^n traces.
 */
export function timeouts(n: number): Program {
  return async () => {
    const io = controlled(async (i: number) => i, 'io');
    const all = [];
    for (let i = 0; i < n; i++) {
      const got = new Shared(0, { name: `got${i}` });
      all.push(spawn(async () => {
        try {
          got.set(await timeout(10, () => io(i + 1)));
        } catch (error) {
          if (!(error instanceof TimeoutError)) throw error;
          got.set(-1);
        }
      }));
    }
    await gather(...all);
  };
}

/** `n` tasks each sleep `i + 1` ms, then write their own variable: one trace. */
export function sleepers(n: number): Program {
  return async () => {
    const all = [];
    for (let i = 0; i < n; i++) {
      const v = new Shared(0, { name: `v${i}` });
      all.push(spawn(async () => {
        await sleep(i + 1);
        v.set(1);
      }));
    }
    await gather(...all);
  };
}
