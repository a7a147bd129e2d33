import { describe, expect, it } from 'vitest';
import { constantSchedule } from '../../src/engine/schedule.ts';
import { percentile, startDelayServer } from '../fixtures/delayServer.ts';
import { always, runEngine } from '../fixtures/engineHarness.ts';

describe('open model against a server with a fixed 20 ms delay', () => {
  it('measures latency from the scheduled send within +1 ms of the server-side truth at p50', async () => {
    const server = await startDelayServer({ delayMs: 20 });
    try {
      const { samples, sentMs, dropped } = await runEngine(server.url, [
        { model: 'open', name: 'steady', durationMs: 3000, schedule: constantSchedule(200, 3000), maxConnections: 50, requests: always },
      ]);
      expect(samples).toHaveLength(600);
      expect(dropped).toEqual([]);
      expect(samples.every((s) => s.status === 200)).toBe(true);
      const correctedP50 = percentile(
        samples.map((s) => s.doneMs - s.scheduledMs),
        50,
      );
      const truthP50 = percentile(server.serviceTimesMs, 50);
      expect(truthP50).toBeGreaterThanOrEqual(20);
      expect(correctedP50).toBeGreaterThanOrEqual(truthP50);
      expect(correctedP50 - truthP50).toBeLessThan(1);

      // Requests leave evenly: no 100 ms window holds more than 1.5x its fair share of 20.
      const first = Math.min(...sentMs);
      const windows = new Map<number, number>();
      for (const ms of sentMs) windows.set(Math.floor((ms - first) / 100), (windows.get(Math.floor((ms - first) / 100)) ?? 0) + 1);
      expect(Math.max(...windows.values())).toBeLessThanOrEqual(30);
    } finally {
      await server.close();
    }
  });
});

describe('coordinated omission', () => {
  it('shows a 1 s server stall in the corrected p99 while service time understates it', async () => {
    const server = await startDelayServer({ delayMs: 2, stall: { atMs: 1000, forMs: 1000 } });
    try {
      const { samples } = await runEngine(server.url, [
        { model: 'open', name: 'steady', durationMs: 3000, schedule: constantSchedule(200, 3000), maxConnections: 4, requests: always },
      ]);
      expect(samples).toHaveLength(600);
      const correctedP99 = percentile(
        samples.map((s) => s.doneMs - s.scheduledMs),
        99,
      );
      const serviceP99 = percentile(
        samples.map((s) => s.doneMs - s.sentMs),
        99,
      );
      // About 200 requests were due during the stall: the worst waited the full second.
      expect(correctedP99).toBeGreaterThan(800);
      expect(
        percentile(
          samples.map((s) => s.doneMs - s.scheduledMs),
          90,
        ),
      ).toBeGreaterThan(300);
      expect(serviceP99).toBeLessThan(correctedP99 / 4);
    } finally {
      await server.close();
    }
  });
});

describe('closed model', () => {
  it('keeps exactly N requests in flight and never more', async () => {
    const server = await startDelayServer({ delayMs: 10 });
    try {
      const { samples } = await runEngine(server.url, [{ model: 'closed', name: 'push', durationMs: 1000, connections: 3, requests: always }]);
      expect(server.maxConcurrent).toBe(3);
      // 3 connections x ~10 ms per request for 1 s is about 300 requests.
      expect(samples.length).toBeGreaterThan(150);
      expect(samples.length).toBeLessThan(310);
      // A closed model's request is due when it is sent: no queue, so nothing to correct. The
      // margin is a scheduler's stall between two clock reads, not a wait for a connection (a
      // request due at the phase start and sent after an answer would be 10 ms or more late).
      const lateMs = samples.map((s) => s.sentMs - s.scheduledMs);
      expect(Math.min(...lateMs)).toBeGreaterThanOrEqual(0);
      expect(lateMs.filter((ms) => ms >= 5).length).toBeLessThanOrEqual(2);
    } finally {
      await server.close();
    }
  });
});

describe('abort', () => {
  it('stops sending, keeps what was measured and resolves as aborted', async () => {
    const server = await startDelayServer({ delayMs: 5 });
    try {
      const { run, samples, dropped } = await runEngine(
        server.url,
        [{ model: 'open', name: 'steady', durationMs: 10_000, schedule: constantSchedule(100, 10_000), maxConnections: 10, requests: always }],
        { abortAfterMs: 1000 },
      );
      expect(run.aborted).toBe(true);
      expect(run.endMs - run.startMs).toBeLessThan(2500);
      expect(samples.length).toBeGreaterThan(80);
      expect(samples.length).toBeLessThan(130);
      expect(dropped.every((reason) => reason === 'aborted')).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('counts every request waiting for a connection at the abort as dropped (aborted), so due = sent + dropped', async () => {
    const server = await startDelayServer({ delayMs: 2000 });
    try {
      // 100/s on one connection whose answer takes 2 s: after 500 ms, 1 request is in flight and about 49 wait.
      const { run, samples, sentMs, dropped } = await runEngine(
        server.url,
        [{ model: 'open', name: 'steady', durationMs: 10_000, schedule: constantSchedule(100, 10_000), maxConnections: 1, requests: always }],
        { abortAfterMs: 500 },
      );
      expect(run.aborted).toBe(true);
      expect(sentMs).toHaveLength(1);
      expect(samples.map((sample) => sample.error)).toEqual(['aborted']);
      expect(dropped.length).toBeGreaterThan(40);
      expect(dropped.every((reason) => reason === 'aborted')).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('drops requests that waited longer than maxQueueMs for a connection, counting each', async () => {
    const server = await startDelayServer({ delayMs: 400 });
    try {
      const { samples, dropped } = await runEngine(
        server.url,
        [{ model: 'open', name: 'steady', durationMs: 1000, schedule: constantSchedule(100, 1000), maxConnections: 2, requests: always }],
        { maxQueueMs: 300 },
      );
      expect(samples.length + dropped.length).toBe(100);
      expect(dropped.length).toBeGreaterThan(80);
      expect(dropped.every((reason) => reason === 'queueTimeout')).toBe(true);
    } finally {
      await server.close();
    }
  });
});

describe('samples', () => {
  it('have the same fields in the same order whether answered, timed out or aborted', async () => {
    // Answers stop after 300 ms: requests sent then time out after 1 s, and those sent in the last second are still
    // in flight when the abort's 500 ms grace ends.
    const server = await startDelayServer({ delayMs: 5, stall: { atMs: 300, forMs: 10_000 } });
    try {
      const { samples } = await runEngine(
        server.url,
        [{ model: 'open', name: 'steady', durationMs: 10_000, schedule: constantSchedule(20, 10_000), maxConnections: 50, requests: always }],
        { timeoutMs: 1000, abortAfterMs: 1500 },
      );
      const kinds = new Set(samples.map((s) => s.error ?? s.status));
      expect(kinds).toEqual(new Set([200, 'timeout', 'aborted']));
      // One hidden class for every sample keeps the code reading them monomorphic (see sampleOf).
      const fieldOrders = new Set(samples.map((s) => Object.keys(s).join(',')));
      expect([...fieldOrders]).toEqual(['phaseIndex,scheduledMs,sentMs,doneMs,waitingMs,status,error,errorReason,request,responseBody,responseHeaders']);
    } finally {
      await server.close();
    }
  });
});
