import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { Progress, progressLine } from '../../src/cli/progress.js';

const state = { schedules: 12_000, distinct: 11_500, failures: 1, elapsedMs: 3000, leftMs: 57_000, runsBudget: undefined };

describe('progress', () => {
  it('says schedules per second, distinct schedules, failures and what is left', () => {
    expect(progressLine(state)).toBe('12,000 schedules  4,000/s  11,500 distinct  1 failure  57s left');
    expect(progressLine({ ...state, failures: 0, leftMs: Infinity, runsBudget: 20_000 })).toBe('12,000 schedules  4,000/s  11,500 distinct  0 failures  8,000 schedules left');
  });

  it('redraws one line in place on a terminal, and prints plain lines elsewhere', () => {
    vi.useFakeTimers();
    try {
      for (const tty of [true, false]) {
        const out = new PassThrough() as PassThrough & { isTTY?: boolean };
        out.isTTY = tty;
        let text = '';
        out.on('data', (d: Buffer) => (text += d.toString()));
        const progress = new Progress(out as unknown as NodeJS.WriteStream, () => state);
        progress.start();
        vi.advanceTimersByTime(20_000);
        progress.stop();
        if (tty) {
          expect(text.split('\r\x1b[2K').filter((l) => l !== '').length).toBe(80);
          expect(text).not.toContain('\n');
        } else {
          expect(text).toBe('fuzz: 12,000 schedules  4,000/s  11,500 distinct  1 failure  57s left\n'.repeat(2));
        }
      }
    } finally {
      vi.useRealTimers();
    }
  });
});
