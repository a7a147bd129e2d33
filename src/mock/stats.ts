import { z } from 'zod';
import { LatencyHistogram, latencySummarySchema } from '../metrics/histogram.ts';

/** What `GET /__mock/stats` returns: counters since start (or the last reset) and service time. */
export const mockStatsSchema = z.object({
  requests: z.number().int(),
  statusCounts: z.record(z.string(), z.number().int()),
  injected: z.object({ errors: z.number().int(), resets: z.number().int(), hangs: z.number().int(), rateLimited: z.number().int(), stalled: z.number().int() }),
  serviceTimeMs: latencySummarySchema,
  serviceTimeHistogram: z.string(),
});
export type MockStats = z.infer<typeof mockStatsSchema>;

/** Mutable counters of one mock server. */
export class MockStatsRecorder {
  requests = 0;
  statusCounts = new Map<number, number>();
  injected = { errors: 0, resets: 0, hangs: 0, rateLimited: 0, stalled: 0 };
  #serviceTime = LatencyHistogram.create();

  /** Counts an answered request and its server-side service time. */
  recordAnswer(status: number, serviceTimeUs: number): void {
    this.statusCounts.set(status, (this.statusCounts.get(status) ?? 0) + 1);
    this.#serviceTime.recordUs(serviceTimeUs);
  }

  /** A snapshot, as served on the stats endpoint. */
  snapshot(): MockStats {
    return {
      requests: this.requests,
      statusCounts: Object.fromEntries([...this.statusCounts].map(([status, count]) => [String(status), count])),
      injected: { ...this.injected },
      serviceTimeMs: this.#serviceTime.summaryMs(),
      serviceTimeHistogram: this.#serviceTime.encode(),
    };
  }

  /** Starts counting afresh. */
  reset(): void {
    this.requests = 0;
    this.statusCounts.clear();
    this.injected = { errors: 0, resets: 0, hangs: 0, rateLimited: 0, stalled: 0 };
    this.#serviceTime.destroy();
    this.#serviceTime = LatencyHistogram.create();
  }
}
