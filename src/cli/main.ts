#!/usr/bin/env node
/**
 * The `interleaved` command.
 *
 *   interleaved fuzz <files...> [--duration 60s] [--runs N] [--strategy S] [--seed S] [--json out.json]
 *   interleaved replay <file>#<export> <token>
 *
 * `fuzz` imports each file, explores every exported `scenario` in turn until the time budget or
 * the run budget ends, prints one line per scenario, and exits 1 when any scenario failed
 * (each failure printed with its token). `replay` runs one schedule of one export and prints its
 * trace. Exit codes: 0 no bug, 1 a bug was found, 2 a usage error.
 *
 * This version runs in one process; worker threads, sharding, the failure corpus and the
 * JUnit/HTML reports of the contract are not in it yet and are refused with exit code 2.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { replay, type ExploreReport, type Program } from '../explorer/explore.js';
import type { ExploreOptions, StrategyName } from '../explorer/options.js';
import { formatTrace } from '../explorer/report.js';
import { isScenario, type Scenario } from '../explorer/scenario.js';

class UsageError extends Error {}

const USAGE = `usage:
  interleaved fuzz <files...> [--duration 60s] [--runs N] [--strategy random|pct|dfs|portfolio] [--seed S] [--json out.json]
  interleaved replay <file>#<export> <token>`;

const NOT_YET = new Set(['--workers', '--shard', '--corpus', '--junit', '--html']);

function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text);
  if (m === null) throw new UsageError(`--duration expects a number with a unit like 90s, 5m or 500ms, got "${text}"`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000);
}

interface FuzzArgs {
  files: string[];
  durationMs: number;
  runs: number | undefined;
  strategy: StrategyName | undefined;
  seed: string | undefined;
  json: string | undefined;
}

function parseFuzz(argv: string[]): FuzzArgs {
  const out: FuzzArgs = { files: [], durationMs: 60_000, runs: undefined, strategy: undefined, seed: undefined, json: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (NOT_YET.has(arg)) throw new UsageError(`${arg} is not supported by this version of the CLI yet (it runs in one process)`);
    if (arg === '--duration') out.durationMs = parseDuration(value());
    else if (arg === '--runs') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`--runs expects an integer >= 1, got "${argv[i]}"`);
      out.runs = n;
    } else if (arg === '--strategy') {
      const s = value();
      if (!['random', 'pct', 'dfs', 'portfolio'].includes(s)) throw new UsageError(`--strategy expects random, pct, dfs or portfolio, got "${s}"`);
      out.strategy = s as StrategyName;
    } else if (arg === '--seed') out.seed = value();
    else if (arg === '--json') out.json = value();
    else if (arg.startsWith('--')) throw new UsageError(`unknown flag ${arg}`);
    else out.files.push(arg);
  }
  if (out.files.length === 0) throw new UsageError('fuzz needs at least one file that exports scenarios');
  return out;
}

async function load(file: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`can't import ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function fuzz(args: FuzzArgs): Promise<number> {
  const found: { file: string; name: string; scenario: Scenario }[] = [];
  for (const file of args.files) {
    const mod = await load(file);
    for (const [name, value] of Object.entries(mod)) if (isScenario(value)) found.push({ file, name, scenario: value });
  }
  if (found.length === 0) throw new UsageError(`no exported scenario(...) in ${args.files.join(', ')}`);
  const share = args.durationMs / found.length;
  const results: { file: string; name: string; report: ExploreReport }[] = [];
  let failed = 0;
  for (const { file, name, scenario } of found) {
    const overrides: ExploreOptions = { timeLimit: Math.max(1, Math.floor(share)), runs: args.runs ?? Number.MAX_SAFE_INTEGER };
    if (args.strategy !== undefined) overrides.strategy = args.strategy;
    if (args.seed !== undefined) overrides.seed = args.seed;
    const report = await scenario.check(overrides);
    results.push({ file, name, report });
    const rate = report.elapsedMs > 0 ? Math.round((report.runs / report.elapsedMs) * 1000) : report.runs;
    console.log(`${report.ok ? 'ok  ' : 'FAIL'} ${file}#${name}: ${report.runs} schedules (${report.distinct} distinct, ${rate}/s), seed ${report.seed}`);
    if (report.failure !== undefined) {
      failed++;
      console.log(`\n${report.failure.message}\n   or: interleaved replay ${file}#${name} ${report.failure.token}\n`);
    }
  }
  if (args.json !== undefined) {
    const data = results.map(({ file, name, report }) => ({
      scenario: `${file}#${name}`,
      ok: report.ok,
      runs: report.runs,
      distinct: report.distinct,
      elapsedMs: report.elapsedMs,
      seed: report.seed,
      strategy: report.strategy,
      failure: report.failure && { kind: report.failure.kind, message: report.failure.message, token: report.failure.token, trace: report.failure.trace },
    }));
    writeFileSync(args.json, `${JSON.stringify(data, null, 2)}\n`);
  }
  return failed > 0 ? 1 : 0;
}

async function replayCommand(argv: string[]): Promise<number> {
  const [target, token, ...rest] = argv;
  if (target === undefined || token === undefined || rest.length > 0) throw new UsageError('replay needs <file>#<export> <token>');
  const hash = target.lastIndexOf('#');
  if (hash < 0) throw new UsageError(`expected <file>#<export>, got "${target}"`);
  const mod = await load(target.slice(0, hash));
  const name = target.slice(hash + 1);
  const value = mod[name];
  const program: Program | undefined = isScenario(value) ? value.program : typeof value === 'function' ? (value as Program) : undefined;
  if (program === undefined) throw new UsageError(`${target}: the export "${name}" is not a scenario or a program`);
  const result = await replay(program, token);
  if (result.failure !== undefined) {
    console.log(result.failure.message);
    return 1;
  }
  console.log(formatTrace(result.trace));
  console.log(`\nok: the schedule passed (${result.steps} steps, virtual time ${result.time} ms)`);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'fuzz') return await fuzz(parseFuzz(rest));
    if (command === 'replay') return await replayCommand(rest);
    if (command === undefined || command === '--help' || command === '-h') {
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command "${command}"`);
  } catch (error) {
    if (error instanceof UsageError || error instanceof TypeError || error instanceof RangeError) {
      console.error(`interleaved: ${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

const self = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (self) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(2);
    },
  );
}
