import { describe, expect, it } from 'vitest';
import { alternate, pairedRatio, percentileOf, spread } from '../../src/bench/benchRow.ts';
import { scheduledP99Ms } from '../../src/bench/rows/accuracy.ts';
import { fidelityOf } from '../../src/bench/rows/rateFidelity.ts';
import { rssGrowthMbPerMin } from '../../src/bench/rows/ceiling.ts';
import { parseStraceSummary } from '../../src/bench/rows/wrkCeiling.ts';

describe('bench arithmetic', () => {
  it('takes medians and ranges, and ratios pair by pair', () => {
    expect(spread([3, 1, 2])).toMatchObject({ median: 2, min: 1, max: 3 });
    expect(spread([4, 1, 2, 3]).median).toBe(2.5);
    // A slow spell that hits one pair (both runs halved) does not move the ratio.
    expect(pairedRatio([90, 45, 90], [100, 50, 100])).toMatchObject({ median: 0.9, min: 0.9, max: 0.9 });
    expect(percentileOf([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentileOf([5, 1, 4, 2, 3], 100)).toBe(5);
  });

  it('runs A and B in ABBA order, so a steady drift favours neither', async () => {
    // A machine that gets 1% slower with every run; A and B are the same work.
    let runIndex = 0;
    const order: string[] = [];
    const run = (name: string) => async () => {
      order.push(name);
      return 100 * (1 - 0.01 * runIndex++);
    };
    const runs = await alternate(4, run('A'), run('B'));
    expect(order.join('')).toBe('ABBAABBA');
    const ratios = pairedRatio(runs.a, runs.b).runs;
    // Pairs lean one way, then the other; their median is the true ratio, 1.
    expect(ratios[0]).toBeGreaterThan(1);
    expect(ratios[1]).toBeLessThan(1);
    expect(spread(ratios).median).toBeCloseTo(1, 3);
  });

  it('computes the p99 a perfect client reports for a stall from the schedule alone', () => {
    // 500/s for 10 s, a 1 s pause at 5 s: 500 of 5,000 requests wait up to 1 s; the top 1% wait 0.9-1 s.
    expect(scheduledP99Ms(500, 10, 2, 5000, 1000)).toBeCloseTo(902, 0);
    expect(scheduledP99Ms(500, 10, 2, 20_000, 1000)).toBe(2);
  });

  it('measures rate fidelity and evenness from arrival times', () => {
    const even = Array.from({ length: 1000 }, (_, i) => 1_000_000 + i);
    expect(fidelityOf(even, 1000, 1)).toEqual({ achievedShare: 1, busiestWindowShare: 1 });
    // The same 1,000 requests sent 100 at a time every 100 ms: every other 50 ms window holds 2x its share.
    const bursty = Array.from({ length: 1000 }, (_, i) => 1_000_000 + Math.floor(i / 100) * 100);
    expect(fidelityOf(bursty, 1000, 1).busiestWindowShare).toBe(2);
    expect(fidelityOf(even.slice(0, 990), 1000, 1).achievedShare).toBeCloseTo(0.99, 5);
  });
});

describe('rssGrowthMbPerMin (row 8)', () => {
  it('is the slope after the warm-up minute, in MB per minute', () => {
    // 500 ms samples: a steep first minute (the heap finding its size), then +0.5 MB a minute.
    const samples = [...Array.from({ length: 120 }, (_, i) => 50 + i), ...Array.from({ length: 600 }, (_, i) => 170 + (i * 0.5) / 120)];
    const growth = rssGrowthMbPerMin(samples, 500);
    expect(growth.mbPerMin).toBeCloseTo(0.5, 6);
    expect(growth.fromMb).toBe(170);
  });

  it('leaves out the first fifth of a run shorter than five minutes, and is flat for a flat run', () => {
    const flat = rssGrowthMbPerMin([10, 90, 90, 90, 90, 90, 90, 90, 90, 90], 500);
    expect(flat.mbPerMin).toBe(0);
    expect(rssGrowthMbPerMin([40], 500).mbPerMin).toBe(0);
  });
});

describe('parseStraceSummary (row K)', () => {
  it('reads each system call and its count from strace -c, with or without an errors column, leaving out the total', () => {
    const text = [
      '% time     seconds  usecs/call     calls    errors syscall',
      '------ ----------- ----------- --------- --------- ----------------',
      ' 61.20    0.812345           3    250000           writev',
      ' 30.02    0.398765           1    240000     12000 read',
      '  0.00    0.000000           0         7           epoll_pwait2',
      '------ ----------- ----------- --------- --------- ----------------',
      '100.00    1.211110           2    490007     12000 total',
    ].join('\n');
    expect(parseStraceSummary(text)).toEqual([
      { name: 'writev', calls: 250000 },
      { name: 'read', calls: 240000 },
      { name: 'epoll_pwait2', calls: 7 },
    ]);
  });
});
