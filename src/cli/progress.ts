/**
 * The progress display of `fuzz`: on a terminal one line redrawn in place four times a second;
 * elsewhere (CI logs) a plain line every ten seconds. Both say schedules per second, distinct
 * schedules, failures and the time (or the schedules) left.
 */

/**
 * The numbers a progress line shows.
 *
 * @example
 * ```ts
 * const s: ProgressState = { schedules: 10, distinct: 9, failures: 0, elapsedMs: 5, leftMs: 1000, runsBudget: undefined };
 * ```
 */
export interface ProgressState {
  schedules: number;
  distinct: number;
  failures: number;
  elapsedMs: number;
  /** ms left of the time budget; Infinity when there is none. */
  leftMs: number;
  /** Schedules budget over all jobs, when `--runs` was given. */
  runsBudget: number | undefined;
}

const TTY_INTERVAL = 250;
const PLAIN_INTERVAL = 10_000;

function grouped(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/**
 * One progress line.
 *
 * @example
 * ```ts
 * progressLine({ schedules: 12000, distinct: 11500, failures: 1, elapsedMs: 3000, leftMs: 57000, runsBudget: undefined });
 * // '12,000 schedules  4,000/s  11,500 distinct  1 failure  57s left'
 * ```
 */
export function progressLine(s: ProgressState): string {
  const rate = s.elapsedMs > 0 ? (s.schedules * 1000) / s.elapsedMs : 0;
  const left = Number.isFinite(s.leftMs)
    ? `${Math.max(0, Math.ceil(s.leftMs / 1000))}s left`
    : s.runsBudget !== undefined
      ? `${grouped(Math.max(0, s.runsBudget - s.schedules))} schedules left`
      : '';
  const failures = `${s.failures} failure${s.failures === 1 ? '' : 's'}`;
  return [`${grouped(s.schedules)} schedules`, `${grouped(rate)}/s`, `${grouped(s.distinct)} distinct`, failures, left].filter((p) => p !== '').join('  ');
}

/**
 * Shows progress until `stop()`.
 *
 * @example
 * ```ts
 * const progress = new Progress(process.stderr, () => state());
 * progress.start();
 * // …
 * progress.stop();
 * ```
 */
export class Progress {
  readonly #out: NodeJS.WriteStream;
  readonly #tty: boolean;
  readonly #read: () => ProgressState;
  #timer: NodeJS.Timeout | undefined;

  constructor(out: NodeJS.WriteStream, read: () => ProgressState) {
    this.#out = out;
    this.#tty = out.isTTY === true;
    this.#read = read;
  }

  start(): void {
    this.#timer = setInterval(() => this.#draw(), this.#tty ? TTY_INTERVAL : PLAIN_INTERVAL);
    this.#timer.unref();
  }

  #draw(): void {
    const line = progressLine(this.#read());
    if (this.#tty) this.#out.write(`\r\x1b[2K${line}`);
    else this.#out.write(`fuzz: ${line}\n`);
  }

  /** Stops redrawing; on a terminal, clears the live line. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#tty) this.#out.write('\r\x1b[2K');
  }
}
