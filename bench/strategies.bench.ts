// Benchmark: how many schedules each strategy needs to find each bug.
//
// For every buggy program (the examples, plus two synthetic bugs of known depth) and every
// strategy, runs `check` with seeds 1..SEEDS (dfs once: it does not depend on the seed) and
// reports how often the bug was found within RUNS schedules and the median number of
// schedules to the first failure. This is what backs the choice of the default strategy.
//
// Usage (after `npm run build && npx tsc -p tsconfig.scripts.json`):
//   node build/bench/strategies.bench.js [seeds=30] [runs=2000]

import { check, gather, Shared, spawn, yieldNow, type StrategyName } from 'interleaved';
import { examples } from '../examples/catalog.js';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=') as [string, string]));
const SEEDS = Number(args['seeds'] ?? 30);
const RUNS = Number(args['runs'] ?? 2000);

/** Depth 1, many tasks: the last of 6 tasks must run entirely before the first one starts. */
async function lateStarter(): Promise<void> {
  const started = new Shared(false, { name: 'started' });
  const done = new Shared(0, { name: 'done' });
  const first = spawn(async () => {
    started.set(true);
  }, { name: 'first' });
  const others = [];
  for (let t = 0; t < 5; t++) {
    others.push(spawn(async () => {
      for (let i = 0; i < 6; i++) await yieldNow();
      done.set(done.get() + 1);
      if (done.get() === 5 && !started.get()) throw new Error('every worker finished before the first task started');
    }, { name: `worker-${t}` }));
  }
  await gather(first, ...others);
}

/**
 * Depth 2: the bug needs two orderings at once: B's last step inside A's one-step window, and
 * C finished before that. Random scheduling rarely lines both up; PCT's guarantee covers it.
 */
async function narrowWindow(): Promise<void> {
  const open = new Shared(false, { name: 'window' });
  const cDone = new Shared(false, { name: 'c-done' });
  const a = spawn(async () => {
    for (let i = 0; i < 10; i++) await yieldNow();
    open.set(true);
    await yieldNow();
    open.set(false);
    for (let i = 0; i < 10; i++) await yieldNow();
  }, { name: 'A' });
  const b = spawn(async () => {
    for (let i = 0; i < 10; i++) await yieldNow();
    if (open.get() && cDone.get()) throw new Error('B ran inside A\'s window after C finished');
  }, { name: 'B' });
  const c = spawn(async () => {
    for (let i = 0; i < 10; i++) await yieldNow();
    cDone.set(true);
  }, { name: 'C' });
  await gather(a, b, c);
}

interface Row {
  program: string;
  strategy: string;
  found: number;
  tried: number;
  median: number | undefined;
}

function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function measure(name: string, program: () => Promise<void>, strategy: StrategyName): Promise<Row> {
  const seeds = strategy === 'dfs' ? [1] : Array.from({ length: SEEDS }, (_, i) => i + 1);
  const hits: number[] = [];
  for (const seed of seeds) {
    const report = await check(program, { runs: RUNS, seed, strategy, minimize: false });
    if (report.failure !== undefined) hits.push(report.failure.runIndex + 1);
  }
  return { program: name, strategy, found: hits.length, tried: seeds.length, median: median(hits) };
}

async function main(): Promise<void> {
  const programs: [string, () => Promise<void>][] = [
    ...examples.map((e) => [e.name, e.buggy] as [string, () => Promise<void>]),
    ['late-starter (synthetic)', lateStarter],
    ['narrow-window (synthetic)', narrowWindow],
  ];
  const strategies: StrategyName[] = ['random', 'pct', 'portfolio', 'dfs'];
  console.log(`strategies: ${SEEDS} seeds x up to ${RUNS} schedules each (dfs: one deterministic search); node ${process.version}`);
  console.log('');
  console.log(`| program | ${strategies.map((s) => `${s}: found, median schedules`).join(' | ')} |`);
  console.log(`| --- | ${strategies.map(() => '---').join(' | ')} |`);
  for (const [name, program] of programs) {
    const cells: string[] = [];
    for (const strategy of strategies) {
      const row = await measure(name, program, strategy);
      cells.push(`${row.found}/${row.tried}, ${row.median ?? '-'}`);
    }
    console.log(`| ${name} | ${cells.join(' | ')} |`);
  }
}

await main();
