/**
 * Connection-pool leak on a timeout path.
 *
 * Each request borrows the only database connection (a Semaphore of 1), runs a query with a
 * 100 ms budget, and gives the connection back. When the query is slow the handler answers
 * "504" and returns early, skipping `release()`: the connection is gone for good, and the next
 * request, or the health check after the traffic, waits for it forever. The query is wrapped
 * with `controlled`, so the explorer decides whether it answers before or after the timeout,
 * as a real network would.
 *
 * Fix: release in `finally` (or use `runExclusive`), so every path returns the connection.
 */
import { controlled, gather, Semaphore, spawn, timeout, TimeoutError } from 'interleaved';

export const description =
  'Pool leak: a request that times out returns early without releasing its connection';

const QUERY_BUDGET_MS = 100;

type Handler = (pool: Semaphore, query: (sql: string) => Promise<number>, id: string) => Promise<string>;

const leaky: Handler = async (pool, query, id) => {
  await pool.acquire();
  let rows: number;
  try {
    rows = await timeout(QUERY_BUDGET_MS, () => query(`select * from orders where user = ${id}`));
  } catch (error) {
    if (error instanceof TimeoutError) return '504 Gateway Timeout'; // the connection is never returned
    throw error;
  }
  pool.release();
  return `200 OK, ${rows} rows`;
};

const releasing: Handler = async (pool, query, id) => {
  await pool.acquire();
  try {
    const rows = await timeout(QUERY_BUDGET_MS, () => query(`select * from orders where user = ${id}`));
    return `200 OK, ${rows} rows`;
  } catch (error) {
    if (error instanceof TimeoutError) return '504 Gateway Timeout';
    throw error;
  } finally {
    pool.release();
  }
};

async function serve(handle: Handler): Promise<void> {
  const pool = new Semaphore(1, { name: 'db-pool' });
  const query = controlled(async (sql: string): Promise<number> => sql.length % 7, 'db.query');
  await gather(
    spawn(() => handle(pool, query, 'ann'), { name: 'request-ann' }),
    spawn(() => handle(pool, query, 'bob'), { name: 'request-bob' }),
  );
  // Health check once traffic is over: the pool must still hand out its connection.
  await pool.runExclusive(() => query('select 1'));
}

export async function buggy(): Promise<void> {
  await serve(leaky);
}

export async function fixed(): Promise<void> {
  await serve(releasing);
}
