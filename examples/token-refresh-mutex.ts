/**
 * Token refresh through `async-mutex` (npm), without a second look inside the lock.
 *
 * An API client caches an access token. When it has none, it refreshes under a Mutex so that
 * only one refresh runs at a time. The identity provider rotates tokens: issuing a new one
 * revokes the previous one. Two requests that both find the cache empty both queue on the
 * mutex; the second, once inside, refreshes again and revokes the token the first request is
 * about to use, which then fails with 401. Whether it happens depends on whether the second
 * request looks at the cache before the first refresh completes: the order of I/O completions.
 *
 * The mutex library is used unmodified; the provider and the API are `controlled` mocks.
 *
 * Fix: look at the cache again once inside the lock (double-checked refresh).
 */
import { Mutex } from 'async-mutex';
import { controlled, gather, spawn } from 'interleaved';

export const description =
  'Token refresh (async-mutex): a refresh under a mutex that does not re-check the cache revokes a token in use';

type GetToken = (client: Client) => Promise<string>;

interface Client {
  token: string | undefined;
  readonly mutex: Mutex;
  readonly issue: () => Promise<string>;
}

const refreshBlindly: GetToken = async (client) => {
  if (client.token !== undefined) return client.token;
  return client.mutex.runExclusive(async () => {
    client.token = await client.issue();
    return client.token;
  });
};

const refreshOnce: GetToken = async (client) => {
  if (client.token !== undefined) return client.token;
  return client.mutex.runExclusive(async () => {
    // Another request may have refreshed while this one waited for the lock.
    if (client.token === undefined) client.token = await client.issue();
    return client.token;
  });
};

async function scenario(getToken: GetToken): Promise<void> {
  let issued = 0;
  let valid = '';
  const client: Client = {
    token: undefined,
    mutex: new Mutex(),
    issue: controlled(async () => (valid = `token-${++issued}`), 'idp.issue'),
  };
  const api = controlled(async (token: string, path: string) => {
    if (token !== valid) throw new Error(`401 on ${path}: ${token} was revoked by a later refresh (now ${valid})`);
    return `200 ${path}`;
  }, 'api.get');
  const request = async (path: string) => api(await getToken(client), path);
  await gather(
    spawn(() => request('/orders'), { name: 'orders' }),
    spawn(() => request('/invoices'), { name: 'invoices' }),
  );
}

export async function buggy(): Promise<void> {
  await scenario(refreshBlindly);
}

export async function fixed(): Promise<void> {
  await scenario(refreshOnce);
}
