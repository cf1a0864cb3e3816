import { describe, expect, it } from 'vitest';
import { check, gather, replay, run, Shared, sleep, spawn, yieldNow, Lock, controlled, timeout, TimeoutError } from 'interleaved';

/** A minimal promise-based mutex written the way libraries write them (not interleaved's). */
class TicketMutex {
  #locked = false;
  #waiters: (() => void)[] = [];
  acquire(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#locked = false;
  }
}

describe('ordinary JavaScript inside a run', () => {
  it('Promise.all over tasks, async helpers and settled promises keep working', async () => {
    const result = await run(async () => {
      const helper = async (n: number) => {
        await Promise.resolve();
        await yieldNow();
        return n * 2;
      };
      const tasks = [spawn(() => helper(1)), spawn(() => helper(2)), spawn(() => helper(3))];
      const values = await Promise.all(tasks);
      expect(values).toEqual([2, 4, 6]);
      const raced = await Promise.race([spawn(async () => { await sleep(5); return 'slow'; }), spawn(async () => 'fast')]);
      expect(raced).toBe('fast');
      expect(await Promise.resolve(7)).toBe(7);
    });
    expect(result.failure?.message).toBeUndefined();
    expect(result.ok).toBe(true);
  });

  it('code after awaiting a library promise belongs to the task that awaited', async () => {
    const program = async () => {
      const mutex = new TicketMutex();
      const counter = new Shared(0, { name: 'counter' });
      const worker = async () => {
        await mutex.acquire();
        try {
          const v = counter.get();
          await yieldNow();
          counter.set(v + 1);
        } finally {
          mutex.release();
        }
      };
      await gather(spawn(worker, { name: 'A' }), spawn(worker, { name: 'B' }), spawn(worker, { name: 'C' }));
      expect(counter.get()).toBe(3);
    };
    const report = await check(program, { runs: 300, seed: 7 });
    expect(report.failure?.message).toBeUndefined();
    expect(report.ok).toBe(true);
    // Every write to the counter is made by a worker, never attributed to 'main'.
    const one = await run(program);
    const writes = one.trace.filter((e) => e.op === 'write');
    expect(writes.map((e) => e.task).sort()).toEqual(['A', 'B', 'C']);
    for (const e of one.trace.filter((e) => e.op === 'read' || e.op === 'write')) expect(['A', 'B', 'C', 'main']).toContain(e.task);
  });

  it('a library mutex without the lock is still a lost update the explorer finds', async () => {
    const program = async () => {
      const counter = new Shared(0, { name: 'counter' });
      const gate = new TicketMutex();
      const worker = async () => {
        await gate.acquire();
        gate.release();
        const v = counter.get();
        await yieldNow();
        counter.set(v + 1);
      };
      await gather(spawn(worker), spawn(worker));
      if (counter.get() !== 2) throw new Error(`lost update: counter is ${counter.get()}`);
    };
    const report = await check(program, { runs: 300, seed: 3 });
    expect(report.ok).toBe(false);
    expect(report.failure?.kind).toBe('error');
    const again = await replay(program, report.failure!.token);
    expect(again.trace).toEqual(report.failure!.trace);
  });

  it('a library promise nobody settles is a deadlock, not uncontrolled', async () => {
    const report = await check(async () => {
      const mutex = new TicketMutex();
      await mutex.acquire();
      await spawn(async () => {
        await mutex.acquire();
      });
    }, { runs: 5, seed: 1 });
    expect(report.failure?.kind).toBe('deadlock');
  });

  it('real I/O inside a run is reported as uncontrolled, naming the task', async () => {
    // A local server that accepts and never answers: the read stays pending, whatever the timing.
    const { createServer, connect } = await import('node:net');
    const server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const sockets: { destroy(): void }[] = [];
    try {
      const report = await check(async () => {
        await spawn(async () => {
          const socket = connect(port, '127.0.0.1');
          sockets.push(socket);
          await new Promise((resolve) => socket.once('data', resolve));
        }, { name: 'reader' });
      }, { runs: 3, seed: 1 });
      expect(report.failure?.kind).toBe('uncontrolled');
      expect(report.failure?.message).toContain("'reader'");
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a real timer inside a run is reported as uncontrolled, naming the task', async () => {
    // A long timer, cleared afterwards: the report must not depend on how fast the machine is.
    const timers: ReturnType<typeof setTimeout>[] = [];
    const report = await check(async () => {
      await spawn(async () => {
        await new Promise((resolve) => timers.push(setTimeout(resolve, 60_000)));
      }, { name: 'poller' });
    }, { runs: 3, seed: 1 });
    for (const t of timers) clearTimeout(t);
    expect(report.failure?.kind).toBe('uncontrolled');
    expect(report.failure?.message).toContain('poller');
  });
});

describe('controlled calls', () => {
  it('the explorer may complete a call before or after a timeout fires', async () => {
    const outcomes = new Set<string>();
    const fetchQuote = controlled(async () => 42, 'fetchQuote');
    const report = await check(async () => {
      try {
        await timeout(10, () => fetchQuote());
        outcomes.add('value');
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        outcomes.add('timeout');
      }
    }, { runs: 100, seed: 5 });
    expect(report.ok).toBe(true);
    expect([...outcomes].sort()).toEqual(['timeout', 'value']);
  });

  it('outside a run a controlled function is the function', async () => {
    const f = controlled(async (x: number) => x + 1);
    expect(await f(1)).toBe(2);
  });
});

describe('code outside the run while it executes', () => {
  it('a real-mode task interleaving with an exploration stays on the real event loop', async () => {
    const realLock = new Lock({ name: 'real-lock' });
    const realWork = spawn(async () => {
      for (let i = 0; i < 200; i++) {
        await realLock.acquire();
        await Promise.resolve();
        realLock.release();
        await Promise.resolve();
      }
      return 'done';
    });
    const report = await check(async () => {
      const c = new Shared(0);
      const lock = new Lock();
      const inc = () => lock.runExclusive(async () => { const v = c.get(); await yieldNow(); c.set(v + 1); });
      await gather(spawn(inc), spawn(inc));
      if (c.get() !== 2) throw new Error('lost update');
    }, { runs: 100, seed: 1 });
    expect(report.failure?.message).toBeUndefined();
    expect(await realWork).toBe('done');
    expect(realLock.locked()).toBe(false);
  });
});

describe('two explorations at once', () => {
  it('do not corrupt each other', async () => {
    const shared = new Lock({ name: 'module-level' });
    const program = (label: string) => async () => {
      const c = new Shared(0, { name: label });
      const body = () => shared.runExclusive(async () => {
        const v = c.get();
        await yieldNow();
        c.set(v + 1);
      });
      await gather(spawn(body), spawn(body));
      if (c.get() !== 2) throw new Error(`${label}: ${c.get()}`);
    };
    const [a, b] = await Promise.all([check(program('a'), { runs: 200, seed: 1 }), check(program('b'), { runs: 200, seed: 2 })]);
    expect(a.failure?.message).toBeUndefined();
    expect(b.failure?.message).toBeUndefined();
    expect(a.runs + b.runs).toBe(400);
  });
});
