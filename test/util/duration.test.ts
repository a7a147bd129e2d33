import { describe, expect, it } from 'vitest';
import { formatDurationMs, parseDurationMs } from '../../src/util/duration.ts';

describe('parseDurationMs', () => {
  it('reads every unit, and nothing else', () => {
    expect(parseDurationMs('500us')).toBe(0.5);
    expect(parseDurationMs('500µs')).toBe(0.5);
    expect(parseDurationMs('250ms')).toBe(250);
    expect(parseDurationMs(' 1.5s ')).toBe(1500);
    expect(parseDurationMs('2m')).toBe(120_000);
    expect(parseDurationMs('1h')).toBe(3_600_000);
    for (const bad of ['', '10', 's', '-1s', '1.s', '1 d', '1e3ms']) expect(parseDurationMs(bad)).toBeUndefined();
  });
});

describe('formatDurationMs', () => {
  it('picks the unit that reads best', () => {
    expect(formatDurationMs(0.578)).toBe('578µs');
    expect(formatDurationMs(12.19)).toBe('12.19ms');
    expect(formatDurationMs(20)).toBe('20ms');
    expect(formatDurationMs(336.4)).toBe('336ms');
    expect(formatDurationMs(4200)).toBe('4.2s');
    expect(formatDurationMs(125_000)).toBe('2m05s');
    expect(formatDurationMs(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });

  it('moves up a unit when rounding reaches it', () => {
    expect(formatDurationMs(0.9996)).toBe('1ms');
    expect(formatDurationMs(999.6)).toBe('1s');
    expect(formatDurationMs(59_999)).toBe('1m00s');
    expect(formatDurationMs(59_994)).toBe('59.99s');
  });
});
