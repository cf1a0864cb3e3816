/**
 * The host's real clock, timers and randomness, captured when interleaved loads, before
 * interleaved's forwarders (fake-timers.ts, seeded.ts, drain.ts) take their places:
 * interleaved's own machinery (the drain check, time budgets, real mode) keeps using these.
 */
import { webcrypto } from 'node:crypto';

export const host = {
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  setInterval: globalThis.setInterval,
  clearInterval: globalThis.clearInterval,
  setImmediate: globalThis.setImmediate,
  clearImmediate: globalThis.clearImmediate,
  Date: globalThis.Date,
  now: performance.now.bind(performance),
  nextTick: process.nextTick,
  random: Math.random,
  randomUUID: webcrypto.randomUUID.bind(webcrypto),
  getRandomValues: webcrypto.getRandomValues.bind(webcrypto),
};
