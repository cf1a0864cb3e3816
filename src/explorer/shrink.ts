/**
 * Shrinking a failing schedule, in the spirit of delta debugging (Zeller 2002) applied to
 * choice sequences, as shuttle and loom do: replay edited versions of the schedule and keep an
 * edit when the run still fails the same way with fewer preemptions (then fewer steps).
 *
 * Edits: first the shortest prefix (continued without preemptions) that still fails; then each
 * choice that switched tasks is replaced by "keep the previous task". Bounded by SHRINK_RUNS
 * replays and SHRINK_MS of real time, so shrinking never dominates a search.
 */
import { host } from '../scheduler/host.js';
import { PREFER_LAST } from './replay.js';
import type { ScheduleResult } from './runner.js';

const SHRINK_RUNS = 400;
const SHRINK_MS = 5000;

function better(a: ScheduleResult, b: ScheduleResult): boolean {
  return a.preemptions < b.preemptions || (a.preemptions === b.preemptions && a.steps < b.steps);
}

/**
 * Shrinks a failing schedule: first the shortest recorded prefix that, continued without
 * preemptions, still fails the same way; then each remaining choice is replaced by "no
 * preemption" when the failure survives. Bounded by SHRINK_RUNS replays and SHRINK_MS.
 */
export async function shrink(
  failing: ScheduleResult,
  replayChoices: (choices: number[], direct: boolean) => Promise<ScheduleResult>,
): Promise<ScheduleResult> {
  const kind = failing.end.kind;
  let best = failing;
  let budget = SHRINK_RUNS;
  const deadline = host.now() + SHRINK_MS;
  const attempt = async (choices: number[]): Promise<boolean> => {
    if (budget-- <= 0 || host.now() > deadline) return false;
    const r = await replayChoices(choices, best.direct);
    if (r.end.kind === kind && better(r, best)) {
      best = r;
      return true;
    }
    return false;
  };
  // 1. Prefixes, shortest first.
  for (let k = 0; k < best.choices.length; k = k === 0 ? 1 : k * 2) {
    if (await attempt(best.choices.slice(0, k))) break;
    if (budget <= 0) break;
  }
  // 2. Drop single preemptions until none can go.
  for (let improved = true; improved && budget > 0 && host.now() <= deadline; ) {
    improved = false;
    for (let i = 1; i < best.choices.length && budget > 0; i++) {
      if (best.choices[i] === best.choices[i - 1]) continue;
      const edited = best.choices.slice();
      edited[i] = PREFER_LAST;
      if (await attempt(edited)) {
        improved = true;
        break;
      }
    }
  }
  return best;
}
