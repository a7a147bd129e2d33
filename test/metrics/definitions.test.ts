import { describe, expect, it } from 'vitest';
import { dropRate, errorRate, latencyOverAll, missingEvidence, thresholdFigure } from '../../src/metrics/definitions.ts';
import type { ScopeFigures } from '../../src/metrics/definitions.ts';
import { parseThreshold, thresholdUnit } from '../../src/scenario/thresholds.ts';
import type { ThresholdMetric } from '../../src/scenario/thresholds.ts';

const summary = { min: 1, mean: 20, p50: 18, p75: 25, p90: 40, p95: 60, p99: 240, p999: 900, max: 1200 };
/** 1,000 requests fell due: 985 answered (4 of them unexpected statuses), 5 timed out, 10 dropped. */
const scope: ScopeFigures = {
  sent: 990,
  dropped: 10,
  unexpected: 9,
  transportErrors: 5,
  answered: 985,
  latency: (clock) => ({
    count: 985,
    statMs: (stat) => (clock === 'service' && stat === 'p99' ? 30 : summary[stat]),
    // A stand-in histogram: the q-th percentile of the answered requests is q ms.
    percentileMs: (q) => q,
  }),
  // 50 connections opened: connect p99 2 ms; TLS handshakes p99 12 ms.
  connectionTime: (timing) => ({ count: 50, statMs: (stat) => (stat === 'p99' ? (timing === 'connect' ? 2 : 12) : 1), percentileMs: () => 1 }),
  achievedRatePerSec: 497.5,
  contract: { checked: 15_000, count: 3, rate: 0.0002 },
};

function figure(expression: string): number {
  const parsed = parseThreshold(expression);
  if ('problem' in parsed) throw new Error(parsed.problem);
  return thresholdFigure(parsed.metric, scope);
}

describe('metric definitions', () => {
  it('judges connection times over the connections opened, with no unanswered requests in them', () => {
    expect(figure('tlsHandshake.p99 < 50ms')).toBe(12);
    expect(figure('connect.p99 < 5ms')).toBe(2);
    expect(thresholdUnit((parseThreshold('tlsHandshake.p99 < 50ms') as { metric: ThresholdMetric }).metric)).toBe('ms');
    expect(
      missingEvidence(
        { kind: 'connectionTime', timing: 'tlsHandshake', stat: 'p99' },
        { ...scope, connectionTime: () => ({ count: 0, statMs: () => 0, percentileMs: () => 0 }) },
      ),
    ).toBe('no TLS handshake was measured');
  });

  it('errorRate is unexpected outcomes per request sent; dropRate is drops per request that fell due', () => {
    expect(errorRate({ sent: 990, unexpected: 9 })).toBe(9 / 990);
    expect(dropRate({ sent: 990, dropped: 10 })).toBe(10 / 1000);
    expect(errorRate({ sent: 0, unexpected: 0 })).toBe(0);
    expect(dropRate({ sent: 0, dropped: 0 })).toBe(0);
  });

  it.each([
    ['errorRate < 1%', 9 / 990],
    ['dropRate < 1%', 0.01],
    ['achievedRate >= 495', 497.5],
    ['contractViolations == 0', 3],
    ['contractViolationRate < 0.1%', 0.0002],
    // 15 of 1,000 unanswered: min is the answered requests' own, p50 of all is their 50/0.985-th percentile.
    ['min < 5ms', 1],
    ['p50 < 100ms', 50 / 0.985],
    ['p99 < 250ms', Number.POSITIVE_INFINITY],
    ['service.p99 < 50ms', Number.POSITIVE_INFINITY],
    ['max < 2s', Number.POSITIVE_INFINITY],
  ])('%s is judged on %d', (expression, expected) => {
    expect(figure(expression)).toBeCloseTo(expected, 9);
  });

  it('latency figures are the answered requests own when every request was answered', () => {
    const answeredAll: ScopeFigures = { ...scope, transportErrors: 0, dropped: 0 };
    const parsed = parseThreshold('service.p99 < 50ms');
    if ('problem' in parsed) throw new Error(parsed.problem);
    expect(thresholdFigure(parsed.metric, answeredAll)).toBe(30);
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
