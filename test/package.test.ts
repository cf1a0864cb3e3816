import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

/** The built package, imported by its name from plain node, as users and the examples do. */
const root = fileURLToPath(new URL('..', import.meta.url));

describe('package', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'], { cwd: root });
  }, 120_000);

  it('plain node imports `interleaved` from dist and finds a race', () => {
    const script = `
      import { check, spawn, gather, yieldNow, Shared } from 'interleaved';
      const report = await check(async () => {
        const c = new Shared(0);
        const inc = async () => { const v = c.get(); await yieldNow(); c.set(v + 1); };
        await gather(spawn(inc), spawn(inc));
        if (c.get() !== 2) throw new Error('lost update');
      }, { runs: 100, seed: 1 });
      console.log(JSON.stringify({ ok: report.ok, kind: report.failure?.kind, token: report.failure?.token }));
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(child.stderr).toBe('');
    const out = JSON.parse(child.stdout) as { ok: boolean; kind: string; token: string };
    expect(out.ok).toBe(false);
    expect(out.kind).toBe('error');
    expect(out.token).toMatch(/^v2\./);
  });

  it('a token replays the same trace in another process, byte for byte', async () => {
    const { transfers } = await import('./fixtures/transfers.mjs');
    const { check } = await import('interleaved');
    const report = await check(transfers, { runs: 500, seed: 3 });
    expect(report.failure).toBeDefined();
    const { token, trace } = report.failure!;
    const script = `
      import { replay } from 'interleaved';
      import { transfers } from './test/fixtures/transfers.mjs';
      const result = await replay(transfers, ${JSON.stringify(token)});
      process.stdout.write(JSON.stringify(result.trace));
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe(JSON.stringify(trace));
  });

  it('node --import interleaved/register makes even references taken before interleaved loads virtual', () => {
    // The program takes setTimeout from node:timers before it imports interleaved, as a module
    // loaded early (a logger, a pool) would.
    const script = `
      import { createRequire } from 'node:module';
      const early = createRequire(import.meta.url)('node:timers').setTimeout;
      const { run } = await import('interleaved');
      const result = await run(async () => { await new Promise((r) => early(r, 60_000)); }, { fakeTimers: true });
      process.stdout.write(JSON.stringify({ ok: result.ok, kind: result.failure?.kind, time: result.time }));
      process.exit(0);
    `;
    const run = (args: string[]) => {
      const child = spawnSync(process.execPath, [...args, '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
      expect(child.stderr).toBe('');
      return JSON.parse(child.stdout) as { ok: boolean; kind?: string; time: number };
    };
    expect(run(['--import', 'interleaved/register'])).toEqual({ ok: true, time: 60_000 });
    // Without the entry the early reference is the host's real timer: the run says so.
    expect(run([]).kind).toBe('uncontrolled');
  });

  it('exports map: types first, the vitest entry, package.json; declarations are emitted', () => {
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
      type: string;
      exports: Record<string, Record<string, string> | string>;
      engines: { node: string };
    };
    expect(pkg.type).toBe('module');
    expect(Object.keys(pkg.exports['.'] as object)[0]).toBe('types');
    expect(Object.keys(pkg.exports['./vitest'] as object)[0]).toBe('types');
    expect(Object.keys(pkg.exports['./register'] as object)[0]).toBe('types');
    expect(pkg.exports['./package.json']).toBe('./package.json');
    expect(pkg.engines.node).toBe('>=20');
    const dts = readFileSync(`${root}dist/index.d.ts`, 'utf8');
    for (const name of ['explore', 'check', 'replay', 'run', 'spawn', 'Lock', 'Queue', 'Shared', 'interleavings', 'scenario', 'controlled']) {
      expect(dts).toContain(name);
    }
  });
});
