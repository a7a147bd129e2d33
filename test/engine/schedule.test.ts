import { describe, expect, it } from 'vitest';
import { constantSchedule, poissonSchedule, rampSchedule, replaySchedule } from '../../src/engine/schedule.ts';
import { WHOLE_RUN, stripeSchedule, within } from '../../src/scale/stripe.ts';
import { seededRandom } from '../../src/util/random.ts';

describe('constantSchedule', () => {
  it('spaces requests evenly: 500/s for 2 s is 1000 requests 2 ms apart', () => {
    const schedule = constantSchedule(500, 2000);
    expect(schedule.count).toBe(1000);
    expect(schedule.dueOffsetMs(0)).toBe(0);
    expect(schedule.dueOffsetMs(1)).toBeCloseTo(2, 9);
    expect(schedule.dueOffsetMs(999)).toBeCloseTo(1998, 9);
  });

  it('puts the fair share in every window (never a burst at the start of a second)', () => {
    const schedule = constantSchedule(500, 2000);
    for (let fromMs = 0; fromMs < 2000; fromMs += 50) expect(schedule.countBetween(fromMs, fromMs + 50)).toBe(25);
    expect(schedule.countBetween(0, 1000)).toBe(500);
    expect(schedule.countBetween(0, 5000)).toBe(1000);
  });
});

describe('rampSchedule', () => {
  it('sends the area under the ramp: 50 -> 500 over 30 s is 8250 requests', () => {
    const schedule = rampSchedule(50, 500, 30_000);
    expect(schedule.count).toBe(8250);
    expect(schedule.countBetween(0, 30_000)).toBe(8250);
  });

  it('starts at the start rate and ends at the end rate', () => {
    const schedule = rampSchedule(50, 500, 30_000);
    expect(schedule.dueOffsetMs(1) - schedule.dueOffsetMs(0)).toBeCloseTo(20, 0);
    const last = schedule.count - 1;
    expect(schedule.dueOffsetMs(last) - schedule.dueOffsetMs(last - 1)).toBeCloseTo(2, 1);
    expect(schedule.countBetween(0, 1000)).toBeGreaterThanOrEqual(56);
    expect(schedule.countBetween(0, 1000)).toBeLessThanOrEqual(58);
    expect(schedule.countBetween(29_000, 30_000)).toBeGreaterThanOrEqual(491);
    expect(schedule.countBetween(29_000, 30_000)).toBeLessThanOrEqual(494);
  });

  it('is increasing and consistent with countBetween, from zero and downwards too', () => {
    for (const [from, to] of [
      [0, 100],
      [300, 10],
    ] as const) {
      const schedule = rampSchedule(from, to, 10_000);
      expect(schedule.count).toBe(Math.floor(((from + to) / 2) * 10));
      let previous = -1;
      for (let i = 0; i < schedule.count; i++) {
        const due = schedule.dueOffsetMs(i);
        expect(due).toBeGreaterThan(previous);
        expect(due).toBeLessThanOrEqual(10_000 + 1e-6);
        previous = due;
      }
      expect(schedule.countBetween(0, schedule.dueOffsetMs(100) + 1e-6)).toBe(101);
    }
  });
});

describe('replaySchedule', () => {
  it('keeps recorded gaps, scaled by speed, from the first row', () => {
    const schedule = replaySchedule([1000, 1000, 1500, 3000], 2);
    expect([0, 1, 2, 3].map((i) => schedule.dueOffsetMs(i))).toEqual([0, 0, 250, 1000]);
    expect(schedule.countBetween(0, 250)).toBe(2);
    expect(schedule.countBetween(0, 1001)).toBe(4);
  });
});

describe('Poisson arrivals', () => {
  // Kolmogorov-Smirnov distance between the sample and the exponential distribution of the rate.
  const ksDistance = (gapsMs: number[], ratePerSec: number) => {
    const sorted = [...gapsMs].sort((a, b) => a - b);
    let distance = 0;
    sorted.forEach((gap, i) => {
      const expected = 1 - Math.exp((-ratePerSec * gap) / 1000);
      distance = Math.max(distance, Math.abs((i + 1) / sorted.length - expected), Math.abs(i / sorted.length - expected));
    });
    return distance;
  };

  it('spaces requests by exponential gaps (Kolmogorov-Smirnov at the 1% level), with Poisson counts per second', () => {
    const schedule = poissonSchedule(200, 200, 60_000, seededRandom(7));
    const due = Array.from({ length: schedule.count }, (_, i) => schedule.dueOffsetMs(i));
    // About 12,000 expected: well within 4 standard deviations (110).
    expect(Math.abs(schedule.count - 12_000)).toBeLessThan(440);
    const gaps = due.slice(1).map((ms, i) => ms - due[i]!);
    // The 1% critical value of the KS statistic is 1.63 / sqrt(n).
    expect(ksDistance(gaps, 200)).toBeLessThan(1.63 / Math.sqrt(gaps.length));
    // Evenly spaced gaps, for contrast, fail the same test by far.
    expect(
      ksDistance(
        gaps.map(() => 5),
        200,
      ),
    ).toBeGreaterThan(0.3);
    // Per second the count's variance is its mean (dispersion index about 1; even spacing has 0).
    const perSecond = Array.from({ length: 60 }, (_, s) => schedule.countBetween(s * 1000, (s + 1) * 1000));
    const mean = perSecond.reduce((a, b) => a + b, 0) / 60;
    const variance = perSecond.reduce((sum, n) => sum + (n - mean) ** 2, 0) / 59;
    expect(variance / mean).toBeGreaterThan(0.5);
    expect(variance / mean).toBeLessThan(1.8);
    expect(perSecond.reduce((a, b) => a + b, 0)).toBe(schedule.count);
  });

  it('follows a ramp: the count in each half matches the ramp', () => {
    const schedule = poissonSchedule(100, 300, 20_000, seededRandom(3));
    // Expected 1,500 in the first 10 s (100 -> 200/s) and 2,500 in the second (200 -> 300/s).
    expect(Math.abs(schedule.countBetween(0, 10_000) - 1500)).toBeLessThan(160);
    expect(Math.abs(schedule.countBetween(10_000, 20_000) - 2500)).toBeLessThan(200);
  });

  it('is the same schedule from the same seed, and its stripes over workers are that one schedule', () => {
    const a = poissonSchedule(500, 500, 5000, seededRandom(42));
    const b = poissonSchedule(500, 500, 5000, seededRandom(42));
    expect(Array.from({ length: a.count }, (_, i) => a.dueOffsetMs(i))).toEqual(Array.from({ length: b.count }, (_, i) => b.dueOffsetMs(i)));
    const stripes = [0, 1, 2].map((w) => stripeSchedule(a, within(WHOLE_RUN, w, 3)));
    const merged = stripes.flatMap((stripe) => Array.from({ length: stripe.count }, (_, i) => stripe.dueOffsetMs(i))).sort((x, y) => x - y);
    expect(merged).toEqual(Array.from({ length: a.count }, (_, i) => a.dueOffsetMs(i)));
    expect(stripes.reduce((sum, stripe) => sum + stripe.countBetween(1000, 2000), 0)).toBe(a.countBetween(1000, 2000));
  });
});
