/**
 * `interleaved fuzz`: load the scenarios, replay the corpus, search across worker threads,
 * record failures, write the reports.
 *
 * Order of work: (1) expand the inputs and import them; (2) plan this shard (plan.ts);
 * (3) replay the corpus entries of the planned scenarios: one that fails again fails its
 * scenario (which is then not searched further: the known bug comes first), one that passes or
 * no longer fits the program is reported fixed; (4) start the workers and, once all have
 * loaded, search until the budget ends or a signal stops them, appending each new failure to
 * the corpus as it arrives; (5) write the reports and print a summary. Exit code 1 when any scenario failed, else 0; 130 for a run
 * stopped by Ctrl-C that found nothing.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CorpusError, type CorpusEntry } from '../explorer/corpus.js';
import type { FuzzArgs } from './args.js';
import { UsageError } from './args.js';
import { Corpus } from './corpus.js';
import { expandInputs, loadScenarios, type Found } from './loading.js';
import { planShard, type Job } from './plan.js';
import { Progress } from './progress.js';
import { writeHtml } from './reports/html.js';
import { writeJson } from './reports/json.js';
import { writeJunit } from './reports/junit.js';
import type { FailureRecord, FuzzSummary, ScenarioSummary } from './summary.js';
import { startPool, type JobReport } from './workers.js';

/**
 * The version of interleaved, from its package.json.
 *
 * @example
 * ```ts
 * console.log(`interleaved ${VERSION}`);
 * ```
 */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * Where output goes.
 *
 * @example
 * ```ts
 * const io: Io = { log: (line) => console.log(line), progress: process.stderr };
 * ```
 */
export interface Io {
  log(line: string): void;
  progress: NodeJS.WriteStream;
}

function reproduceLine(id: string, token: string): string {
  return `npx interleaved replay ${id} ${token}`;
}

function emptySummary(f: Found): ScenarioSummary {
  return { id: f.id, file: f.id.slice(0, f.id.lastIndexOf('#')), exportName: f.exportName, outcome: 'passed', runs: 0, distinct: 0, exhausted: false, elapsedMs: 0, streams: [], failures: [], fixed: [] };
}

async function openCorpus(path: string): Promise<Corpus> {
  try {
    return new Corpus(path);
  } catch (error) {
    if (error instanceof CorpusError) throw new UsageError(error.message);
    throw error;
  }
}

/** Replays the corpus entries of `owned`; returns the ids whose failure reproduced. */
async function replayCorpus(corpus: Corpus, owned: Map<string, { found: Found; summary: ScenarioSummary }>, counts: FuzzSummary['corpus'], io: Io): Promise<Set<string>> {
  const reproduced = new Set<string>();
  let changed = false;
  for (const entry of corpus.entries) {
    const mine = owned.get(entry.scenario);
    if (mine === undefined) continue;
    counts.replayed++;
    let result;
    try {
      result = await mine.found.scenario.replay(entry.token);
    } catch {
      result = undefined; // a token this version cannot read: it no longer fits
    }
    const failure = result?.failure;
    if (failure !== undefined && failure.kind !== 'nondeterministic') {
      counts.reproduced++;
      reproduced.add(entry.scenario);
      mine.summary.outcome = 'failed';
      mine.summary.failures.push({ kind: failure.kind, message: failure.message, token: entry.token, steps: failure.steps, preemptions: failure.preemptions, minimized: false, trace: failure.trace, source: 'corpus', reproduce: reproduceLine(entry.scenario, entry.token) });
      io.log(`corpus: ${entry.scenario} still fails (${failure.kind}) with ${entry.token}`);
      if (entry.status === 'fixed') {
        entry.status = 'failing';
        delete entry.fixedAt;
        changed = true;
      }
    } else if (entry.status === 'failing') {
      counts.fixed++;
      mine.summary.fixed.push(entry.token);
      entry.status = 'fixed';
      entry.fixedAt = new Date().toISOString();
      changed = true;
      io.log(`corpus: ${entry.scenario} fixed: ${entry.token} (${entry.kind}) no longer fails`);
    }
  }
  if (changed) corpus.save();
  return reproduced;
}

/**
 * Runs `fuzz` and returns the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await fuzz(parseFuzz(['examples', '--duration', '10s']), { log: console.log, progress: process.stderr });
 * ```
 * @throws UsageError for missing files, files without scenarios, an unreadable corpus.
 */
export async function fuzz(args: FuzzArgs, io: Io, signals: NodeJS.EventEmitter = process): Promise<number> {
  const seed = args.seed !== '' ? args.seed : process.env['INTERLEAVE_SEED'] || String(randomBytes(4).readUInt32BE(0));
  const cwd = process.cwd();
  const files = expandInputs(args.inputs, cwd);
  const found = await loadScenarios(files, cwd);
  if (found.length === 0) throw new UsageError(`no exported scenario(...) in ${files.join(', ')}: export one with \`export const name = scenario(async () => { … })\``);
  const dfs = (k: number): boolean => (args.strategy ?? found[k]!.scenario.options.strategy) === 'dfs';
  const plan = planShard({ scenarios: found.length, workers: args.workers, shard: args.shard, seed, runs: args.runs, dfs });
  const owned = new Map(plan.scenarios.map((k) => [found[k]!.id, { found: found[k]!, summary: emptySummary(found[k]!) }]));
  const corpus = await openCorpus(args.corpus);
  const counts = { path: args.corpus, replayed: 0, reproduced: 0, fixed: 0, added: 0 };
  const shardText = args.shard.count > 1 ? `, shard ${args.shard.index + 1}/${args.shard.count}` : '';
  io.log(`fuzz: ${found.length} scenario${found.length === 1 ? '' : 's'} in ${files.length} file${files.length === 1 ? '' : 's'}, ${owned.size} here${shardText}; seed ${seed}, ${plan.workers.length} worker${plan.workers.length === 1 ? '' : 's'}`);
  const reproduced = await replayCorpus(corpus, owned, counts, io);

  // Jobs of scenarios whose corpus failure reproduced are dropped: the known bug comes first.
  const jobs: Job[][] = plan.workers.map((list) => list.filter((j) => !reproduced.has(found[j.scenario]!.id))).filter((list) => list.length > 0);
  // Until every worker has loaded and the search starts, these count from now.
  let started = Date.now();
  let cpuStart = process.cpuUsage();
  let deadline = started + args.durationMs;
  const live = jobs.map((list) => list.map(() => ({ runs: 0, distinct: 0 })));
  let finishedRuns = 0;
  let finishedDistinct = 0;
  let failures = 0;
  const record = (job: Job, report: JobReport): void => {
    const f = found[job.scenario]!;
    const s = owned.get(f.id)!.summary;
    s.runs += report.runs;
    s.distinct += report.distinct;
    s.elapsedMs += report.elapsedMs;
    s.exhausted ||= report.exhausted;
    s.streams.push({ stream: job.stream, seed: job.seed, runs: report.runs, distinct: report.distinct });
    finishedRuns += report.runs;
    finishedDistinct += report.distinct;
    const failure = report.failure;
    if (failure === undefined || s.failures.some((known) => known.token === failure.token)) return;
    failures++;
    s.outcome = 'failed';
    const reproduce = reproduceLine(f.id, failure.token);
    const rec: FailureRecord = { ...failure, source: 'search', seed: job.seed, reproduce };
    s.failures.push(rec);
    const entry: CorpusEntry = { scenario: f.id, token: failure.token, kind: failure.kind, message: failure.message, date: new Date().toISOString(), version: VERSION, status: 'failing' };
    if (corpus.add(entry)) counts.added++;
  };
  const progress = new Progress(io.progress, () => {
    const runs = finishedRuns + live.flat().reduce((n, p) => n + p.runs, 0);
    const distinct = finishedDistinct + live.flat().reduce((n, p) => n + p.distinct, 0);
    const budget = args.runs === undefined ? undefined : args.runs * owned.size;
    return { schedules: runs, distinct, failures: failures + counts.reproduced, elapsedMs: Date.now() - started, leftMs: deadline - Date.now(), runsBudget: budget };
  });

  let interrupted = false;
  const pool = startPool(
    jobs.map((list) => ({ cwd, files, strategy: args.strategy, jobs: list.map((j) => ({ id: found[j.scenario]!.id, seed: j.seed, runs: j.runs })) })),
    args.durationMs,
    {
      started: (at, end) => {
        started = at;
        cpuStart = process.cpuUsage();
        deadline = end;
      },
      progress: (w, k, runs, distinct) => Object.assign(live[w]![k]!, { runs, distinct }),
      result: (w, k, report) => {
        live[w]![k] = { runs: 0, distinct: 0 };
        record(jobs[w]![k]!, report);
      },
    },
  );
  const stop = (): void => {
    if (interrupted) return;
    interrupted = true;
    io.log('\nfuzz: stopping (signal): writing the corpus and the reports');
    void pool.stop();
  };
  signals.on('SIGINT', stop);
  signals.on('SIGTERM', stop);
  progress.start();
  try {
    await pool.done;
  } catch (error) {
    // A scenario the worker could not explore (bad options in scenario(...), a throwing import).
    throw new UsageError(`a worker stopped: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    progress.stop();
    signals.off('SIGINT', stop);
    signals.off('SIGTERM', stop);
  }
  // A job cut short by a signal keeps the schedules it had reported.
  jobs.forEach((list, w) => list.forEach((job, k) => {
    const p = live[w]![k]!;
    if (p.runs === 0) return;
    const s = owned.get(found[job.scenario]!.id)!.summary;
    s.runs += p.runs;
    s.distinct += p.distinct;
    s.streams.push({ stream: job.stream, seed: job.seed, runs: p.runs, distinct: p.distinct });
    finishedRuns += p.runs;
  }));
  const elapsedMs = Date.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  const scenarios = [...owned.values()].map((o) => o.summary);
  for (const s of scenarios) s.streams.sort((a, b) => a.stream - b.stream);
  const summary: FuzzSummary = {
    ok: scenarios.every((s) => s.outcome === 'passed'),
    version: VERSION,
    seed,
    strategy: args.strategy ?? 'per scenario (default portfolio)',
    shard: { index: args.shard.index + 1, count: args.shard.count },
    workers: jobs.length,
    elapsedMs,
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    interrupted,
    schedules: finishedRuns,
    schedulesPerSecond: elapsedMs > 0 ? (finishedRuns * 1000) / elapsedMs : 0,
    corpus: counts,
    scenarios,
  };
  printSummary(summary, io);
  if (args.json !== undefined) writeJson(args.json, summary);
  if (args.junit !== undefined) writeJunit(args.junit, summary);
  if (args.html !== undefined) writeHtml(args.html, summary);
  if (!summary.ok) return 1;
  return interrupted ? 130 : 0;
}

function printSummary(summary: FuzzSummary, io: Io): void {
  for (const s of summary.scenarios) {
    const rate = s.elapsedMs > 0 ? Math.round((s.runs * 1000 * s.streams.length) / s.elapsedMs) : 0;
    io.log(`${s.outcome === 'passed' ? 'ok  ' : 'FAIL'} ${s.id}: ${s.runs} schedules (${s.distinct} distinct, ${rate}/s)${s.exhausted ? ', every schedule explored' : ''}`);
    for (const f of s.failures) io.log(`\n${f.message}\n\nreproduce: ${f.reproduce}\n`);
  }
  const failed = summary.scenarios.filter((s) => s.outcome === 'failed').length;
  const c = summary.corpus;
  io.log(
    `fuzz: ${summary.schedules} schedules in ${(summary.elapsedMs / 1000).toFixed(1)} s (${Math.round(summary.schedulesPerSecond)}/s), ` +
      `${failed} failing scenario${failed === 1 ? '' : 's'} of ${summary.scenarios.length}; corpus ${c.path}: ${c.replayed} replayed, ${c.reproduced} still failing, ${c.fixed} fixed, ${c.added} added`,
  );
}
