import { describe, expect, it } from 'vitest';
import { spectrumSeries } from '../../src/report/spectrum.ts';
import { encodedLatencies } from '../fixtures/runResults.ts';

// 1..10,000 ms, each once: the value at percentile p is p% of 10 s.
const uniform = { encoded: encodedLatencies(Array.from({ length: 10_000 }, (_, i) => i + 1)).encoded, maxMs: 10_000 };

describe('spectrumSeries', () => {
  it('samples 1/(1-p) log-spaced up to the resolution of the data, then the maximum', () => {
    const spectrum = spectrumSeries([uniform]);
    expect(spectrum.inverseTail[0]).toBe(1);
    // 10,000 samples resolve four decades: 1/(1-p) up to 10^4, plus one point for the max.
    expect(spectrum.inverseTail.at(-2)).toBeCloseTo(10_000, 6);
    expect(spectrum.percentiles.at(-1)).toBe(100);
    const at = (x: number) => spectrum.latencyMs[0]![spectrum.inverseTail.findIndex((v) => Math.abs(v - x) < 1e-6)]!;
    // HDR keeps 3 significant digits: within 0.1%.
    expect(at(10)).toBeCloseTo(9000, -1); // 90%
    expect(at(100)).toBeCloseTo(9900, -1); // 99%
    expect(at(1000)).toBeCloseTo(9990, -1); // 99.9%
    expect(spectrum.latencyMs[0]!.at(-1)).toBe(10_000);
    const values = spectrum.latencyMs[0]!;
    expect(values.every((v, i) => i === 0 || v >= values[i - 1]!)).toBe(true);
  });

  it('puts histograms of different sizes on one x axis; the smaller one holds its max in the tail', () => {
    const small = { encoded: encodedLatencies([5, 6, 7, 8, 100]).encoded, maxMs: 100 };
    const spectrum = spectrumSeries([uniform, small]);
    expect(spectrum.latencyMs[1]).toHaveLength(spectrum.inverseTail.length);
    expect(spectrum.latencyMs[1]!.at(-1)).toBeCloseTo(100, 0);
    expect(spectrum.latencyMs[1]!.at(-5)).toBeCloseTo(100, 0);
  });

  it('gives an empty histogram a flat zero line', () => {
    const empty = { encoded: encodedLatencies([]).encoded, maxMs: 0 };
    const spectrum = spectrumSeries([empty]);
    expect(spectrum.inverseTail.length).toBeGreaterThan(1);
    expect(spectrum.latencyMs[0]!.every((v) => v === 0)).toBe(true);
  });
});
