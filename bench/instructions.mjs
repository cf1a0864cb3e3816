// One side of the scheduler benchmark, for instruction counting under callgrind:
//   valgrind --tool=callgrind --callgrind-out-file=/dev/null node bench/instructions.mjs <interleave|fastcheck> <schedules>
// The marginal instructions per schedule are the difference between two schedule counts.
import fc from 'fast-check';
import { explore, spawn, yieldNow, gather, Shared } from 'interleave';
const [side, nStr] = process.argv.slice(2); const n = Number(nStr);
if (side === 'interleave' && n > 0) {
  await explore(async () => { const c = new Shared(0); const body = async () => { for (let i = 0; i < 10; i++) { const v = c.get(); await yieldNow(); c.set(v + 1); } }; await gather(spawn(body), spawn(body), spawn(body)); }, { runs: n, seed: 42, strategy: 'random', minimize: false });
} else if (side === 'fastcheck' && n > 0) {
  await fc.assert(fc.asyncProperty(fc.scheduler(), async (s) => { let counter = 0; const body = async () => { for (let i = 0; i < 10; i++) { const v = counter; await s.schedule(Promise.resolve()); counter = v + 1; } }; const all = Promise.all([body(), body(), body()]); await s.waitAll(); await all; return counter <= 30; }), { numRuns: n, seed: 42 });
}
