import type { Comparison } from '../compare.ts';
import type { RunResult } from '../resultModel.ts';
import { judgeRun } from '../verdict.ts';
import type { ReportAssets } from './assets.ts';
import { buildChartData } from './chartData.ts';
import { capacitySection } from './capacitySection.ts';
import { networkSection } from './networkSection.ts';
import { connectionsSection } from './connectionsSection.ts';
import { contractSection } from './contractSection.ts';
import { comparisonSection, errorSamplesSection, generatorsSection, metadataSection, serverSideSection } from './detailSections.ts';
import { Html, html, jsonForScriptBlock, offlinePageHead } from './escape.ts';
import { headlineSection, outcomesSection, phasesSection, spectrumSection, thresholdsSection, verdictBanner } from './summarySections.ts';

/** A baseline to compare with: its result and the comparison already computed. */
export interface ReportBaseline {
  result: RunResult;
  comparison: Comparison;
}

/**
 * The whole report as one self-contained HTML page. Its Content-Security-Policy allows no
 * network access at all and runs only the two inlined scripts (by hash): whatever a server
 * returned is escaped text, and could not run even if it were not.
 */
export function renderReportHtml(result: RunResult, assets: ReportAssets, baseline?: ReportBaseline): string {
  const chartData = buildChartData(result, baseline?.result);
  const verdict = judgeRun(result, baseline?.comparison);
  const hasExpected = chartData.timeline.expected.some((count) => count > 0);
  const page = html`${offlinePageHead(`${verdict.word} · ${result.scenario.name} · load report`, [assets.uplotJs, assets.reportJs], [assets.uplotCss, assets.reportCss])}
<main>
${verdictBanner(result, verdict)}
${thresholdsSection(result)}
${headlineSection(result)}
${capacitySection(result)}
${spectrumSection(result, baseline !== undefined)}
<section id="timeline"><h2>Over time</h2>
<figure><figcaption>Request rate <span>per second: target, sent, completed</span></figcaption><div class="chart" id="chart-rate"></div></figure>
<figure><figcaption>Latency <span>of the responses completed each second, from the scheduled send</span></figcaption><div class="chart" id="chart-latency"></div></figure>
<figure><figcaption>Errors <span>per second, by kind, and requests dropped before sending</span></figcaption><div class="chart" id="chart-errors"></div></figure>
${hasExpected ? html`<figure><figcaption>Expected outcomes <span>per second: answers the users CSV asks for (not errors), on a scale of their own</span></figcaption><div class="chart" id="chart-expected"></div></figure>` : ''}
<p class="note">Dashed vertical lines mark where each phase starts. Drag across a timeline to zoom, double-click to reset; click a legend entry to hide its line.</p>
</section>
${phasesSection(result)}
${generatorsSection(result)}
${connectionsSection(result)}
${networkSection(result)}
${outcomesSection(result)}
${errorSamplesSection(result)}
${contractSection(result)}
${baseline ? comparisonSection(baseline.comparison) : ''}
${serverSideSection(result)}
${metadataSection(result)}
<footer>logmsg-harness ${result.environment.harnessVersion} · report rendered from result.json (schema ${result.schemaVersion})</footer>
</main>
<script type="application/json" id="report-data">${new Html(jsonForScriptBlock(chartData))}</script>
<script>${new Html(assets.uplotJs)}</script>
<script>${new Html(assets.reportJs)}</script>
</body>
</html>
`;
  return page.text;
}
