import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { BenchRow, Spread } from '../benchRow.ts';
import { formatSpread, percentileOf, spread } from '../benchRow.ts';
import { autocannonArgs } from '../peers.ts';
import { runAutocannonCli, runHarness, startBenchServer } from '../processes.ts';
import { benchScenario } from '../scenarios.ts';
import { LOG_MESSAGE_PATH } from '../../client/schema.ts';
import type { BenchSettings } from './throughput.ts';

const SERVER_DELAY_MS = 20;

/** CPU time the hypervisor gave other guests (steal), in seconds over every core, from /proc/stat. */
async function stealSec(): Promise<number | null> {
  const stat = await readFile('/proc/stat', 'utf8').catch(() => undefined);
  const fields = stat?.split('\n')[0]?.trim().split(/\s+/);
  // cpu user nice system idle iowait irq softirq steal ...: steal is the 8th number, in USER_HZ (100/s).
  return fields && fields.length > 8 ? Number(fields[8]) / 100 : null;
}

interface AccuracyRun {
  p50: number;
  p90: number;
  p99: number;
  truth: { p50: number; p90: number; p99: number };
  /** Steal time during the run, as a share of the run's wall time over all cores: the machine's noise. */
  stealShare: number | null;
}

/**
 * Row 4: open-model accuracy against a server adding a fixed 20 ms: harness percentiles minus the
 * server's own, `repetitions` runs per rate; judged on the median run, shown with its spread and
 * with the hypervisor's steal time of each run (a noisy neighbour shows there, not in our code).
 */
export async function accuracyRow(settings: BenchSettings, ratesPerSec: number[], durationSec: number): Promise<BenchRow> {
  const server = await startBenchServer({ kind: 'delay', delayMs: SERVER_DELAY_MS });
  try {
    const runs: Record<string, AccuracyRun[]> = {};
    for (let repetition = 0; repetition < settings.repetitions; repetition++) {
      for (const rate of ratesPerSec) {
        await server.reset();
        const stealBefore = await stealSec();
        const startedMs = performance.now();
        const run = await runHarness(
          benchScenario({ name: `accuracy-${rate}`, url: server.url, phases: [`{ name: steady, duration: ${durationSec}s, rate: ${rate} }`] }),
          settings.workDir,
          `accuracy-${rate}`,
        );
        const stealAfter = await stealSec();
        const wallSec = (performance.now() - startedMs) / 1000;
        const { serviceMs } = await server.report();
        // The bench's servers answer every request: the answered requests' figures are all of them.
        const latency = run.result.phases[0]!.answeredLatencyMs;
        runs[rate] ??= [];
        runs[rate].push({
          p50: latency.p50,
          p90: latency.p90,
          p99: latency.p99,
          truth: { p50: percentileOf(serviceMs, 50), p90: percentileOf(serviceMs, 90), p99: percentileOf(serviceMs, 99) },
          stealShare: stealBefore === null || stealAfter === null ? null : (stealAfter - stealBefore) / (wallSec * availableParallelism()),
        });
      }
    }
    const deltas = Object.entries(runs).map(([rate, list]) => ({
      rate,
      p50: spread(list.map((r) => r.p50 - r.truth.p50)),
      p99: spread(list.map((r) => r.p99 - r.truth.p99)),
      serverP99: spread(list.map((r) => r.truth.p99)),
      stealShare: list.map((r) => r.stealShare),
    }));
    const met = deltas.every((d) => d.p50.median <= 1 && d.p99.median <= 5);
    const show = (ms: number) => `${ms >= 0 ? '+' : ''}${ms.toFixed(2)}`;
    const range = (s: Spread) => (s.runs.length === 1 ? show(s.median) : `${show(s.median)} (${show(s.min)} to ${show(s.max)})`);
    const steal = (shares: (number | null)[]) =>
      shares.every((share) => share === null) ? 'n/a' : shares.map((share) => (share === null ? '-' : `${(share * 100).toFixed(1)}%`)).join('/');
    return {
      id: '4',
      name: `open-model accuracy: server adds ${SERVER_DELAY_MS} ms, ${durationSec} s per run, ${settings.repetitions} runs per rate`,
      measured: deltas
        .map(
          (d) =>
            `${d.rate}/s: p50 ${range(d.p50)} ms, p99 ${range(d.p99)} ms over the server's own (server p99 ${formatSpread(d.serverP99, 2)} ms; steal ${steal(d.stealShare)})`,
        )
        .join('; '),
      figure: deltas.map((d) => `${d.rate}/s: p50 ${show(d.p50.median)}, p99 ${show(d.p99.median)} ms`).join('; '),
      goal: 'median run: p50 <= +1 ms, p99 <= +5 ms',
      met,
      details: { runs, deltas },
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
    // The stalled server still answers every request: the answered requests' figures are all of them.
    const harnessP99 = run.result.phases[0]!.answeredLatencyMs.p99;
    const serviceP99 = run.result.phases[0]!.answeredServiceLatencyMs.p99;
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
