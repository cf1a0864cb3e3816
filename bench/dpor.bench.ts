// Benchmark: schedules an exhaustive dfs runs with and without partial-order reduction.
//
// For the classic programs of bench/dpor.programs.ts, runs `check` with strategy 'dfs' until
// exhausted, with `dpor: true` (optimal DPOR) and without reduction, and prints both counts
// next to the number of Mazurkiewicz traces (test/explorer/dpor.classic.test.ts asserts them).
//
// Usage: npm run bench:dpor

import { check, type Program } from 'interleaved';
import { filesystem, indexer, lastzero, lockedCounter, philosophers, readersWriters, separate, sleepers, timeouts, writers } from './dpor.programs.js';

const cases: [string, Program, number, boolean][] = [
  ['3 tasks, separate variables, 2 yields each', separate(3, 2), 1, true],
  ['3 writers to one variable, 2 yields each', writers(3, 2), 6, true],
  ['4 writers to one variable, 1 yield each', writers(4, 1), 24, true],
  ['readers-writers, 3 readers, 2 writers', readersWriters(3, 2), 54, true],
  ['lastzero(3)', lastzero(3), 12, false],
  ['lastzero(4)', lastzero(4), 28, false],
  ['lastzero(5)', lastzero(5), 64, false],
  ['indexer(12)', indexer(12), 8, false],
  ['indexer(13)', indexer(13), 64, false],
  ['filesystem(14)', filesystem(14), 2, false],
  ['filesystem(16)', filesystem(16), 8, false],
  ['dining philosophers(3)', philosophers(3), 16, true],
  ['3 tasks incrementing under one Lock', lockedCounter(3), 36, true],
  ['4 tasks incrementing under one Lock', lockedCounter(4), 552, true],
  ['3 sleepers, own variables', sleepers(3), 1, true],
  ['3 calls under timeout', timeouts(3), 8, true],
  ['4 calls under timeout', timeouts(4), 16, true],
];

console.log(`dfs schedules until exhausted, node ${process.version}\n`);
console.log('| program | traces | dfs + dpor | dfs, no reduction |');
console.log('| --- | ---: | ---: | ---: |');
const detect = { deadlock: false };
for (const [name, program, traces, runFull] of cases) {
  const reduced = await check(program, { strategy: 'dfs', dpor: true, runs: 10_000_000, seed: 1, detect });
  if (!reduced.exhausted) throw new Error(`${name}: the reduced search did not finish`);
  let full = 'not run (too many)';
  if (runFull) {
    const r = await check(program, { strategy: 'dfs', runs: 10_000_000, seed: 1, detect });
    if (!r.exhausted) throw new Error(`${name}: the full search did not finish`);
    full = r.runs.toLocaleString('en-US');
  }
  console.log(`| ${name} | ${traces.toLocaleString('en-US')} | ${reduced.runs.toLocaleString('en-US')} | ${full} |`);
}
