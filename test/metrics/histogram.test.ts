import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/metrics/histogram.ts';

/** 1 µs .. 100,000 µs, one of each: every percentile is known exactly. */
function uniformTo100Ms(): LatencyHistogram {
  const histogram = LatencyHistogram.create();
  for (let us = 1; us <= 100_000; us++) histogram.recordUs(us);
  return histogram;
}

describe('LatencyHistogram', () => {
  it('gives percentiles within its 3 significant digits, never above the maximum', () => {
    const histogram = uniformTo100Ms();
    const summary = histogram.summaryMs();
    expect(histogram.count).toBe(100_000);
    expect(summary.min).toBe(0.001);
    expect(summary.max).toBeCloseTo(100, 0);
    expect(summary.mean).toBeCloseTo(50, 0);
    for (const [value, exactMs] of [
      [summary.p50, 50],
      [summary.p90, 90],
      [summary.p99, 99],
      [summary.p999, 99.9],
    ] as const) {
      expect(Math.abs(value - exactMs) / exactMs).toBeLessThan(0.001);
    }
    expect(histogram.atPercentilesMs([50, 100])).toEqual([summary.p50, summary.max]);
    // One value: HDR's bucket top would be above it; every figure is the value itself.
    const single = LatencyHistogram.create();
    single.recordUs(1234.4);
    expect(single.atPercentilesMs([50, 99, 100])).toEqual([1.234, 1.234, 1.234]);
    expect(single.summaryMs()).toMatchObject({ min: 1.234, p50: 1.234, p999: 1.234, max: 1.234 });
  });

  it('records whole microseconds, at least 1, and clamps past one hour', () => {
    const histogram = LatencyHistogram.create();
    histogram.recordUs(0);
    histogram.recordUs(-5);
    histogram.recordUs(1e12);
    expect(histogram.count).toBe(3);
    expect(histogram.percentileUs(50)).toBe(1);
    expect(Math.abs(histogram.summaryMs().max - 3_600_000) / 3_600_000).toBeLessThan(0.001);
  });

  it('is all zeros when empty', () => {
    const empty = LatencyHistogram.create();
    expect(empty.percentileUs(99)).toBe(0);
    expect(empty.atPercentilesMs([50, 99])).toEqual([0, 0]);
    expect(Object.values(empty.summaryMs()).every((value) => value === 0)).toBe(true);
  });

  it('survives encoding, merges, and keeps growing after a decode', () => {
    const original = uniformTo100Ms();
    const decoded = LatencyHistogram.decode(original.encode());
    expect(decoded.count).toBe(original.count);
    // The encoding keeps buckets, not the exact maximum: it comes back as its bucket's top.
    const { max: decodedMaxMs, ...decodedRest } = decoded.summaryMs();
    const { max: originalMaxMs, ...originalRest } = original.summaryMs();
    expect(decodedRest).toEqual(originalRest);
    expect(decodedMaxMs).toBeGreaterThanOrEqual(originalMaxMs);
    expect((decodedMaxMs - originalMaxMs) / originalMaxMs).toBeLessThan(0.001);
    // A decoded histogram is resizable again: a value far above anything it held is kept.
    decoded.recordUs(50_000_000);
    expect(decoded.count).toBe(100_001);
    expect(decoded.summaryMs().max).toBeCloseTo(50_000, -2);
    const merged = LatencyHistogram.create();
    merged.add(original);
    merged.add(decoded);
    expect(merged.count).toBe(200_001);
    expect(merged.summaryMs().p50).toBeCloseTo(original.summaryMs().p50, 1);
    expect(() => LatencyHistogram.decode('not a histogram')).toThrow();
  });

  it('writes the .hgrm percentile distribution in milliseconds', () => {
    const text = uniformTo100Ms().percentileDistributionMs();
    expect(text).toMatch(/^\s+Value\s+Percentile\s+TotalCount\s+1\/\(1-Percentile\)/);
    expect(text).toMatch(/#\[Max\s+=\s+100\.\d+, Total count\s+=\s+100000\]/);
  });
});
