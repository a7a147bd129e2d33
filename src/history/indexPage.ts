// index.html of the run history: one offline page (uPlot and its script inlined, as the report),
// the rows as JSON for its script to filter, chart and compare; the table is in the HTML itself,
// so the page reads without scripts and prints.
import { readFile } from 'node:fs/promises';
import type { ReportAssets } from '../report/html/assets.ts';
import { Html, html, jsonForScriptBlock, offlinePageHead } from '../report/html/escape.ts';
import { formatCount, formatDurationMs, formatShare } from '../report/format.ts';
import type { IndexRow, RunIndex } from './indexModel.ts';

/** The history page's own script and styles, besides the report's. */
export async function loadIndexAssets(): Promise<{ indexJs: string; indexCss: string }> {
  const [indexJs, indexCss] = await Promise.all([
    readFile(new URL('./client/index.js', import.meta.url), 'utf8'),
    readFile(new URL('./client/index.css', import.meta.url), 'utf8'),
  ]);
  return { indexJs, indexCss };
}

/** `root`: the indexed folder as the user named it, for the commands the page offers to copy. */
export function renderIndexHtml(index: RunIndex, root: string, assets: ReportAssets & { indexJs: string; indexCss: string }): string {
  const runs = index.runs.filter((row) => !('unreadable' in row));
  const scenarios = [...new Set(runs.map((row) => ('scenario' in row ? row.scenario : '')))].sort();
  return html`${offlinePageHead(`Run history · ${root}`, [assets.uplotJs, assets.indexJs], [assets.uplotCss, assets.reportCss, assets.indexCss])}
<main>
<header class="card"><h1>Run history</h1><p class="note">${formatCount(runs.length)} runs under <code>${root}</code>${index.runs.length > runs.length ? `, ${index.runs.length - runs.length} unreadable` : ''}; written ${index.generatedAt.replace('T', ' ').slice(0, 19)} UTC. Newest first; a verdict opens its report. Also as <a href="index.json">index.json</a>.</p>
<form class="filters" id="filters"><label>scenario <select id="filter-scenario"><option value="">all</option>${scenarios.map((name) => html`<option>${name}</option>`)}</select></label>
<label>verdict <select id="filter-verdict"><option value="">all</option><option>PASSED</option><option>FAILED</option><option>REGRESSED</option><option>INTERRUPTED</option></select></label>
<label>from <input type="date" id="filter-from"></label><label>to <input type="date" id="filter-to"></label></form>
<p class="compare" id="compare">Tick two runs to compare them.</p></header>
<section class="card" id="trends"><h2>Trends</h2><p class="note">Per scenario, run by run: latency (p50, p99 over every scheduled request) and rate. Runs at another <code>--duration-scale</code> are a line of their own; failed and regressed runs are marked. Hover a run to see it; click to open its report.</p><div id="trend-charts"></div></section>
<section class="card" id="runs"><h2>Runs</h2><div class="scroll"><table class="compact runs"><thead><tr><th></th><th>verdict</th><th>started (UTC)</th><th>scenario and target</th><th class="num">scale</th><th class="num">sent</th><th class="num">achieved/s</th><th class="num">p50</th><th class="num">p99</th><th class="num">p99.9</th><th class="num">errors</th><th class="num">contract</th><th class="num">capacity</th></tr></thead>
<tbody>${index.runs.map((row, i) => runRow(row, i))}</tbody></table></div></section>
</main>
<script type="application/json" id="index-data">${new Html(jsonForScriptBlock({ root, runs: index.runs }))}</script>
<script>${new Html(assets.uplotJs)}</script>
<script>${new Html(assets.indexJs)}</script>
</body>
</html>
`.toString();
}

const ms = (value: number | null) => (value === null ? '∞' : formatDurationMs(value));

function runRow(row: IndexRow, i: number): Html {
  if ('unreadable' in row)
    return html`<tr class="unreadable" data-index="${i}"><td></td><td><span class="badge badge-unreadable">UNREADABLE</span></td><td colspan="11"><code>${row.dir}</code>: ${row.unreadable}</td></tr>`;
  const verdict = row.verdict ?? 'SHARD';
  const shards =
    row.shards.length > 0
      ? html`<br><span class="note">${row.shards.length} shards: ${row.shards.map((shard, n) => html`${n > 0 ? ', ' : ''}<code>${shard}</code>`)}</span>`
      : '';
  // Labelled cells: on a phone each row is a card of "label: value" lines (report.css).
  const cell = (label: string, content: Html | string, className = 'num') => html`<td class="${className}" data-label="${label}">${content}</td>`;
  const verdictBadge = row.report
    ? html`<a class="badge badge-${verdict.toLowerCase()}" href="${row.report}" title="open its report">${verdict}</a>`
    : html`<span class="badge badge-${verdict.toLowerCase()}">${verdict}</span>`;
  return html`<tr data-index="${i}" data-scenario="${row.scenario}" data-verdict="${verdict}" data-started="${row.startedAt}">
<td><input type="checkbox" class="pick" aria-label="compare ${row.dir}"></td>${cell('verdict', verdictBadge, '')}${cell('started (UTC)', row.startedAt.replace('T', ' ').slice(0, 16), 'nowrap')}
${cell('scenario', html`${row.scenario}${row.kind === 'merged' ? ' (merged)' : ''}<br><span class="note target">${row.target}</span>${shards}`, '')}
${cell('scale', row.durationScale === 1 ? '1' : `×${row.durationScale}`)}${cell('sent', formatCount(row.sent))}${cell('achieved/s', row.achievedRate.toFixed(1))}
${cell('p50', ms(row.p50Ms))}${cell('p99', ms(row.p99Ms))}${cell('p99.9', ms(row.p999Ms))}${cell('errors', formatShare(row.errorRate))}
${cell('contract', row.contractViolations === null ? '-' : formatCount(row.contractViolations))}${cell('capacity', row.capacityPerSec === null ? '-' : `${formatCount(row.capacityPerSec)}/s`)}</tr>`;
}
