/**
 * Cache stampede: check-then-act across an await.
 *
 * Three request handlers need the same user profile. Each looks in the cache, sees a miss, and
 * calls the slow database loader; the first result is only stored after the load finishes, so
 * every handler that checked in the meantime loads it again. Under load this multiplies the
 * traffic on the database exactly when it is slowest.
 *
 * Fix: cache the in-flight load, not only its result. The first miss spawns the load and stores
 * its Task before any await; later callers find that Task and await the same load.
 */
import { gather, Shared, sleep, spawn, yieldNow, type Task } from 'interleaved';

export const description =
  'Cache stampede: concurrent misses on one key all run the slow loader instead of one';

interface Profile {
  readonly id: string;
  readonly name: string;
}

const HANDLERS = ['page', 'avatar', 'feed'] as const;

async function loadProfile(id: string, loads: Shared<number>): Promise<Profile> {
  loads.update((n) => n + 1);
  await sleep(20); // slow database query
  return { id, name: `user ${id}` };
}

async function serve(getProfile: (id: string) => Promise<Profile>, loads: Shared<number>): Promise<void> {
  const handlers = HANDLERS.map((route) =>
    spawn(async () => {
      await yieldNow(); // parse the request, check the session
      const profile = await getProfile('42');
      if (profile.id !== '42') throw new Error(`${route} got profile ${profile.id}`);
    }, { name: route }),
  );
  await gather(...handlers);
  if (loads.get() !== 1) throw new Error(`the loader ran ${loads.get()} times for one key, expected once`);
}

export async function buggy(): Promise<void> {
  const cache = new Shared<ReadonlyMap<string, Profile>>(new Map(), { name: 'cache' });
  const loads = new Shared(0, { name: 'loads' });
  await serve(async (id) => {
    const hit = cache.get().get(id);
    if (hit !== undefined) return hit;
    const profile = await loadProfile(id, loads);
    cache.update((entries) => new Map(entries).set(id, profile));
    return profile;
  }, loads);
}

export async function fixed(): Promise<void> {
  const cache = new Shared<ReadonlyMap<string, Task<Profile>>>(new Map(), { name: 'cache' });
  const loads = new Shared(0, { name: 'loads' });
  await serve(async (id) => {
    const inFlight = cache.get().get(id);
    if (inFlight !== undefined) return await inFlight;
    const load = spawn(() => loadProfile(id, loads), { name: `load ${id}` });
    cache.update((entries) => new Map(entries).set(id, load)); // before any await
    return await load;
  }, loads);
}
