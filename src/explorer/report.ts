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

/** The timeline of a trace for messages; a long one keeps its head and its tail, which holds the failure. */
function clippedTimeline(trace: readonly TraceEvent[], max = 120): string {
  if (trace.length <= max) return formatTrace(trace);
  const head = Math.floor(max / 4);
  const lines = formatTrace([...trace.slice(0, head), ...trace.slice(trace.length - (max - head))]).split('\n');
  lines.splice(head + 1, 0, `   … ${trace.length - max} events omitted …`); // +1: the header row
  return lines.join('\n');
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
  const where = seed === undefined ? 'in the replayed schedule' : `in schedule ${runIndex + 1} (strategy ${strategy}, seed ${seed})`;
  const reproduce = testName !== undefined
    ? `INTERLEAVE_REPLAY=${token} npx vitest -t ${JSON.stringify(testName)}`
    : `INTERLEAVE_REPLAY=${token} npx vitest -t "<test name>"   (or: await replay(program, '${token}'))`;
  return [
    `interleaved found ${KIND_TEXT[kind]} ${where}`,
    '',
    ...(result.detail === undefined ? [] : [result.detail]),
    errorText(error),
    '',
    `trace (${minimized ? 'minimized, ' : ''}${result.steps} steps, ${result.preemptions} preemption${result.preemptions === 1 ? '' : 's'}):`,
    clippedTimeline(result.trace),
    '',
    `kind:      ${kind}`,
    `seed:      ${seed ?? '(replay)'}`,
    `token:     ${token}`,
    `reproduce: ${reproduce}`,
  ].join('\n');
}
