import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCorpus, type CorpusEntry } from '../../src/explorer/corpus.js';
import type { FuzzSummary } from '../../src/cli/summary.js';
import { cli, FIXTURES, startCli, tempDir } from './helpers.js';

const SCENARIOS = `${FIXTURES}/scenarios.mjs`;

function filler(n: number): CorpusEntry[] {
  // Entries of scenarios this run does not load: kept as they are, and they make the file big.
  return Array.from({ length: n }, (_, i) => ({
    scenario: `elsewhere/scenario.ts#s${i}`,
    token: `v1.AAAA${i}`,
    kind: 'deadlock' as const,
    message: `deadlock ${i} `.repeat(200),
    date: '2026-01-01T00:00:00.000Z',
    version: '0.0.1',
    status: 'failing' as const,
  }));
}

describe('the failure corpus (the built binary)', () => {
  it('records every failure; the next run replays it first, and reports entries that no longer fail as fixed', async () => {
    const dir = tempDir();
    const corpus = join(dir, 'failures.json');
    const json = join(dir, 'out.json');
    const first = await cli(['fuzz', SCENARIOS, '--runs', '100', '--workers', '1', '--seed', '5', '--corpus', corpus]);
    expect(first.code, first.stderr).toBe(1);
    const entries = readCorpus(corpus);
    expect(entries).toHaveLength(1);
    const found = entries[0]!;
    expect(found).toMatchObject({ scenario: 'test/fixtures/scenarios.mjs#racy', kind: 'error', status: 'failing', version: '0.1.0' });
    expect(found.message).toContain(found.token);
    expect(Number.isNaN(Date.parse(found.date))).toBe(false);

    // The same failure filed under the locked scenario stands for a bug since fixed: its
    // schedule no longer fails there.
    writeFileSync(corpus, JSON.stringify({ version: 1, entries: [found, { ...found, scenario: 'test/fixtures/scenarios.mjs#safe' }] }));
    const second = await cli(['fuzz', SCENARIOS, '--runs', '100', '--workers', '1', '--seed', '6', '--corpus', corpus, '--json', json]);
    expect(second.code, second.stderr).toBe(1);
    const replayLine = second.stdout.indexOf(`corpus: test/fixtures/scenarios.mjs#racy still fails (error) with ${found.token}`);
    expect(replayLine).toBeGreaterThan(0);
    expect(second.stdout.indexOf('FAIL test/fixtures/scenarios.mjs#racy')).toBeGreaterThan(replayLine);
    expect(second.stdout).toContain(`corpus: test/fixtures/scenarios.mjs#safe fixed: ${found.token} (error) no longer fails`);
    const summary = JSON.parse(readFileSync(json, 'utf8')) as FuzzSummary;
    const [racy, safe] = summary.scenarios;
    expect(racy!.failures.map((f) => [f.source, f.token])).toEqual([['corpus', found.token]]);
    expect(racy!.runs).toBe(0); // a reproduced failure is not searched again
    expect(safe!.fixed).toEqual([found.token]);
    expect(summary.corpus).toMatchObject({ replayed: 2, reproduced: 1, fixed: 1, added: 0 });
    const after = readCorpus(corpus);
    expect(after.map((e) => e.status)).toEqual(['failing', 'fixed']);
    expect(after[1]!.fixedAt).toBeDefined();
  });

  it('a corpus that is not a corpus is a usage error naming the file', async () => {
    const dir = tempDir();
    const corpus = join(dir, 'failures.json');
    writeFileSync(corpus, '{"version": 1, "entries": [ {"scenario": ');
    const r = await cli(['fuzz', SCENARIOS, '--runs', '10', '--corpus', corpus]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Can't use the failure corpus ${corpus}: it is not JSON`);
  });

  it('survives the process being killed at any moment of a run, mid-write included', async () => {
    const dir = tempDir();
    const corpus = join(dir, 'failures.json');
    const base = filler(2500); // about 6 MB: each save takes a while
    writeFileSync(corpus, JSON.stringify({ version: 1, entries: base }));
    // Half the kills land the moment a save begins (a temporary file appears, or the corpus
    // itself changes size), the others at moments spread over start-up, search and saves.
    const writing = (): boolean => readdirSync(dir).some((f) => f.endsWith('.tmp')) || statSync(corpus).size !== size;
    let size = statSync(corpus).size;
    for (const delay of [0, 300, 0, 700, 0, 1100, 0, 1500]) {
      size = statSync(corpus).size;
      const { child, done } = startCli(['fuzz', SCENARIOS, '--duration', '5s', '--workers', '4', '--seed', String(delay), '--corpus', corpus]);
      const exited = done.then(() => true);
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      else {
        for (let i = 0; i < 5000 && !writing(); i++) {
          if (await Promise.race([exited, new Promise<false>((resolve) => setTimeout(() => resolve(false), 1))])) break;
        }
      }
      child.kill('SIGKILL');
      await done;
      const entries = readCorpus(corpus); // throws if the file is torn
      expect(entries.length).toBeGreaterThanOrEqual(base.length);
      expect(entries.slice(0, base.length)).toEqual(base);
    }
    // A run left alone afterwards reads the corpus and adds to it.
    const last = await cli(['fuzz', SCENARIOS, '--runs', '100', '--workers', '1', '--seed', '9', '--corpus', corpus]);
    expect(last.code, last.stderr).toBe(1);
    const entries = readCorpus(corpus);
    expect(entries.slice(0, base.length)).toEqual(base);
    expect(entries.some((e) => e.scenario === 'test/fixtures/scenarios.mjs#racy')).toBe(true);
    expect(readdirSync(dir)).toEqual(['failures.json']); // temporary files of killed writers removed
  });
});
