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

/** Requests per second, one decimal. */
export function formatRate(ratePerSec: number): string {
  return `${ratePerSec.toFixed(1)}/s`;
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

/** How a compared metric is named in tables. */
export const COMPARED_METRIC_LABELS: Record<ComparedMetric, string> = { p50: 'p50', p90: 'p90', p99: 'p99', p999: 'p99.9', max: 'max', errorRate: 'error rate', achievedRate: 'achieved rate' };

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
