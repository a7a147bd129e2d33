import type { Comparison, MetricDelta } from '../compare.ts';
import { COMPARED_METRIC_LABELS, formatChange, formatComparedValue, formatCount, formatShare, latencyColumnFormat } from '../format.ts';
import type { RunResult } from '../resultModel.ts';
import { html } from './escape.ts';
import { describeOutput } from '../../outputs/outputsResult.ts';
import type { Html } from './escape.ts';

/** Examples of unexpected answers, exactly as the server sent them, shown as text. */
export function errorSamplesSection(result: RunResult): Html {
  const examples = result.overall.errorExamples;
  if (examples.length === 0) return html`<section id="error-samples"><h2>Error samples</h2><p class="muted">No unexpected answers.</p></section>`;
  const rows = examples.map(
    (e) =>
      html`<tr><td>${e.error ?? `HTTP ${e.status}`}</td><td class="num">${formatCount(e.count)}</td><td><pre class="body">${e.reason ?? (e.bodyExcerpt || '(empty body)')}</pre></td></tr>`,
  );
  return html`<section id="error-samples"><h2>Error samples</h2>
<p class="note">Up to ten distinct answers (first 300 characters) with how often each came back; for a request that got none, why.</p>
<table><thead><tr><th>answer</th><th class="num">count</th><th>body, or why no answer came</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

/** The baseline comparison: a delta table per scope with regressions flagged. */
export function comparisonSection(comparison: Comparison): Html {
  const value = (row: MetricDelta, v: number | null) => formatComparedValue(row.metric, v);
  const rows = comparison.rows.map(
    (row) => html`<tr class="${row.regressed ? 'fail' : ''}">
      <th scope="row">${row.scope}</th><td>${COMPARED_METRIC_LABELS[row.metric]}</td>
      <td class="num">${value(row, row.baseline)}</td><td class="num">${value(row, row.current)}</td>
      <td class="num">${formatChange(row.change)}</td>
      <td>${row.regressed ? html`<span class="badge badge-fail">regressed</span>` : row.gated ? 'ok' : html`<span class="muted">not gated</span>`}</td></tr>`,
  );
  const regressions = comparison.rows.filter((row) => row.regressed).length;
  return html`<section id="comparison"><h2>Compared with the baseline</h2>
<p class="${comparison.regressed ? 'regressed' : 'steady'}"><strong>${comparison.regressed ? `${regressions} regression${regressions === 1 ? '' : 's'}` : 'No regression'}</strong> beyond ${formatShare(comparison.tolerance)} against the run of ${comparison.baseline.scenario} at ${comparison.baseline.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')} (target <code>${comparison.baseline.targetUrl}</code>).
${comparison.unmatchedPhases.length > 0 ? html` Phases in only one run, not compared: ${comparison.unmatchedPhases.join(', ')}.` : ''}</p>
<p class="note">Latency percentiles regress when more than the tolerance above the baseline, the error rate when it rises by more than the tolerance and by at least 0.1 percentage point, the achieved rate when it falls by more than the tolerance. The maximum is a single sample: shown, not gated.</p>
<div class="scroll"><table><thead><tr><th>scope</th><th>metric</th><th class="num">baseline</th><th class="num">this run</th><th class="num">change</th><th></th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

/** One row per worker or shard of a split run, so a slow, failing or late one shows. */
export function generatorsSection(result: RunResult): Html {
  const table = result.generators;
  if (!table) return html``;
  const latency = latencyColumnFormat(table.rows.flatMap((row) => [row.p50Ms, row.p99Ms]));
  const rows = table.rows.map(
    (row) => html`<tr class="${row.aborted || row.startOffsetMs > table.skewToleranceMs ? 'fail' : ''}"><th scope="row">${row.label}</th>
<td class="num">${formatCount(row.sent)}</td><td class="num">${row.achievedRate.toFixed(1)}</td><td class="num">${latency(row.p50Ms)}</td><td class="num">${latency(row.p99Ms)}</td>
<td class="num">${formatCount(row.unexpected)}</td><td class="num">${`+${Math.round(row.startOffsetMs)} ms`}${row.startOffsetMs > table.skewToleranceMs ? html` <span class="badge badge-fail">late</span>` : ''}</td>
<td>${row.aborted ? html`<span class="badge badge-fail">stopped early</span>` : 'ran'}</td></tr>`,
  );
  const what = table.splitBy === 'shard' ? 'shard (machine)' : 'worker process';
  return html`<section id="generators"><h2>By ${table.splitBy}</h2>
<p class="note">The run was split over ${table.rows.length} ${table.splitBy}s; every figure above is of all of them merged (histograms added, not averaged). Each ${what} sent one request in ${table.rows.length} of the one schedule. Start is when its schedule began after the first one's: more than ${table.skewToleranceMs} ms is flagged late (its clock or its start was off).</p>
<table><thead><tr><th>${table.splitBy}</th><th class="num">sent</th><th class="num">achieved/s</th><th class="num">p50</th><th class="num">p99</th><th class="num">unexpected</th><th class="num">start</th><th></th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

/** What the built-in mock measured itself, next to what the client measured. */
export function serverSideSection(result: RunResult): Html {
  const server = result.serverSide;
  if (!server) return html``;
  // The mock measures the requests it answered: compare with the client's figures of those.
  const client = result.overall.answeredServiceLatencyMs;
  const stats = ['p50', 'p90', 'p99', 'p999', 'max'] as const;
  const injected = Object.entries(server.injected).filter(([, count]) => count > 0);
  return html`<section id="server-side"><h2>Server side (built-in mock)</h2>
<table><thead><tr><th></th>${stats.map((s) => html`<th class="num">${s === 'p999' ? 'p99.9' : s}</th>`)}</tr></thead><tbody>
<tr><th scope="row">mock's own service time</th>${stats.map((s) => html`<td class="num">${latencyColumnFormat([server.serviceTimeMs[s], client[s]])(server.serviceTimeMs[s])}</td>`)}</tr>
<tr><th scope="row">client-measured service time</th>${stats.map((s) => html`<td class="num">${latencyColumnFormat([server.serviceTimeMs[s], client[s]])(client[s])}</td>`)}</tr>
</tbody></table>
<p class="note">The gap between the two rows is network, kernel and client overhead. Answers by status: ${
    Object.entries(server.statusCounts)
      .map(([status, count]) => `${status}: ${formatCount(count)}`)
      .join(', ') || 'none'
  }. Injected faults: ${injected.map(([kind, count]) => `${kind}: ${formatCount(count)}`).join(', ') || 'none'}.</p></section>`;
}

/** Preflight checks and where the run happened. */
export function metadataSection(result: RunResult): Html {
  const env = result.environment;
  const item = (label: string, value: Html | string) => html`<dt>${label}</dt><dd>${value}</dd>`;
  const preflight = result.preflight.map(
    (check) => html`<li><code>${check.check}</code>: ${check.status === 0 ? 'no answer' : `HTTP ${check.status}`}, ${check.note}</li>`,
  );
  return html`<section id="metadata"><h2>Run details</h2><dl class="meta">
${item('scenario', html`${result.scenario.name} (<code>${result.scenario.file}</code>)`)}
${item('target', html`<code>${result.target.url}</code>${result.target.mock ? ' — the built-in mock, in its own process' : ''}`)}
${result.runId === null ? '' : item('run id', html`<code>${result.runId}</code> (run_id of its live metrics)`)}
${result.outputs.prometheus.map((report) => item('live metrics', describeOutput(report)))}
${item('started', result.startedAt)}
${item('ended', result.endedAt)}
${item('harness', `logmsg-harness ${env.harnessVersion}${env.gitCommit ? `, commit ${env.gitCommit}` : ''}`)}
${item('Node.js', env.node)}
${item('machine', `${env.cpus} cores, ${env.platform}`)}
${env.peakRssBytes === null ? '' : item('generator memory', `peak ${formatCount(Math.round(env.peakRssBytes / 1048576))} MiB resident`)}
</dl>${preflight.length > 0 ? html`<h3>Preflight</h3><ul>${preflight}</ul>` : ''}</section>`;
}
