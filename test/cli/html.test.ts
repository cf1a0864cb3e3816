// The HTML report in a real browser: the system Chromium (Debian's `chromium` package, which
// .ci/run installs when absent), driven by playwright-core, which never downloads a browser.
// UPDATE_SCREENSHOT=1 also saves the picture shown in the README (docs/fuzz-report.png).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, FIXTURES, ROOT, tempDir } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const EVIL = '<img src=x onerror=alert(1)>';

let browser: BrowserContext;

beforeAll(async () => {
  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'interleaved-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

async function report(inputs: string[]): Promise<string> {
  const dir = tempDir();
  const html = join(dir, 'report.html');
  const r = await cli(['fuzz', ...inputs, '--runs', '300', '--workers', '1', '--seed', '1', '--corpus', join(dir, 'c.json'), '--html', html]);
  expect(r.code, r.stderr).toBe(1);
  return html;
}

/** The task names of lanes, as the page holds them (text, not markup). */
function lanes(locator: Locator): Promise<string[]> {
  return locator.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-task') ?? ''));
}

/** Opens a page and collects everything that would show a broken page. */
async function open(file: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('request', (req) => {
    if (!req.url().startsWith('file:')) problems.push(`network request: ${req.url()}`);
  });
  await page.goto(pathToFileURL(file).href);
  return { page, problems };
}

describe('the HTML report in Chromium', () => {
  it('renders each failure as a timeline: lanes, marks, blocked spans, touched objects, the deadlock cycle', async () => {
    const { page, problems } = await open(await report([`${FIXTURES}/report.scenario.ts`]));
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(await page.title()).toBe('interleaved fuzz: 2 failing scenarios');
    expect(await page.locator('tbody tr').count()).toBe(3);
    expect(await page.locator('.badge.failed').count()).toBe(2);
    expect(await page.locator('.badge.passed').count()).toBe(1);
    const svgs = page.locator('svg.timeline');
    expect(await svgs.count()).toBe(2);
    // The lost update: main and the two deposits, each with marks; the shared balance named.
    const lost = svgs.nth(0);
    expect((await lanes(lost.locator('.lane'))).sort()).toEqual(['main', 'payroll', 'refund']);
    expect(await lost.locator('.mark').count()).toBeGreaterThan(10);
    expect(await lost.locator('.mark text.target', { hasText: 'balance' }).count()).toBeGreaterThan(0);
    // The deadlock: both transfers on the cycle, stuck to the end, the locks they wanted marked.
    const deadlock = svgs.nth(1);
    expect((await lanes(deadlock.locator('.lane.cycle'))).sort()).toEqual(['alice->bob', 'bob->alice']);
    expect(await deadlock.locator('rect.stuck.cycle').count()).toBe(2);
    expect(await deadlock.locator('.mark.cycle').count()).toBe(4);
    expect(await page.locator('.cycletext').textContent()).toMatch(/alice->bob -> 'bob' -> bob->alice -> 'alice' -> alice->bob|bob->alice -> 'alice' -> alice->bob -> 'bob' -> bob->alice/);
    const box = await deadlock.boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(box!.height).toBeGreaterThan(100);
    // Token and reproduce line, each with a working copy button.
    const token = await page.locator('code[id^="tok"]').first().textContent();
    expect(token).toMatch(/^v\d+\./);
    expect(await page.locator('code[id^="rep"]').first().textContent()).toBe(`npx interleaved replay test/fixtures/report.scenario.ts#bankTransferBuggy ${token}`);
    const button = page.locator('button[data-copy^="tok"]').first();
    await button.click();
    // The clipboard answers asynchronously: wait for the button to say so (bounded by the poll's timeout).
    await expect.poll(() => button.textContent(), { timeout: 10_000, interval: 20 }).toMatch(/^(copied|selected)$/);
    const shot = process.env['UPDATE_SCREENSHOT'] === '1' ? join(ROOT, 'docs/fuzz-report.png') : join(tempDir(), 'fuzz-report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(readFileSync(shot).length).toBeGreaterThan(10_000);
    expect(problems).toEqual([]);
  });

  it('shows hostile task and lock names as text: nothing injected runs or renders as markup', async () => {
    const file = await report([`${FIXTURES}/cli/hostile.scenario.ts`]);
    const html = readFileSync(file, 'utf8');
    expect(html).not.toContain(EVIL);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const { page, problems } = await open(file);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(1); // the page's own
    expect((await lanes(page.locator('svg.timeline .lane'))).sort()).toEqual([EVIL, 'main', 'two & <b>']);
    const cycle = await page.locator('.cycletext').textContent();
    expect(cycle).toContain(EVIL);
    expect(cycle).toContain(`two & <b> -> 'a"><script>alert(2)</script>'`);
    expect(await page.locator('svg.timeline .mark').count()).toBeGreaterThan(5);
    expect(problems).toEqual([]);
  });
});
