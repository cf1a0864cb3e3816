/**
 * The fixed version of every example, as scenarios: what `interleaved fuzz examples` explores
 * (a directory stands for the files in it whose name contains "scenario"). CI fuzzes them on
 * every push; a failure here means a fix stopped holding.
 *
 * The buggy versions are not exported as scenarios: they fail by design (see catalog.ts and
 * `npm run examples`).
 */
import { scenario } from 'interleaved';
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

export const bankTransferFixed = scenario(bankTransfer.fixed);
export const boundedQueueCancelFixed = scenario(boundedQueueCancel.fixed);
export const cacheStampedeFixed = scenario(cacheStampede.fixed);
export const conditionIfFixed = scenario(conditionIf.fixed);
export const lockOrderFixed = scenario(lockOrder.fixed);
export const missedWakeupFixed = scenario(missedWakeup.fixed);
export const poolLeakFixed = scenario(poolLeak.fixed);
export const tokenRefreshMutexFixed = scenario(tokenRefreshMutex.fixed);
export const crawlerLimitFixed = scenario(crawlerLimit.fixed);
export const transferAsyncLockFixed = scenario(transferAsyncLock.fixed);
