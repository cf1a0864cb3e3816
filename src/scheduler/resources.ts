/**
 * Which real resources (I/O requests, sockets, real timers) the run's own code creates.
 *
 * An `async_hooks` hook, enabled only while a context-mode run executes (direct mode never needs
 * it: a task that awaits anything unknown sends the run to context mode first, see loop.ts),
 * records each resource created while the run's code is executing (`inStep`). The whole run
 * executes inside one turn of Node's event loop, so nothing else creates resources then: other
 * tests' I/O, the test runner and loggers never count, and a request counts from its creation,
 * however fast it would complete. Writes to stdout/stderr do not make a run uncontrolled.
 */
import { createHook } from 'node:async_hooks';
import { active } from './context.js';

/** Resource types that are not the run waiting on the outside world. */
const IGNORED = new Set(['PROMISE', 'TickObject', 'Microtask', 'TTYWRAP', 'WRITEWRAP', 'SHUTDOWNWRAP', 'PIPEWRAP', 'SIGNALWRAP']);

const hook = createHook({
  init(_asyncId: number, type: string) {
    const loop = active.loop;
    if (loop !== undefined && loop.inStep && !IGNORED.has(type)) loop.realResource(type);
  },
});

let enabled = false;

/** Records resources created by the run's code from now until `stopRecording()`. */
export function startRecording(): void {
  if (enabled) return;
  enabled = true;
  hook.enable();
}

export function stopRecording(): void {
  if (!enabled) return;
  enabled = false;
  hook.disable();
}
