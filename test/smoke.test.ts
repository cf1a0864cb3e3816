import { test, expect } from 'vitest';
import { check, run, replay, spawn, yieldNow, gather, Shared, Lock, sleep, now, formatTrace } from 'interleave';

test('smoke: lost update found', async () => {
  const program = async () => {
    const c = new Shared(0, { name: 'counter' });
    const body = async () => { const v = c.get(); await yieldNow(); c.set(v + 1); };
    await gather(spawn(body), spawn(body));
    if (c.get() !== 2) throw new Error(`counter is ${c.get()}`);
  };
  const r = await check(program, { seed: 1, runs: 200 });
  console.log(r.failure?.message);
  expect(r.ok).toBe(false);
  const rr = await replay(program, r.failure!.token);
  expect(rr.ok).toBe(false);
  expect(rr.trace).toEqual(r.failure!.trace);
});

test('smoke: run asyncio order + virtual time', async () => {
  const r = await run(async () => {
    const t = spawn(async () => { await sleep(100); return now(); });
    const v = await t;
    if (v !== 100) throw new Error('bad time ' + v);
  });
  console.log(formatTrace(r.trace));
  expect(r.ok).toBe(true);
  expect(r.time).toBe(100);
});

test('smoke: deadlock', async () => {
  const r = await check(async () => {
    const a = new Lock({ name: 'a' }), b = new Lock({ name: 'b' });
    const t1 = spawn(async () => { await a.acquire(); await yieldNow(); await b.acquire(); b.release(); a.release(); });
    const t2 = spawn(async () => { await b.acquire(); await yieldNow(); await a.acquire(); a.release(); b.release(); });
    await gather(t1, t2);
  }, { seed: 3, runs: 500 });
  console.log(r.failure?.message);
  expect(r.failure?.kind).toBe('deadlock');
});
