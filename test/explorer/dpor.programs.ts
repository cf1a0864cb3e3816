/**
 * Random small programs for the partial-order reduction tests: tasks over two Shared
 * variables, two locks, an event and a bounded queue; with `timing`, also sleeps, timeouts,
 * controlled calls and cancellation. Each run adds its outcome (final values, and what every
 * task read or got, in order) to a set.
 */
import fc from 'fast-check';
import { CancelledError, controlled, Event, gather, Lock, Queue, Shared, sleep, spawn, timeout, TimeoutError, yieldNow, type Task } from 'interleaved';

export type Op =
  | { kind: 'read'; v: number }
  | { kind: 'write'; v: number; k: number }
  | { kind: 'yield' }
  | { kind: 'locked'; lock: number; body: Op[] }
  | { kind: 'set' }
  | { kind: 'wait' }
  | { kind: 'sleep'; ms: number }
  | { kind: 'put'; k: number }
  | { kind: 'get' }
  | { kind: 'cancel'; who: number }
  | { kind: 'call'; k: number }
  | { kind: 'timed'; ms: number; body: Op[] };

/**
 * Programs over Shared, locks, the event and the queue; with `timing`, also sleeps, timeouts,
 * calls and cancels; with 'calls', controlled calls but no timers or cancels.
 */
export function programs(timing: boolean | 'calls'): fc.Arbitrary<Op[][]> {
  const untimed: fc.Arbitrary<Op>[] = [
    fc.record({ kind: fc.constant('read' as const), v: fc.nat(1) }),
    fc.record({ kind: fc.constant('write' as const), v: fc.nat(1), k: fc.nat(9) }),
    fc.constant({ kind: 'yield' as const }),
    fc.constant({ kind: 'set' as const }),
    fc.record({ kind: fc.constant('put' as const), k: fc.nat(9) }),
    fc.constant({ kind: 'get' as const }),
  ];
  const timed: fc.Arbitrary<Op>[] = [
    fc.record({ kind: fc.constant('sleep' as const), ms: fc.integer({ min: 1, max: 2 }) }),
    fc.record({ kind: fc.constant('cancel' as const), who: fc.nat(2) }),
    fc.record({ kind: fc.constant('call' as const), k: fc.nat(9) }),
  ];
  const calls: fc.Arbitrary<Op>[] = [fc.record({ kind: fc.constant('call' as const), k: fc.nat(9) })];
  const leaf = fc.oneof(...untimed, ...(timing === 'calls' ? calls : timing ? timed : []));
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 4, arbitrary: leaf },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('locked' as const), lock: fc.nat(1), body: fc.array(leaf, { minLength: 1, maxLength: 2 }) }) },
    ...(timing === true ? [{ weight: 1, arbitrary: fc.record({ kind: fc.constant('timed' as const), ms: fc.integer({ min: 1, max: 2 }), body: fc.array(leaf, { minLength: 1, maxLength: 2 }) }) }] : []),
  );
  // A waiter only where some task sets the event, so most programs terminate.
  return fc
    .array(fc.array(op, { minLength: 1, maxLength: 4 }), { minLength: 2, maxLength: 3 })
    .map((tasks) => (tasks.some((t) => t.some((o) => o.kind === 'set')) ? [...tasks.slice(0, -1), [{ kind: 'wait' as const }, ...tasks.at(-1)!]] : tasks));
}

export function build(tasks: Op[][], outcomes: Set<string>) {
  return async () => {
    const vars = [new Shared(0, { name: 'x' }), new Shared(0, { name: 'y' })];
    const locks = [new Lock({ name: 'a' }), new Lock({ name: 'b' })];
    const event = new Event({ name: 'e' });
    const queue = new Queue<number>(1, { name: 'q' });
    const io = controlled(async (k: number) => k, 'io');
    const seen: number[][] = tasks.map(() => []);
    const exec = async (t: number, ops: Op[]): Promise<void> => {
      for (const o of ops) {
        if (o.kind === 'read') seen[t]!.push(vars[o.v]!.get());
        else if (o.kind === 'write') vars[o.v]!.set(vars[o.v]!.get() * 3 + o.k);
        else if (o.kind === 'yield') await yieldNow();
        else if (o.kind === 'set') event.set();
        else if (o.kind === 'wait') await event.wait();
        else if (o.kind === 'sleep') await sleep(o.ms);
        else if (o.kind === 'put') await queue.put(o.k);
        else if (o.kind === 'get') seen[t]!.push(100 + (await queue.get()));
        else if (o.kind === 'cancel') handles[o.who]?.cancel();
        else if (o.kind === 'call') seen[t]!.push(200 + (await io(o.k)));
        else if (o.kind === 'timed') {
          try {
            await timeout(o.ms, () => exec(t, o.body));
          } catch (error) {
            if (!(error instanceof TimeoutError)) throw error;
            seen[t]!.push(-2);
          }
        } else await locks[o.lock]!.runExclusive(() => exec(t, o.body));
      }
    };
    const handles: Task<void>[] = [];
    for (const [t, ops] of tasks.entries()) {
      handles.push(spawn(async () => {
        try {
          await exec(t, ops);
        } catch (error) {
          if (!(error instanceof CancelledError)) throw error;
          seen[t]!.push(-1);
        }
      }, { name: `t${t}` }));
    }
    await gather(...handles);
    outcomes.add(JSON.stringify([vars.map((v) => v.get()), seen]));
  };
}

