// Runs the built `interleaved` binary (npm test builds it first), as users run it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'dist/cli/main.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the binary in the repository root; `done` resolves when it exits. */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<CliResult>; stdout(): string } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done, stdout: () => stdout };
}

export function cli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return startCli(args, env).done;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'interleaved-cli-'));
}

export const FIXTURES = 'test/fixtures';

/** Resolves once `read()` contains `text` (checked every 20 ms, at most `ms`). */
export async function waitFor(read: () => string, text: string, ms = 30_000): Promise<void> {
  for (let waited = 0; !read().includes(text); waited += 20) {
    if (waited > ms) throw new Error(`no "${text}" in the output after ${ms} ms:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
