import { describe, expect, it } from 'vitest';
import { hgrmText } from '../../src/report/hgrm.ts';
import { syntheticRun } from '../fixtures/runResults.ts';

describe('latency.hgrm', () => {
  it("is HdrHistogram's percentile distribution in milliseconds, readable by its plotter", () => {
    const text = hgrmText(syntheticRun({ latenciesMs: Array.from({ length: 1000 }, (_, i) => i + 1) }));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^\s*Value\s+Percentile\s+TotalCount\s+1\/\(1-Percentile\)\s*$/);
    const rows = lines.filter((line) => /^\s*\d+\.\d+\s+\d\.\d+\s+\d+(\s+(\d+\.\d+|Infinity))?\s*$/.test(line));
    expect(rows.length).toBeGreaterThan(20);
    const first = rows[0]!.trim().split(/\s+/).map(Number);
    const last = rows.at(-1)!.trim().split(/\s+/);
    // Values are ms (1 ms .. 1000 ms), the count ends at every sample.
    expect(first[0]).toBeCloseTo(1, 1);
    expect(Number(last[0])).toBeCloseTo(1000, -1);
    expect(last[1]).toBe('1.000000000000');
    expect(last[2]).toBe('1000');
    expect(text).toMatch(/#\[Mean\s+=\s+500\.\d+, StdDeviation\s+=\s+[\d.]+\]/);
    expect(text).toMatch(/#\[Max\s+=\s+1000\.\d+, Total count\s+=\s+1000\]/);
    expect(text).toMatch(/#\[Buckets\s+=\s+\d+, SubBuckets\s+=\s+\d+\]/);
  });
});
