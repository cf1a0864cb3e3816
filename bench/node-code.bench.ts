// Benchmark: the cost of exploring plain Node code next to the direct-mode bench program.
//
// direct:  3 tasks x 10 steps of read / yieldNow / write on a Shared counter (the program of
//          scheduler.bench.ts): interleaved's own primitives, direct attribution.
// node:    the same 3 x 10 steps written as Node code: each step takes an async-mutex lock (a
//          promise made by the library, so the run uses context mode), reads, waits 1 ms on
//          Node's setTimeout under fakeTimers (a virtual timer, a timer callback step), writes
//          and releases.
// Both count their scheduling points where they happen; the ratio is points/s direct / node.
// Samples alternate (direct, node, direct, node, ...); medians are reported.
//
// Usage: npm run bench:node [-- runs=2000 reps=7 only=direct|node]
// `only=` runs one side alone, e.g. under `node --cpu-prof` to see where its time goes.
// This is a benchmark, not a test: it prints numbers and exits 0 unless a side fails.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Mutex } from 'async-mutex';
import { explore, gather, Shared, spawn, yieldNow } from 'interleaved';

const TASKS = 3;
const STEPS = 10;
let points = 0;

async function direct(): Promise<void> {
  const c = new Shared(0, { name: 'counter' });
  const body = async (): Promise<void> => {
    for (let i = 0; i < STEPS; i++) {
      const v = c.get();
      points++;
      await yieldNow();
      c.set(v + 1);
    }
  };
  await gather(spawn(body), spawn(body), spawn(body));
}

async function nodeCode(): Promise<void> {
  const mutex = new Mutex();
  let counter = 0;
  const body = async (): Promise<void> => {
    for (let i = 0; i < STEPS; i++) {
      const release = await mutex.acquire();
      const v = counter;
      points++;
      await new Promise((resolve) => setTimeout(resolve, 1));
      counter = v + 1;
      release();
    }
  };
  await Promise.all([body(), body(), body()]);
  if (counter !== TASKS * STEPS) throw new Error(`lost update under a mutex: ${counter}`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function sample(program: () => Promise<void>, runs: number, fakeTimers: boolean): Promise<number> {
  const p0 = points;
  const t0 = performance.now();
  const report = await explore(program, { runs, seed: 42, strategy: 'random', minimize: false, fakeTimers });
  const ms = performance.now() - t0;
  if (report.runs !== runs) throw new Error(`expected ${runs} schedules, ran ${report.runs}`);
  // A search starts in direct mode; the first await of a library promise restarts that run in
  // context mode (see scheduler/context.ts), so that run's first steps count twice.
  const n = points - p0;
  const expected = runs * TASKS * STEPS;
  if (n < expected || n > expected + TASKS * STEPS) throw new Error(`expected ${expected} points, counted ${n}`);
  return expected / (ms / 1000);
}

async function main(): Promise<void> {
  let runs = 2000;
  let reps = 7;
  let only: string | undefined;
  for (const arg of process.argv.slice(2)) {
    const m = /^(runs|reps)=(\d+)$|^only=(direct|node)$/.exec(arg);
    if (!m) throw new Error(`unknown argument ${arg}: use runs=N reps=N only=direct|node`);
    if (m[3] !== undefined) only = m[3];
    else if (m[1] === 'runs') runs = Number(m[2]);
    else reps = Number(m[2]);
  }
  if (only !== undefined) {
    // One side alone (to profile it, or to see it without the other side in the process).
    const program = only === 'direct' ? direct : nodeCode;
    const fake = only === 'node';
    await sample(program, 200, fake);
    const rates: number[] = [];
    for (let r = 0; r < reps; r++) rates.push(await sample(program, runs, fake));
    console.log(`${only} alone: median ${Math.round(median(rates)).toLocaleString('en-US')} points/s over ${reps} samples`);
    return;
  }
  console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? '?'} (${os.cpus().length} logical), load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`${runs} schedules per sample, ${reps} samples per side, alternating`);
  await sample(direct, 200, false);
  await sample(nodeCode, 200, true);
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < reps; r++) {
    a.push(await sample(direct, runs, false));
    b.push(await sample(nodeCode, runs, true));
    console.log(`rep ${r + 1}: direct ${Math.round(a[r]!).toLocaleString('en-US')} points/s, node ${Math.round(b[r]!).toLocaleString('en-US')} points/s`);
  }
  const ma = median(a);
  const mb = median(b);
  console.log(`median: direct ${Math.round(ma).toLocaleString('en-US')} points/s, node code under fakeTimers ${Math.round(mb).toLocaleString('en-US')} points/s`);
  console.log(`ratio direct / node: ${(ma / mb).toFixed(2)}x`);
}

await main();
