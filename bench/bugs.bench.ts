// Bug-finding benchmark: for each program of bench/literature (SCTBench ports and the shapes of
// the PCT, POS and SURW papers) and each strategy, how many of SEEDS seeds find the bug within
// RUNS schedules, and the median number of schedules to the first failure (over the seeds that
// found it). fast-check's scheduler runs the same program source through the adapter in
// bench/literature/rt.ts. dfs does not depend on the seed: it runs once.
//
// Then every fixed twin runs under every strategy (TWIN_SEEDS seeds x TWIN_RUNS schedules): a
// failure there is a false report (or a wrong twin), and the benchmark exits 1.
//
// Usage (`npm run bench:bugs` builds and runs it with the defaults):
//   node build/bench/bugs.bench.js [seeds=20] [runs=10000] [only=name,name] [strategies=a,b]
//                                  [twinSeeds=2] [twinRuns=1000] [twins=false]

import fc from 'fast-check';
import { check, type StrategyName } from 'interleaved';
import { fastCheckProperty, interleavedRt, literature, type LiteratureProgram, type Rt } from './literature/index.js';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=') as [string, string]));
const SEEDS = Number(args['seeds'] ?? 20);
const RUNS = Number(args['runs'] ?? 10_000);
const TWIN_SEEDS = Number(args['twinSeeds'] ?? 2);
const TWIN_RUNS = Number(args['twinRuns'] ?? 1000);
const ONLY = args['only']?.split(',');
const TOOLS = (args['strategies'] ?? 'random,pct,pos,surw,dfs,portfolio,fast-check').split(',');
// Spin loops end under a fair continuation well within this; it bounds what a starving
// schedule costs.
const MAX_STEPS = 5000;

type Tool = StrategyName | 'fast-check';

interface Cell {
  found: number;
  tried: number;
  median: number | undefined;
  kinds: Set<string>;
  ms: number;
}

function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Schedules to the first failure with `seed`, or undefined when none failed within `runs`. */
async function firstFailure(tool: Tool, program: (rt: Rt) => Promise<void>, seed: number, runs: number): Promise<{ at: number; kind: string } | undefined> {
  if (tool === 'fast-check') {
    const details = await fc.check(fastCheckProperty(program), { numRuns: runs, seed, endOnFailure: true });
    return details.failed ? { at: details.numRuns, kind: 'error' } : undefined;
  }
  const report = await check(() => program(interleavedRt), { runs, seed, strategy: tool, minimize: false, maxSteps: MAX_STEPS });
  return report.failure === undefined ? undefined : { at: report.failure.runIndex + 1, kind: report.failure.kind };
}

async function measure(tool: Tool, program: (rt: Rt) => Promise<void>, seeds: number, runs: number): Promise<Cell> {
  const started = performance.now();
  const n = tool === 'dfs' ? 1 : seeds;
  const hits: number[] = [];
  const kinds = new Set<string>();
  for (let seed = 1; seed <= n; seed++) {
    const hit = await firstFailure(tool, program, seed, runs);
    if (hit !== undefined) {
      hits.push(hit.at);
      kinds.add(hit.kind);
    }
  }
  return { found: hits.length, tried: n, median: median(hits), kinds, ms: performance.now() - started };
}

async function main(): Promise<void> {
  const programs: LiteratureProgram[] = literature.filter((p) => ONLY === undefined || ONLY.includes(p.name));
  const tools = TOOLS as Tool[];
  const started = performance.now();
  console.log(`bugs: ${programs.length} programs; ${SEEDS} seeds x up to ${RUNS} schedules (dfs: one search); node ${process.version}`);
  console.log('cells: seeds that found the bug / seeds tried, median schedules to the first failure');
  console.log('');
  console.log(`| program | source | ${tools.join(' | ')} |`);
  console.log(`| --- | --- | ${tools.map(() => '---').join(' | ')} |`);
  const seconds: Record<string, number> = {};
  const odd: string[] = [];
  for (const p of programs) {
    const cells: string[] = [];
    for (const tool of tools) {
      const c = await measure(tool, p.bug, SEEDS, RUNS);
      seconds[tool] = (seconds[tool] ?? 0) + c.ms / 1000;
      cells.push(`${c.found}/${c.tried}, ${c.median ?? '-'}`);
      for (const kind of c.kinds) if (kind !== 'error' && kind !== 'deadlock') odd.push(`${p.name} under ${tool} failed with '${kind}'`);
    }
    console.log(`| ${p.name} | ${p.source} | ${cells.join(' | ')} |`);
  }
  console.log('');
  console.log(`seconds per tool (bugs): ${Object.entries(seconds).map(([t, s]) => `${t} ${s.toFixed(1)}`).join(', ')}`);
  for (const line of odd) console.log(`note: ${line}`);
  let falseReports = 0;
  if (args['twins'] !== 'false') {
    console.log('');
    console.log(`fixed twins: ${TWIN_SEEDS} seeds x ${TWIN_RUNS} schedules under every tool`);
    for (const p of programs) {
      for (const tool of tools) {
        const c = await measure(tool, p.fixed, TWIN_SEEDS, TWIN_RUNS);
        if (c.found > 0) {
          falseReports++;
          console.log(`FIXED TWIN FAILED: ${p.name} under ${tool} (${c.found}/${c.tried}, kinds ${[...c.kinds].join(', ')})`);
        }
      }
    }
    console.log(falseReports === 0 ? 'no fixed twin failed' : `${falseReports} fixed twin(s) failed`);
  }
  console.log(`total ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (falseReports > 0) process.exitCode = 1;
}

await main();
