import { describe, expect, it } from 'vitest';
import { latencyProfileSchema } from '../../src/mock/behaviour.ts';
import { latencySampler } from '../../src/mock/latency.ts';
import { seededRandom } from '../../src/util/random.ts';
import { percentile } from '../fixtures/delayServer.ts';

const SAMPLES = 100_000;

function draw(profile: unknown, seed = 11): number[] {
  const sample = latencySampler(latencyProfileSchema.parse(profile), seededRandom(seed));
  return Array.from({ length: SAMPLES }, sample);
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('latency profiles (100k draws, fixed seed)', () => {
  it('fixed: always the value', () => {
    expect(new Set(draw('20ms'))).toEqual(new Set([20]));
    expect(new Set(draw({ fixed: '1.5s' }))).toEqual(new Set([1500]));
  });

  it('uniform: within the range, flat', () => {
    const values = draw({ uniform: ['10ms', '30ms'] });
    expect(Math.min(...values)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...values)).toBeLessThanOrEqual(30);
    expect(mean(values)).toBeCloseTo(20, 0);
    expect(percentile(values, 25)).toBeCloseTo(15, 0);
  });

  it('normal: mean and standard deviation, never negative', () => {
    const values = draw({ normal: { mean: '40ms', stddev: '10ms' } });
    expect(mean(values)).toBeCloseTo(40, 0);
    const sd = Math.sqrt(mean(values.map((v) => (v - 40) ** 2)));
    expect(sd).toBeGreaterThan(9.7);
    expect(sd).toBeLessThan(10.3);
    expect(Math.min(...draw({ normal: { mean: '5ms', stddev: '10ms' } }))).toBe(0);
  });

  it('lognormal: the given median and p99', () => {
    const values = draw({ lognormal: { median: '40ms', p99: '250ms' } });
    expect(percentile(values, 50) / 40).toBeGreaterThan(0.97);
    expect(percentile(values, 50) / 40).toBeLessThan(1.03);
    expect(percentile(values, 99) / 250).toBeGreaterThan(0.94);
    expect(percentile(values, 99) / 250).toBeLessThan(1.06);
  });

  it('percentile table: reproduces each given percentile', () => {
    const values = draw({ percentiles: { p50: '40ms', p90: '90ms', p99: '250ms', max: '400ms' } });
    // Within 5%: where the table is steep, a 0.1% rank error moves the value by a few ms.
    for (const [p, expected] of [
      [50, 40],
      [90, 90],
      [99, 250],
    ] as const) {
      expect(percentile(values, p) / expected).toBeGreaterThan(0.95);
      expect(percentile(values, p) / expected).toBeLessThan(1.05);
    }
    expect(Math.max(...values)).toBeLessThanOrEqual(400);
  });

  it('replays exactly under the same seed', () => {
    expect(draw({ lognormal: { median: '10ms', p99: '80ms' } }, 5).slice(0, 50)).toEqual(draw({ lognormal: { median: '10ms', p99: '80ms' } }, 5).slice(0, 50));
  });

  it('rejects malformed profiles with a reason', () => {
    expect(latencyProfileSchema.safeParse({ uniform: ['30ms', '10ms'] }).success).toBe(false);
    expect(latencyProfileSchema.safeParse({ percentiles: { p50: '90ms', p90: '40ms' } }).success).toBe(false);
    expect(latencyProfileSchema.safeParse({ percentiles: { median: '40ms' } }).success).toBe(false);
    expect(latencyProfileSchema.safeParse({ lognormal: { median: '40ms', p99: '20ms' } }).success).toBe(false);
  });
});
