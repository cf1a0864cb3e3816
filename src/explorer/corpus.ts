/**
 * The failure corpus: the failing schedules `interleaved fuzz` found, kept in a JSON file
 * (`.interleaved/failures.json` by default) so the next run, and `explore` given the path,
 * replay them before searching anew.
 *
 * This module reads the file and validates it; the CLI appends to it (see src/cli/corpus.ts).
 * The format is versioned: `{ "version": 1, "entries": [ … ] }`.
 */
import { readFileSync } from 'node:fs';
import { show } from '../scheduler/errors.js';
import type { FailureKind } from '../scheduler/types.js';

/**
 * The corpus file format version this library reads and writes.
 *
 * @example
 * ```ts
 * writeFileSync(path, JSON.stringify({ version: CORPUS_VERSION, entries: [] }));
 * ```
 */
export const CORPUS_VERSION = 1;

/**
 * One failing schedule in the corpus.
 *
 * @example
 * ```ts
 * const entry: CorpusEntry = {
 *   scenario: 'test/transfers.scenario.ts#transfers', token: 'v1.AAYBAQIBAwECAQMCAgHJGg',
 *   kind: 'deadlock', message: '…', date: '2026-01-01T00:00:00.000Z', version: '0.1.0', status: 'failing',
 * };
 * ```
 */
export interface CorpusEntry {
  /** `<file>#<export>`, the file relative to the directory `fuzz` ran in. */
  scenario: string;
  token: string;
  kind: FailureKind;
  /** The failure report as it was first printed. */
  message: string;
  /** When the failure was found (ISO 8601). */
  date: string;
  /** The version of interleaved that found it. */
  version: string;
  /** `fixed` once a replay no longer fails; a later replay that fails again makes it `failing`. */
  status: 'failing' | 'fixed';
  /** When a replay first stopped failing (ISO 8601). */
  fixedAt?: string;
}

/**
 * A corpus file that exists but cannot be read as a corpus.
 *
 * @example
 * ```ts
 * try { readCorpus('broken.json'); } catch (e) { console.log(e instanceof CorpusError); }
 * ```
 */
export class CorpusError extends Error {
  constructor(path: string, problem: string) {
    super(`Can't use the failure corpus ${path}: ${problem}. Fix or delete the file (interleaved fuzz writes a new one)`);
    this.name = 'CorpusError';
  }
}

function entryOf(path: string, value: unknown, index: number): CorpusEntry {
  const e = value as Partial<Record<keyof CorpusEntry, unknown>> | null;
  const fields = ['scenario', 'token', 'kind', 'message', 'date', 'version'] as const;
  for (const field of fields) {
    if (typeof e?.[field] !== 'string') throw new CorpusError(path, `entry ${index} has no string \`${field}\` (got ${show(e?.[field])})`);
  }
  const entry = e as CorpusEntry;
  return { ...entry, status: entry.status === 'fixed' ? 'fixed' : 'failing' };
}

/**
 * Reads a corpus file; a missing file is an empty corpus.
 *
 * @example
 * ```ts
 * for (const entry of readCorpus('.interleaved/failures.json')) console.log(entry.scenario, entry.token);
 * ```
 * @throws CorpusError when the file is not a corpus (not JSON, another version, a bad entry).
 */
export function readCorpus(path: string): CorpusEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new CorpusError(path, (error as Error).message);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new CorpusError(path, `it is not JSON (${(error as Error).message})`);
  }
  const file = data as { version?: unknown; entries?: unknown } | null;
  if (file?.version !== CORPUS_VERSION || !Array.isArray(file.entries)) {
    throw new CorpusError(path, `expected { "version": ${CORPUS_VERSION}, "entries": [...] }, got version ${show(file?.version)}`);
  }
  return file.entries.map((entry, i) => entryOf(path, entry, i));
}

/**
 * The tokens of a corpus that belong to a test: entries whose scenario is `name` or ends with
 * `#name`; every entry when `name` is undefined.
 *
 * @example
 * ```ts
 * corpusTokens('.interleaved/failures.json', 'transfers'); // tokens of '…#transfers'
 * ```
 * @throws CorpusError when the file is not a corpus.
 */
export function corpusTokens(path: string, name: string | undefined): string[] {
  const mine = (e: CorpusEntry): boolean => name === undefined || e.scenario === name || e.scenario.endsWith(`#${name}`);
  return readCorpus(path).filter(mine).map((e) => e.token);
}
