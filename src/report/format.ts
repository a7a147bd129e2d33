import { formatDurationMs } from '../util/duration.ts';
import type { ComparedMetric } from './compare.ts';
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
  return threshold.passed === null ? 'not evaluated (phase not run)' : '∞ (too many requests got no answer)';
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
};

/** A compared metric's value in its own unit: a share, a rate or a latency. */
export function formatComparedValue(metric: ComparedMetric, value: number): string {
  if (metric === 'errorRate') return formatShare(value);
  return metric === 'achievedRate' ? formatRate(value) : formatDurationMs(value);
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
export function latencyColumnFormat(valuesMs: readonly number[]): (ms: number) => string {
  const largest = Math.max(0, ...valuesMs.filter(Number.isFinite));
  if (largest >= 10_000) return (ms) => `${(ms / 1000).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })}s`;
  const decimals = largest >= 1000 ? 0 : largest >= 100 ? 1 : 2;
  return (ms) => `${ms.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })}ms`;
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
