import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

const fixture = fileURLToPath(new URL('../fixtures/scenarios.mjs', import.meta.url));

function capture(): { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.map(String).join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.map(String).join(' ')));
  return { out, err };
}

describe('interleaved CLI', () => {
  afterEach(() => vi.restoreAllMocks());

  it('fuzz explores every exported scenario, prints failures with tokens, writes JSON, exits 1', async () => {
    const io = capture();
    const json = join(mkdtempSync(join(tmpdir(), 'interleaved-')), 'out.json');
    const code = await main(['fuzz', fixture, '--duration', '2s', '--runs', '200', '--seed', '1', '--json', json]);
    expect(code).toBe(1);
    const text = io.out.join('\n');
    expect(text).toMatch(/FAIL .*#racy/);
    expect(text).toMatch(/ok {3}.*#safe: 200 schedules/);
    const data = JSON.parse(readFileSync(json, 'utf8')) as { scenario: string; ok: boolean; failure?: { token: string } }[];
    expect(data.map((d) => [d.scenario.split('#')[1], d.ok])).toEqual([['racy', false], ['safe', true]]);
    const token = data[0]!.failure!.token;
    expect(text).toContain(`interleaved replay ${fixture}#racy ${token}`);

    const replayed = capture();
    expect(await main(['replay', `${fixture}#racy`, token])).toBe(1);
    expect(replayed.out.join('\n')).toContain(`INTERLEAVE_REPLAY=${token} `);
  });

  it('usage errors exit 2 with a message naming the problem', async () => {
    const io = capture();
    expect(await main(['fuzz'])).toBe(2);
    expect(await main(['fuzz', fixture, '--workers', '4'])).toBe(2);
    expect(await main(['fuzz', fixture, '--duration', 'soon'])).toBe(2);
    expect(await main(['replay', `${fixture}#notAScenario`, 'v1.AAAA'])).toBe(2);
    expect(await main(['frobnicate'])).toBe(2);
    const err = io.err.join('\n');
    expect(err).toContain('needs at least one file');
    expect(err).toContain('--workers is not supported by this version');
    expect(err).toContain('--duration expects a number with a unit');
    expect(err).toContain('is not a scenario or a program');
    expect(err).toContain('unknown command "frobnicate"');
  });
});
