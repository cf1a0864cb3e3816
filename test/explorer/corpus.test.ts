import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, explore, InterleavingFailure } from 'interleaved';
import { describe, expect, it } from 'vitest';
import * as bankTransfer from '../../examples/bank-transfer.js';
import { tempDir } from '../cli/helpers.js';

// asyncio's own order happens to be safe for this program: dfs's first schedule passes, so a
// one-schedule search fails only if it replays the corpus first.
const oneSchedule = { strategy: 'dfs', runs: 1 } as const;

async function failingToken(): Promise<string> {
  const report = await check(bankTransfer.buggy, { seed: 1, runs: 2000 });
  return report.failure!.token;
}

function corpusWith(entries: { scenario: string; token: string }[]): string {
  const path = join(tempDir(), 'failures.json');
  const full = entries.map((e) => ({ ...e, kind: 'error', message: 'm', date: '2026-01-01T00:00:00.000Z', version: '0.1.0', status: 'failing' }));
  writeFileSync(path, JSON.stringify({ version: 1, entries: full }));
  return path;
}

describe('explore/check with a corpus', () => {
  it('replays the entries of the test first and reports one that fails again', async () => {
    expect((await check(bankTransfer.buggy, oneSchedule)).ok).toBe(true);
    const token = await failingToken();
    const corpus = corpusWith([{ scenario: 'test/bank.scenario.ts#deposits', token }]);
    const report = await check(bankTransfer.buggy, { ...oneSchedule, corpus, testName: 'deposits' });
    expect(report.ok).toBe(false);
    expect(report.failure?.token).toBe(token);
    expect(report.failure?.message).toContain('reproduce: INTERLEAVE_REPLAY=');
    await expect(explore(bankTransfer.buggy, { ...oneSchedule, corpus, testName: 'deposits' })).rejects.toBeInstanceOf(InterleavingFailure);
  });

  it("skips other tests' entries, tokens that no longer fit, and a corpus that does not exist yet", async () => {
    const token = await failingToken();
    const corpus = corpusWith([{ scenario: 'a.ts#other', token }, { scenario: 'a.ts#deposits', token: 'v1.notatoken' }]);
    expect((await check(bankTransfer.buggy, { ...oneSchedule, corpus, testName: 'deposits' })).ok).toBe(true);
    expect((await check(bankTransfer.fixed, { ...oneSchedule, corpus })).ok).toBe(true); // fixed: it passes
    expect((await check(bankTransfer.buggy, { ...oneSchedule, corpus: join(tempDir(), 'none.json') })).ok).toBe(true);
  });

  it('rejects a corpus option that is not a path', async () => {
    await expect(check(bankTransfer.buggy, { corpus: 42 as unknown as string })).rejects.toThrow(/Expected `corpus` to be the path of a corpus file, got `42` \(number\)/);
  });
});
