import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { run } from 'interleaved';
import { describe, expect, it } from 'vitest';
import type { FuzzSummary } from '../../src/cli/summary.js';
import { cli, FIXTURES, tempDir } from './helpers.js';

const SCENARIOS = `${FIXTURES}/scenarios.mjs`;

describe('interleaved fuzz (the built binary)', () => {
  it('exits 1 when a scenario fails, prints its token and a replay line that reproduces it; JSON and JUnit reports', async () => {
    const dir = tempDir();
    const json = join(dir, 'out.json');
    const junit = join(dir, 'out.xml');
    const r = await cli(['fuzz', SCENARIOS, '--runs', '200', '--workers', '2', '--seed', '1', '--corpus', join(dir, 'c.json'), '--json', json, '--junit', junit]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/FAIL test\/fixtures\/scenarios\.mjs#racy/);
    expect(r.stdout).toMatch(/ok {3}test\/fixtures\/scenarios\.mjs#safe: 200 schedules/);
    const summary = JSON.parse(readFileSync(json, 'utf8')) as FuzzSummary;
    expect(summary.ok).toBe(false);
    expect(summary.scenarios.map((s) => [s.exportName, s.outcome])).toEqual([['racy', 'failed'], ['safe', 'passed']]);
    // Two workers, two seed streams of one seed.
    expect(summary.scenarios[1]!.streams.map((s) => s.seed)).toEqual(['1.0', '1.1']);
    const failure = summary.scenarios[0]!.failures[0]!;
    expect(r.stdout).toContain(`npx interleaved replay test/fixtures/scenarios.mjs#racy ${failure.token}`);

    const xml = readFileSync(junit, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as {
      testsuites: { tests: string; failures: string; testsuite: { testcase: { name: string; failure?: { type: string; '#text': string } }[] } };
    };
    expect(doc.testsuites.tests).toBe('2');
    expect(doc.testsuites.failures).toBe('1');
    const cases = doc.testsuites.testsuite.testcase;
    expect(cases.map((c) => c.name)).toEqual(['racy', 'safe']);
    expect(cases[0]!.failure?.type).toBe('error');
    expect(cases[0]!.failure?.['#text']).toContain(failure.token);
    expect(cases[1]!.failure).toBeUndefined();

    const replayed = await cli(['replay', `${SCENARIOS}#racy`, failure.token]);
    expect(replayed.code).toBe(1);
    expect(replayed.stdout).toContain(`INTERLEAVE_REPLAY=${failure.token} `);
    expect(replayed.stdout).toContain('lost update: 1');
  });

  it('exits 0 when nothing fails; loads TypeScript and CommonJS scenario files; a directory stands for its scenario files', async () => {
    const dir = tempDir();
    const json = join(dir, 'out.json');
    const ok = await cli(['fuzz', `${FIXTURES}/cli/common.scenario.cjs`, '--runs', '50', '--workers', '1', '--corpus', join(dir, 'c.json'), '--json', json]);
    expect(ok.code, ok.stderr).toBe(0);
    expect((JSON.parse(readFileSync(json, 'utf8')) as FuzzSummary).scenarios.map((s) => s.id)).toEqual(['test/fixtures/cli/common.scenario.cjs#guarded']);

    const all = await cli(['fuzz', `${FIXTURES}/cli`, '--runs', '50', '--workers', '1', '--seed', '3', '--corpus', join(dir, 'c.json'), '--json', json]);
    expect(all.code, all.stderr).toBe(1);
    const summary = JSON.parse(readFileSync(json, 'utf8')) as FuzzSummary;
    expect(summary.scenarios.map((s) => [s.id, s.outcome])).toEqual([
      ['test/fixtures/cli/common.scenario.cjs#guarded', 'passed'],
      ['test/fixtures/cli/hostile.scenario.ts#hostile', 'failed'],
    ]);
    const token = summary.scenarios[1]!.failures[0]!.token;
    expect(summary.scenarios[1]!.failures[0]!.kind).toBe('deadlock');

    const replayed = await cli(['replay', `${FIXTURES}/cli/hostile.scenario.ts#hostile`, token]);
    expect(replayed.code).toBe(1);
    expect(replayed.stdout).toContain('wait-for cycle: <img src=x onerror=alert(1)>');
  });

  it('replay of a passing schedule prints its timeline and exits 0', async () => {
    const { safe } = await import('../fixtures/scenarios.mjs');
    const { token } = await run(safe.program);
    const r = await cli(['replay', `${SCENARIOS}#safe`, token]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/step +time +main +Task-1 +Task-2/);
    expect(r.stdout).toContain('acquire guard');
    expect(r.stdout).toContain('ok: the schedule passed');
  });

  it('takes INTERLEAVE_SEED as the default seed, and each worker still searches its own stream', async () => {
    const dir = tempDir();
    const json = join(dir, 'out.json');
    const env = { INTERLEAVE_SEED: 'from-env', INTERLEAVE_RUNS: '7' };
    const r = await cli(['fuzz', `${FIXTURES}/cli/common.scenario.cjs`, '--runs', '40', '--workers', '2', '--corpus', join(dir, 'c.json'), '--json', json], env);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(json, 'utf8')) as FuzzSummary;
    expect(summary.seed).toBe('from-env');
    expect(summary.scenarios[0]!.streams).toMatchObject([{ seed: 'from-env.0', runs: 20 }, { seed: 'from-env.1', runs: 20 }]);
  });

  it('usage errors exit 2 with a message naming the problem', async () => {
    const cases: [string[], string][] = [
      [['fuzz'], 'needs at least one file'],
      [['fuzz', SCENARIOS, '--workers', '0'], '--workers expects an integer >= 1, got "0"'],
      [['fuzz', SCENARIOS, '--duration', 'soon'], '--duration expects a number with a unit'],
      [['fuzz', SCENARIOS, '--shard', '3/2'], '--shard expects i/n with 1 <= i <= n'],
      [['fuzz', SCENARIOS, '--frobnicate'], 'unknown flag --frobnicate'],
      [['fuzz', 'no/such/file.ts'], 'no such file or directory: no/such/file.ts'],
      [['fuzz', `${FIXTURES}/cli/none.mjs`], 'no exported scenario(...)'],
      [['fuzz', 'test/fixtures/**/*.nothing.ts'], 'matches no'],
      [['fuzz', `${FIXTURES}/bad-options.mjs`, '--runs', '5'], 'a worker stopped: Unknown option `runz`'],
      [['replay', `${SCENARIOS}#notAScenario`, 'v1.AAAA'], 'is not a scenario or a program'],
      [['replay', `${SCENARIOS}#racy`, 'v1.garbled!'], 'Invalid replay token'],
      [['replay', SCENARIOS, 'v1.AAAA'], 'replay expects <file>#<export>'],
      [['frobnicate'], 'unknown command "frobnicate"'],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(args)));
    results.forEach((r, i) => {
      expect(r.code, cases[i]![0].join(' ')).toBe(2);
      expect(r.stderr).toContain(cases[i]![1]);
    });
  });
});
