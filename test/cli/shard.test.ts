import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planShard } from '../../src/cli/plan.js';
import type { FuzzSummary } from '../../src/cli/summary.js';
import { cli, FIXTURES, tempDir } from './helpers.js';

/** (scenario, seed) pairs a run explored. */
async function pairs(args: string[]): Promise<string[]> {
  const dir = tempDir();
  const json = join(dir, 'out.json');
  const r = await cli(['fuzz', ...args, '--runs', '40', '--seed', 'ci', '--corpus', join(dir, 'c.json'), '--json', json]);
  expect(r.code === 0 || r.code === 1, r.stderr).toBe(true);
  const summary = JSON.parse(readFileSync(json, 'utf8')) as FuzzSummary;
  return summary.scenarios.flatMap((s) => s.streams.map((t) => `${s.id} ${t.seed}`));
}

function disjointUnion(parts: string[][]): string[] {
  const all = parts.flat();
  expect(new Set(all).size).toBe(all.length);
  return all.sort();
}

describe('--shard i/n (the built binary)', () => {
  it('splits scenarios across shards when there are enough of them: disjoint, and together the whole', async () => {
    const inputs = [`${FIXTURES}/scenarios.mjs`, `${FIXTURES}/cli`];
    const [one, two, whole] = await Promise.all([
      pairs([...inputs, '--workers', '2', '--shard', '1/2']),
      pairs([...inputs, '--workers', '2', '--shard', '2/2']),
      pairs([...inputs, '--workers', '2']),
    ]);
    expect(one.length).toBeGreaterThan(0);
    expect(two.length).toBeGreaterThan(0);
    expect(disjointUnion([one, two])).toEqual(whole.sort());
    expect(new Set(whole.map((p) => p.split(' ')[0])).size).toBe(4);
  });

  it('splits seed streams across shards when scenarios are fewer than shards: disjoint, and together the whole', async () => {
    const input = `${FIXTURES}/scenarios.mjs`;
    const shards = await Promise.all([1, 2, 3].map((i) => pairs([input, '--workers', '2', '--shard', `${i}/3`])));
    const whole = await pairs([input, '--workers', '6']);
    for (const part of shards) expect(part.length).toBe(4); // two scenarios, two streams each
    expect(disjointUnion(shards)).toEqual(whole.sort());
  });
});

describe('planShard', () => {
  it('gives every (scenario, stream) pair of n shards to exactly one worker of one shard, for any sizes', () => {
    for (let scenarios = 1; scenarios <= 6; scenarios++) {
      for (let count = 1; count <= 5; count++) {
        for (let workers = 1; workers <= 3; workers++) {
          const seen: string[] = [];
          for (let index = 0; index < count; index++) {
            const plan = planShard({ scenarios, workers, shard: { index, count }, seed: 's', runs: undefined, dfs: () => false });
            for (const jobs of plan.workers) for (const j of jobs) seen.push(`${j.scenario}:${j.stream}:${j.seed}`);
          }
          expect(new Set(seen).size).toBe(seen.length);
          const streams = scenarios >= count ? workers : workers * count;
          expect(seen.length).toBe(scenarios * streams);
          for (let k = 0; k < scenarios; k++) {
            for (let j = 0; j < streams; j++) expect(seen).toContain(`${k}:${j}:s.${j}`);
          }
        }
      }
    }
  });

  it('splits --runs across the workers of a scenario, and runs dfs once, on stream 0', () => {
    const plan = planShard({ scenarios: 2, workers: 3, shard: { index: 0, count: 1 }, seed: 'x', runs: 10, dfs: (k) => k === 1 });
    const jobs = plan.workers.flat();
    expect(jobs.filter((j) => j.scenario === 0).map((j) => j.runs)).toEqual([4, 3, 3]);
    expect(jobs.filter((j) => j.scenario === 1)).toEqual([{ scenario: 1, stream: 0, seed: 'x.0', runs: 10 }]);
    const elsewhere = planShard({ scenarios: 1, workers: 2, shard: { index: 1, count: 2 }, seed: 'x', runs: 10, dfs: () => true });
    expect(elsewhere).toEqual({ scenarios: [], workers: [] });
  });
});
