/**
 * Replay tokens: a schedule as one short, versioned, shell-safe string.
 *
 * Layout: `v1.` + base64url of the bytes
 *   varint flags · varint run-count · (varint id+1, varint repeat)* · 2-byte checksum
 * Choices are task ids (0 = main, -1 = let the clock advance, stored +1); consecutive equal
 * choices are run-length encoded, so a task running alone for many steps costs two bytes.
 * The checksum (Fletcher-16) turns a truncated or mistyped token into a clear error instead of a
 * silently different schedule. base64url and `.` need no quoting in any shell.
 */
import { show } from '../scheduler/errors.js';

export const TOKEN_VERSION = 'v1';

/** Flag bits carried by a token. */
export const FLAG_CONTEXT = 1; // the run needs AsyncLocalStorage attribution (see context.ts)
export const FLAG_FAKE_TIMERS = 2;
/** A varint seed of the run's randomness (`Math.random`, …) follows the flags. */
export const FLAG_RANDOM_SEED = 4;
/** Choices are stored zigzag-encoded (calls' ids are <= -2) instead of as `id + 1`. */
export const FLAG_SIGNED = 8;

export interface Schedule {
  flags: number;
  choices: number[];
  /** Seed of the run's `Math.random` and friends (0 when the token has none). */
  randomSeed?: number;
}

const zigzag = (n: number): number => (n >= 0 ? 2 * n : -2 * n - 1);
const unzigzag = (z: number): number => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

/**
 * A token that cannot be decoded: names the problem and what a token looks like.
 *
 * @example
 * ```ts
 * await replay(program, 'v1.garbled').catch((e) => console.log(e instanceof TokenError)); // true
 * ```
 */
export class TokenError extends TypeError {
  constructor(token: unknown, problem: string) {
    super(`Invalid replay token ${show(token)}: ${problem}. Expected the string printed after "token:" in a failure report, like "v1.AQID…"`);
    this.name = 'TokenError';
  }
}

function pushVarint(out: number[], n: number): void {
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

function fletcher16(bytes: ArrayLike<number>, length: number): number {
  let a = 0;
  let b = 0;
  for (let i = 0; i < length; i++) {
    a = (a + bytes[i]!) % 255;
    b = (b + a) % 255;
  }
  return (b << 8) | a;
}

export function encodeToken(schedule: Schedule): string {
  const out: number[] = [];
  const seed = schedule.randomSeed ?? 0;
  const flags = (schedule.flags & ~(FLAG_RANDOM_SEED | FLAG_SIGNED)) | (seed !== 0 ? FLAG_RANDOM_SEED : 0) | FLAG_SIGNED;
  pushVarint(out, flags);
  if (seed !== 0) pushVarint(out, seed);
  const runs: number[] = [];
  const choices = schedule.choices;
  for (let i = 0; i < choices.length; ) {
    let j = i + 1;
    while (j < choices.length && choices[j] === choices[i]) j++;
    runs.push(zigzag(choices[i]!), j - i);
    i = j;
  }
  pushVarint(out, runs.length / 2);
  for (const n of runs) pushVarint(out, n);
  const sum = fletcher16(out, out.length);
  out.push(sum >> 8, sum & 0xff);
  return `${TOKEN_VERSION}.${Buffer.from(out).toString('base64url')}`;
}

export function decodeToken(token: unknown): Schedule {
  if (typeof token !== 'string') throw new TokenError(token, 'it is not a string');
  const dot = token.indexOf('.');
  if (dot < 0) throw new TokenError(token, 'it has no version prefix');
  const version = token.slice(0, dot);
  if (version !== TOKEN_VERSION) {
    throw new TokenError(token, `version '${version}' is not supported by this interleaved (it reads '${TOKEN_VERSION}')`);
  }
  const body = token.slice(dot + 1);
  if (!/^[A-Za-z0-9_-]*$/.test(body)) throw new TokenError(token, 'it contains characters outside base64url');
  const bytes = Buffer.from(body, 'base64url');
  if (bytes.length < 4) throw new TokenError(token, 'it is too short');
  const n = bytes.length - 2;
  if (fletcher16(bytes, n) !== ((bytes[n]! << 8) | bytes[n + 1]!)) throw new TokenError(token, 'its checksum does not match (truncated or mistyped?)');
  let pos = 0;
  const read = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (pos >= n) throw new TokenError(token, 'it ends in the middle of a number');
      const byte = bytes[pos++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
      if (scale > 2 ** 49) throw new TokenError(token, 'it holds a number too large');
    }
  };
  const flags = read();
  const randomSeed = (flags & FLAG_RANDOM_SEED) !== 0 ? read() : 0;
  const signed = (flags & FLAG_SIGNED) !== 0;
  const count = read();
  const choices: number[] = [];
  for (let r = 0; r < count; r++) {
    const id = signed ? unzigzag(read()) : read() - 1;
    const repeat = read();
    if (repeat < 1 || choices.length + repeat > 50_000_000) throw new TokenError(token, 'it holds an impossible repeat count');
    for (let k = 0; k < repeat; k++) choices.push(id);
  }
  if (pos !== n) throw new TokenError(token, 'it has trailing bytes');
  return { flags, choices, randomSeed };
}
