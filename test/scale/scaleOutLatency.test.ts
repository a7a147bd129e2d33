// One run on 1 process, 2 workers and 3 shards (merged) against one fixed-latency server: one
// schedule, one set of totals, the same latency and evenness. Its latency is compared across three
// runs one after another, so it runs with the suite's timing-sensitive files (vitest.config.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { busiestWindow } from '../fixtures/loggingServer.ts';
import { DURATION_MS, RATE_PER_SEC, splitRuns } from './splitRuns.ts';
import type { Measured } from './splitRuns.ts';

const { scenario, single, sharded } = splitRuns();

describe('one run on 1 process, 2 workers and 3 shards', () => {
  let runs: Record<'one' | 'workers' | 'shards', Measured>;
  beforeAll(async () => {
    const file = scenario('even', 'sequence');
    runs = {
      one: await single(file, 'one'),
      workers: await single(file, 'workers', ['--workers', '2']),
      // Run with few files beside it, a shard process is ready within half a second.
      shards: await sharded(file, 'shards', 3, 2500),
    };
  }, 180_000);

  it('schedules and sends the same requests, at the same rate', () => {
    const { one } = runs;
    expect(one.result.overall.requests.scheduled).toBe((RATE_PER_SEC * DURATION_MS) / 1000);
    for (const split of [runs.workers, runs.shards]) {
      expect(split.result.overall.requests.scheduled).toBe(one.result.overall.requests.scheduled);
      expect(split.result.overall.requests.sent).toBe(one.result.overall.requests.sent);
      expect(split.arrivalsMs.length).toBe(one.arrivalsMs.length);
      expect(split.arrivalsMs.length).toBe(one.result.overall.requests.sent);
      expect(Math.abs(split.result.overall.achievedRate / one.result.overall.achievedRate - 1)).toBeLessThan(0.01);
    }
    expect(runs.workers.result.generators?.rows.map((row) => row.sent)).toEqual([400, 400]);
    expect(runs.shards.result.generators?.rows.map((row) => row.sent)).toEqual([267, 267, 266]);
  });

  // The merge itself is exact (test/merge: the same answers give the same percentiles to the
  // microsecond). What differs here is the machine: three or four processes share 2 cores with the
  // server. Measured alone over 5 runs of 800 requests in 2 s: p50 within 0.4 ms, p90 within 1.2 ms
  // of one process, and as close beside the other timing-sensitive files (4 runs). In 4 s at 200/s,
  // p99 came up to 3.9 ms apart with another test file beside it; with three beside it 11.5 ms, and 12
  // ms alone once the three shards started their connections at one instant. A p99 of 800 requests
  // is their 8 slowest, which one stall of the machine makes; p90 (80 requests) moved 0.1 ms in the
  // same runs. Among the suite's busiest files, p90 came 13 ms apart: so this file runs with the
  // timing-sensitive ones. A merge off by a clock or a schedule moves every percentile by tens of ms.
  it('measures the latency one process measures: p50 within 2 ms, p90 within 5 ms', () => {
    for (const split of [runs.workers, runs.shards]) {
      expect(Math.abs(split.result.overall.latencyMs.p50! - runs.one.result.overall.latencyMs.p50!)).toBeLessThan(2);
      expect(Math.abs(split.result.overall.latencyMs.p90! - runs.one.result.overall.latencyMs.p90!)).toBeLessThan(5);
    }
  });

  // Arrivals are timed by the server in the test process, which a busy machine stalls; a shard 2 s
  // late puts six windows' worth in one.
  it('arrives as evenly as one process: no 200 ms window over 1.5x its share', () => {
    for (const [name, run] of Object.entries(runs)) {
      const { most, share } = busiestWindow(run.arrivalsMs, RATE_PER_SEC);
      expect(most, name).toBeLessThanOrEqual(1.5 * share);
    }
  });

  it('counts the id answered to two generators once, as one process does', () => {
    // dup-a and dup-b (rows 0 and 1) go to different workers and shards, every cycle of the users file.
    const unique = (run: Measured) => run.result.overall.contractViolations?.byKind.find((kind) => kind.rule === 'unique')?.count;
    const repeats = runs.one.authIds.filter((id) => id.startsWith('dup-')).length - 1;
    expect(repeats).toBeGreaterThan(3);
    expect(unique(runs.one)).toBe(repeats);
    expect(unique(runs.workers)).toBe(repeats);
    expect(unique(runs.shards)).toBe(repeats);
  });
});
