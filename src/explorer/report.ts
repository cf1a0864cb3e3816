/**
 * Reports: the per-task timeline of a trace, and the failure message a user pastes from.
 *
 * The timeline has one column per task in order of first appearance and one row per event;
 * an event's cell is `op target`. A step that did several things (a read, a write, a release)
 * shows its number on its first row only.
 */
import { fileURLToPath } from 'node:url';
import type { FailureKind, TraceEvent } from '../scheduler/loop.js';

const MAX_CELL = 30;

function cell(e: TraceEvent): string {
  const op = e.detail === undefined ? e.op : `${e.op} (${e.detail})`;
  const text = e.target === undefined || e.target === e.task ? op : `${op} ${e.target}`;
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}

/**
 * Renders a trace as a per-task timeline.
 *
 * @example
 * ```ts
 * const result = await run(program);
 * console.log(formatTrace(result.trace));
 * // step  time  main          Task-1
 * //    1     0  start
 * //    2     0                start
 * ```
 */
export function formatTrace(trace: readonly TraceEvent[]): string {
  const columns: string[] = [];
  for (const e of trace) if (!columns.includes(e.task)) columns.push(e.task);
  const widths = columns.map((c) => c.length);
  const cells = trace.map((e) => {
    const c = cell(e);
    const k = columns.indexOf(e.task);
    if (c.length > widths[k]!) widths[k] = c.length;
    return c;
  });
  const stepWidth = Math.max(4, String(trace.at(-1)?.step ?? 0).length);
  const timeWidth = Math.max(4, ...trace.map((e) => String(e.time).length));
  const row = (step: string, time: string, k: number, text: string): string => {
    let line = `${step.padStart(stepWidth)}  ${time.padStart(timeWidth)}  `;
    for (let i = 0; i < columns.length; i++) line += (i === k ? text : '').padEnd(widths[i]! + 2);
    return line.trimEnd();
  };
  const lines = [row('step', 'time', -1, '').trimEnd() + '  ' + columns.map((c, i) => c.padEnd(widths[i]! + 2)).join('').trimEnd()];
  let lastStep = -1;
  trace.forEach((e, i) => {
    const stepText = e.step === lastStep ? '' : String(e.step);
    lastStep = e.step;
    lines.push(row(stepText, String(e.time), columns.indexOf(e.task), cells[i]!));
  });
  return lines.join('\n');
}

/** Characters the timeline of a failure message may take (the message stays under 20,000). */
const TIMELINE_BUDGET = 12_000;
/** Characters an error's text or a failure's detail may take in a message. */
const TEXT_BUDGET = 3_000;

/**
 * The timeline of a trace for messages: a long one keeps its head and its tail (which holds the
 * failure), says how many events and steps it left out, and fits in `budget` characters however
 * many tasks show.
 */
function clippedTimeline(trace: readonly TraceEvent[], max = 120, budget = TIMELINE_BUDGET): string {
  if (trace.length <= max) {
    const whole = formatTrace(trace);
    if (whole.length <= budget) return whole;
  }
  // Fewer events until the text fits: each try keeps at most half as many (bounded by log2(max)).
  for (let keep = Math.min(max, trace.length); ; keep = Math.floor(keep / 2)) {
    const head = Math.floor(keep / 4);
    const tail = trace.length - (keep - head);
    const lines = formatTrace([...trace.slice(0, head), ...trace.slice(tail)]).split('\n');
    const from = trace[head]?.step ?? 0;
    const to = trace[tail - 1]?.step ?? 0;
    // Steps are increasing along a trace; a step whose events are partly kept is not left out.
    const sharedFrom = head > 0 && trace[head - 1]!.step === from ? 1 : 0;
    const sharedTo = tail < trace.length && trace[tail]!.step === to && to !== from ? 1 : 0;
    const steps = to - from + 1 - sharedFrom - sharedTo;
    lines.splice(head + 1, 0, `   … ${tail - head} events left out (${steps} whole steps, ${from} to ${to}) …`); // +1: the header row
    const text = lines.join('\n');
    if (text.length <= budget || keep <= 2) return text.length <= budget ? text : clipText(text, budget);
  }
}

/** `text` cut to `budget` characters, saying how much was left out. */
function clipText(text: string, budget: number): string {
  if (text.length <= budget) return text;
  return `${text.slice(0, budget)}… (${text.length - budget} more characters left out)`;
}

/** interleaved's own source (or build) directory: its stack frames are noise in reports. */
const OWN_DIR = fileURLToPath(new URL('..', import.meta.url));

export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const stack = error.stack ?? `${error.name}: ${error.message}`;
    // Keep the message and the first frames of user code; drop interleaved's and node's own frames.
    const lines = stack.split('\n');
    const head = lines.filter((l) => !l.trimStart().startsWith('at ')).join('\n');
    const frames = lines.filter((l) => l.trimStart().startsWith('at ') && !l.includes('node:') && !l.includes(OWN_DIR));
    return [head, ...frames.slice(0, 4)].join('\n');
  }
  return String(error);
}

const KIND_TEXT: Record<FailureKind, string> = {
  error: 'an error',
  deadlock: 'a deadlock',
  leak: 'a leak (tasks blocked forever)',
  unhandled: 'an unhandled task failure',
  'step-limit': 'a step-limit overrun (livelock?)',
  'lock-order': 'a lock-order inversion',
  uncontrolled: 'an uncontrolled wait',
  nondeterministic: 'nondeterminism',
};

export function buildMessage(
  kind: FailureKind,
  error: unknown,
  token: string,
  seed: string | undefined,
  strategy: string | undefined,
  runIndex: number,
  result: { steps: number; preemptions: number; trace: readonly TraceEvent[]; detail?: string | undefined },
  minimized: boolean,
  testName: string | undefined,
): string {
  const where = seed === undefined ? 'in the replayed schedule' : `in schedule ${runIndex + 1} (strategy ${clipText(String(strategy), 40)}, seed ${clipText(seed, 200)})`;
  // The token is printed once, inside a line that can be pasted as it is.
  const reproduce = testName !== undefined
    ? `INTERLEAVE_REPLAY=${token} npx vitest -t ${JSON.stringify(clipText(testName, 500))}`
    : `INTERLEAVE_REPLAY=${token} npx vitest -t "<test name>"   (or pass the token to replay(program, token))`;
  return [
    `interleaved found ${KIND_TEXT[kind]} ${where}`,
    '',
    ...(result.detail === undefined ? [] : [clipText(result.detail, TEXT_BUDGET)]),
    clipText(errorText(error), TEXT_BUDGET),
    '',
    `trace (${minimized ? 'minimized, ' : ''}${result.steps} steps, ${result.preemptions} preemption${result.preemptions === 1 ? '' : 's'}):`,
    clippedTimeline(result.trace),
    '',
    `kind:      ${kind}`,
    `seed:      ${seed === undefined ? '(replay)' : clipText(seed, 200)}`,
    `reproduce: ${reproduce}`,
  ].join('\n');
}
