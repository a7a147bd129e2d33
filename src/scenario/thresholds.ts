import { nearestKey } from '../util/knownKeys.ts';
import { z } from 'zod';
import { parseDurationMs } from '../util/duration.ts';
import { decimalNumber } from '../util/schemaHelpers.ts';

export const LATENCY_STATS = ['min', 'mean', 'p50', 'p75', 'p90', 'p95', 'p99', 'p999', 'max'] as const;
/** A latency statistic, from the scheduled send (`p99`) or from the actual send (`service.p99`). */
export type LatencyStat = (typeof LATENCY_STATS)[number];

/** What a threshold measures. */
export type ThresholdMetric =
  | { kind: 'latency'; clock: 'corrected' | 'service'; stat: LatencyStat }
  /** How long new connections took to connect, or their TLS handshakes (`tlsHandshake.p99`). */
  | { kind: 'connectionTime'; timing: ConnectionTiming; stat: LatencyStat }
  | { kind: 'errorRate' }
  | { kind: 'dropRate' }
  | { kind: 'achievedRate' }
  | { kind: 'contractViolations' }
  | { kind: 'contractViolationRate' };

/** The parts of opening a connection a threshold can judge. */
export const CONNECTION_TIMINGS = ['connect', 'tlsHandshake'] as const;
export type ConnectionTiming = (typeof CONNECTION_TIMINGS)[number];

export type ThresholdOperator = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** A parsed threshold: `p99 < 250ms`, `errorRate < 1%`, `achievedRate >= 495`. */
export interface ThresholdCondition {
  metric: ThresholdMetric;
  operator: ThresholdOperator;
  /** In ms for latencies, 0..1 for rates, req/s for achievedRate. */
  limit: number;
}

const METRIC_NAME = /^[A-Za-z][A-Za-z0-9._]*/;
const OPERATOR = /^(<=|>=|==|!=|<|>)/;
const UNITS = /^(ms|s|m|h|us|µs|%|\/s)$/;

/**
 * `<metric> <operator> <value>`, read left to right: where it breaks, the problem says at which
 * column (counted from 1 in the expression as written) and what was expected there.
 */
function tokenize(expression: string): { name: string; operator: ThresholdOperator; valueText: string } | { problem: string } {
  const at = (index: number) => `"${expression}" column ${index + 1}`;
  let index = expression.length - expression.trimStart().length;
  const name = METRIC_NAME.exec(expression.slice(index))?.[0];
  if (!name) return { problem: `${at(index)}: expected a metric name (p99, errorRate...), e.g. "p99 < 250ms"` };
  index += name.length;
  index += expression.slice(index).length - expression.slice(index).trimStart().length;
  const operator = OPERATOR.exec(expression.slice(index))?.[0] as ThresholdOperator | undefined;
  if (!operator) {
    const found = expression.slice(index).trim();
    if (found.startsWith('=')) return { problem: `${at(index)}: a single = compares nothing: write == (or <=, >=)` };
    return {
      problem: `${at(index)}: expected a comparison (<, <=, >, >=, ==, !=) after "${name}"${found ? `, found "${found.split(/\s/)[0]}"` : ''}, e.g. "${name} < ${found || '250ms'}"`,
    };
  }
  index += operator.length;
  index += expression.slice(index).length - expression.slice(index).trimStart().length;
  const valueText = expression.slice(index).trimEnd();
  if (!valueText) return { problem: `${at(index)}: nothing after "${operator}": a value such as 250ms, 1% or 500` };
  const parts = valueText.split(/\s+/);
  if (parts.length === 2 && UNITS.test(parts[1]!)) return { problem: `${at(index)}: no space between a number and its unit: write ${parts.join('')}` };
  if (parts.length > 1) return { problem: `${at(index)}: "${valueText}" is more than one value: a threshold compares one metric with one value` };
  return { name, operator, valueText };
}

/** Metric names accepted in thresholds (for help texts and errors). */
export const THRESHOLD_METRICS = [
  ...LATENCY_STATS,
  ...LATENCY_STATS.map((s) => `service.${s}`),
  ...CONNECTION_TIMINGS.flatMap((timing) => LATENCY_STATS.map((s) => `${timing}.${s}`)),
  'errorRate',
  'dropRate',
  'achievedRate',
  'contractViolations',
  'contractViolationRate',
];

/** The metrics in a line: each latency statistic, and the prefixes that take them, rather than every combination. */
const KNOWN_METRICS_TEXT = `${LATENCY_STATS.join(', ')} (latency from the scheduled send; the same after service., connect. or tlsHandshake.), errorRate, dropRate, achievedRate, contractViolations, contractViolationRate`;

/** Parses a threshold expression; returns the condition or a message saying what was expected. */
export function parseThreshold(expression: string): ThresholdCondition | { problem: string } {
  const tokens = tokenize(expression);
  if ('problem' in tokens) return tokens;
  const { name, operator, valueText } = tokens;
  const metric = parseMetric(name.replace('p99.9', 'p999'));
  if (!metric) {
    const meant = nearestKey(name, new Set(THRESHOLD_METRICS));
    return { problem: `unknown metric "${name}" in "${expression}"${meant ? ` (did you mean "${meant}"?)` : ''}; known: ${KNOWN_METRICS_TEXT}` };
  }
  if (metric.kind === 'latency' || metric.kind === 'connectionTime') {
    const limit = parseDurationMs(valueText);
    if (limit === undefined) return { problem: `"${valueText}" in "${expression}" is not a duration with a unit, e.g. 250ms or 1.5s` };
    return { metric, operator, limit };
  }
  if (metric.kind === 'contractViolations') {
    const limit = decimalNumber(valueText) ?? Number.NaN;
    if (!Number.isInteger(limit) || limit < 0) return { problem: `"${valueText}" in "${expression}" is not a count of responses, e.g. 0` };
    return { metric, operator, limit };
  }
  if (metric.kind === 'achievedRate') {
    const limit = decimalNumber(valueText.replace(/\/s$/, '')) ?? Number.NaN;
    if (!Number.isFinite(limit) || limit < 0) return { problem: `"${valueText}" in "${expression}" is not a rate in requests per second, e.g. 495` };
    return { metric, operator, limit };
  }
  const limit = valueText.endsWith('%') ? (decimalNumber(valueText.slice(0, -1)) ?? Number.NaN) / 100 : (decimalNumber(valueText) ?? Number.NaN);
  if (!Number.isFinite(limit) || limit < 0 || limit > 1) return { problem: `"${valueText}" in "${expression}" is not a share, e.g. 1% or 0.01` };
  return { metric, operator, limit };
}

/** A threshold expression in a scenario (`p99 < 250ms`): parsed, or its problem as a validation issue. */
export const thresholdExpressionSchema = z.string().transform((expression, ctx) => {
  const parsed = parseThreshold(expression);
  if ('problem' in parsed) {
    ctx.addIssue({ code: 'custom', message: parsed.problem });
    return z.NEVER;
  }
  return { expr: expression.trim(), condition: parsed };
});

function parseMetric(name: string): ThresholdMetric | undefined {
  if (name === 'errorRate' || name === 'dropRate' || name === 'achievedRate' || name === 'contractViolations' || name === 'contractViolationRate')
    return { kind: name };
  for (const timing of CONNECTION_TIMINGS) {
    const stat = name.startsWith(`${timing}.`) ? name.slice(timing.length + 1) : undefined;
    if (stat !== undefined && (LATENCY_STATS as readonly string[]).includes(stat)) return { kind: 'connectionTime', timing, stat: stat as LatencyStat };
  }
  const service = name.startsWith('service.');
  const stat = service ? name.slice('service.'.length) : name;
  if ((LATENCY_STATS as readonly string[]).includes(stat)) return { kind: 'latency', clock: service ? 'service' : 'corrected', stat: stat as LatencyStat };
  return undefined;
}

/** The unit a threshold's limit and actual value are in: ms, a 0..1 share, requests per second, or a count. */
export type ThresholdUnit = 'ms' | 'ratio' | 'perSec' | 'count';

export function thresholdUnit(metric: ThresholdMetric): ThresholdUnit {
  if (metric.kind === 'latency' || metric.kind === 'connectionTime') return 'ms';
  if (metric.kind === 'contractViolations') return 'count';
  return metric.kind === 'achievedRate' ? 'perSec' : 'ratio';
}

/**
 * Whether a metric's value (see metrics/definitions.ts) satisfies the condition. An infinite
 * latency (requests that got no answer reach into it) is no figure to hold, whatever the operator:
 * `p99 > 1ms` does not pass on requests that never came back.
 */
export function thresholdHolds(condition: ThresholdCondition, actual: number): boolean {
  return Number.isFinite(actual) && compare(actual, condition.operator, condition.limit);
}

function compare(actual: number, operator: ThresholdOperator, limit: number): boolean {
  switch (operator) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
    case '==':
      return actual === limit;
    case '!=':
      return actual !== limit;
  }
}
