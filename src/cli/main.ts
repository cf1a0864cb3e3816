#!/usr/bin/env node
/**
 * The `interleaved` command.
 *
 *   interleaved fuzz <files|dirs|globs...> [--duration 60s] [--runs N] [--workers N] [--shard i/n]
 *                    [--strategy S] [--seed S] [--corpus .interleaved/failures.json]
 *                    [--json out.json] [--junit out.xml] [--html out.html]
 *   interleaved replay <file>#<export> <token>
 *
 * `fuzz` is in fuzz.ts (loading.ts, plan.ts, workers.ts, corpus.ts, progress.ts, reports/);
 * `replay` runs one schedule of one export and prints its timeline. Exit codes: 0 nothing
 * failed, 1 a failure was found, 2 a usage error (bad flag, missing file, no scenarios), 130 a
 * fuzz run stopped by Ctrl-C that found nothing.
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { replay, type Program } from '../explorer/explore.js';
import { formatTrace } from '../explorer/report.js';
import { isScenario } from '../explorer/scenario.js';
import { TokenError } from '../explorer/token.js';
import { parseFuzz, parseReplay, USAGE, UsageError } from './args.js';
import { fuzz } from './fuzz.js';
import { importFile } from './loading.js';

async function replayCommand(argv: readonly string[]): Promise<number> {
  const args = parseReplay(argv);
  const path = resolve(args.file);
  const exports = await importFile(path);
  const value = exports[args.exportName];
  const target = `${args.file}#${args.exportName}`;
  if (value === undefined) throw new UsageError(`${args.file} has no export "${args.exportName}" (its exports: ${Object.keys(exports).join(', ') || 'none'})`);
  let result;
  try {
    if (isScenario(value)) result = await value.replay(args.token);
    else if (typeof value === 'function') result = await replay(value as Program, args.token);
    else throw new UsageError(`${target}: the export "${args.exportName}" is not a scenario or a program`);
  } catch (error) {
    if (error instanceof TokenError) throw new UsageError(error.message);
    throw error;
  }
  if (result.failure !== undefined) {
    console.log(result.failure.message);
    return 1;
  }
  console.log(formatTrace(result.trace));
  console.log(`\nok: the schedule passed (${result.steps} steps, virtual time ${result.time} ms)`);
  return 0;
}

/**
 * Runs the command line `argv` (without `node` and the script) and returns the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['fuzz', 'examples', '--duration', '30s']);
 * ```
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'fuzz') return await fuzz(parseFuzz(rest), { log: (line) => console.log(line), progress: process.stderr });
    if (command === 'replay') return await replayCommand(rest);
    if (command === '--help' || command === '-h' || command === 'help') {
      console.log(USAGE);
      return 0;
    }
    throw new UsageError(command === undefined ? 'no command given' : `unknown command "${command}"`);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`interleaved: ${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

/** Run as a program (directly or through the `node_modules/.bin` link), not imported. */
function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  const exit = (code: number): void => {
    process.exitCode = code;
    // Output drains first; a handle some scenario left open does not keep the process alive.
    setTimeout(() => process.exit(code), 1000).unref();
  };
  main(process.argv.slice(2)).then(exit, (error: unknown) => {
    console.error(error);
    exit(2);
  });
}
