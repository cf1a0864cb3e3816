import { describe } from 'vitest';
import { gather, Lock, Shared, spawn, yieldNow } from 'interleaved';
import { exploreTest } from 'interleaved/vitest';

/** One module-level lock shared by two suites that vitest runs at the same time. */
const shared = new Lock({ name: 'module-lock' });

const program = (label: string) => async () => {
  const c = new Shared(0, { name: label });
  const inc = () => shared.runExclusive(async () => {
    const v = c.get();
    await yieldNow();
    c.set(v + 1);
  });
  await gather(spawn(inc), spawn(inc), spawn(inc));
  if (c.get() !== 3) throw new Error(`${label}: ${c.get()}`);
};

describe.concurrent('explorations under test.concurrent', () => {
  exploreTest('first', program('first'), { runs: 300, seed: 1 });
  exploreTest('second', program('second'), { runs: 300, seed: 2 });
  exploreTest('third', program('third'), { runs: 300, seed: 3 });
});
