/**
 * The list of examples, shared by the runner (`npm run examples`) and the test suite: each
 * entry is one module with a `buggy` and a `fixed` program, the kind of failure the explorer
 * reports for the buggy one, and the seed the runner searches with.
 */
import type { ExploreOptions, Failure } from 'interleaved';
import * as bankTransfer from './bank-transfer.js';
import * as boundedQueueCancel from './bounded-queue-cancel.js';
import * as cacheStampede from './cache-stampede.js';
import * as conditionIf from './condition-if.js';
import * as lockOrder from './lock-order.js';
import * as missedWakeup from './missed-wakeup.js';
import * as poolLeak from './pool-leak.js';
import * as crawlerLimit from './crawler-limit.js';
import * as tokenRefreshMutex from './token-refresh-mutex.js';
import * as transferAsyncLock from './transfer-async-lock.js';

export interface Example {
  /** The module's file name without its extension. */
  readonly name: string;
  readonly description: string;
  readonly buggy: () => Promise<void>;
  readonly fixed: () => Promise<void>;
  /** What the explorer reports for `buggy`. */
  readonly kind: Failure['kind'];
  /** The runner's seed for this example, unless `INTERLEAVE_SEED` is set. */
  readonly seed: number;
  /** Options the example needs (fakeTimers for code on Node's timers). */
  readonly options?: ExploreOptions;
  /** The npm library the example explores unmodified, if any. */
  readonly library?: string;
}

export const examples: readonly Example[] = [
  { name: 'bank-transfer', ...bankTransfer, kind: 'error', seed: 101 },
  { name: 'lock-order', ...lockOrder, kind: 'deadlock', seed: 102 },
  { name: 'missed-wakeup', ...missedWakeup, kind: 'deadlock', seed: 103 },
  { name: 'bounded-queue-cancel', ...boundedQueueCancel, kind: 'deadlock', seed: 104 },
  { name: 'cache-stampede', ...cacheStampede, kind: 'error', seed: 105 },
  { name: 'condition-if', ...conditionIf, kind: 'error', seed: 106 },
  { name: 'pool-leak', ...poolLeak, kind: 'deadlock', seed: 107 },
  { name: 'token-refresh-mutex', ...tokenRefreshMutex, kind: 'error', seed: 108, library: 'async-mutex' },
  { name: 'crawler-limit', ...crawlerLimit, kind: 'deadlock', seed: 109, library: 'p-limit' },
  { name: 'transfer-async-lock', ...transferAsyncLock, kind: 'deadlock', seed: 110, library: 'async-lock' },
];
