import { formatDurationMs } from '../util/duration.ts';
import type { ComparedMetric } from './compare.ts';
import { TOO_MANY_UNANSWERED } from './resultModel.ts';
import type { ThresholdResult } from './resultModel.ts';

export { formatDurationMs };

/** A 0..1 share as a percentage with enough digits to tell 0.1% from 0.15%. */
export function formatShare(share: number): string {
  if (share === 0) return '0%';
  const percent = share * 100;
  return `${percent >= 10 ? percent.toFixed(1) : percent >= 1 ? percent.toFixed(2) : percent.toFixed(3)}%`;
}

/** Requests per second, one decimal, with thousands separators (4,189.3/s). */
export function formatRate(ratePerSec: number): string {
  return `${ratePerSec.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })}/s`;
}

/** A whole count with thousands separators (1,234,567). */
export function formatCount(count: number): string {
  return Math.round(count).toLocaleString('en-US');
}

/** A threshold's limit or actual value in the threshold's own unit. */
export function formatThresholdValue(value: number, unit: ThresholdResult['unit']): string {
  if (unit === 'ms') return formatDurationMs(value);
  if (unit === 'count') return formatCount(value);
  return unit === 'perSec' ? formatRate(value) : formatShare(value);
}

/** A threshold as the summary and the verdict name it: `p99 < 400ms [peak] (implicit)`. */
export function thresholdLabel(threshold: ThresholdResult): string {
  return `${threshold.expr}${threshold.phase ? ` [${threshold.phase}]` : ''}${threshold.implicit ? ' (implicit)' : ''}`;
}

/** A threshold's actual value for people: a failed one without a value had too many requests unanswered. */
export function thresholdActualText(threshold: ThresholdResult): string {
  if (threshold.actual !== null) return formatThresholdValue(threshold.actual, threshold.unit);
  if (threshold.passed === null) return 'not evaluated (phase not run)';
  // A latency the unanswered requests reach into is ∞; other thresholds without a figure say why.
  if (threshold.reason === null || threshold.reason === TOO_MANY_UNANSWERED) return `${INFINITE_LATENCY} (${TOO_MANY_UNANSWERED})`;
  return threshold.reason;
}

/** How a compared metric is named in tables. */
export const COMPARED_METRIC_LABELS: Record<ComparedMetric, string> = {
  p50: 'p50',
  p90: 'p90',
  p99: 'p99',
  p999: 'p99.9',
  max: 'max',
  errorRate: 'error rate',
  achievedRate: 'achieved rate',
  capacity: 'capacity',
};

/** A compared metric's value in its own unit: a share, a rate or a latency (null: ∞). */
export function formatComparedValue(metric: ComparedMetric, value: number | null): string {
  if (value === null) return INFINITE_LATENCY;
  if (metric === 'errorRate') return formatShare(value);
  return metric === 'achievedRate' || metric === 'capacity' ? formatRate(value) : formatDurationMs(value);
}

/** How a latency that requests with no answer reach into reads (result.json stores it as null). */
export const INFINITE_LATENCY = '∞';

/**
 * A latency statistic of a scope as every table and headline shows it: `–` when the scope had
 * nothing scheduled, `∞` when requests that got no answer reach into it, else in `format`.
 */
export function latencyFigureText(ms: number | null, scheduled: number, format: (ms: number) => string = formatDurationMs): string {
  if (scheduled === 0) return '–';
  return ms === null ? INFINITE_LATENCY : format(ms);
}

/** A relative change as a signed percentage (+12.5%), or "n/a" when there was nothing to compare with. */
export function formatChange(change: number | null): string {
  if (change === null) return 'n/a';
  const percent = change * 100;
  return `${percent >= 0 ? '+' : ''}${percent.toFixed(1)}%`;
}

/**
 * One format for a whole table column of latencies: the unit (ms, or s past 10 s) and the decimals
 * are chosen by the column's largest value, so figures line up and compare at a glance
 * (`19.65ms` over `105.00ms`, never `19.65ms` over `105ms` over `1.2s`).
 */
export function latencyColumnFormat(valuesMs: readonly (number | null)[]): (ms: number) => string {
  const largest = Math.max(0, ...valuesMs.filter((ms) => ms !== null && Number.isFinite(ms)).map(Number));
  if (largest >= 10_000) return (ms) => `${fixedWithSeparators(ms / 1000, 1)}s`;
  const decimals = largest >= 1000 ? 0 : largest >= 100 ? 1 : 2;
  return (ms) => `${fixedWithSeparators(ms, decimals)}ms`;
}

/** Rounded as toFixed rounds (as formatDurationMs does, so one value never reads 26.86 here and 26.87 there), then grouped. */
function fixedWithSeparators(value: number, decimals: number): string {
  return Number(value.toFixed(decimals)).toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/**
 * One format for a column of shares: as many decimals as its smallest non-zero share needs to
 * show two significant digits (at most three), the same for every row.
 */
export function shareColumnFormat(shares: readonly number[]): (share: number) => string {
  const smallest = Math.min(...shares.filter((share) => share > 0).map((share) => share * 100));
  const decimals = !Number.isFinite(smallest) ? 1 : Math.min(3, Math.max(1, 1 - Math.floor(Math.log10(smallest))));
  return (share) => `${(share * 100).toFixed(decimals)}%`;
}
