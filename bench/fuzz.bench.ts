// Benchmark: schedules per second of `interleaved fuzz` with 1 and with 2 worker threads on
// the program of scheduler.bench.ts (bench/scheduler.scenario.ts), to show the workers scale.
//
// Each measurement is one run of the built binary for a fixed duration; the rate is the
// schedules it ran divided by the wall-clock time from starting the workers to their end (so
// worker start-up counts against it). Runs alternate 1, 2, 1, 2, … and the median of each is
// reported with the ratio, and the machine's load average before and after (a loaded machine
// lowers the ratio: the second worker competes with other processes for the second core).
//
// Usage: npm run bench:fuzz  (or: node build/bench/fuzz.bench.js [reps=5] [duration=10s])

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=') as [string, string]));
const REPS = Number(args['reps'] ?? 5);
const DURATION = args['duration'] ?? '10s';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'dist/cli/main.js');
const SCENARIO = join(ROOT, 'bench/scheduler.scenario.ts');

function measure(workers: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'interleaved-bench-'));
  const json = join(dir, 'out.json');
  const cliArgs = ['fuzz', SCENARIO, '--duration', DURATION, '--workers', String(workers), '--seed', '42', '--corpus', join(dir, 'c.json'), '--json', json];
  execFileSync(process.execPath, [BIN, ...cliArgs], { cwd: ROOT, stdio: 'ignore' });
  const summary = JSON.parse(readFileSync(json, 'utf8')) as { schedulesPerSecond: number; workers: number; ok: boolean };
  if (!summary.ok || summary.workers !== workers) throw new Error(`unexpected run: ${JSON.stringify(summary)}`);
  return summary.schedulesPerSecond;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`fuzz workers benchmark: ${REPS} reps x ${DURATION}, load average before: ${load()}`);
const one: number[] = [];
const two: number[] = [];
for (let r = 0; r < REPS; r++) {
  one.push(measure(1));
  two.push(measure(2));
  console.log(`rep ${r + 1}: 1 worker ${Math.round(one.at(-1)!)}/s, 2 workers ${Math.round(two.at(-1)!)}/s (ratio ${(two.at(-1)! / one.at(-1)!).toFixed(2)})`);
}
console.log(`median: 1 worker ${Math.round(median(one))}/s, 2 workers ${Math.round(median(two))}/s, ratio ${(median(two) / median(one)).toFixed(2)}x`);
console.log(`load average after: ${load()}`);
