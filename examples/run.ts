/**
 * `npm run examples`: explores every example's buggy and fixed program and prints what the
 * explorer found. Exits 1 when a bug went unnoticed or a fix failed, else 0.
 *
 * `INTERLEAVE_SEED` replaces every example's seed; `INTERLEAVE_RUNS` caps the schedules.
 */
import { check, type ExploreReport } from 'interleaved';
import { examples, type Example } from './catalog.js';

const RUNS = 2000;

interface Outcome {
  readonly example: Example;
  readonly buggy: ExploreReport;
  readonly fixed: ExploreReport;
  readonly ok: boolean;
}

function seedFor(example: Example): number | string {
  return process.env.INTERLEAVE_SEED ?? example.seed;
}

function describeBuggy(example: Example, report: ExploreReport): string {
  const failure = report.failure;
  if (failure === undefined) return `NOT CAUGHT: ${report.runs} schedules passed (seed ${report.seed})`;
  const found = `bug found (${failure.kind}) at schedule ${failure.runIndex + 1} of ${report.runs}`;
  return failure.kind === example.kind ? found : `${found}; usually ${example.kind}`;
}

function describeFixed(report: ExploreReport): string {
  const failure = report.failure;
  if (failure !== undefined) return `FAILED (${failure.kind}) at schedule ${failure.runIndex + 1}`;
  return `passed ${report.runs} schedules${report.exhausted ? ' (every schedule explored)' : ''}`;
}

async function runExample(example: Example): Promise<Outcome> {
  const seed = seedFor(example);
  console.log(`\n=== ${example.name} ===\n${example.description}\n`);
  const buggy = await check(example.buggy, { ...example.options, runs: RUNS, seed });
  console.log(`buggy: ${describeBuggy(example, buggy)}`);
  if (buggy.failure !== undefined) console.log(`\n${buggy.failure.message}\n`);
  const fixed = await check(example.fixed, { ...example.options, runs: RUNS, seed });
  console.log(`fixed: ${describeFixed(fixed)}`);
  if (fixed.failure !== undefined) console.log(`\n${fixed.failure.message}\n`);
  // Another seed may reach the bug through a different failure kind: caught is what counts.
  const ok = buggy.failure !== undefined && fixed.ok;
  return { example, buggy, fixed, ok };
}

function table(rows: readonly (readonly string[])[]): string {
  const width = (column: number): number => Math.max(...rows.map((row) => (row[column] ?? '').length));
  const widths = rows[0]?.map((_, column) => width(column)) ?? [];
  const line = (row: readonly string[]): string =>
    row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  const [header, ...body] = rows;
  return [line(header ?? []), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const outcomes: Outcome[] = [];
  for (const example of examples) outcomes.push(await runExample(example));
  const rows = outcomes.map(({ example, buggy, fixed, ok }) => [
    example.name,
    buggy.failure?.kind ?? 'not caught',
    buggy.failure === undefined ? '-' : String(buggy.failure.runIndex + 1),
    fixed.ok ? `passed ${fixed.runs}` : `FAILED (${fixed.failure?.kind ?? '?'})`,
    ok ? 'ok' : 'FAIL',
  ]);
  console.log(`\n${table([['example', 'buggy: kind', 'found at', 'fixed', 'result'], ...rows])}`);
  const failed = outcomes.filter((outcome) => !outcome.ok).length;
  const verdict =
    failed === 0 ? `all ${outcomes.length} examples behave as documented` : `${failed} example(s) misbehaved`;
  console.log(`\n${verdict}`);
  process.exitCode = failed === 0 ? 0 : 1;
}

await main();
