import { describe, expect, it } from 'vitest';
import { check, replay } from 'interleaved';
import { exploreTest } from 'interleaved/vitest';
import * as bankTransfer from './bank-transfer.js';
import { examples } from './catalog.js';
import * as missedWakeup from './missed-wakeup.js';

const RUNS = 2000;

describe.each(examples)('$name', (example) => {
  it(`the explorer catches the buggy version (${example.kind}) and its token replays it`, async () => {
    const report = await check(example.buggy, { ...example.options, runs: RUNS, seed: 1 });
    expect(report.ok).toBe(false);
    const failure = report.failure;
    if (failure === undefined) throw new Error(`no failure in ${report.runs} schedules`);
    expect(failure.kind, failure.message).toBe(example.kind);
    expect(failure.message).toContain(failure.token);

    const replayed = await replay(example.buggy, failure.token, { fakeTimers: example.options?.fakeTimers === true });
    expect(replayed.ok).toBe(false);
    expect(replayed.failure?.kind).toBe(failure.kind);
    expect(replayed.failure?.trace).toEqual(failure.trace);
  });

  it('the fixed version passes every explored schedule', async () => {
    const report = await check(example.fixed, { ...example.options, runs: RUNS, seed: 1 });
    expect(report.ok, report.failure?.message).toBe(true);
  });
});

describe('exploreTest', () => {
  exploreTest('bank-transfer: deposits under a lock never lose money', bankTransfer.fixed, {
    runs: RUNS,
    seed: 1,
  });
  exploreTest('missed-wakeup: a queue delivers every order', missedWakeup.fixed, { runs: RUNS, seed: 1 });
});
