/**
 * Test helper: runs a dfs search to the end by hand and names the Mazurkiewicz trace of every
 * schedule it ran, so tests can count traces and check that no two schedules of a reduced
 * search are equivalent (the optimality of dpor/optimal.ts).
 *
 * A trace is named by the order of every pair of dependent steps of different tasks, each step
 * named by its task and its rank in that task (`task:k`): two schedules are equivalent exactly
 * when these orders agree. A schedule that ends in an error is named by the steps ordered before
 * the failing one only.
 */
import { DfsStrategy } from '../../src/explorer/dfs.js';
import { dependent, EventReader } from '../../src/explorer/dpor/events.js';
import { runSchedule } from '../../src/explorer/runner.js';

export interface Search {
  /** One name per schedule run, in order. */
  traces: string[];
  /** The choices of each schedule. */
  schedules: number[][];
  /** Failure kinds met (the search goes on past them). */
  failures: string[];
  exhausted: boolean;
  blocked: number;
  diverged: number;
  /** Guessed steps that did more than guessed (dpor/optimal.ts). */
  misguessed: number;
  /** The search was the reduced one. */
  reduced: boolean;
}

const detect = { deadlock: true, leaks: true, unhandled: true, lockOrder: false };

/** Runs dfs (reduced with `dpor`) until exhausted or `limit` schedules; names each schedule's trace. */
export async function search(program: () => Promise<void> | void, dpor: boolean, limit = 200_000): Promise<Search> {
  const strategy = new DfsStrategy(Infinity, dpor);
  const out: Search = { traces: [], schedules: [], failures: [], exhausted: false, blocked: 0, diverged: 0, misguessed: 0, reduced: false };
  for (let i = 0; i < limit; i++) {
    if (!strategy.beginRun(i)) {
      out.exhausted = true;
      break;
    }
    const result = await runSchedule(program, strategy, { maxSteps: 10_000, detect, direct: true, trace: false, accesses: true });
    strategy.endRun(result.choices, result.end.kind !== 'ok', result.accesses);
    if (result.end.kind !== 'ok') out.failures.push(result.end.kind);
    out.schedules.push(result.choices.slice());
    out.traces.push(traceName(result.choices, result.accesses ?? [], result.end.kind === 'error'));
  }
  out.blocked = strategy.stats?.blocked ?? 0;
  out.diverged = strategy.stats?.diverged ?? 0;
  out.misguessed = strategy.stats?.misguessed ?? 0;
  out.reduced = strategy.stats !== undefined;
  return out;
}

/** Call names to ids, shared by every schedule named, full search and reduced alike. */
const calls = new Map<string, number>();

function traceName(choices: readonly number[], log: readonly (number | object)[], failed: boolean): string {
  // Calls by name (who started them), as the reduction knows them: their ids follow the order
  // calls start in, which independent steps do not fix.
  const reader = new EventReader(log, calls);
  for (let i = 1; i <= choices.length; i++) reader.readUpTo(i, (k) => reader.stable(choices[k]!));
  const events = reader.events;
  const rank: string[] = [];
  const seen = new Map<number, number>();
  for (const e of events) {
    const k = seen.get(e.task) ?? 0;
    seen.set(e.task, k + 1);
    rank.push(`${e.task}:${k}`);
  }
  // An error ends the run at once: steps of other tasks that had not happened by then, and
  // steps not ordered before the failing one, are not part of what the failure is. Such a
  // schedule is named by the steps ordered before its last one. (A deadlock or a leak is found
  // once every step has run: those schedules are named whole.)
  const kept = events.map(() => !failed);
  if (failed && events.length > 0) {
    kept[events.length - 1] = true;
    for (let i = events.length - 2; i >= 0; i--) {
      for (let j = i + 1; j < events.length && !kept[i]; j++) if (kept[j] && dependent(events[i]!, events[j]!)) kept[i] = true;
    }
  }
  const edges: string[] = [];
  for (let j = 0; j < events.length; j++) {
    if (!kept[j]) continue;
    for (let i = 0; i < j; i++) {
      if (kept[i] && events[i]!.task !== events[j]!.task && dependent(events[i]!, events[j]!)) edges.push(`${rank[i]}<${rank[j]}`);
    }
  }
  if (failed) edges.push(`failed at ${rank[events.length - 1]}`);
  return edges.sort().join(' ');
}

/** Number of distinct names in `traces`. */
export function distinct(traces: readonly string[]): number {
  return new Set(traces).size;
}
