/**
 * `--junit`: JUnit XML, the format CI systems display as test results. One `<testsuite>` per
 * scenario file, one `<testcase>` per scenario; a failed scenario's `<failure>` holds its first
 * failure's report (kind, token, timeline, reproduce line), the others follow in `system-out`.
 */
import { writeAtomic } from '../corpus.js';
import type { FuzzSummary, ScenarioSummary } from '../summary.js';
import { escapeMarkup } from './escape.js';

const xml = escapeMarkup;

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function testcase(s: ScenarioSummary): string {
  const attrs = `name="${xml(s.exportName)}" classname="${xml(s.file)}" time="${seconds(s.elapsedMs)}"`;
  const props = `    <system-out>${xml(`${s.runs} schedules (${s.distinct} distinct) on seeds ${s.streams.map((t) => t.seed).join(', ') || '(none)'}`)}${s.fixed.length > 0 ? xml(`\nfixed since the corpus recorded them: ${s.fixed.join(', ')}`) : ''}</system-out>`;
  const [first, ...more] = s.failures;
  if (first === undefined) return `    <testcase ${attrs}>\n${props}\n    </testcase>`;
  const message = `${first.kind}: ${first.message.split('\n').find((l) => l.trim() !== '' && !l.startsWith('interleaved found')) ?? first.kind}`;
  const body = [first.message, '', `reproduce: ${first.reproduce}`, ...more.map((f) => `\nalso (${f.kind}): ${f.reproduce}`)].join('\n');
  return `    <testcase ${attrs}>\n      <failure message="${xml(message)}" type="${xml(first.kind)}">${xml(body)}</failure>\n${props}\n    </testcase>`;
}

/**
 * Renders the summary as JUnit XML.
 *
 * @example
 * ```ts
 * writeFileSync('fuzz.xml', junitXml(summary));
 * ```
 */
export function junitXml(summary: FuzzSummary): string {
  const files = new Map<string, ScenarioSummary[]>();
  for (const s of summary.scenarios) files.set(s.file, [...(files.get(s.file) ?? []), s]);
  const failures = summary.scenarios.filter((s) => s.outcome === 'failed').length;
  const suites = [...files].map(([file, list]) => {
    const failed = list.filter((s) => s.outcome === 'failed').length;
    const time = list.reduce((t, s) => t + s.elapsedMs, 0);
    return `  <testsuite name="${xml(file)}" tests="${list.length}" failures="${failed}" errors="0" skipped="0" time="${seconds(time)}">\n${list.map(testcase).join('\n')}\n  </testsuite>`;
  });
  const name = `interleaved fuzz (seed ${summary.seed}, shard ${summary.shard.index}/${summary.shard.count})`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(name)}" tests="${summary.scenarios.length}" failures="${failures}" errors="0" time="${seconds(summary.elapsedMs)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

/**
 * Writes the JUnit report.
 *
 * @example
 * ```ts
 * writeJunit('fuzz.xml', summary);
 * ```
 */
export function writeJunit(path: string, summary: FuzzSummary): void {
  writeAtomic(path, junitXml(summary));
}
