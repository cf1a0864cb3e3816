/**
 * Explains why a run cannot make progress: every blocked task, what it waits on, who holds it,
 * and the wait-for cycle if there is one.
 *
 * The wait-for graph has an edge `A → B` when task A waits on a target that B holds (a Lock's
 * owner, a Task being awaited). A cycle is found by depth-first search from each blocked task
 * in creation order, so the printed cycle is deterministic. O(tasks + edges).
 */
import type { TaskImpl } from './task.js';

export interface BlockedTask {
  task: TaskImpl;
  /** `Lock 'b' (held by Task-2)`, `an unknown promise`, … */
  waitsOn: string[];
  holders: TaskImpl[];
  /** For each holder, the label of what it holds that this task waits on. */
  via: string[];
}

export function blockedTasks(tasks: readonly TaskImpl[]): BlockedTask[] {
  const out: BlockedTask[] = [];
  for (const task of tasks) {
    if (task.isDone()) continue;
    const waitsOn: string[] = [];
    const holders: TaskImpl[] = [];
    const via: string[] = [];
    for (const wait of task.pendingWaits) {
      const target = wait.target;
      const held = target?.holders?.() ?? [];
      for (const h of held) {
        if (holders.includes(h)) continue;
        holders.push(h);
        via.push(target === h ? '' : (target?.label ?? ''));
      }
      const what = target !== undefined ? String(target) : wait.op === 'sleep' ? 'a timer' : `'${wait.op}'`;
      const by = held.length > 0 ? ` held by ${held.map((h) => (h.isDone() ? `${h.name} (which has finished without releasing it)` : h.name)).join(', ')}` : '';
      waitsOn.push(`${wait.op} on ${what}${by}`);
    }
    if (task.unknown) waitsOn.push('a promise interleaved does not control (not settled by any task, timer or controlled call)');
    if (waitsOn.length === 0) waitsOn.push(task.started() ? 'nothing interleaved can see' : 'its first step');
    out.push({ task, waitsOn, holders, via });
  }
  return out;
}

/**
 * The first wait-for cycle, as task names and what each waits on, closing on the first
 * (`[A, Lock 'b', B, Lock 'a', A]`), or undefined.
 */
export function findCycle(blocked: readonly BlockedTask[]): string[] | undefined {
  const edges = new Map<TaskImpl, TaskImpl[]>();
  const labels = new Map<TaskImpl, Map<TaskImpl, string>>();
  for (const b of blocked) {
    edges.set(b.task, b.holders);
    labels.set(b.task, new Map(b.holders.map((h, i) => [h, b.via[i] ?? ''])));
  }
  const state = new Map<TaskImpl, 1 | 2>();
  const path: TaskImpl[] = [];
  const visit = (t: TaskImpl): TaskImpl[] | undefined => {
    state.set(t, 1);
    path.push(t);
    for (const next of edges.get(t) ?? []) {
      const s = state.get(next);
      if (s === 1) return [...path.slice(path.indexOf(next)), next];
      if (s === undefined && edges.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    path.pop();
    state.set(t, 2);
    return undefined;
  };
  for (const b of blocked) {
    if (state.has(b.task)) continue;
    const cycle = visit(b.task);
    if (cycle) {
      const out: string[] = [];
      cycle.forEach((t, i) => {
        out.push(t.name);
        const next = cycle[i + 1];
        const via = next === undefined ? '' : (labels.get(t)?.get(next) ?? '');
        if (via !== '') out.push(`'${via}'`);
      });
      return out;
    }
  }
  return undefined;
}

export function describeBlocked(blocked: readonly BlockedTask[]): string {
  const lines = blocked.map((b) => `  ${b.task.name} waits: ${b.waitsOn.join('; ')}`);
  const cycle = findCycle(blocked);
  if (cycle) lines.push(`  wait-for cycle: ${cycle.join(' -> ')}`);
  return lines.join('\n');
}
