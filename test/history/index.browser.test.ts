// index.html of the run history in Debian's chromium: drawn, offline, every link a report that exists.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDEX_ENTRY_FILE, entryOf } from '../../src/history/indexEntry.ts';
import { writeRunIndex } from '../../src/history/writeIndex.ts';
import type { VerdictWord } from '../../src/report/verdict.ts';
import { writeRunFiles } from '../../src/report/writeRun.ts';
import { browserAvailability, launchChromium, openRecorded } from '../fixtures/browser.ts';
import { seededLatenciesMs, syntheticRun } from '../fixtures/runResults.ts';
import { tempDir } from '../fixtures/tempFiles.ts';

const { available, required } = browserAvailability();

/** Runs of two scenarios over ten days, every verdict among them, one at --duration-scale 0.1. */
const RUNS: { scenario: string; day: number; medianMs: number; verdict: VerdictWord; scale?: number }[] = [
  { scenario: 'peak', day: 1, medianMs: 20, verdict: 'PASSED' },
  { scenario: 'peak', day: 2, medianMs: 22, verdict: 'PASSED' },
  { scenario: 'peak', day: 3, medianMs: 35, verdict: 'REGRESSED' },
  { scenario: 'peak', day: 4, medianMs: 21, verdict: 'PASSED', scale: 0.1 },
  { scenario: 'peak', day: 5, medianMs: 60, verdict: 'FAILED' },
  { scenario: 'peak', day: 6, medianMs: 19, verdict: 'INTERRUPTED' },
  { scenario: 'soak', day: 2, medianMs: 30, verdict: 'PASSED' },
  { scenario: 'soak', day: 8, medianMs: 31, verdict: 'PASSED' },
];

describe.runIf(available || required)('the run history in headless Chromium', () => {
  let browser: Browser;
  let files: ReturnType<typeof tempDir>;
  let indexUrl: string;
  beforeAll(async () => {
    files = tempDir();
    for (const [i, run] of RUNS.entries()) {
      const dir = join(files.dir, `${run.scenario}-${i}`);
      mkdirSync(dir);
      const result = syntheticRun({
        latenciesMs: seededLatenciesMs(500, run.medianMs, i + 1),
        name: run.scenario,
        errorRate: run.verdict === 'FAILED' ? 0.05 : 0,
      });
      const startedAt = new Date(Date.UTC(2026, 10, run.day, 9)).toISOString();
      const stored = { ...result, startedAt, endedAt: new Date(Date.parse(startedAt) + 10_000).toISOString(), durationScale: run.scale ?? 1 };
      await writeRunFiles(dir, stored);
      writeFileSync(join(dir, INDEX_ENTRY_FILE), JSON.stringify(entryOf(stored, run.verdict, 'run')));
    }
    mkdirSync(join(files.dir, 'broken'));
    writeFileSync(join(files.dir, 'broken', 'result.json'), 'not json');
    const index = await writeRunIndex(files.dir, 'reports');
    indexUrl = pathToFileURL(index.html).href;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    files?.cleanup();
  });

  const open = (width: number, colorScheme: 'light' | 'dark' = 'light') => openRecorded(browser, indexUrl, { colorScheme, width });

  it('draws the trends of every scenario, links every run to its report, and asks nothing of the network', async () => {
    const { page, requests, problems } = await open(1280);
    // Latency, rate and error rate for each of the two scenarios.
    expect(await page.evaluate(() => document.documentElement.dataset.chartsReady)).toBe('6');
    expect(await page.locator('#trend-charts canvas').count()).toBeGreaterThanOrEqual(6);
    const links = await page.locator('#runs tbody a.badge').evaluateAll((anchors) => anchors.map((a) => (a as HTMLAnchorElement).href));
    expect(links).toHaveLength(RUNS.length);
    for (const link of links) expect(existsSync(new URL(link).pathname)).toBe(true);
    expect(await page.locator('tr.unreadable').textContent()).toContain('broken: result.json is not JSON');
    expect(await page.locator('.badge-regressed').count()).toBe(1);
    // The scaled run is a line of its own in peak's latency chart.
    expect(await page.locator('.trend').first().textContent()).toContain('×0.1');
    await page.screenshot({ path: join(process.env.HISTORY_SHOTS ?? files.dir, 'index-1280.png'), fullPage: true });
    expect(problems).toEqual([]);
    expect(requests).toEqual([indexUrl]);
    await page.close();
  });

  it('filters by scenario, verdict and date, and gives the command comparing two ticked runs', async () => {
    const { page, problems } = await open(1280);
    const shown = () => page.locator('#runs tbody tr:not(.hidden)').count();
    expect(await shown()).toBe(RUNS.length + 1);
    await page.selectOption('#filter-scenario', 'soak');
    expect(await shown()).toBe(2);
    expect(await page.evaluate(() => document.documentElement.dataset.chartsReady)).toBe('3');
    await page.selectOption('#filter-scenario', '');
    await page.selectOption('#filter-verdict', 'PASSED');
    expect(await shown()).toBe(5);
    await page.selectOption('#filter-verdict', '');
    await page.fill('#filter-from', '2026-11-05');
    await page.dispatchEvent('#filter-from', 'change');
    expect(await shown()).toBe(3);
    await page.fill('#filter-from', '');
    await page.dispatchEvent('#filter-from', 'change');
    await page.locator('tr[data-verdict="REGRESSED"] .pick').check();
    await page.locator('tr[data-started^="2026-11-02"][data-scenario="peak"] .pick').check();
    expect(await page.locator('#compare code').textContent()).toBe('npm run report -- reports/peak-2 --baseline reports/peak-1');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('reads at 390 px in dark mode, and prints', async () => {
    const { page, problems } = await open(390, 'dark');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(process.env.HISTORY_SHOTS ?? files.dir, 'index-390.png'), fullPage: true });
    expect((await page.pdf()).length).toBeGreaterThan(10_000);
    expect(problems).toEqual([]);
    await page.close();
  });
});
