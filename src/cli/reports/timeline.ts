/**
 * A schedule drawn as an SVG picture: one horizontal lane per task (in order of first
 * appearance), one mark per trace event from left to right, the object each event touched
 * (`TraceEvent.target`) written under its mark, and blocked spans as bars: from the event where
 * a task blocked to the event where it was woken (or cancelled), and, for the tasks a deadlock
 * or leak left blocked, from their last event to the end. Tasks and objects of a deadlock's
 * wait-for cycle are drawn in the alarm colour.
 *
 * Every string from the program (task names, targets) is escaped. O(events) in time and size;
 * a long trace keeps its last {@link MAX_EVENTS} events, where the failure is.
 */
import type { TraceEvent } from '../../scheduler/types.js';
import { escapeMarkup as esc } from './escape.js';

const MAX_EVENTS = 400;
const LABEL = 190;
const DX = 58;
const DY = 44;
const TOP = 34;
const MAX_TEXT = 9;
const MAX_NAME = 24;

/**
 * What the failure report says about the end of the run.
 *
 * @example
 * ```ts
 * const end: EndState = endState(failure.message);
 * ```
 */
export interface EndState {
  /** Tasks still blocked when the run ended. */
  blocked: string[];
  /** The wait-for cycle: task names, and the objects between them. */
  cycleTasks: string[];
  cycleTargets: string[];
}

/**
 * Reads the blocked tasks and the wait-for cycle from a failure message (the lines
 * `  <task> waits: …` and `  wait-for cycle: A -> 'x' -> B -> 'y' -> A`).
 *
 * @example
 * ```ts
 * endState(failure.message).cycleTasks; // ['alice->bob', 'bob->alice']
 * ```
 */
export function endState(message: string): EndState {
  const blocked: string[] = [];
  const cycleTasks: string[] = [];
  const cycleTargets: string[] = [];
  for (const line of message.split('\n')) {
    const cycle = /^ {2}wait-for cycle: (.*)$/.exec(line);
    if (cycle !== null) {
      for (const part of cycle[1]!.split(' -> ')) {
        const quoted = /^'(.*)'$/.exec(part);
        const list = quoted === null ? cycleTasks : cycleTargets;
        const name = quoted === null ? part : quoted[1]!;
        if (!list.includes(name)) list.push(name);
      }
      continue;
    }
    const waits = /^ {2}(.+?) waits: /.exec(line);
    if (waits !== null) blocked.push(waits[1]!);
  }
  return { blocked, cycleTasks, cycleTargets };
}

function clip(text: string, max = MAX_TEXT): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function describe(e: TraceEvent): string {
  const detail = e.detail === undefined ? '' : ` (${e.detail})`;
  return `step ${e.step} at ${e.time} ms: ${e.task} ${e.op}${detail}${e.target === undefined ? '' : ` ${e.target}`}`;
}

/**
 * Draws a trace.
 *
 * @example
 * ```ts
 * const svg = timelineSvg(failure.trace, endState(failure.message));
 * ```
 */
export function timelineSvg(fullTrace: readonly TraceEvent[], end: EndState): string {
  const omitted = Math.max(0, fullTrace.length - MAX_EVENTS);
  const trace = fullTrace.slice(omitted);
  const lanes: string[] = [];
  for (const e of trace) if (!lanes.includes(e.task)) lanes.push(e.task);
  for (const t of end.blocked) if (!lanes.includes(t)) lanes.push(t);
  const width = LABEL + (trace.length + 1) * DX + 20;
  const height = TOP + lanes.length * DY + 10;
  const x = (i: number): number => LABEL + (i + 0.5) * DX;
  const y = (task: string): number => TOP + lanes.indexOf(task) * DY + DY / 2 - 6;
  const inCycle = new Set(end.cycleTasks);
  const hot = new Set(end.cycleTargets);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="schedule timeline">`);
  if (omitted > 0) out.push(`<text class="note" x="4" y="12">first ${omitted} events not drawn</text>`);
  // Step numbers along the top, once per step.
  let lastStep = -1;
  trace.forEach((e, i) => {
    if (e.step === lastStep) return;
    lastStep = e.step;
    out.push(`<line class="step" x1="${x(i) - DX / 2}" y1="${TOP - 6}" x2="${x(i) - DX / 2}" y2="${height - 6}"/>`);
    out.push(`<text class="stepno" x="${x(i)}" y="${TOP - 10}">${e.step}</text>`);
  });
  lanes.forEach((task) => {
    const cls = inCycle.has(task) ? 'lane cycle' : 'lane';
    out.push(`<g class="${cls}" data-task="${esc(task)}"><line class="axis" x1="${LABEL}" y1="${y(task)}" x2="${width - 10}" y2="${y(task)}"/>`);
    out.push(`<text class="name" x="${LABEL - 8}" y="${y(task) + 4}"><title>${esc(task)}</title>${esc(clip(task, MAX_NAME))}</text></g>`);
  });
  // Blocked spans: blocked at a task's previous event, woken at this one.
  const last = new Map<string, number>();
  trace.forEach((e, i) => {
    const before = last.get(e.task);
    if (before !== undefined && (e.detail === 'woken' || e.detail === 'cancelled') && i - before > 1) {
      const on = e.target === undefined ? '' : ` on ${e.target}`;
      out.push(`<rect class="blocked" x="${x(before)}" y="${y(e.task) - 5}" width="${x(i) - x(before)}" height="10"><title>${esc(`${e.task} blocked${on}, ${e.detail} at step ${e.step}`)}</title></rect>`);
    }
    last.set(e.task, i);
  });
  for (const task of end.blocked) {
    const from = last.get(task);
    const x0 = from === undefined ? LABEL : x(from);
    const cls = inCycle.has(task) ? 'blocked stuck cycle' : 'blocked stuck';
    out.push(`<rect class="${cls}" x="${x0}" y="${y(task) - 5}" width="${width - 10 - x0}" height="10"><title>${esc(`${task} is still blocked when the run ends`)}</title></rect>`);
  }
  trace.forEach((e, i) => {
    const cls = ['mark', `op-${e.op.replace(/[^a-z]/gi, '')}`, e.target !== undefined && hot.has(e.target) ? 'cycle' : ''].filter((c) => c !== '').join(' ');
    out.push(`<g class="${cls}"><title>${esc(describe(e))}</title><circle cx="${x(i)}" cy="${y(e.task)}" r="6"/>`);
    out.push(`<text class="op" x="${x(i)}" y="${y(e.task) - 10}">${esc(clip(e.op))}</text>`);
    if (e.target !== undefined && e.target !== e.task) out.push(`<text class="target" x="${x(i)}" y="${y(e.task) + 18}">${esc(clip(e.target))}</text>`);
    out.push('</g>');
  });
  out.push('</svg>');
  return out.join('\n');
}
