// Benchmark: schedules per second of `interleaved fuzz` with 1 and with 2 worker threads on
// the program of scheduler.bench.ts (bench/scheduler.scenario.ts), to show the workers scale.
//
// Each measurement is one run of the built binary for a fixed duration; the rate is the
// schedules it ran divided by the wall-clock time of its search (which starts once every
// worker has loaded the scenario file). Runs alternate 1, 2, 1, 2, …; the median of each is
// reported, and the median of the ratios within each rep (adjacent runs share the machine's
// conditions), and the machine's load average before and after (a loaded machine
// lowers the ratio: the second worker competes with other processes for the second core).
// It also reports schedules per CPU second of the whole process: equal for 1 and 2 workers
// means the workers share nothing that slows them, so on an idle machine the wall-clock rate
// scales with the cores.
//
// On a shared machine, `quiet=1` waits before each pair of runs until the machine has been
// at least 85% idle for two seconds (read from /proc/stat, Linux only), for at most five minutes.
//
// Usage: npm run bench:fuzz  (or: node build/bench/fuzz.bench.js [reps=5] [duration=10s] [quiet=1])

import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=') as [string, string]));
const REPS = Number(args['reps'] ?? 5);
const DURATION = args['duration'] ?? '10s';
const QUIET = args['quiet'] === '1';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'dist/cli/main.js');
const SCENARIO = join(ROOT, 'bench/scheduler.scenario.ts');

interface Measure {
  /** Schedules per wall-clock second. */
  rate: number;
  /** Schedules per CPU second of the process (all threads). */
  perCpu: number;
}

function measure(workers: number): Measure {
  const dir = mkdtempSync(join(tmpdir(), 'interleaved-bench-'));
  const json = join(dir, 'out.json');
  const cliArgs = ['fuzz', SCENARIO, '--duration', DURATION, '--workers', String(workers), '--seed', '42', '--corpus', join(dir, 'c.json'), '--json', json];
  execFileSync(process.execPath, [BIN, ...cliArgs], { cwd: ROOT, stdio: 'ignore' });
  const summary = JSON.parse(readFileSync(json, 'utf8')) as { schedules: number; schedulesPerSecond: number; cpuMs: number; workers: number; ok: boolean };
  if (!summary.ok || summary.workers !== workers) throw new Error(`unexpected run: ${JSON.stringify(summary)}`);
  return { rate: summary.schedulesPerSecond, perCpu: (summary.schedules * 1000) / summary.cpuMs };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Idle and total jiffies of all CPUs. */
function cpuTimes(): { idle: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return { idle: fields[3]! + (fields[4] ?? 0), total: fields.reduce((a, b) => a + b, 0) };
}

/** Fraction of CPU time the machine spent idle over the next `ms`. */
async function idleOver(ms: number): Promise<number> {
  const a = cpuTimes();
  await sleep(ms);
  const b = cpuTimes();
  return (b.idle - a.idle) / Math.max(1, b.total - a.total);
}

async function waitQuiet(): Promise<number> {
  for (let waited = 0; ; waited += 2000) {
    const idle = await idleOver(2000);
    if (idle >= 0.85 || waited > 300_000) return idle;
  }
}

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`fuzz workers benchmark: ${REPS} reps x ${DURATION}, load average before: ${load()}`);
const one: Measure[] = [];
const two: Measure[] = [];
const fmt = (m: Measure): string => `${Math.round(m.rate)}/s (${Math.round(m.perCpu)} per CPU-s, ${(m.rate / m.perCpu).toFixed(2)} cores used)`;
for (let r = 0; r < REPS; r++) {
  if (QUIET) console.log(`machine idle ${(100 * (await waitQuiet())).toFixed(0)}% before rep ${r + 1}`);
  one.push(measure(1));
  two.push(measure(2));
  console.log(`rep ${r + 1}: 1 worker ${fmt(one.at(-1)!)}, 2 workers ${fmt(two.at(-1)!)}, ratio ${(two.at(-1)!.rate / one.at(-1)!.rate).toFixed(2)}`);
}
const m1 = median(one.map((m) => m.rate));
const m2 = median(two.map((m) => m.rate));
const c1 = median(one.map((m) => m.perCpu));
const c2 = median(two.map((m) => m.perCpu));
const ratios = one.map((m, r) => two[r]!.rate / m.rate);
console.log(`median: 1 worker ${Math.round(m1)}/s, 2 workers ${Math.round(m2)}/s (ratio of the medians ${(m2 / m1).toFixed(2)}x)`);
console.log(`ratio within each rep (adjacent runs): median ${median(ratios).toFixed(2)}x, from ${Math.min(...ratios).toFixed(2)} to ${Math.max(...ratios).toFixed(2)}`);
console.log(`per CPU second: 1 worker ${Math.round(c1)}, 2 workers ${Math.round(c2)} (parallel efficiency ${((100 * c2) / c1).toFixed(0)}%)`);
console.log(`load average after: ${load()}`);
