/**
 * Replay tokens: a schedule as one short, versioned, shell-safe string, at most
 * {@link MAX_TOKEN_LENGTH} characters however long the schedule.
 *
 * Layout: `v2.` + base64url of the bytes `form · varint flags · [varint random seed] · body ·
 * 2-byte checksum` (the seed of the run's `Math.random` and friends, present when flag 4 is
 * set), where the body is one of:
 * - `SPARSE` / `SPARSE_DEFLATED`: the decisions where the schedule departed from the default
 *   (keep the task that ran last if it can run, else the head of the ready queue; or, in the
 *   `SPARSE_HEAD` forms, always the head: asyncio's order), as
 *   `varint count · (varint gap, zigzag choice)*`, raw or through deflate. A shrunk schedule and a
 *   dfs schedule depart from the default at a few decisions only, so they stay short however
 *   many steps they take. Every choice value is an integer: task ids >= 0, `-1` for the clock,
 *   lower values for controlled calls (zigzag keeps them small).
 * - `RECIPE`: the schedule named by how to make it again (see `RunRecipe` in strategy.ts):
 *   strategy, 64-bit key derived from the seed, run index, the strategy's parameters, and a
 *   32-bit hash of the choices, so a regeneration that drifted (the program changed) is
 *   reported instead of replayed silently. Used when the sparse form would be too long (a
 *   random or PCT schedule deviates at most decisions).
 *
 * The checksum (Fletcher-16) turns a truncated or mistyped token into a clear error instead of a
 * silently different schedule. base64url and `.` need no quoting in any shell.
 *
 * `v1.` tokens (run-length encoded full choice lists) are still read.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { show } from '../scheduler/errors.js';
import type { RunRecipe } from './strategy.js';

export const TOKEN_VERSION = 'v2';
/** Longest token made for any schedule (from a search, `run` or `replay`). */
export const MAX_TOKEN_LENGTH = 200;

/** Flag bits carried by a token. */
export const FLAG_CONTEXT = 1; // the run needs AsyncLocalStorage attribution (see context.ts)
export const FLAG_FAKE_TIMERS = 2;
/** A varint seed of the run's randomness (`Math.random`, …) follows the flags. */
export const FLAG_RANDOM_SEED = 4;

const SPARSE = 0;
const SPARSE_DEFLATED = 1;
const RECIPE = 2;
const SPARSE_HEAD = 4;
const SPARSE_HEAD_DEFLATED = 5;
/** Most decisions a token may describe (a bound on what decoding allocates). */
const MAX_DECISIONS = 50_000_000;

/** A decoded token. */
export type Schedule =
  /** Every choice, one per decision (`v1.` tokens). */
  | { flags: number; randomSeed: number; form: 'choices'; choices: number[] }
  /** Departures from a default: `[step, choice, step, choice, …]`, steps increasing. */
  | { flags: number; randomSeed: number; form: 'sparse'; fallback: 'last' | 'head'; deviations: number[] }
  /** A run to regenerate; `hash` is {@link hashOfChoices} of its choices. */
  | { flags: number; randomSeed: number; form: 'recipe'; recipe: RunRecipe; hash: number };

/** Flags, then the run's random seed when it has one. */
function pushHeader(out: number[], flags: number, randomSeed: number): void {
  pushVarint(out, randomSeed === 0 ? flags & ~FLAG_RANDOM_SEED : flags | FLAG_RANDOM_SEED);
  if (randomSeed !== 0) pushVarint(out, randomSeed);
}

/**
 * A token that cannot be decoded: names the problem and what a token looks like.
 *
 * @example
 * ```ts
 * await replay(program, 'v2.garbled').catch((e) => console.log(e instanceof TokenError)); // true
 * ```
 */
export class TokenError extends TypeError {
  constructor(token: unknown, problem: string) {
    super(`Invalid replay token ${show(token)}: ${problem}. Expected the string printed after "INTERLEAVE_REPLAY=" in a failure report, like "v2.AAEB…"`);
    this.name = 'TokenError';
  }
}

/** 32 bits identifying a choice sequence (FNV-1a over zigzagged choices and the length). */
export function hashOfChoices(choices: readonly number[]): number {
  let h = 0x811c9dc5 ^ choices.length;
  for (let i = 0; i < choices.length; i++) {
    const c = choices[i]!;
    h = Math.imul(h ^ (c >= 0 ? 2 * c : -2 * c - 1), 0x01000193);
  }
  return h >>> 0;
}

function pushVarint(out: number[], n: number): void {
  while (n > 0x7f) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

const zigzag = (n: number): number => (n >= 0 ? 2 * n : -2 * n - 1);
const unzigzag = (n: number): number => (n % 2 === 0 ? n / 2 : -(n + 1) / 2);

function fletcher16(bytes: ArrayLike<number>, length: number): number {
  let a = 0;
  let b = 0;
  for (let i = 0; i < length; i++) {
    a = (a + bytes[i]!) % 255;
    b = (b + a) % 255;
  }
  return (b << 8) | a;
}

function finish(out: number[]): string {
  const sum = fletcher16(out, out.length);
  out.push(sum >> 8, sum & 0xff);
  return `${TOKEN_VERSION}.${Buffer.from(out).toString('base64url')}`;
}

/**
 * Encodes the departures of a schedule from the default (`[step, choice, …]`), raw or
 * deflated, whichever is shorter.
 */
export function encodeSparse(flags: number, deviations: readonly number[], randomSeed = 0, fallback: 'last' | 'head' = 'last'): string {
  const body: number[] = [];
  pushVarint(body, deviations.length / 2);
  for (let i = 0, last = 0; i < deviations.length; i += 2) {
    const step = deviations[i]!;
    pushVarint(body, step - last - 1);
    pushVarint(body, zigzag(deviations[i + 1]!));
    last = step;
  }
  const packed = deflateRawSync(Buffer.from(body), { level: 9 });
  const deflated = packed.length < body.length;
  const out = [(fallback === 'last' ? SPARSE : SPARSE_HEAD) + (deflated ? 1 : 0)];
  pushHeader(out, flags, randomSeed);
  for (const b of deflated ? packed : body) out.push(b);
  return finish(out);
}

function pushText(out: number[], text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  pushVarint(out, bytes.length);
  for (const b of bytes) out.push(b);
}

/** Encodes a run by how to regenerate it; `hash` is {@link hashOfChoices} of its choices. */
export function encodeRecipe(flags: number, recipe: RunRecipe, hash: number, randomSeed = 0): string {
  if (!/^([0-9a-f]{16})?$/.test(recipe.key)) throw new TypeError(`a run recipe's key is 16 hex digits or empty, got ${show(recipe.key)}`);
  const out = [RECIPE];
  pushHeader(out, flags, randomSeed);
  pushText(out, recipe.strategy);
  out.push(recipe.key.length / 2);
  for (let i = 0; i < recipe.key.length; i += 2) out.push(parseInt(recipe.key.slice(i, i + 2), 16));
  pushVarint(out, recipe.index);
  pushText(out, recipe.params);
  out.push(recipe.history ? 1 : 0);
  out.push((hash >>> 24) & 0xff, (hash >>> 16) & 0xff, (hash >>> 8) & 0xff, hash & 0xff);
  return finish(out);
}

/** Reads varints from a checked byte range; every problem is a TokenError. */
class Reader {
  pos = 0;
  constructor(
    readonly token: string,
    readonly bytes: Uint8Array,
    readonly end: number,
  ) {}

  byte(): number {
    if (this.pos >= this.end) throw new TokenError(this.token, 'it ends too early');
    return this.bytes[this.pos++]!;
  }

  varint(): number {
    let value = 0;
    for (let scale = 1; ; scale *= 128) {
      if (scale > 2 ** 49) throw new TokenError(this.token, 'it holds a number too large');
      const byte = this.byte();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
    }
  }

  text(): string {
    const n = this.varint();
    if (this.pos + n > this.end) throw new TokenError(this.token, 'it ends in the middle of a text');
    const s = Buffer.from(this.bytes.subarray(this.pos, this.pos + n)).toString('utf8');
    this.pos += n;
    return s;
  }

  done(): void {
    if (this.pos !== this.end) throw new TokenError(this.token, 'it has trailing bytes');
  }
}

/** Decodes a token made by this version (`v2.`) or the previous one (`v1.`). */
export function decodeToken(token: unknown): Schedule {
  if (typeof token !== 'string') throw new TokenError(token, 'it is not a string');
  const dot = token.indexOf('.');
  if (dot < 0) throw new TokenError(token, 'it has no version prefix');
  const version = token.slice(0, dot);
  if (version !== TOKEN_VERSION && version !== 'v1') {
    throw new TokenError(token, `version '${version}' is not supported by this interleaved (it reads '${TOKEN_VERSION}' and 'v1')`);
  }
  const body = token.slice(dot + 1);
  if (!/^[A-Za-z0-9_-]*$/.test(body)) throw new TokenError(token, 'it contains characters outside base64url');
  const bytes = Buffer.from(body, 'base64url');
  if (bytes.length < 4) throw new TokenError(token, 'it is too short');
  const n = bytes.length - 2;
  if (fletcher16(bytes, n) !== ((bytes[n]! << 8) | bytes[n + 1]!)) throw new TokenError(token, 'its checksum does not match (truncated or mistyped?)');
  if (version === 'v1') return decodeV1(new Reader(token, bytes, n));
  const r = new Reader(token, bytes, n);
  const form = r.byte();
  const flags = r.varint();
  const randomSeed = (flags & FLAG_RANDOM_SEED) !== 0 ? r.varint() : 0;
  if (form === RECIPE) {
    const strategy = r.text();
    const keyLength = r.byte();
    if (keyLength !== 0 && keyLength !== 8) throw new TokenError(token, `its key has ${keyLength} bytes`);
    let key = '';
    for (let i = 0; i < keyLength; i++) key += r.byte().toString(16).padStart(2, '0');
    const index = r.varint();
    const params = r.text();
    const history = r.byte() === 1;
    const hash = ((r.byte() << 24) | (r.byte() << 16) | (r.byte() << 8) | r.byte()) >>> 0;
    r.done();
    return { flags, randomSeed, form: 'recipe', recipe: { strategy, key, index, params, history }, hash };
  }
  if (form !== SPARSE && form !== SPARSE_DEFLATED && form !== SPARSE_HEAD && form !== SPARSE_HEAD_DEFLATED) throw new TokenError(token, `its form ${form} is unknown`);
  let payload: Uint8Array = bytes.subarray(r.pos, n);
  if (form === SPARSE_DEFLATED || form === SPARSE_HEAD_DEFLATED) {
    try {
      payload = inflateRawSync(payload, { maxOutputLength: 16 * MAX_DECISIONS });
    } catch {
      throw new TokenError(token, 'its compressed part is damaged');
    }
  }
  const p = new Reader(token, payload, payload.length);
  const count = p.varint();
  if (count > MAX_DECISIONS) throw new TokenError(token, 'it holds an impossible number of decisions');
  const deviations: number[] = [];
  for (let i = 0, step = 0; i < count; i++) {
    step += p.varint() + 1;
    if (step > MAX_DECISIONS) throw new TokenError(token, 'it holds an impossible step number');
    deviations.push(step, unzigzag(p.varint()));
  }
  p.done();
  return { flags, randomSeed, form: 'sparse', fallback: form < RECIPE ? 'last' : 'head', deviations };
}

/** `v1.`: varint flags · varint run-count · (varint choice+1, varint repeat)*. */
function decodeV1(r: Reader): Schedule {
  const flags = r.varint();
  const count = r.varint();
  const choices: number[] = [];
  for (let i = 0; i < count; i++) {
    const id = r.varint() - 1;
    const repeat = r.varint();
    if (repeat < 1 || choices.length + repeat > MAX_DECISIONS) throw new TokenError(r.token, 'it holds an impossible repeat count');
    for (let k = 0; k < repeat; k++) choices.push(id);
  }
  r.done();
  return { flags, randomSeed: 0, form: 'choices', choices };
}
