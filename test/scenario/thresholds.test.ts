import { describe, expect, it } from 'vitest';
import { checkThreshold, parseThreshold, latencyOverAll } from '../../src/scenario/thresholds.ts';
import type { ThresholdCondition, ThresholdFigures } from '../../src/scenario/thresholds.ts';

const latency = { min: 1, mean: 20, p50: 18, p75: 25, p90: 40, p95: 60, p99: 240, p999: 900, max: 1200 };
const figures: ThresholdFigures = {
  latencyMs: latency,
  serviceLatencyMs: { ...latency, p99: 30 },
  errorRate: 0.004,
  dropRate: 0,
  achievedRate: 497.5,
  contractViolations: 3,
  contractViolationRate: 0.0002,
};

function condition(expression: string): ThresholdCondition {
  const parsed = parseThreshold(expression);
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed;
}

describe('thresholds', () => {
  it.each([
    ['p99 < 250ms', 240, true],
    ['p99 < 0.2s', 240, false],
    ['p99.9 <= 900ms', 900, true],
    ['service.p99 < 50ms', 30, true],
    ['max < 1s', 1200, false],
    ['errorRate < 1%', 0.004, true],
    ['errorRate < 0.001', 0.004, false],
    ['dropRate == 0', 0, true],
    ['achievedRate >= 495', 497.5, true],
    ['achievedRate > 500/s', 497.5, false],
    ['contractViolations == 0', 3, false],
    ['contractViolations <= 5', 3, true],
    ['contractViolationRate < 0.1%', 0.0002, true],
  ])('%s -> actual %d, passed %s', (expression, actual, passed) => {
    expect(checkThreshold(condition(expression), figures)).toEqual({ actual, passed });
  });

  it.each([
    ['p99 < 250', /not a duration with a unit/],
    ['p42 < 1s', /unknown metric "p42"/],
    ['errorRate < 200%', /not a share/],
    ['p99 250ms', /not "<metric> <operator> <value>"/],
    ['contractViolations < 1%', /not a count of responses/],
  ])('rejects %s with a message saying what is expected', (expression, message) => {
    const parsed = parseThreshold(expression);
    expect('problem' in parsed && parsed.problem).toMatch(message);
  });
});

describe('latency over every scheduled request', () => {
  const summary = { min: 1, mean: 5, p50: 4, p75: 6, p90: 8, p95: 9, p99: 10, p999: 12, max: 15 };
  const statMs = (stat: keyof typeof summary) => summary[stat];
  // A stand-in histogram: the q-th percentile of the answered requests is q/10 ms.
  const percentileMs = (q: number) => q / 10;

  it('is the plain figure when every request was answered', () => {
    expect(latencyOverAll('p99', 1000, 0, statMs, percentileMs)).toBe(10);
    expect(latencyOverAll('max', 1000, 0, statMs, percentileMs)).toBe(15);
  });

  it('counts unanswered requests as infinitely slow', () => {
    // 284 of 300 got no answer: no p99, p50 or even p10 can be read from the 16 answered ones.
    expect(latencyOverAll('p99', 16, 284, statMs, percentileMs)).toBe(Number.POSITIVE_INFINITY);
    expect(latencyOverAll('p50', 16, 284, statMs, percentileMs)).toBe(Number.POSITIVE_INFINITY);
    // 5 of 1,000 unanswered: p99 of all is the answered requests' 99/0.995 = 99.497th percentile.
    expect(latencyOverAll('p99', 995, 5, statMs, percentileMs)).toBeCloseTo(9.9497, 3);
    expect(latencyOverAll('p99', 989, 11, statMs, percentileMs)).toBe(Number.POSITIVE_INFINITY);
    expect(latencyOverAll('max', 999, 1, statMs, percentileMs)).toBe(Number.POSITIVE_INFINITY);
    expect(latencyOverAll('mean', 999, 1, statMs, percentileMs)).toBe(Number.POSITIVE_INFINITY);
    expect(latencyOverAll('min', 999, 1, statMs, percentileMs)).toBe(1);
    expect(latencyOverAll('min', 0, 5, statMs, percentileMs)).toBe(Number.POSITIVE_INFINITY);
  });
});
