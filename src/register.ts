/**
 * `node --import interleaved/register`: installs interleaved's forwarders (timers, clocks,
 * randomness, next-tick counting) before any other module loads, so that even references a
 * module takes at load time (`const { setTimeout } = require('node:timers')`) follow the
 * run's virtual clock inside a `fakeTimers` run and stay real outside one.
 *
 * @example
 * ```sh
 * node --import interleaved/register ./node_modules/vitest/vitest.mjs run
 * ```
 */
import './scheduler/drain.js';
import './scheduler/fake-timers.js';
import './scheduler/seeded.js';
