import { describe, expect, it } from 'vitest';
import { constantSchedule, rampSchedule, replaySchedule } from '../../src/engine/schedule.ts';

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
