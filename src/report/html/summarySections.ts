import { ERROR_KINDS } from '../../metrics/outcome.ts';
import {
  formatCount,
  formatDurationMs,
  formatRate,
  formatShare,
  formatThresholdValue,
  latencyColumnFormat,
  latencyFigureText,
  shareColumnFormat,
  thresholdActualText,
} from '../format.ts';
import type { PhaseResult, ResultStats, RunResult } from '../resultModel.ts';
import type { Verdict } from '../verdict.ts';
import { html } from './escape.ts';
import type { Html } from './escape.ts';

/** The banner: the whole verdict (thresholds, contract, baseline), what ran against what, and when. */
export function verdictBanner(result: RunResult, verdict: Verdict): Html {
  const scale = result.durationScale === 1 ? '' : html` <span class="pill">duration scale ×${result.durationScale}</span>`;
  return html`<header class="verdict verdict-${verdict.word.toLowerCase()}" data-verdict="${verdict.word}" data-exit-code="${verdict.exitCode}">
  <div class="verdict-word">${verdict.word}<div class="verdict-exit">exit ${verdict.exitCode}</div></div>
  <div class="verdict-text">
    <h1>${result.scenario.name}${scale}</h1>
    ${result.scenario.description ? html`<p class="description">${result.scenario.description}</p>` : ''}
    <ul class="verdict-reasons">${verdict.reasons.map((reason) => html`<li>${reason}</li>`)}</ul>
    <p class="muted">Target <code>${result.target.url}</code>, ${result.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}, ran ${formatDurationMs(result.overall.durationMs)}.${result.target.trustStore ? html` TLS certificates verified against ${result.target.trustStore}.` : ''}</p>
  </div>
</header>`;
}

/** Each threshold with its scope, limit, actual value and verdict; implicit ones say where they come from. */
export function thresholdsSection(result: RunResult): Html {
  if (result.thresholds.length === 0) return html`<section id="thresholds"><h2>Thresholds</h2><p class="muted">The scenario sets no thresholds.</p></section>`;
  const rows = result.thresholds.map((t) => {
    const state = t.passed === null ? 'skip' : t.passed ? 'pass' : 'fail';
    const badge = state === 'skip' ? 'not evaluated' : state === 'pass' ? 'pass' : 'FAIL';
    const notes = [t.abortOnFail ? 'aborts the run' : '', t.implicit ? 'implicit: the scenario sets no contract threshold' : ''].filter(Boolean).join('; ');
    return html`<tr class="${state === 'fail' ? 'fail' : ''}">
      <td><span class="badge badge-${state}">${badge}</span></td>
      <td><code>${t.expr}</code>${notes ? html` <span class="muted">(${notes})</span>` : ''}</td>
      <td>${t.phase ?? 'whole run'}</td>
      <td class="num">${t.operator} ${formatThresholdValue(t.limit, t.unit)}</td>
      <td class="num">${t.actual === null && t.passed === null ? '–' : thresholdActualText(t)}</td>
    </tr>`;
  });
  return html`<section id="thresholds"><h2>Thresholds</h2>
<div class="scroll"><table><thead><tr><th></th><th>threshold</th><th>scope</th><th class="num">limit</th><th class="num">actual</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

/** The figures one looks at first: volume, rate, errors, latency percentiles. */
export function headlineSection(result: RunResult): Html {
  const o = result.overall;
  const latency = (ms: number | null) => latencyFigureText(ms, o.requests.scheduled);
  // Closed-model phases, conversations (messages follow answers) and capacity searches set no rate in advance.
  const kinds = new Set(result.phases.map((phase) => phase.kind));
  const unfixed = kinds.has('search') ? 'a capacity search' : kinds.has('conversations') && !kinds.has('connections') ? 'conversations' : 'closed-model phases';
  const rate = o.targetRate === null ? html`<span class="muted">${unfixed}: no fixed target</span>` : html`target ${formatRate(o.targetRate)}`;
  const card = (label: string, value: string, detail: Html | string = '') =>
    html`<div class="card"><div class="card-label">${label}</div><div class="card-value">${value}</div><div class="card-detail">${detail}</div></div>`;
  return html`<section id="headline"><h2>Headline</h2><div class="cards">
${card('requests sent', formatCount(o.requests.sent), `${formatCount(o.requests.completed)} completed, ${formatCount(o.requests.dropped)} dropped`)}
${card('achieved rate', formatRate(o.achievedRate), rate)}
${card('error rate', formatShare(o.errorRate), `${formatCount(o.unexpected)} unexpected outcomes`)}
${card('p50', latency(o.latencyMs.p50))}
${card('p90', latency(o.latencyMs.p90))}
${card('p99', latency(o.latencyMs.p99), `service time ${latency(o.serviceLatencyMs.p99)}`)}
${card('p99.9', latency(o.latencyMs.p999))}
${card('max', latency(o.latencyMs.max))}
</div>
<p class="note">Latency is measured from each request's <em>scheduled</em> send time, so a stalled server shows in the figures instead of hiding (no coordinated omission), and a request that got no answer counts as infinitely slow (∞). Service time is measured from the actual send.</p></section>`;
}

/** One row per phase plus the whole run: plan, rates, volume, errors and latency, each column in one format. */
export function phasesSection(result: RunResult): Html {
  const scopes: [string, ResultStats | PhaseResult, boolean][] = [
    ...result.phases.map((phase): [string, PhaseResult, boolean] => [phase.name, phase, false]),
    ['whole run', result.overall, true],
  ];
  const measured = scopes.map(([, stats]) => stats).filter((stats) => stats.requests.completed > 0);
  const stats = ['p50', 'p90', 'p99', 'p999', 'max'] as const;
  const latencyFormats = stats.map((stat) => latencyColumnFormat(measured.map((m) => m.latencyMs[stat])));
  const errorFormat = shareColumnFormat(scopes.map(([, s]) => s.errorRate));
  const row = (name: string, stats: ResultStats | PhaseResult, isTotal: boolean) => {
    const plan = 'plan' in stats ? describePlan(stats) : '';
    if ('ran' in stats && !stats.ran) {
      return html`<tr class="not-run"><th scope="row" class="nowrap">${name}</th><td class="nowrap">${plan}</td><td colspan="11" class="muted">not run: the run stopped before this phase</td></tr>`;
    }
    return html`<tr class="${isTotal ? 'total' : ''}">
      <th scope="row" class="nowrap">${name}</th><td class="nowrap">${plan}</td><td class="num">${formatDurationMs(stats.durationMs)}</td>
      <td class="num">${stats.targetRate === null ? '–' : formatRate(stats.targetRate)}</td>
      <td class="num">${formatRate(stats.achievedRate)}</td>
      <td class="num">${formatCount(stats.requests.sent)}</td>
      <td class="num">${formatCount(stats.requests.dropped)}</td>
      <td class="num ${stats.errorRate > 0 ? 'warn' : ''}">${errorFormat(stats.errorRate)}</td>
      ${[stats.latencyMs.p50, stats.latencyMs.p90, stats.latencyMs.p99, stats.latencyMs.p999, stats.latencyMs.max].map((ms, i) => html`<td class="num">${latencyFigureText(ms, stats.requests.scheduled, latencyFormats[i]!)}</td>`)}
    </tr>`;
  };
  return html`<section id="phases"><h2>Phases</h2><div class="scroll"><table class="compact">
<thead><tr><th>phase</th><th>plan</th><th class="num">ran</th><th class="num">target</th><th class="num">achieved</th><th class="num">sent</th><th class="num">dropped</th><th class="num">errors</th><th class="num">p50</th><th class="num">p90</th><th class="num">p99</th><th class="num">p99.9</th><th class="num">max</th></tr></thead>
<tbody>${scopes.map(([name, stats, isTotal]) => row(name, stats, isTotal))}</tbody></table></div></section>`;
}

function describePlan(phase: PhaseResult): string {
  switch (phase.kind) {
    case 'connections':
      return `closed, ${phase.plan.connections} conns`;
    case 'replay':
      return `replay ×${phase.plan.speed ?? 1}`;
    case 'search':
      return `search ${phase.plan.search?.fromPerSec}→${phase.plan.search?.maxPerSec}/s`;
    case 'conversations': {
      const plan = phase.plan.conversations;
      if (!plan) return 'conversations';
      const ramp = plan.rampToPerSec !== plan.ratePerSec ? `→${plan.rampToPerSec}` : '';
      return `conversations ${plan.ratePerSec}${ramp}/s × ${plan.messages}, think ${plan.thinkTime}, ${plan.connection === 'own' ? 'own conns' : 'pooled'}`;
    }
    case 'rate': {
      const ramp = phase.plan.rampToPerSec !== undefined && phase.plan.rampToPerSec !== phase.plan.ratePerSec ? `→${phase.plan.rampToPerSec}` : '';
      return `open ${phase.plan.ratePerSec}${ramp}/s`;
    }
  }
}

/** Status codes and error kinds with counts and shares; expected outcomes apart from errors; drops. */
export function outcomesSection(result: RunResult): Html {
  const o = result.overall;
  const completed = Math.max(1, o.requests.completed);
  const scheduled = Math.max(1, o.requests.scheduled);
  const expected = new Set(Object.keys(o.expectedOutcomes));
  const transportKinds = ERROR_KINDS.filter((kind) => o.errors[kind] > 0);
  const dropReasons = (['queueTimeout', 'feedStarved', 'aborted'] as const).filter((reason) => o.dropped[reason] > 0);
  const shareFormat = shareColumnFormat([
    ...Object.values(o.statusCounts).map((count) => count / completed),
    ...transportKinds.map((kind) => o.errors[kind] / completed),
    ...dropReasons.map((reason) => o.dropped[reason] / scheduled),
  ]);
  const statusRows = Object.entries(o.statusCounts).map(([status, count]) => {
    const expectedCount = o.expectedOutcomes[status] ?? 0;
    const errorCount = o.errors.http[status] ?? 0;
    const meaning =
      Number(status) < 300 && errorCount === 0
        ? 'ok'
        : expectedCount > 0 && errorCount === 0
          ? 'expected'
          : expectedCount > 0
            ? `${formatCount(expectedCount)} expected, ${formatCount(errorCount)} errors`
            : 'error';
    return html`<tr class="${meaning === 'error' ? 'fail' : ''}"><th scope="row">HTTP ${status}</th><td class="num">${formatCount(count)}</td><td class="num">${shareFormat(count / completed)}</td><td>${meaning}</td></tr>`;
  });
  const transport = transportKinds.map(
    (kind) =>
      html`<tr class="fail"><th scope="row">${kind}</th><td class="num">${formatCount(o.errors[kind])}</td><td class="num">${shareFormat(o.errors[kind] / completed)}</td><td>transport error</td></tr>`,
  );
  const drops = dropReasons.map(
    (reason) =>
      html`<tr><th scope="row">not sent: ${reason}</th><td class="num">${formatCount(o.dropped[reason])}</td><td class="num">${shareFormat(o.dropped[reason] / scheduled)}</td><td>dropped before sending (share of scheduled)</td></tr>`,
  );
  const expectedNote =
    expected.size > 0
      ? html`<p class="note">Expected outcomes are answers the users CSV asks for (its <code>expect</code> column, e.g. 403 for users meant to be unregistered): counted apart, never as errors. ${Object.entries(o.expectedOutcomes).map(([status, count]) => html`<span class="pill">${status}: ${formatCount(count)}</span> `)}</p>`
      : '';
  return html`<section id="outcomes"><h2>Status codes and errors</h2>
<table><thead><tr><th>outcome</th><th class="num">count</th><th class="num">share</th><th>meaning</th></tr></thead><tbody>${statusRows}${transport}${drops}</tbody></table>${expectedNote}</section>`;
}

/**
 * The percentile spectrum of the answered requests; the requests that got no answer are said in
 * words (they are ∞, beyond the chart's right end), and a run that got none draws no chart at all.
 */
export function spectrumSection(result: RunResult, withBaseline: boolean): Html {
  const o = result.overall;
  const answered = Object.values(o.statusCounts).reduce((sum, count) => sum + count, 0);
  const unanswered = o.requests.scheduled - answered;
  if (answered === 0) {
    return html`<section id="spectrum"><h2>Latency by percentile</h2>
<p class="muted">No request was answered: there is no latency to draw (every percentile above is ∞).</p></section>`;
  }
  const beyond =
    unanswered > 0
      ? ` It draws the ${formatCount(answered)} answered requests: the ${formatCount(unanswered)} that got no answer (${formatShare(unanswered / o.requests.scheduled)} of those scheduled) lie beyond its right end, at ∞.`
      : '';
  return html`<section id="spectrum"><h2>Latency by percentile</h2>
<figure><div class="chart" id="chart-spectrum"></div></figure>
<p class="note">The HDR percentile spectrum: the x axis stretches the tail (90%, 99%, 99.9%...) so rare slow answers are visible. The last point of each line is its maximum.${withBaseline ? ' The dotted line is the baseline run.' : ''} Service time is the dashed line: where it sits on the corrected line, no request waited to be sent.${beyond}</p>
</section>`;
}
