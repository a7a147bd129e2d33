import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRuns } from '../../src/report/compare.ts';
import { loadReportAssets } from '../../src/report/html/assets.ts';
import { renderReportHtml } from '../../src/report/html/renderHtml.ts';
import { browserAvailability, CHROMIUM_PATH, launchChromium, openRecorded } from '../fixtures/browser.ts';
import { nullIdViolations, seededLatenciesMs, syntheticRun } from '../fixtures/runResults.ts';
import { tempDir } from '../fixtures/tempFiles.ts';

const HOSTILE_BODY = `<img src=x onerror="window.__pwned=1;document.title='pwned'"><script>window.__pwned=2</script>`;
const { available, required } = browserAvailability();

if (!available && !required) {
  console.warn(`\n*** BROWSER TEST SKIPPED: ${CHROMIUM_PATH} not found (apt-get install -y chromium). The HTML report was NOT checked in a browser. ***\n`);
}

describe.runIf(available || required)('report.html in headless Chromium', () => {
  let browser: Browser;
  let files: ReturnType<typeof tempDir>;
  let reportUrl: string;

  beforeAll(async () => {
    if (!available) throw new Error(`HARNESS_REQUIRE_BROWSER is set but ${CHROMIUM_PATH} is missing: apt-get install -y chromium`);
    files = tempDir();
    const baseline = syntheticRun({ latenciesMs: seededLatenciesMs(4000, 20) });
    const contractViolations = nullIdViolations(
      3960,
      120,
      '{"message_id":null,"message_body":"[redacted: 5 chars]","created_at":"2026-11-24T11:20:45.444Z","message_type":0}',
    );
    const measured = syntheticRun({
      latenciesMs: seededLatenciesMs(4000, 24),
      errorRate: 0.01,
      name: 'peak',
      errorExamples: [{ status: 503, bodyExcerpt: HOSTILE_BODY, count: 40 }],
      contractViolations,
    });
    // Users meant to be unregistered: a hundred 403s a second would dwarf the real errors on a shared scale.
    const run = {
      ...measured,
      overall: { ...measured.overall, expectedOutcomes: { '403': 1000 }, statusCounts: { ...measured.overall.statusCounts, '403': 1000 } },
      timeline: measured.timeline.map((second) => ({ ...second, expected: 100 })),
    };
    const path = join(files.dir, 'report.html');
    writeFileSync(path, renderReportHtml(run, await loadReportAssets(), { result: baseline, comparison: compareRuns(run, baseline) }));
    reportUrl = pathToFileURL(path).href;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    files?.cleanup();
  });

  /** Opens the report, recording every request, console error and CSP violation. */
  const openReport = (colorScheme: 'light' | 'dark', width = 1200) => openRecorded(browser, reportUrl, { colorScheme, width });

  it('draws every chart with data, with no console error and no request but the file itself', async () => {
    const { page, requests, problems } = await openReport('light');
    const charts = await page.evaluate(() =>
      [...document.querySelectorAll('.chart')].map((chart) => {
        const canvas = chart.querySelector('canvas');
        if (!canvas) return { id: chart.id, inked: 0, legend: 0 };
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let inked = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) inked++;
        return { id: chart.id, inked, legend: chart.querySelectorAll('.u-legend .u-series').length };
      }),
    );
    expect(charts.map((chart) => chart.id)).toEqual(['chart-spectrum', 'chart-rate', 'chart-latency', 'chart-errors', 'chart-expected']);
    for (const chart of charts) expect(chart.inked, chart.id).toBeGreaterThan(2000);
    // percentile + this run, service time, baseline
    expect(charts[0]!.legend).toBe(4);
    expect(problems).toEqual([]);
    expect(requests).toEqual([reportUrl]);
    await page.close();
  });

  it('shows a hostile error body as text and never runs it', async () => {
    const { page, requests, problems } = await openReport('light');
    expect(await page.locator('#error-samples pre.body').first().textContent()).toBe(HOSTILE_BODY);
    expect(await page.locator('#error-samples img, #error-samples script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    // The run is 20% slower than its baseline: the title carries the whole verdict.
    expect(await page.title()).toBe('REGRESSED · peak · load report');
    expect(problems).toEqual([]);
    expect(requests).toEqual([reportUrl]);
    await page.close();
  });

  it('is readable in dark mode and prints', async () => {
    const { page, problems } = await openReport('dark');
    const colors = await page.evaluate(() => {
      const style = getComputedStyle(document.body);
      return { background: style.backgroundColor, text: style.color };
    });
    expect(colors.background).toBe('rgb(15, 20, 26)');
    expect(colors.text).toBe('rgb(227, 232, 238)');
    await page.emulateMedia({ media: 'print', colorScheme: 'light' });
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(50_000);
    expect(problems).toEqual([]);
    await page.close();
  });
  for (const width of [390, 1440]) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(`reads well at ${width} px in ${colorScheme} mode: sane tick labels, legends with values, no table wider than its card`, async () => {
        const { page, problems } = await openReport(colorScheme, width);
        const layout = await page.evaluate(() => ({
          pageWidth: document.documentElement.scrollWidth,
          ticks: [...document.querySelectorAll<HTMLElement>('.chart .uplot')].map((chart) => JSON.parse(chart.dataset.ticks ?? '[]') as (string | null)[][]),
          legends: [...document.querySelectorAll('.u-legend .u-series')].map((entry) => entry.textContent ?? ''),
          overflowing: [...document.querySelectorAll('table')].flatMap((table) => {
            const card = table.closest('section')!;
            const cardBox = card.getBoundingClientRect();
            const box = table.getBoundingClientRect();
            return box.width > cardBox.width || box.right > cardBox.right + 0.5 || table.scrollWidth > table.clientWidth + 1
              ? [`${card.id}: table ${Math.round(box.width)} px in a card of ${Math.round(cardBox.width)} px`]
              : [];
          }),
        }));
        expect(layout.pageWidth).toBeLessThanOrEqual(width);
        const labels = layout.ticks.flat(2).filter((label): label is string => typeof label === 'string');
        expect(labels.length).toBeGreaterThan(20);
        expect(labels.filter((label) => /Infinity|NaN|undefined/.test(label))).toEqual([]);
        // Without a cursor every legend entry still shows a value (p99 of the spectrum, the last second of a timeline).
        expect(layout.legends.length).toBeGreaterThan(10);
        expect(layout.legends.filter((text) => /–$|:\s*$/.test(text.trim()))).toEqual([]);
        expect(layout.overflowing).toEqual([]);
        expect(problems).toEqual([]);
        await page.close();
      });
    }
  }
});
