// Benchmark: interleaved's explorer vs fast-check's fc.scheduler() on the same program.
//
// Program: 3 tasks x 10 steps of read / scheduling point / write on a shared counter.
// The property (10 <= counter <= 30) always holds, so every schedule runs to completion and
// no shrinking happens on either side.
//
// Usage (after `npm run build && npx tsc -p tsconfig.scripts.json`):
//   node --expose-gc build/bench/scheduler.bench.js [speed|memory|both] [key=value ...]
// Keys (all optional, for quick smoke runs): runs=20000 warmup=2000 reps=5 memruns=1000000
//
// This is a benchmark, not a test: it prints numbers and exits 0 unless a side fails.

import os from 'node:os';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { explore, gather, Shared, spawn, yieldNow } from 'interleaved';

// ---------------------------------------------------------------------------------------------
// Configuration

type Mode = 'speed' | 'memory' | 'both';

interface Config {
  mode: Mode;
  runs: number;
  warmup: number;
  reps: number;
  memRuns: number;
}

function parseArgs(argv: string[]): Config {
  const cfg: Config = { mode: 'both', runs: 20_000, warmup: 2_000, reps: 5, memRuns: 1_000_000 };
  for (const arg of argv) {
    if (arg === 'speed' || arg === 'memory' || arg === 'both') {
      cfg.mode = arg;
      continue;
    }
    const m = /^(runs|warmup|reps|memruns)=(\d+)$/.exec(arg);
    if (!m) {
      console.error(`unknown argument: ${arg}`);
      console.error('usage: scheduler.bench.js [speed|memory|both] [runs=N] [warmup=N] [reps=N] [memruns=N]');
      process.exit(2);
    }
    const value = Number(m[2]);
    if (m[1] === 'runs') cfg.runs = value;
    else if (m[1] === 'warmup') cfg.warmup = value;
    else if (m[1] === 'reps') cfg.reps = value;
    else cfg.memRuns = value;
  }
  return cfg;
}

const TASKS = 3;
const STEPS = 10;
const SEED = 42;

// Scheduling points executed by the program bodies, counted where they happen (not assumed).
let points = 0;
// Number of times the program itself was entered (one per schedule).
let programCalls = 0;

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) g();
}

// ---------------------------------------------------------------------------------------------
// interleaved side

async function interleaveProgram(): Promise<void> {
  programCalls++;
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
  const n = c.get();
  if (n < STEPS || n > STEPS * TASKS) throw new Error(`counter out of range: ${n}`);
}

async function runInterleave(runs: number): Promise<{ schedules: number; extra: string }> {
  const report = await explore(interleaveProgram, {
    runs,
    seed: SEED,
    strategy: 'random',
    minimize: false,
  });
  if (!report.ok) throw new Error(`interleaved: explore reported a failure: ${report.failure?.message}`);
  return { schedules: report.runs, extra: `distinct=${report.distinct} exhausted=${report.exhausted}` };
}

// ---------------------------------------------------------------------------------------------
// fast-check side

type WaitKind = 'waitAll' | 'waitFor' | 'waitIdle' | 'waitOne-loop';

async function runFastCheck(runs: number, wait: WaitKind): Promise<{ schedules: number; extra: string }> {
  const before = programCalls;
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), async (s) => {
      programCalls++;
      let counter = 0;
      const body = async (): Promise<void> => {
        for (let i = 0; i < STEPS; i++) {
          const v = counter;
          points++;
          await s.schedule(Promise.resolve());
          counter = v + 1;
        }
      };
      const all = Promise.all([body(), body(), body()]);
      switch (wait) {
        case 'waitAll':
          await s.waitAll();
          break;
        case 'waitFor':
          await s.waitFor(all);
          break;
        case 'waitIdle':
          await s.waitIdle();
          break;
        case 'waitOne-loop':
          while (s.count() > 0) await s.waitOne();
          break;
      }
      await all;
      return counter >= STEPS && counter <= STEPS * TASKS;
    }),
    { numRuns: runs, seed: SEED },
  );
  return { schedules: programCalls - before, extra: '' };
}

// ---------------------------------------------------------------------------------------------
// Measurement

interface Variant {
  name: string;
  side: 'interleaved' | 'fast-check';
  run: (runs: number) => Promise<{ schedules: number; extra: string }>;
}

interface Sample {
  ms: number;
  schedules: number;
  programCalls: number;
  points: number;
  extra: string;
}

async function measure(v: Variant, runs: number): Promise<Sample> {
  gc();
  const p0 = points;
  const c0 = programCalls;
  const t0 = performance.now();
  const r = await v.run(runs);
  const ms = performance.now() - t0;
  return { ms, schedules: r.schedules, programCalls: programCalls - c0, points: points - p0, extra: r.extra };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function pad(s: string, w: number, right = false): string {
  return right ? s.padStart(w) : s.padEnd(w);
}

async function speed(cfg: Config): Promise<void> {
  const variants: Variant[] = [
    { name: 'interleaved explore (random)', side: 'interleaved', run: (n) => runInterleave(n) },
    { name: 'fast-check waitAll', side: 'fast-check', run: (n) => runFastCheck(n, 'waitAll') },
    { name: 'fast-check waitFor(all)', side: 'fast-check', run: (n) => runFastCheck(n, 'waitFor') },
    { name: 'fast-check waitIdle', side: 'fast-check', run: (n) => runFastCheck(n, 'waitIdle') },
    { name: 'fast-check waitOne loop', side: 'fast-check', run: (n) => runFastCheck(n, 'waitOne-loop') },
  ];

  console.log(`\n== speed: ${cfg.runs} schedules per measurement, warm-up ${cfg.warmup}, median of ${cfg.reps} ==`);

  for (const v of variants) {
    const w = await measure(v, cfg.warmup);
    console.log(
      `warm-up  ${pad(v.name, 28)} ${pad(w.ms.toFixed(0), 7, true)} ms  schedules=${w.schedules} points=${w.points}`,
    );
  }

  // Alternate sides: interleaved, fast-check, interleaveed, fast-check, ... Each repetition runs
  // every fast-check variant once, each preceded by an interleaved run, and the fast-check order
  // rotates between repetitions so every variant sees every position. interleaved therefore gets
  // (fast-check variants x reps) samples; every fast-check variant gets `reps` samples.
  const fcVariants = variants.filter((v) => v.side === 'fast-check');
  const ilVariant = variants[0]!;
  const samples = new Map<string, Sample[]>(variants.map((v) => [v.name, []]));
  for (let rep = 0; rep < cfg.reps; rep++) {
    const order: Variant[] = [];
    for (let i = 0; i < fcVariants.length; i++) {
      order.push(ilVariant);
      order.push(fcVariants[(i + rep) % fcVariants.length]!);
    }
    for (const v of order) {
      const s = await measure(v, cfg.runs);
      samples.get(v.name)!.push(s);
      const pps = s.points / (s.ms / 1000);
      console.log(
        `rep ${rep + 1}    ${pad(v.name, 28)} ${pad(s.ms.toFixed(0), 7, true)} ms  ` +
          `${pad(fmtInt(pps), 11, true)} points/s  schedules=${s.schedules}` +
          (s.extra ? `  ${s.extra}` : ''),
      );
    }
  }

  interface Row {
    name: string;
    side: string;
    ms: number;
    schedulesPerS: number;
    pointsPerS: number;
    pointsPerSchedule: number;
    minPps: number;
    maxPps: number;
    n: number;
  }
  const rows: Row[] = [];
  for (const v of variants) {
    const ss = samples.get(v.name)!;
    for (const s of ss) {
      if (s.schedules !== cfg.runs || s.programCalls !== cfg.runs || s.points !== cfg.runs * TASKS * STEPS) {
        console.log(
          `WARNING ${v.name}: expected ${cfg.runs} schedules and ${cfg.runs * TASKS * STEPS} points, ` +
            `got schedules=${s.schedules} programCalls=${s.programCalls} points=${s.points}`,
        );
      }
    }
    rows.push({
      name: v.name,
      side: v.side,
      ms: median(ss.map((s) => s.ms)),
      schedulesPerS: median(ss.map((s) => s.schedules / (s.ms / 1000))),
      pointsPerS: median(ss.map((s) => s.points / (s.ms / 1000))),
      pointsPerSchedule: ss.reduce((a, s) => a + s.points, 0) / ss.reduce((a, s) => a + s.programCalls, 0),
      minPps: Math.min(...ss.map((s) => s.points / (s.ms / 1000))),
      maxPps: Math.max(...ss.map((s) => s.points / (s.ms / 1000))),
      n: ss.length,
    });
  }

  console.log('');
  console.log(
    `| ${pad('variant', 28)} | ${pad('median ms', 9, true)} | ${pad('schedules/s', 11, true)} | ` +
      `${pad('points/s', 11, true)} | ${pad('points/s range', 23, true)} | ${pad('points/sched', 12, true)} | samples |`,
  );
  const sep = (w: number, right: boolean): string => (right ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2));
  console.log(
    `|${sep(28, false)}|${sep(9, true)}|${sep(11, true)}|${sep(11, true)}|${sep(23, true)}|${sep(12, true)}|${sep(7, true)}|`,
  );
  for (const r of rows) {
    console.log(
      `| ${pad(r.name, 28)} | ${pad(r.ms.toFixed(0), 9, true)} | ${pad(fmtInt(r.schedulesPerS), 11, true)} | ` +
        `${pad(fmtInt(r.pointsPerS), 11, true)} | ${pad(`${fmtInt(r.minPps)} - ${fmtInt(r.maxPps)}`, 23, true)} | ` +
        `${pad(r.pointsPerSchedule.toFixed(2), 12, true)} | ${pad(String(r.n), 7, true)} |`,
    );
  }
  const il = rows.find((r) => r.side === 'interleaved')!;
  const fastest = rows.filter((r) => r.side === 'fast-check').sort((a, b) => b.pointsPerS - a.pointsPerS)[0]!;
  console.log('');
  console.log(`fastest fast-check wait: ${fastest.name}`);
  console.log(
    `ratio interleaved / fast-check (${fastest.name}): ${(il.pointsPerS / fastest.pointsPerS).toFixed(2)}x ` +
      `(points/s ${fmtInt(il.pointsPerS)} vs ${fmtInt(fastest.pointsPerS)})`,
  );
}

async function memory(cfg: Config): Promise<void> {
  const total = cfg.memRuns;
  const marks = [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 1].map((f) => Math.round(total * f));
  console.log(`\n== memory: one explore call, runs=${total}, heapUsed after global.gc() ==`);
  if (!(globalThis as { gc?: unknown }).gc) {
    console.log('WARNING: global.gc is not available (run node with --expose-gc); heap numbers include garbage');
  }

  gc();
  const base = process.memoryUsage().heapUsed;
  console.log(`before explore: heapUsed ${(base / 1048576).toFixed(1)} MiB`);

  const taken: { runs: number; heap: number; elapsedMs: number }[] = [];
  let progressCalls = 0;
  let lastProgressRuns = 0;
  let maxGap = 0;
  let next = 0;
  const p0 = points;
  const t0 = performance.now();
  const report = await explore(interleaveProgram, {
    runs: total,
    seed: SEED,
    strategy: 'random',
    minimize: false,
    onProgress: (p) => {
      progressCalls++;
      maxGap = Math.max(maxGap, p.runs - lastProgressRuns);
      lastProgressRuns = p.runs;
      if (next < marks.length && p.runs >= marks[next]!) {
        gc();
        const heap = process.memoryUsage().heapUsed;
        taken.push({ runs: p.runs, heap, elapsedMs: p.elapsedMs });
        console.log(
          `  runs=${pad(fmtInt(p.runs), 9, true)}  heapUsed ${pad((heap / 1048576).toFixed(1), 6, true)} MiB` +
            `  distinct=${p.distinct}  elapsed=${(p.elapsedMs / 1000).toFixed(1)} s`,
        );
        while (next < marks.length && p.runs >= marks[next]!) next++;
      }
    },
  });
  const ms = performance.now() - t0;
  const pts = points - p0;
  gc();
  const after = process.memoryUsage().heapUsed;
  console.log(`after explore (report alive): heapUsed ${(after / 1048576).toFixed(1)} MiB`);
  console.log(
    `explore: ok=${report.ok} runs=${report.runs} distinct=${report.distinct} exhausted=${report.exhausted} ` +
      `elapsed=${(ms / 1000).toFixed(1)} s  ${fmtInt(report.runs / (ms / 1000))} schedules/s  ` +
      `${fmtInt(pts / (ms / 1000))} points/s`,
  );
  console.log(`onProgress: ${progressCalls} calls, largest gap ${fmtInt(maxGap)} schedules, last at runs=${lastProgressRuns}`);
  if (!report.ok) console.log(`FAILURE: ${report.failure?.message}`);
  if (taken.length < marks.length) {
    console.log(`WARNING: only ${taken.length} of ${marks.length} checkpoints were sampled (onProgress too sparse)`);
  }

  // Growth from the ~100k sample to the last one.
  const ref = taken.find((t) => t.runs >= total * 0.1);
  const last = taken[taken.length - 1];
  if (ref && last && last !== ref) {
    const delta = last.heap - ref.heap;
    const perSchedule = delta / (last.runs - ref.runs);
    console.log(
      `heap change from runs=${fmtInt(ref.runs)} to runs=${fmtInt(last.runs)}: ` +
        `${(delta / 1048576).toFixed(2)} MiB (${perSchedule.toFixed(2)} bytes/schedule)`,
    );
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const cfg = parseArgs(process.argv.slice(2));
  const cmd = [process.argv0, ...process.execArgv, ...process.argv.slice(1).map((a) => a.replace(process.cwd() + '/', ''))].join(' ');
  let fcVersion = '?';
  try {
    const { createRequire } = await import('node:module');
    fcVersion = (createRequire(import.meta.url)('fast-check/package.json') as { version: string }).version;
  } catch {
    // informational only
  }
  console.log('interleaved vs fast-check scheduler benchmark');
  console.log(`node ${process.version}  ${os.platform()} ${os.arch()}  fast-check ${fcVersion}`);
  console.log(`cpu: ${os.cpus()[0]?.model ?? 'unknown'} (${os.cpus().length} logical)`);
  console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`command: ${cmd}`);
  console.log(`program: ${TASKS} tasks x ${STEPS} steps (read, scheduling point, write) on a shared counter; seed ${SEED}`);
  for (const k of ['INTERLEAVE_SEED', 'INTERLEAVE_RUNS', 'INTERLEAVE_TIME_LIMIT', 'INTERLEAVE_REPLAY']) {
    if (process.env[k] !== undefined) console.log(`WARNING: ${k} is set and overrides explore options`);
  }
  if (!(globalThis as { gc?: unknown }).gc) console.log('note: run with --expose-gc for a gc before each measurement');

  if (cfg.mode === 'speed' || cfg.mode === 'both') await speed(cfg);
  if (cfg.mode === 'memory' || cfg.mode === 'both') await memory(cfg);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
