/**
 * Helpers shared by the primitive suites: run a body inside one controlled run (asyncio's FIFO
 * order, virtual time) and surface its failure as a thrown error, so `expect` inside the body
 * fails the vitest test.
 */
import { run, type RunResult } from 'interleaved';

/** Runs `fn` in one controlled run; throws the program's error (or a description) on failure. */
export async function inRun(fn: () => Promise<void>): Promise<RunResult> {
  const result = await run(fn);
  if (!result.ok) {
    const failure = result.failure!;
    if (failure.kind === 'error' && failure.error instanceof Error) throw failure.error;
    throw new Error(`run failed with kind '${failure.kind}': ${failure.message}`);
  }
  return result;
}

/** Captures what a promise rejects with (fails if it resolves). */
export async function rejection(p: PromiseLike<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  throw new Error('expected the operation to reject, but it resolved');
}

/** Captures what a synchronous call throws (fails if it returns). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw, but it returned');
}
