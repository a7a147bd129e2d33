// The capacity search's picture, drawn server-side as SVG (no script, printable): latency (p50,
// p99, p99.9, log scale) against the rate each trial achieved, a point per trial, failed trials
// hollow, the SLO's latency limits and the held rate drawn as lines; and the error rate, when a
// trial had errors.
import { formatDurationMs } from '../../util/duration.ts';
import type { CapacityResult } from '../resultModel.ts';
import { parseThreshold } from '../../scenario/thresholds.ts';
import { html } from './escape.ts';
import type { Html } from './escape.ts';

const WIDTH = 720;
const HEIGHT = 320;
const MARGIN = { left: 64, right: 24, top: 16, bottom: 44 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
const SERIES = [
  { key: 'p50Ms', label: 'p50', css: 'cap-p50' },
  { key: 'p99Ms', label: 'p99', css: 'cap-p99' },
  { key: 'p999Ms', label: 'p99.9', css: 'cap-p999' },
] as const;
/** The SLO statistics the chart can draw as a limit, by the series they belong to. */
const STAT_SERIES: Record<string, string> = { p50: 'cap-p50', p99: 'cap-p99', p999: 'cap-p999' };

type Trial = CapacityResult['trials'][number];

/** A round step for about `count` ticks over `span`: 1, 2 or 5 times a power of ten. */
function niceStep(span: number, count: number): number {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

const fixed = (n: number) => n.toFixed(1);

/** Latency against achieved rate, a point per trial (recovery probes left out: they test the target, not a rate). */
export function capacityChart(capacity: CapacityResult, slo: readonly string[]): Html {
  const trials = capacity.trials.filter((t) => t.role !== 'recoveryProbe').sort((a, b) => a.achievedPerSec - b.achievedPerSec);
  const latencies = trials.flatMap((t) => SERIES.map((s) => t[s.key])).filter((ms): ms is number => ms !== null && ms > 0);
  const limits = slo.flatMap((expr) => {
    const parsed = parseThreshold(expr);
    if ('problem' in parsed || parsed.metric.kind !== 'latency' || parsed.metric.clock !== 'corrected') return [];
    const css = STAT_SERIES[parsed.metric.stat];
    return css ? [{ expr, ms: parsed.limit, css }] : [];
  });
  if (trials.length === 0 || latencies.length === 0) return html``;
  const xMaxRaw = Math.max(...trials.map((t) => t.achievedPerSec), capacity.heldPerSec ?? 0) * 1.05;
  const xStep = niceStep(xMaxRaw, 5);
  const xMax = Math.ceil(xMaxRaw / xStep) * xStep;
  const yMin = 10 ** Math.floor(Math.log10(Math.min(...latencies, ...limits.map((l) => l.ms))));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(...latencies, ...limits.map((l) => l.ms)) * 1.01));
  const x = (rate: number) => MARGIN.left + (rate / xMax) * PLOT_W;
  const y = (ms: number) => MARGIN.top + PLOT_H - ((Math.log10(ms) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * PLOT_H;

  const xTicks = Array.from({ length: Math.round(xMax / xStep) + 1 }, (_, i) => i * xStep);
  const yTicks: number[] = [];
  for (let decade = yMin; decade <= yMax * 1.0001; decade *= 10) for (const m of [1, 2, 5]) if (decade * m <= yMax * 1.0001) yTicks.push(decade * m);
  const grid = html`${xTicks.map(
    (rate) =>
      html`<line class="cap-grid" x1="${fixed(x(rate))}" x2="${fixed(x(rate))}" y1="${MARGIN.top}" y2="${MARGIN.top + PLOT_H}"/><text class="cap-tick" x="${fixed(x(rate))}" y="${MARGIN.top + PLOT_H + 16}" text-anchor="middle">${rate.toLocaleString('en-US')}</text>`,
  )}${yTicks.map(
    (ms) =>
      html`<line class="cap-grid" x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_W}" y1="${fixed(y(ms))}" y2="${fixed(y(ms))}"/><text class="cap-tick" x="${MARGIN.left - 6}" y="${fixed(y(ms) + 4)}" text-anchor="end">${formatDurationMs(ms)}</text>`,
  )}`;
  const limitLines = limits.map(
    (limit) =>
      html`<line class="cap-limit ${limit.css}" x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_W}" y1="${fixed(y(limit.ms))}" y2="${fixed(y(limit.ms))}"/><text class="cap-label ${limit.css}" x="${MARGIN.left + 4}" y="${fixed(y(limit.ms) - 4)}">SLO ${limit.expr}</text>`,
  );
  const held = capacity.heldPerSec;
  const heldLine =
    held === null
      ? html``
      : html`<line class="cap-held" x1="${fixed(x(held))}" x2="${fixed(x(held))}" y1="${MARGIN.top}" y2="${MARGIN.top + PLOT_H}"/><text class="cap-label cap-held-text" x="${fixed(x(held) + 4)}" y="${MARGIN.top + 12}">held ${held.toLocaleString('en-US')}/s</text>`;
  const series = SERIES.map((s) => {
    const points = trials.filter((t) => t[s.key] !== null && t[s.key]! > 0);
    const path = points.map((t) => `${fixed(x(t.achievedPerSec))},${fixed(y(t[s.key]!))}`).join(' ');
    return html`<polyline class="cap-line ${s.css}" points="${path}"/>${points.map(
      (t: Trial) =>
        html`<circle class="cap-point ${s.css}${t.held ? '' : ' cap-failed'}" cx="${fixed(x(t.achievedPerSec))}" cy="${fixed(y(t[s.key]!))}" r="4"><title>${t.role === 'confirmation' ? 'confirmation' : 'trial'} at ${t.askedPerSec}/s (achieved ${t.achievedPerSec}/s): ${s.label} ${formatDurationMs(t[s.key]!)}${t.held ? ', held' : ', failed'}</title></circle>`,
    )}`;
  });
  const label = `Latency against achieved rate for ${trials.length} trials${held === null ? '' : `; held ${held}/s`}`;
  return html`<figure class="cap-figure"><figcaption>Latency against the rate achieved <span>a point per trial, from the scheduled send, log scale; hollow points failed the SLO</span></figcaption>
<svg class="cap-chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${label}">
${grid}${limitLines}${heldLine}${series}
<text class="cap-axis" x="${MARGIN.left + PLOT_W / 2}" y="${HEIGHT - 6}" text-anchor="middle">achieved rate (requests/s)</text>
</svg>
<p class="cap-legend">${SERIES.map((s) => html`<span class="cap-key ${s.css}">${s.label}</span>`)}<span class="cap-key cap-held-text">held rate</span><span class="cap-key cap-failed-key">failed trial</span></p></figure>
${errorChart(trials, slo, x, held, xTicks)}`;
}

const ERROR_HEIGHT = 190;
const ERROR_PLOT_H = ERROR_HEIGHT - MARGIN.top - MARGIN.bottom;

/** The error rate of each trial against its achieved rate, on the same x scale, when a trial had errors or the SLO judges them. */
function errorChart(trials: readonly Trial[], slo: readonly string[], x: (rate: number) => number, held: number | null, xTicks: readonly number[]): Html {
  const limit = slo.map((expr) => parseThreshold(expr)).find((parsed) => !('problem' in parsed) && parsed.metric.kind === 'errorRate') as
    | { limit: number }
    | undefined;
  const worst = Math.max(0, ...trials.map((t) => t.errorRate));
  if (worst === 0 && limit === undefined) return html``;
  const yMaxRaw = Math.max(worst, limit?.limit ?? 0, 0.001) * 1.15;
  const yStep = niceStep(yMaxRaw, 4);
  const yMax = Math.ceil(yMaxRaw / yStep) * yStep;
  const y = (share: number) => MARGIN.top + ERROR_PLOT_H - (share / yMax) * ERROR_PLOT_H;
  const percent = (share: number) => `${Number((share * 100).toFixed(3))}%`;
  const yTicks = Array.from({ length: Math.round(yMax / yStep) + 1 }, (_, i) => i * yStep);
  return html`<figure class="cap-figure"><figcaption>Error rate against the rate achieved <span>a point per trial; hollow points failed the SLO</span></figcaption>
<svg class="cap-chart" viewBox="0 0 ${WIDTH} ${ERROR_HEIGHT}" role="img" aria-label="Error rate against achieved rate; worst ${percent(worst)}">
${yTicks.map(
  (share) =>
    html`<line class="cap-grid" x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_W}" y1="${fixed(y(share))}" y2="${fixed(y(share))}"/><text class="cap-tick" x="${MARGIN.left - 6}" y="${fixed(y(share) + 4)}" text-anchor="end">${percent(share)}</text>`,
)}
${limit ? html`<line class="cap-limit cap-errors" x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_W}" y1="${fixed(y(limit.limit))}" y2="${fixed(y(limit.limit))}"/><text class="cap-label cap-errors" x="${MARGIN.left + 4}" y="${fixed(y(limit.limit) - 4)}">SLO errorRate &lt; ${percent(limit.limit)}</text>` : ''}
${xTicks.map((rate) => html`<text class="cap-tick" x="${fixed(x(rate))}" y="${MARGIN.top + ERROR_PLOT_H + 16}" text-anchor="middle">${rate.toLocaleString('en-US')}</text>`)}
${held === null ? '' : html`<line class="cap-held" x1="${fixed(x(held))}" x2="${fixed(x(held))}" y1="${MARGIN.top}" y2="${MARGIN.top + ERROR_PLOT_H}"/>`}
<polyline class="cap-line cap-errors" points="${trials.map((t) => `${fixed(x(t.achievedPerSec))},${fixed(y(t.errorRate))}`).join(' ')}"/>
${trials.map(
  (t) =>
    html`<circle class="cap-point cap-errors${t.held ? '' : ' cap-failed'}" cx="${fixed(x(t.achievedPerSec))}" cy="${fixed(y(t.errorRate))}" r="4"><title>${t.askedPerSec}/s asked (achieved ${t.achievedPerSec}/s): errors ${percent(t.errorRate)}</title></circle>`,
)}
</svg></figure>`;
}
