/**
 * Command-line arguments of `interleaved`: parsed and validated once, here. Every refusal is a
 * {@link UsageError} (exit code 2) naming the flag, the value and what is expected.
 */
import { availableParallelism } from 'node:os';
import { STRATEGIES, type StrategyName } from '../explorer/options.js';

/**
 * A bad command line: exit code 2 with this message and the usage text.
 *
 * @example
 * ```ts
 * throw new UsageError('--workers expects an integer >= 1, got "0"');
 * ```
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The usage text printed with every usage error and by `--help`.
 *
 * @example
 * ```ts
 * console.error(`interleaved: ${error.message}\n${USAGE}`);
 * ```
 */
export const USAGE = `usage:
  interleaved fuzz <files|dirs|globs...> [--duration 60s] [--runs N] [--workers N] [--shard i/n]
                   [--strategy random|pct|pos|surw|dfs|portfolio] [--seed S]
                   [--corpus .interleaved/failures.json] [--json out.json] [--junit out.xml] [--html out.html]
  interleaved replay <file>#<export> <token>`;

/**
 * `fuzz`'s settings, resolved.
 *
 * @example
 * ```ts
 * const args: FuzzArgs = parseFuzz(['examples', '--workers', '2']);
 * ```
 */
export interface FuzzArgs {
  inputs: string[];
  /** Real-time budget in ms; Infinity when only `--runs` bounds the search. */
  durationMs: number;
  /** Schedules per scenario (over all workers of this shard). */
  runs: number | undefined;
  workers: number;
  /** 0-based shard index and shard count. */
  shard: { index: number; count: number };
  strategy: StrategyName | undefined;
  seed: string;
  corpus: string;
  json: string | undefined;
  junit: string | undefined;
  html: string | undefined;
}

/**
 * `replay`'s settings.
 *
 * @example
 * ```ts
 * const { file, exportName, token }: ReplayArgs = parseReplay(['a.ts#x', 'v2.AAAB']);
 * ```
 */
export interface ReplayArgs {
  file: string;
  exportName: string;
  token: string;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration in ms from `90s`, `5m`, `500ms`, `1h`, or a bare number of seconds.
 *
 * @example
 * ```ts
 * parseDuration('5m'); // 300000
 * ```
 * @throws UsageError for anything else.
 */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text);
  if (m === null) throw new UsageError(`--duration expects a number with a unit like 90s, 5m or 500ms, got "${text}"`);
  const ms = Number(m[1]) * UNITS[m[2] ?? 's']!;
  if (ms < 1) throw new UsageError(`--duration must be at least 1ms, got "${text}"`);
  return ms;
}

function positive(flag: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} expects an integer >= 1, got "${text}"`);
  return n;
}

/**
 * `i/n` with 1 <= i <= n, as GitHub Actions matrices count; returns a 0-based index.
 *
 * @example
 * ```ts
 * parseShard('2/4'); // { index: 1, count: 4 }
 * ```
 * @throws UsageError for anything else.
 */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const i = Number(m?.[1]);
  const n = Number(m?.[2]);
  if (m === null || n < 1 || i < 1 || i > n) throw new UsageError(`--shard expects i/n with 1 <= i <= n (like 2/4), got "${text}"`);
  return { index: i - 1, count: n };
}

/**
 * Parses the arguments after `fuzz`.
 *
 * @example
 * ```ts
 * parseFuzz(['examples', '--duration', '30s', '--shard', '1/4']).shard; // { index: 0, count: 4 }
 * ```
 * @throws UsageError for an unknown flag, a bad value, or no input.
 */
export function parseFuzz(argv: readonly string[]): FuzzArgs {
  const out: FuzzArgs = {
    inputs: [],
    durationMs: NaN,
    runs: undefined,
    workers: availableParallelism(),
    shard: { index: 0, count: 1 },
    strategy: undefined,
    seed: '',
    corpus: '.interleaved/failures.json',
    json: undefined,
    junit: undefined,
    html: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const v = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--duration': out.durationMs = parseDuration(value()); break;
      case '--runs': out.runs = positive(flag, value()); break;
      case '--workers': out.workers = positive(flag, value()); break;
      case '--shard': out.shard = parseShard(value()); break;
      case '--strategy': {
        const s = value();
        if (!STRATEGIES.includes(s as StrategyName)) throw new UsageError(`--strategy expects one of ${STRATEGIES.join(', ')}, got "${s}"`);
        out.strategy = s as StrategyName;
        break;
      }
      case '--seed': out.seed = value(); break;
      case '--corpus': out.corpus = value(); break;
      case '--json': out.json = value(); break;
      case '--junit': out.junit = value(); break;
      case '--html': out.html = value(); break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown flag ${flag} for fuzz`);
        out.inputs.push(arg);
    }
  }
  if (out.inputs.length === 0) throw new UsageError('fuzz needs at least one file, directory or glob of scenario files');
  // No budget given: one minute. --runs alone bounds by schedules only.
  if (Number.isNaN(out.durationMs)) out.durationMs = out.runs === undefined ? 60_000 : Infinity;
  return out;
}

/**
 * Parses the arguments after `replay`.
 *
 * @example
 * ```ts
 * parseReplay(['test/bank.scenario.ts#transfers', 'v1.AAYB']).exportName; // 'transfers'
 * ```
 * @throws UsageError unless given exactly `<file>#<export> <token>`.
 */
export function parseReplay(argv: readonly string[]): ReplayArgs {
  const [target, token, ...rest] = argv;
  if (target === undefined || token === undefined || rest.length > 0) throw new UsageError('replay needs exactly <file>#<export> <token>');
  const hash = target.lastIndexOf('#');
  if (hash <= 0 || hash === target.length - 1) throw new UsageError(`replay expects <file>#<export>, like test/bank.scenario.ts#transfers, got "${target}"`);
  return { file: target.slice(0, hash), exportName: target.slice(hash + 1), token };
}
