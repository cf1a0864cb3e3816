/**
 * Finding and importing scenario files.
 *
 * Inputs are files, directories or globs. A directory stands for the scenario files under it:
 * names containing `scenario` (`scenarios.ts`, `bank.scenario.mjs`), so test files, runners
 * and helpers beside them are never imported for their side effects. A glob or a file is taken
 * as given. Files load as ESM or CommonJS by Node's own rules; TypeScript (`.ts`, `.mts`) goes
 * through tsx's module hooks, registered once per thread and only when a TypeScript file is
 * among the inputs. The hooks are global (not namespaced) so a scenario file and the CLI share
 * one copy of interleaved.
 *
 * Scenarios are identified as `<file>#<export>`, the file relative to the working directory
 * with `/` separators; they are listed in file order, then export-name order.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { isScenario, type Scenario } from '../explorer/scenario.js';
import { UsageError } from './args.js';

const EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs', '.cjs']);
const TYPESCRIPT = new Set(['.ts', '.mts']);
/** Directory walks stop here: a bound on a mistaken `fuzz /`. */
const MAX_WALK = 100_000;

/**
 * A scenario found among a file's exports.
 *
 * @example
 * ```ts
 * const [first]: Found[] = await loadScenarios(['/repo/test/bank.scenario.ts']);
 * ```
 */
export interface Found {
  /** `<file>#<export>`. */
  id: string;
  /** Absolute path. */
  file: string;
  exportName: string;
  scenario: Scenario;
}

function scenarioFile(name: string): boolean {
  return EXTENSIONS.has(extname(name)) && name.includes('scenario') && !name.endsWith('.d.ts') && !name.endsWith('.d.mts');
}

function walk(dir: string, out: string[]): void {
  const stack = [dir];
  let seen = 0;
  while (stack.length > 0) {
    const d = stack.pop()!;
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (++seen > MAX_WALK) throw new UsageError(`${dir} holds more than ${MAX_WALK} entries: name the scenario files or a narrower directory`);
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = join(d, entry.name);
      if (entry.isDirectory()) stack.push(path);
      else if (entry.isFile() && scenarioFile(entry.name)) out.push(path);
    }
  }
}

/**
 * The files named by `inputs`, absolute, sorted, without duplicates.
 *
 * @example
 * ```ts
 * expandInputs(['examples', 'test/**\/*.scenario.ts']);
 * ```
 * @throws UsageError for a path that does not exist, a glob that matches nothing, or a file
 * with an extension interleaved cannot load.
 */
export function expandInputs(inputs: readonly string[], cwd = process.cwd()): string[] {
  const files = new Set<string>();
  for (const input of inputs) {
    const path = resolve(cwd, input);
    if (existsSync(path)) {
      if (statSync(path).isDirectory()) {
        const found: string[] = [];
        walk(path, found);
        if (found.length === 0) throw new UsageError(`no scenario files in the directory ${input} (a directory stands for files whose name contains "scenario", like bank.scenario.ts)`);
        for (const f of found) files.add(f);
        continue;
      }
      if (!EXTENSIONS.has(extname(path))) throw new UsageError(`can't load ${input}: scenario files end in ${[...EXTENSIONS].join(', ')}`);
      files.add(path);
    } else if (isDynamicPattern(input)) {
      const matched = globSync(input, { cwd, absolute: true, ignore: ['**/node_modules/**'] }).filter((f) => EXTENSIONS.has(extname(f)));
      if (matched.length === 0) throw new UsageError(`the glob ${input} matches no ${[...EXTENSIONS].join('/')} file`);
      for (const f of matched) files.add(resolve(f));
    } else {
      throw new UsageError(`no such file or directory: ${input}`);
    }
  }
  return [...files].sort();
}

let registered = false;

/**
 * Registers tsx's ESM hooks in this thread when some file needs them.
 *
 * @example
 * ```ts
 * await prepareLoader(['/repo/test/bank.scenario.ts']);
 * ```
 */
export async function prepareLoader(files: readonly string[]): Promise<void> {
  if (registered || !files.some((f) => TYPESCRIPT.has(extname(f)))) return;
  const { register } = await import('tsx/esm/api');
  register();
  registered = true;
}

/**
 * `<file>#<export>` with the file relative to `cwd` (absolute when outside it).
 *
 * @example
 * ```ts
 * scenarioId('/repo/test/bank.scenario.ts', 'transfers', '/repo'); // 'test/bank.scenario.ts#transfers'
 * ```
 */
export function scenarioId(file: string, exportName: string, cwd = process.cwd()): string {
  const rel = relative(cwd, file);
  const shown = rel.startsWith('..') || isAbsolute(rel) ? file : rel;
  return `${shown.split(sep).join('/')}#${exportName}`;
}

/**
 * Imports a file and returns its exports (a CommonJS file's `module.exports` properties too).
 *
 * @example
 * ```ts
 * const exports = await importFile('/repo/test/bank.scenario.ts');
 * ```
 * @throws UsageError when the import fails, with the file and the error.
 */
export async function importFile(file: string): Promise<Record<string, unknown>> {
  await prepareLoader([file]);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`can't import ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const exports: Record<string, unknown> = { ...mod };
  const cjs = mod['default'];
  if (typeof cjs === 'object' && cjs !== null && !isScenario(cjs)) {
    for (const [name, value] of Object.entries(cjs)) if (!(name in exports)) exports[name] = value;
  }
  return exports;
}

/**
 * Imports `files` and lists their exported scenarios.
 *
 * @example
 * ```ts
 * const found = await loadScenarios(expandInputs(['examples']));
 * console.log(found.map((f) => f.id)); // ['examples/scenarios.ts#bankTransfer', …]
 * ```
 * @throws UsageError when a file fails to import.
 */
export async function loadScenarios(files: readonly string[], cwd = process.cwd()): Promise<Found[]> {
  await prepareLoader(files);
  const found: Found[] = [];
  for (const file of files) {
    const exports = await importFile(file);
    for (const name of Object.keys(exports).sort()) {
      const value = exports[name];
      if (isScenario(value)) found.push({ id: scenarioId(file, name, cwd), file, exportName: name, scenario: value });
    }
  }
  return found;
}
