/**
 * The failure corpus as `fuzz` keeps it: read once at the start, changed in memory, and saved
 * after every change by writing a temporary file beside it, flushing it to disk, and renaming
 * it over the corpus. A rename within one directory is atomic, so a process killed at any
 * moment leaves either the old corpus or the new one, never a part of one (and perhaps a
 * temporary file, which the next run removes).
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CORPUS_VERSION, readCorpus, type CorpusEntry } from '../explorer/corpus.js';

/**
 * Writes `text` to `path` atomically (temporary file, fsync, rename).
 *
 * @example
 * ```ts
 * writeAtomic('.interleaved/failures.json', JSON.stringify({ version: 1, entries: [] }));
 * ```
 */
export function writeAtomic(path: string, text: string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const fd = openSync(temp, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Temporary files left by writers that were killed mid-write (their process is gone). */
function removeStaleTemps(path: string): void {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !alive(pid)) rmSync(join(dirname(path), name), { force: true });
  }
}

/**
 * The corpus file of one `fuzz` run.
 *
 * @example
 * ```ts
 * const corpus = new Corpus('.interleaved/failures.json');
 * corpus.add({ scenario: 'a.ts#x', token, kind: 'error', message, date, version, status: 'failing' });
 * ```
 */
export class Corpus {
  readonly path: string;
  readonly entries: CorpusEntry[];
  readonly #tokens: Set<string>;

  /** @throws CorpusError when the file exists but is not a corpus. */
  constructor(path: string) {
    this.path = path;
    removeStaleTemps(path);
    this.entries = readCorpus(path);
    this.#tokens = new Set(this.entries.map((e) => `${e.scenario} ${e.token}`));
  }

  /** Adds an entry unless the same scenario and token are there already; saves. True if added. */
  add(entry: CorpusEntry): boolean {
    const key = `${entry.scenario} ${entry.token}`;
    if (this.#tokens.has(key)) return false;
    this.#tokens.add(key);
    this.entries.push(entry);
    this.save();
    return true;
  }

  save(): void {
    writeAtomic(this.path, `${JSON.stringify({ version: CORPUS_VERSION, entries: this.entries }, null, 2)}\n`);
  }
}
