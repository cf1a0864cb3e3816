/**
 * `--json`: the run's {@link FuzzSummary}, as is, for scripts and dashboards.
 */
import { writeAtomic } from '../corpus.js';
import type { FuzzSummary } from '../summary.js';

/**
 * Writes the summary as indented JSON.
 *
 * @example
 * ```ts
 * writeJson('fuzz.json', summary);
 * ```
 */
export function writeJson(path: string, summary: FuzzSummary): void {
  writeAtomic(path, `${JSON.stringify(summary, null, 2)}\n`);
}
