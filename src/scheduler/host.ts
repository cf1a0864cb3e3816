/**
 * The host's real clock and timers, captured when interleaved loads: interleaved's own machinery
 * (the watchdog, time budgets, real mode) keeps using them while `fakeTimers` has replaced the
 * globals for the program under test.
 */
export const host = {
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  setInterval: globalThis.setInterval,
  clearInterval: globalThis.clearInterval,
  setImmediate: globalThis.setImmediate,
  clearImmediate: globalThis.clearImmediate,
  Date: globalThis.Date,
  now: performance.now.bind(performance),
};
