import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS_SECONDS } from '../../src/outputs/liveSeries.ts';
import { LatencyHistogram } from '../../src/metrics/histogram.ts';
import type { LiveFigures } from '../../src/outputs/liveSeries.ts';
import { prometheusOutputs } from '../../src/outputs/outputSchema.ts';
import { PrometheusOutput } from '../../src/outputs/prometheusOutput.ts';
import { decodeWriteRequest, encodeWriteRequest } from '../../src/outputs/remoteWriteCodec.ts';
import type { SeriesSample } from '../../src/outputs/remoteWriteCodec.ts';

/** A receiver on 127.0.0.1: `answer` decides what each push gets; every body it took is decoded. */
async function receiver(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const pushes: SeriesSample[][] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      pushes.push(decodeWriteRequest(Buffer.concat(chunks)));
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`,
    pushes,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** `ok` answers of 4 ms each. */
function figures(ok: number): LiveFigures {
  const cumulativeCounts = LATENCY_BUCKETS_SECONDS.map((bound) => (bound >= 0.004 ? ok : 0));
  const latency = { cumulativeCounts, count: ok, sumSeconds: ok * 0.004 };
  return {
    phases: [{ name: 'peak', outcomes: { ok }, dropped: { queueTimeout: 0 }, violatingResponses: 0, violations: [], latency }],
    currentPhase: 'peak',
    inFlight: 2,
    openConnections: 3,
    targetPerSec: 100,
    achievedPerSec: 99,
    searchTrialPerSec: null,
  };
}

const settings = (url: string) => ({ url, interval: 1000, labels: { team: 'sre' }, headers: { authorization: 'Bearer t0ken' } });
const common = { scenario: 's', run_id: 'r1', generator: 'main' };
const seriesValue = (push: SeriesSample[], name: string, labels: Record<string, string> = {}) =>
  push.find((sample) => sample.labels.__name__ === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))?.value;

describe('remote write', () => {
  it('encodes a WriteRequest that decodes to the same samples', () => {
    const samples: SeriesSample[] = [
      { labels: { __name__: 'logmsg_requests_total', phase: 'peak', outcome: 'ok' }, value: 42, timestampMs: 1_796_000_000_123 },
      { labels: { __name__: 'logmsg_in_flight_requests', phase: 'peak' }, value: 0.5, timestampMs: 1_796_000_000_123 },
    ];
    expect(decodeWriteRequest(encodeWriteRequest(samples))).toEqual(samples);
  });

  it('buckets latency 20 to a decade from 1 ms to 10 s, none wider than 12.3% of its bound', () => {
    expect(LATENCY_BUCKETS_SECONDS).toHaveLength(81);
    expect(LATENCY_BUCKETS_SECONDS[0]).toBe(0.001);
    expect(LATENCY_BUCKETS_SECONDS.at(-1)).toBe(10);
    for (let i = 1; i < LATENCY_BUCKETS_SECONDS.length; i++) {
      expect(1 - LATENCY_BUCKETS_SECONDS[i - 1]! / LATENCY_BUCKETS_SECONDS[i]!).toBeLessThanOrEqual(0.123);
    }
    // Counted from HdrHistogram at push time: at or below each bound, to its resolution.
    const histogram = LatencyHistogram.create();
    for (const us of [500, 1000, 1001, 1130, 20_000_000]) histogram.recordUs(us);
    expect(histogram.countsAtOrBelowUs([1000, 1120, 1130, 10_000_000])).toEqual([2, 3, 4, 4]);
    expect(LatencyHistogram.create().countsAtOrBelowUs([1000])).toEqual([0]);
    histogram.destroy();
  });

  it("pushes the source's series with every label and the receiver's headers; counters carry on from one tracked run to the next", async () => {
    const headers: string[] = [];
    const sink = await receiver((req, res) => {
      headers.push(`${req.headers['content-encoding']} ${req.headers['content-type']} ${req.headers.authorization}`);
      res.writeHead(204).end();
    });
    try {
      const output = new PrometheusOutput(settings(sink.url), common);
      output.track(() => figures(10))();
      output.track(() => figures(5));
      const report = await output.close();
      expect(report).toEqual({ url: sink.url, pushes: 1, failed: 0, lastError: null, missingMs: 0, finalDelivered: true });
      const final = sink.pushes.at(-1)!;
      expect(seriesValue(final, 'logmsg_requests_total', { outcome: 'ok' })).toBe(15);
      expect(seriesValue(final, 'logmsg_request_duration_seconds_count')).toBe(15);
      expect(seriesValue(final, 'logmsg_request_duration_seconds_bucket', { le: '0.00447' })).toBe(15);
      expect(seriesValue(final, 'logmsg_request_duration_seconds_bucket', { le: '0.00398' })).toBe(0);
      for (const sample of final) expect(sample.labels).toMatchObject({ scenario: 's', run_id: 'r1', generator: 'main', team: 'sre', phase: 'peak' });
      expect(headers).toEqual(['snappy application/x-protobuf Bearer t0ken']);
    } finally {
      await sink.close();
    }
  });

  it('never holds the process up: a receiver that does not answer costs its pushes, not the event loop, and the final push gives up in time', async () => {
    const sink = await receiver(() => {});
    try {
      const output = new PrometheusOutput(settings(sink.url), common);
      output.track(() => figures(1));
      let worstLagMs = 0;
      let last = performance.now();
      const probe = setInterval(() => {
        const now = performance.now();
        worstLagMs = Math.max(worstLagMs, now - last - 10);
        last = now;
      }, 10);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      clearInterval(probe);
      const started = performance.now();
      const report = await output.close();
      expect(performance.now() - started).toBeLessThan(6000);
      expect(report.finalDelivered).toBe(false);
      // Every push sent failed (one waiting when the run ended was never sent: the final push carries its counters).
      expect(report.failed).toBeGreaterThanOrEqual(2);
      expect(report.failed).toBe(report.pushes);
      expect(report.missingMs).toBe(report.failed * 1000);
      // Generous for a busy 2-core machine: a blocked loop would show whole seconds.
      expect(worstLagMs).toBeLessThan(200);
    } finally {
      await sink.close();
    }
  });

  it('does not retry a push the receiver refuses (400), and says why', async () => {
    const sink = await receiver((_req, res) => res.writeHead(400).end('out of order sample'));
    try {
      const output = new PrometheusOutput(settings(sink.url), common);
      output.track(() => figures(1));
      const report = await output.close();
      expect(sink.pushes).toHaveLength(1);
      expect(report).toMatchObject({ pushes: 1, failed: 1, lastError: 'HTTP 400: out of order sample', finalDelivered: false });
    } finally {
      await sink.close();
    }
  });
});

describe('prometheusOutputs', () => {
  it("takes --output URLs in place of the scenario's, keeping its interval, labels and headers", () => {
    const scenario = { prometheus: { url: 'http://a:9090/api/v1/write', interval: 2000, labels: { team: 'x' }, headers: {} } };
    expect(prometheusOutputs(scenario, []).outputs).toEqual([scenario.prometheus]);
    expect(prometheusOutputs(scenario, ['prometheus=http://b/w', 'prometheus=https://c/w']).outputs).toEqual([
      { ...scenario.prometheus, url: 'http://b/w' },
      { ...scenario.prometheus, url: 'https://c/w' },
    ]);
    expect(prometheusOutputs({}, ['prometheus=http://b/w']).outputs).toEqual([{ url: 'http://b/w', interval: 5000, labels: {}, headers: {} }]);
    expect(prometheusOutputs({}, ['influx=http://b', 'prometheus=ftp://x']).problems).toEqual([
      '--output influx=http://b: expected prometheus=URL (the only output so far), e.g. --output prometheus=http://127.0.0.1:9090/api/v1/write',
      '--output prometheus=ftp://x: an http(s) URL of a remote-write receiver, e.g. http://prometheus:9090/api/v1/write',
    ]);
  });
});
