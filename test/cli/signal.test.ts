import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCorpus } from '../../src/explorer/corpus.js';
import type { FuzzSummary } from '../../src/cli/summary.js';
import { FIXTURES, startCli, tempDir, waitFor } from './helpers.js';

describe('Ctrl-C (the built binary)', () => {
  it('stops the workers, writes the corpus and the reports, and exits 1 when a failure was found', async () => {
    const dir = tempDir();
    const json = join(dir, 'out.json');
    const corpus = join(dir, 'c.json');
    // The racy scenario fails at once; the safe one would search for a minute.
    const run = startCli(['fuzz', `${FIXTURES}/scenarios.mjs`, '--duration', '60s', '--workers', '2', '--seed', '4', '--corpus', corpus, '--json', json, '--junit', join(dir, 'out.xml')]);
    await waitFor(run.stdout, 'fuzz: 2 scenarios');
    for (let i = 0; i < 500 && readCorpus(corpus).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 500)); // the safe scenario is under way
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('fuzz: stopping (signal): writing the corpus and the reports');
    const summary = JSON.parse(readFileSync(json, 'utf8')) as FuzzSummary;
    expect(summary.interrupted).toBe(true);
    expect(summary.elapsedMs).toBeLessThan(60_000);
    expect(summary.scenarios.find((s) => s.exportName === 'safe')!.runs).toBeGreaterThan(0);
    expect(readCorpus(corpus).map((e) => e.scenario)).toContain('test/fixtures/scenarios.mjs#racy');
    expect(readFileSync(join(dir, 'out.xml'), 'utf8')).toContain('<testcase name="racy"');
  });

  it('exits 130 when nothing had failed', async () => {
    const dir = tempDir();
    const json = join(dir, 'out.json');
    const run = startCli(['fuzz', `${FIXTURES}/cli/common.scenario.cjs`, '--duration', '60s', '--workers', '1', '--corpus', join(dir, 'c.json'), '--json', json]);
    await waitFor(run.stdout, 'fuzz: 1 scenario');
    await new Promise((resolve) => setTimeout(resolve, 500));
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(130);
    const summary = JSON.parse(readFileSync(json, 'utf8')) as FuzzSummary;
    expect(summary).toMatchObject({ ok: true, interrupted: true });
  });
});
