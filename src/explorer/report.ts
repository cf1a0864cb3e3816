/**
 * Reports: the per-task timeline of a trace, and the failure message a user pastes from.
 *
 * The timeline has one column per task in order of first appearance and one row per event;
 * an event's cell is `op target`. A step that did several things (a read, a write, a release)
 * shows its number on its first row only.
 */
import type { TraceEvent } from '../scheduler/loop.js';

const MAX_CELL = 30;

function cell(e: TraceEvent): string {
  const text = e.target === undefined || e.target === e.task ? e.op : `${e.op} ${e.target}`;
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

/** Shortens a long trace for messages: the head and the tail, which hold the failure. */
export function clipTrace(trace: readonly TraceEvent[], max = 120): { shown: TraceEvent[]; omitted: number } {
  if (trace.length <= max) return { shown: trace.slice(), omitted: 0 };
  const head = Math.floor(max / 4);
  return { shown: [...trace.slice(0, head), ...trace.slice(trace.length - (max - head))], omitted: trace.length - max };
}
