/**
 * vitest integration: `exploreTest` registers a test that explores a program and fails with
 * the failure report (token, seed, timeline, reproduce line naming this test).
 */
import { test } from 'vitest';
import { explore, type Program } from '../explorer/explore.js';
import type { ExploreOptions } from '../explorer/options.js';

/**
 * Registers a vitest test that runs `explore(program, options)` and fails with the report's
 * message when a schedule fails. `INTERLEAVE_REPLAY=<token> npx vitest -t "<name>"` replays it.
 *
 * @example
 * ```ts
 * import { exploreTest } from 'interleaved/vitest';
 * exploreTest('transfers keep the total', async () => {
 *   const bank = makeBank();
 *   await gather(spawn(() => bank.transfer('a', 'b', 10)), spawn(() => bank.transfer('b', 'a', 5)));
 *   expect(bank.total()).toBe(200);
 * }, { runs: 2000 });
 * ```
 */
export function exploreTest(name: string, program: Program, options?: ExploreOptions): void {
  test(name, async () => {
    await explore(program, { ...options, testName: options?.testName ?? name });
  });
}
