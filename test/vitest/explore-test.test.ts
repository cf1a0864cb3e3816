import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * End to end: a vitest suite using exploreTest fails with the report, and the reproduce line
 * it prints, run as printed, replays the same schedule.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const vitestBin = `${root}node_modules/vitest/vitest.mjs`;

function runFixture(env: Record<string, string>, ...args: string[]): string {
  const child = spawnSync(process.execPath, [vitestBin, 'run', '--config', 'test/fixtures/vitest.config.ts', '--reporter=verbose', ...args], {
    cwd: root,
    env: { ...process.env, ...env, FORCE_COLOR: '0', NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return `${child.stdout}\n${child.stderr}`;
}

/** The timeline of the first failure report in `output` (the lines after "trace (…):"). */
function timeline(output: string): string {
  const from = output.indexOf('trace (');
  const to = output.indexOf('kind:', from);
  if (from < 0 || to < 0) return '';
  return output.slice(output.indexOf('\n', from) + 1, to).trim();
}

describe('exploreTest', () => {
  it('fails a racy test with the report, and its reproduce line replays the same trace', () => {
    const first = runFixture({});
    expect(first).toMatch(/racy counter loses an update/);
    expect(first).toMatch(/✓ .*locked counter keeps every update/);
    expect(first).toContain('lost update: hits is 1');
    const token = /INTERLEAVE_REPLAY=(v2\.[A-Za-z0-9_-]+)/.exec(first)?.[1];
    expect(token).toBeDefined();
    expect(first).toContain(`reproduce: INTERLEAVE_REPLAY=${token} npx vitest -t "racy counter loses an update"`);
    const trace = timeline(first);
    expect(trace).toContain('read hits');
    expect(trace.split("\n")[0]).toMatch(/^step\s+time\s+main\s+(first\s+second|second\s+first)$/);

    const again = runFixture({ INTERLEAVE_REPLAY: token! }, '-t', 'racy counter loses an update');
    expect(again).toContain(`INTERLEAVE_REPLAY=${token} `);
    expect(timeline(again)).toBe(trace);
    expect(again).toContain('seed:      (replay)');
  }, 180_000);
});
