import { describe, expect, it } from 'vitest';
import { check, gather, Lock, spawn } from 'interleaved';

/** Two paths take the same two locks in opposite orders, but never at the same time. */
const inversion = async () => {
  const a = new Lock({ name: 'accounts' });
  const b = new Lock({ name: 'audit' });
  const first = spawn(async () => {
    await a.runExclusive(() => b.runExclusive(() => undefined));
  }, { name: 'transfer' });
  await first; // serialised: no deadlock can happen in this program
  await b.runExclusive(() => a.runExclusive(() => undefined));
};

describe('detect.lockOrder', () => {
  it('is off by default: a program that never deadlocks passes', async () => {
    const report = await check(inversion, { runs: 50, seed: 1 });
    expect(report.ok).toBe(true);
  });

  it('reports locks taken in inconsistent orders even when no schedule deadlocks', async () => {
    const report = await check(inversion, { runs: 50, seed: 1, detect: { lockOrder: true } });
    expect(report.failure?.kind).toBe('lock-order');
    expect(report.failure?.message).toContain('transfer acquired audit while holding accounts');
    expect(report.failure?.message).toContain('main acquired accounts while holding audit');
  });

  it('a consistent order passes', async () => {
    const report = await check(async () => {
      const a = new Lock({ name: 'a' });
      const b = new Lock({ name: 'b' });
      const both = () => a.runExclusive(() => b.runExclusive(() => undefined));
      await gather(spawn(both), spawn(both));
    }, { runs: 100, seed: 1, detect: { lockOrder: true } });
    expect(report.ok).toBe(true);
  });
});
