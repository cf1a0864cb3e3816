/**
 * Events of one schedule for optimal DPOR: what each step touched, under names that mean the
 * same object in every schedule, the dependence between two events, and the happens-before
 * analysis that finds the races of a schedule.
 *
 * An *event* is one step: the task chosen at a decision and the accesses its step made (read
 * from the loop's access log, see scheduler/types.ts). Two events are *dependent* when they
 * belong to one task, or touch one object and not both only read it. An `ACQUIRE` (a wake-up
 * after blocking, a task's first step) counts as a write for dependence.
 *
 * Names across schedules. A search compares events of different schedules (a sleeping task's
 * next step was seen in an earlier one), and every schedule makes its own objects. An object
 * made during the run is named by who made it and when: `maker.k` for the k-th object task
 * `maker` made (`CREATE` records), stable because a task makes its objects in program order
 * and task ids are stable (spawns conflict through the task list). A task is named by its id.
 * Objects made before the run (module-level primitives, the clock) are themselves. A `Wait`
 * keeps its identity: it only links a wake-up to the step that settled it, within one run.
 *
 * Controlled calls. Each pending call's completion is its own event (chooser id `callId(k)`,
 * below -1): it delivers the call's outcome and runs the task on to its next scheduling point.
 * It depends on the step that started the call (which wrote the call), comes in program order
 * before the task's later steps (it writes the task; `owner`), and otherwise depends on what
 * the continuation touches, like any step. A call is known by its name (the task that started
 * it and its rank among that task's objects, `EventReader.stable`), not by the order calls
 * start in, so calls of different tasks start without conflicting.
 *
 * Virtual time. Letting time run (chooser id `CLOCK`) is a step that fires the timers due
 * first; the loop offers it only when no task is ready, so it is dependent with every step:
 * it comes after everything before it and before everything after it. The one order it can
 * trade places with is a pending call's completion (I/O may outlast a timer): a completion
 * after the clock step is a race here; a completion before it is reversed by optimal.ts, with
 * the clock appended, for any completion taken while a timer was pending or made
 * (`TIMERS_PENDING` in the log: `timersPending`, `makesTimer`).
 *
 * Cancellation. `cancel()` writes the cancelled task, whatever it waits on (a lock's queue,
 * the clock for a sleep, a call in flight) and the run's cancel marker, so it conflicts with
 * every step it could change; a task reads its own state at each await. A task's first step
 * is enabled by its spawn, not by a cancel that reaches it before it starts: that cancel races
 * with it.
 *
 * Happens-before: program order, plus every pair of dependent events in schedule order, closed
 * transitively (vector clocks indexed by task). A *race* is a pair of dependent events of two
 * tasks with no third event ordered between them, that could run the other way round. A
 * wake-up cannot run before the step that settled its wait, nor before anything that step saw
 * of the awaited object: those pairs are not races. What touched the object *after* the settle
 * (another task's acquire attempt, a get that takes the item first) is a race with the wake-up.
 *
 * Cost: reading a log is O(accesses); the race analysis is O(events × (accesses + tasks)).
 */
import { ACQUIRE, CLOCK, CREATE, READ, TIMERS_PENDING, WRITE, callId, type AccessLog } from '../../scheduler/types.js';
import { Call } from '../../scheduler/loop.js';
import { TaskImpl } from '../../scheduler/task.js';
import { Wait } from '../../scheduler/wait.js';

/** An object's name: a string for objects made in the run and tasks, else the object. */
export type Name = string | object;

export interface Event {
  readonly task: number;
  readonly names: Name[];
  readonly kinds: number[];
  /**
   * The accesses are not known: the step that ends a reversed race. A step is many accesses,
   * and what it does after its first one depends on what it finds, which the reversal changes
   * (an acquire that blocked may now succeed and release another lock). It is dependent with
   * every step until it has run again.
   */
  readonly unknown?: boolean;
  /** For a controlled call's completion (task id below -1): the task it continues. */
  owner?: number;
  /** For a controlled call's completion: a timer was pending (time could have run first). */
  timersPending?: boolean;
  /** The step made a timer. */
  makesTimer?: boolean;
}

/** True when `a` and `b` do not commute: one task, or one object not only read by both. */
export function dependent(a: Event, b: Event): boolean {
  if (a.task === b.task) return true;
  return dependentAccesses(a, b);
}

/** True when the accesses of `a` and `b` conflict (whatever their tasks). */
export function dependentAccesses(a: Event, b: Event): boolean {
  if (a.unknown === true || b.unknown === true || a.task === CLOCK || b.task === CLOCK) return true;
  for (let i = 0; i < a.names.length; i++) {
    const name = a.names[i]!;
    const kind = a.kinds[i]!;
    for (let j = 0; j < b.names.length; j++) {
      if (b.names[j] === name && (kind !== READ || b.kinds[j] !== READ)) return true;
    }
  }
  return false;
}

/**
 * Whether `guess` accounts for every access of `actual` (one object, and a write where `actual`
 * writes): then whatever was judged independent of the guess is independent of what ran. A
 * `Wait` links steps of one run only and is left out.
 */
export function covers(guess: Event, actual: Event): boolean {
  if (guess.task !== actual.task) return false;
  for (let a = 0; a < actual.names.length; a++) {
    const name = actual.names[a]!;
    if (name instanceof Wait) continue;
    let found = false;
    for (let g = 0; g < guess.names.length && !found; g++) {
      if (guess.names[g] === name && (actual.kinds[a] === READ || guess.kinds[g] !== READ)) found = true;
    }
    if (!found) return false;
  }
  return true;
}

/**
 * The accesses of `a` and `b` together, as one step of `a`'s task (a write where either
 * writes; `Wait`s, which mean nothing outside their run, left out).
 */
export function join(a: Event, b: Event): Event {
  const names: Name[] = [];
  const kinds: number[] = [];
  for (const e of [a, b]) {
    for (let i = 0; i < e.names.length; i++) {
      const name = e.names[i]!;
      if (name instanceof Wait) continue;
      const k = names.indexOf(name);
      if (k < 0) {
        names.push(name);
        kinds.push(e.kinds[i]!);
      } else if (kinds[k] === READ) {
        kinds[k] = e.kinds[i]!;
      }
    }
  }
  return { task: a.task, names, kinds };
}

/**
 * `later` as it would run before `earlier` (the reversal of their race). A step is many
 * accesses, and what it does after touching something `earlier` wrote depends on what it finds
 * there (an acquire that blocked may now succeed, then release another lock; a failed
 * compare-and-swap may now succeed and write). So when `later` touches an object `earlier`
 * wrote and does anything after that, it is marked `unknown`, dependent with every step until
 * it has run again. Only its last access touching `earlier`'s write keeps it known.
 */
export function reversed(earlier: Event, later: Event): Event {
  for (let a = 0; a < later.names.length; a++) {
    for (let b = 0; b < earlier.names.length; b++) {
      if (earlier.names[b] === later.names[a] && earlier.kinds[b] !== READ) {
        return a === later.names.length - 1 ? later : { ...later, unknown: true };
      }
    }
  }
  return later;
}

/**
 * The accesses `earlier` makes before its first one that conflicts with `later`, as an event
 * of the same task: what of `earlier` stays before `later` when their race is reversed, had
 * steps been split finer (see optimal.ts).
 */
export function before(earlier: Event, later: Event): Event {
  for (let a = 0; a < earlier.names.length; a++) {
    for (let b = 0; b < later.names.length; b++) {
      if (earlier.names[a] === later.names[b] && (earlier.kinds[a] !== READ || later.kinds[b] !== READ)) {
        return { task: earlier.task, names: earlier.names.slice(0, a), kinds: earlier.kinds.slice(0, a) };
      }
    }
  }
  return earlier;
}

/** The first access of `event` alone (all of it when it is unknown or touches nothing). */
export function first(event: Event): Event {
  if (event.unknown === true || event.names.length <= 1) return event;
  return { task: event.task, names: event.names.slice(0, 1), kinds: event.kinds.slice(0, 1) };
}

/**
 * Turns a run's access log into events, step by step, while the run writes it.
 * `taskAt(i)` is the task chosen at decision `i` (0-based; step `i + 1`).
 */
export class EventReader {
  readonly events: Event[] = [];
  #log: AccessLog;
  #pos = 0;
  readonly #made = new Map<number, number>();
  readonly #names = new Map<object, string>();
  /** Calls started so far in this run. */
  readonly #calls: Call[] = [];
  /** `stable` answers so far, by chooser id. */
  readonly #stable = new Map<number, number>();
  readonly #registry: Map<string, number>;

  /**
   * @param registry the ids given to calls by name, kept across the schedules of a search so a
   *   call keeps its id in every schedule (see `stable`)
   */
  constructor(log: AccessLog, registry = new Map<string, number>()) {
    this.#log = log;
    this.#registry = registry;
  }

  /**
   * The id the reduction uses for chooser id `id`: itself for a task or the clock; for a call's
   * completion, an id from its name (who started it, and which of that starter's objects it
   * is), the same in every schedule whatever order calls of different tasks started in. The
   * call must have started in a step read already.
   */
  stable(id: number): number {
    if (id >= CLOCK) return id;
    const known = this.#stable.get(id);
    if (known !== undefined) return known;
    for (const call of this.#calls) {
      if (call.id !== id) continue;
      const name = this.#names.get(call)!;
      let stable = this.#registry.get(name);
      if (stable === undefined) {
        stable = callId(this.#registry.size);
        this.#registry.set(name, stable);
      }
      this.#stable.set(id, stable);
      return stable;
    }
    throw new Error(`interleaved internal error: call #${-1 - id} completes before any step started it`);
  }

  /** Reads every access of steps `1..steps` (events `0..steps - 1`). */
  readUpTo(steps: number, taskAt: (i: number) => number): void {
    const log = this.#log;
    while (this.events.length < steps) this.events.push({ task: taskAt(this.events.length), names: [], kinds: [] });
    while (this.#pos < log.length) {
      const step = log[this.#pos] as number;
      if (step > steps) break;
      const object = log[this.#pos + 1] as object;
      const kind = log[this.#pos + 2] as number;
      this.#pos += 3;
      if (step < 1) continue; // before the first decision: nothing a step did
      const event = this.events[step - 1]!;
      if (object === TIMERS_PENDING) {
        if (kind === READ) event.timersPending = true;
        else event.makesTimer = true;
        continue;
      }
      if (kind === CREATE) {
        const k = this.#made.get(event.task) ?? 0;
        this.#made.set(event.task, k + 1);
        this.#names.set(object, `${event.task}.${k}`);
        if (object instanceof Call) this.#calls.push(object);
        continue;
      }
      const name = this.#name(object);
      // A completion writes the task it continues right after acquiring its wait (loop.ts).
      if (event.task < -1 && event.owner === undefined && kind === WRITE && object instanceof TaskImpl) event.owner = object.id;
      event.names.push(name);
      event.kinds.push(kind);
    }
  }

  #name(object: object): Name {
    const made = this.#names.get(object);
    if (made !== undefined) return made;
    if (object instanceof TaskImpl) return taskName(object.id);
    return object;
  }
}

/** A task's name in events: `T` and its id (objects made in a run are `maker.k`). */
function taskName(id: number): string {
  return `T${id}`;
}

function isTaskName(name: Name): boolean {
  return typeof name === 'string' && name.startsWith('T');
}

interface ObjectState {
  /** Index of the last event that wrote or acquired the object. */
  last: number;
  /** Events that read it since. */
  reads: number[];
}

/** A race: `later` could run before `earlier` (both event indices). */
export interface Race {
  earlier: number;
  later: number;
}

/** Happens-before of one schedule, and its races. */
export class HappensBefore {
  /** clock[i][s]: the last event of the task in slot s ordered before or at event i (-1: none). */
  readonly clocks: Int32Array[] = [];
  readonly races: Race[] = [];
  /** Slot of each chooser id (a task, or a controlled call's completion: ids below -1). */
  readonly #slots = new Map<number, number>();
  readonly #events: readonly Event[];

  constructor(events: readonly Event[]) {
    this.#events = events;
    for (const e of events) if (!this.#slots.has(e.task)) this.#slots.set(e.task, this.#slots.size);
    const tasks = this.#slots.size;
    const slot = (id: number): number => this.#slots.get(id)!;
    const objects = new Map<Name, ObjectState>();
    const lastOf = new Int32Array(tasks).fill(-1); // last event of each slot so far
    const writers = new Map<Name, number>(); // a Wait's settling event; a task's spawn
    let lastClock = -1; // the last clock step
    for (let j = 0; j < events.length; j++) {
      const e = events[j]!;
      // The step that made this wake-up possible: everything it saw of the awaited object is
      // ordered before the wake-up without being a race. A task's first step: all before it.
      let enabled = -1;
      let wake = false;
      for (let a = 0; a < e.names.length; a++) {
        if (e.kinds[a] !== ACQUIRE) continue;
        wake = true;
        const w = writers.get(e.names[a]!);
        if (w !== undefined && w > enabled) enabled = w;
      }
      if (wake && enabled < 0) enabled = j - 1;
      const preds: number[] = [];
      const reversible: boolean[] = [];
      const prev = lastOf[slot(e.task)]!;
      if (prev >= 0) {
        preds.push(prev);
        reversible.push(false);
      }
      for (let a = 0; a < e.names.length; a++) {
        const name = e.names[a]!;
        const kind = e.kinds[a]!;
        let state = objects.get(name);
        if (state === undefined) {
          state = { last: -1, reads: [] };
          objects.set(name, state);
        }
        const add = (i: number): void => {
          if (i < 0 || events[i]!.task === e.task) return;
          const k = preds.indexOf(i);
          // A step of the task a call's completion continues is program-ordered after it.
          const rev = !(kind === ACQUIRE && i <= enabled) && events[i]!.owner !== e.task;
          if (k < 0) {
            preds.push(i);
            reversible.push(rev);
          } else if (!rev) {
            reversible[k] = false;
          }
        };
        add(state.last);
        if (kind !== READ) for (const r of state.reads) add(r);
        if (kind === READ) {
          state.reads.push(j);
        } else {
          state.last = j;
          state.reads = [];
          if (kind === WRITE && name instanceof Wait) writers.set(name, j);
          // A task's first step is enabled by its spawn (the first write of the task), not by a
          // later one (a cancel): those race with it.
          if (kind === WRITE && isTaskName(name) && !writers.has(name)) writers.set(name, j);
        }
      }
      // Virtual time advances only when no task is ready: the clock step comes after every step
      // before it and before every step after it. A pending call's completion may come on
      // either side of it (I/O can outlast a timer): after it, that is a race here; before it,
      // the clock may never step at all (the call's continuation clears the timer), so
      // optimal.ts reverses such a completion with the clock appended, not through a race.
      if (e.task === CLOCK) {
        for (let s = 0; s < tasks; s++) {
          const i = lastOf[s]!;
          if (i >= 0 && events[i]!.task !== CLOCK && !preds.includes(i)) {
            preds.push(i);
            reversible.push(false);
          }
        }
        reversible.fill(false);
      } else if (lastClock >= 0) {
        const k = preds.indexOf(lastClock);
        if (k < 0) {
          preds.push(lastClock);
          reversible.push(e.task < CLOCK);
        } else if (e.task >= CLOCK) {
          reversible[k] = false;
        }
      }
      if (e.task === CLOCK) lastClock = j;
      const clock = new Int32Array(tasks).fill(-1);
      for (const i of preds) {
        const c = this.clocks[i]!;
        for (let t = 0; t < tasks; t++) if (c[t]! > clock[t]!) clock[t] = c[t]!;
      }
      clock[slot(e.task)] = j;
      this.clocks.push(clock);
      lastOf[slot(e.task)] = j;
      // An immediate race: no other direct predecessor is already ordered after `i`.
      for (let k = 0; k < preds.length; k++) {
        if (!reversible[k]) continue;
        const i = preds[k]!;
        const ti = slot(events[i]!.task);
        let covered = false;
        for (let m = 0; m < preds.length && !covered; m++) if (m !== k && this.clocks[preds[m]!]![ti]! >= i) covered = true;
        if (!covered) this.races.push({ earlier: i, later: j });
      }
    }
  }

  /** True when event `j` is ordered after event `i` (i < j). */
  after(i: number, j: number): boolean {
    return this.clocks[j]![this.#slots.get(this.#events[i]!.task)!]! >= i;
  }
}
