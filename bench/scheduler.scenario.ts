// The program of bench/scheduler.bench.ts as a scenario, for the CLI's worker-scaling
// benchmark (bench/fuzz.bench.ts): three tasks x ten steps of read / scheduling point / write
// on a shared counter. The property always holds, so every schedule runs to completion.
import { gather, scenario, Shared, spawn, yieldNow } from 'interleaved';

const TASKS = 3;
const STEPS = 10;

export const counter = scenario(
  async () => {
    const c = new Shared(0, { name: 'counter' });
    const body = async (): Promise<void> => {
      for (let i = 0; i < STEPS; i++) {
        const v = c.get();
        await yieldNow();
        c.set(v + 1);
      }
    };
    await gather(...Array.from({ length: TASKS }, () => spawn(body)));
    const n = c.get();
    if (n < STEPS || n > STEPS * TASKS) throw new Error(`counter out of range: ${n}`);
  },
  { strategy: 'random', minimize: false },
);
