/**
 * Counting the program's `process.nextTick` callbacks during a run, so the loop knows when
 * Node's queues have really drained (see loop.ts: a step ends with a next-tick callback queued
 * from a microtask, which Node runs once the microtask queue is empty; next-tick callbacks the
 * program queued around it may queue microtasks of their own, so the loop checks these
 * counters and looks again).
 *
 * `process.nextTick` is replaced once, when interleaved loads, by a forwarder that behaves like
 * the original and only counts while a controlled run is active. O(1) per call.
 */
import { active } from './context.js';
import { host } from './host.js';

/** Next-tick callbacks queued and run while a run was active. */
export const ticks = { queued: 0, ran: 0 };

function counted(callback: (...args: unknown[]) => void, args: unknown[]): void {
  ticks.ran++;
  callback(...args);
}

function nextTick(this: unknown, callback: (...args: unknown[]) => void, ...args: unknown[]): void {
  // Node validates the callback (ERR_INVALID_ARG_TYPE); the original does it for us.
  if (active.loop === undefined || typeof callback !== 'function') return host.nextTick(callback, ...args);
  ticks.queued++;
  host.nextTick(counted, callback, args);
}

process.nextTick = nextTick as typeof process.nextTick;
