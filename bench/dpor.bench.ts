// Benchmark: schedules an exhaustive dfs runs with and without partial-order reduction.
//
// For small programs with a known number of distinct outcomes orders, runs `check` with
// strategy 'dfs' until exhausted, with dpor on and off, and prints both counts next to the
// number of orderings of the conflicting operations (what an optimal reduction would run).
//
// Usage (after `npm run build && npx tsc -p tsconfig.scripts.json`):
//   node build/bench/dpor.bench.js

import { check, gather, Lock, Shared, spawn, yieldNow, type Program } from 'interleaved';

/** `n` tasks each append their index to one shared string after `pad` yields: n! orders. */
function writers(n: number, pad: number): Program {
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

/** `n` tasks each increment a counter under one lock: n! orders of the critical sections. */
function locked(n: number): Program {
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

/** `n` tasks each write their own variable: one ordering matters. */
function separate(n: number, pad: number): Program {
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

const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
const cases: [string, Program, number][] = [
  ['3 tasks, separate variables, 2 yields each', separate(3, 2), 1],
  ['3 writers to one variable, 2 yields each', writers(3, 2), factorial(3)],
  ['4 writers to one variable, 1 yield each', writers(4, 1), factorial(4)],
  ['3 tasks incrementing under one Lock', locked(3), factorial(3)],
  ['4 tasks incrementing under one Lock', locked(4), factorial(4)],
];

console.log(`dfs schedules until exhausted, node ${process.version}\n`);
console.log('| program | orderings of conflicting operations | dfs + dpor | dfs, no reduction |');
console.log('| --- | ---: | ---: | ---: |');
for (const [name, program, orders] of cases) {
  const reduced = await check(program, { strategy: 'dfs', dpor: true, runs: 10_000_000, seed: 1 });
  const full = await check(program, { strategy: 'dfs', dpor: false, runs: 10_000_000, seed: 1 });
  if (!reduced.exhausted || !full.exhausted) throw new Error(`${name}: a search did not finish`);
  console.log(`| ${name} | ${orders} | ${reduced.runs.toLocaleString('en-US')} | ${full.runs.toLocaleString('en-US')} |`);
}
