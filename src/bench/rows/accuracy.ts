import type { BenchRow } from '../benchRow.ts';
import { percentileOf } from '../benchRow.ts';
import { autocannonArgs } from '../peers.ts';
import { runAutocannonCli, runHarness, startBenchServer } from '../processes.ts';
import { benchScenario } from '../scenarios.ts';
import { LOG_MESSAGE_PATH } from '../../client/schema.ts';
import type { BenchSettings } from './throughput.ts';

const SERVER_DELAY_MS = 20;

/** Row 4: open-model accuracy against a server adding a fixed 20 ms: harness percentiles minus the server's own. */
export async function accuracyRow(settings: BenchSettings, ratesPerSec: number[], durationSec: number): Promise<BenchRow> {
  const server = await startBenchServer({ kind: 'delay', delayMs: SERVER_DELAY_MS });
  try {
    const results: Record<string, { p50: number; p90: number; p99: number; truth: { p50: number; p90: number; p99: number } }> = {};
    for (const rate of ratesPerSec) {
      await server.reset();
      const run = await runHarness(
        benchScenario({ name: `accuracy-${rate}`, url: server.url, phases: [`{ name: steady, duration: ${durationSec}s, rate: ${rate} }`] }),
        settings.workDir,
        `accuracy-${rate}`,
      );
      const { serviceMs } = await server.report();
      const latency = run.result.phases[0]!.latencyMs;
      results[rate] = {
        p50: latency.p50,
        p90: latency.p90,
        p99: latency.p99,
        truth: { p50: percentileOf(serviceMs, 50), p90: percentileOf(serviceMs, 90), p99: percentileOf(serviceMs, 99) },
      };
    }
    const deltas = Object.entries(results).map(([rate, r]) => ({ rate, p50: r.p50 - r.truth.p50, p90: r.p90 - r.truth.p90, p99: r.p99 - r.truth.p99 }));
    const met = deltas.every((d) => d.p50 <= 1 && d.p99 <= 5);
    const show = (ms: number) => `${ms >= 0 ? '+' : ''}${ms.toFixed(2)}`;
    return {
      id: '4',
      name: `open-model accuracy: server adds ${SERVER_DELAY_MS} ms, ${durationSec} s per rate`,
      measured: deltas.map((d) => `${d.rate}/s: p50 ${show(d.p50)} ms, p90 ${show(d.p90)} ms, p99 ${show(d.p99)} ms over the server's own`).join('; '),
      figure: `worst p50 ${show(Math.max(...deltas.map((d) => d.p50)))} ms, p99 ${show(Math.max(...deltas.map((d) => d.p99)))} ms`,
      goal: 'p50 <= +1 ms, p99 <= +5 ms',
      met,
      details: { results, deltas },
    };
  } finally {
    server.stop();
  }
}

/** The p99 a perfect open-model client would report for a stall, computed from the schedule. */
export function scheduledP99Ms(ratePerSec: number, durationSec: number, baseMs: number, stallAfterMs: number, stallForMs: number): number {
  const latencies: number[] = [];
  for (let i = 0; i < ratePerSec * durationSec; i++) {
    const sentMs = (i * 1000) / ratePerSec;
    const dueMs = sentMs + baseMs;
    const stallEndMs = stallAfterMs + stallForMs;
    latencies.push(dueMs >= stallAfterMs && dueMs < stallEndMs ? stallEndMs - sentMs : baseMs);
  }
  return percentileOf(latencies, 99);
}

/** Row 6: coordinated omission: a 1 s pause mid-run at 500 req/s; corrected p99 vs the schedule's, next to autocannon's. */
export async function coordinatedOmissionRow(settings: BenchSettings, durationSec: number): Promise<BenchRow> {
  const rate = 500;
  const base = { delayMs: 2, stallAfterMs: Math.round((durationSec * 1000) / 2), stallForMs: 1000 };
  const server = await startBenchServer({ kind: 'stall', ...base });
  try {
    const run = await runHarness(
      benchScenario({ name: 'stall', url: server.url, phases: [`{ name: steady, duration: ${durationSec}s, rate: ${rate} }`] }),
      settings.workDir,
      'stall',
    );
    const harnessP99 = run.result.phases[0]!.latencyMs.p99;
    const serviceP99 = run.result.phases[0]!.serviceLatencyMs.p99;
    const expectedP99 = scheduledP99Ms(rate, durationSec, base.delayMs, base.stallAfterMs, base.stallForMs);
    await server.reset();
    const cannon = await runAutocannonCli([
      ...autocannonArgs(),
      '-c',
      '50',
      '--overallRate',
      String(rate),
      '-d',
      String(durationSec),
      server.url + LOG_MESSAGE_PATH,
    ]);
    const error = harnessP99 / expectedP99 - 1;
    return {
      id: '6',
      name: `coordinated omission: 1 s pause mid-run at ${rate} req/s, ${durationSec} s`,
      measured: `harness corrected p99 ${harnessP99.toFixed(1)} ms (service time p99 ${serviceP99.toFixed(1)} ms) vs ${expectedP99.toFixed(1)} ms from the schedule; autocannon --overallRate p99 ${cannon.latency.p99} ms`,
      figure: `${error >= 0 ? '+' : ''}${(error * 100).toFixed(1)}%`,
      goal: 'within 10%',
      met: Math.abs(error) <= 0.1,
      details: { harnessP99, serviceP99, expectedP99, autocannonP99: cannon.latency.p99 },
    };
  } finally {
    server.stop();
  }
}
