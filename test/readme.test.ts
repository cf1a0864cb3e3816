import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

/**
 * The README's TypeScript snippets that start with an import are real programs: each is written
 * to a module and run. A ```text block right after a snippet is what that snippet prints (stack
 * frames aside), and is compared line for line.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(`${root}README.md`, 'utf8');
const blocks = [...readme.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, code: m[2]! }));
const dir = `${root}test/.readme`;

describe('README snippets', () => {
  mkdirSync(dir, { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const runnable = blocks
    .map((b, i) => ({ ...b, index: i, printed: blocks[i + 1]?.lang === 'text' ? blocks[i + 1]!.code : undefined }))
    .filter((b) => b.lang === 'ts' && b.code.startsWith('import') && !b.code.includes('interleaved/vitest'));

  it('has runnable snippets', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(3);
  });

  for (const block of runnable) {
    it(`snippet #${block.index} runs${block.printed ? ' and prints what the README shows' : ''}`, async () => {
      const file = `${dir}/snippet-${block.index}.ts`;
      writeFileSync(file, `${block.code}\nexport {};\n`);
      const lines: string[] = [];
      const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(' '));
      });
      try {
        await import(/* @vite-ignore */ file);
      } finally {
        spy.mockRestore();
      }
      if (block.printed !== undefined) {
        const printed = lines.join('\n').split('\n').filter((l) => !/^\s+at /.test(l));
        expect(printed.join('\n').trimEnd()).toBe(block.printed.trimEnd());
      }
    });
  }
});
