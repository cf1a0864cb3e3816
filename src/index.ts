/**
 * interleaved: deterministic concurrency testing for TypeScript.
 *
 * The public surface, listed explicitly: the runtime (src/scheduler), the primitives
 * (src/primitives) and the explorer (src/explorer). Loading it installs the forwarders of
 * timers, clocks and randomness (see scheduler/fake-timers.ts), which behave exactly like the
 * host's own outside a controlled run.
 */
import './register.js';
export { spawn, sleep, yieldNow, now, gather, timeout, withTaskGroup, controlled } from './scheduler/api.js';
export type { SpawnOptions, TaskGroup } from './scheduler/api.js';
export type { Task } from './scheduler/task.js';
export { Future } from './scheduler/future.js';
export {
  CancelledError,
  TimeoutError,
  InvalidStateError,
  DeadlockError,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  BrokenBarrierError,
  InternalError,
} from './scheduler/errors.js';

export { Lock } from './primitives/lock.js';
export { Semaphore, BoundedSemaphore } from './primitives/semaphore.js';
export { Event } from './primitives/event.js';
export { Condition } from './primitives/condition.js';
export { Barrier } from './primitives/barrier.js';
export { Queue, LifoQueue, PriorityQueue } from './primitives/queue.js';
export type { Compare } from './primitives/queue.js';
export { Shared } from './primitives/shared.js';
export type { PrimitiveOptions } from './primitives/resource.js';

export { explore, check, replay, run, InterleavingFailure } from './explorer/explore.js';
export type { ExploreReport, Failure, FailureKind, RunResult, RunOptions, Program, TraceEvent } from './explorer/explore.js';
export type { ExploreOptions, DetectOptions, StrategyName } from './explorer/options.js';
export type { Strategy } from './explorer/strategy.js';
export { formatTrace } from './explorer/report.js';
export { interleavings } from './explorer/fast-check.js';
export type { Schedule, InterleavingsOptions } from './explorer/fast-check.js';
export { scenario, isScenario } from './explorer/scenario.js';
export type { Scenario } from './explorer/scenario.js';
export { TokenError } from './explorer/token.js';
