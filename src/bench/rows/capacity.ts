import type { BenchRow } from '../benchRow.ts';
import { runHarness, startBenchServer } from '../processes.ts';
import { benchScenario } from '../scenarios.ts';
import type { BenchSettings } from './throughput.ts';

/** Servers of known capacity the search is run against: slots of a fixed service time. */
const TARGETS = [
  { slots: 8, serviceMs: 20 },
  { slots: 40, serviceMs: 10 },
] as const;
const PRECISION = 0.05;

/**
 * Row S: a capacity search against servers whose capacity is known exactly (slots / service
 * time: 400/s and 4,000/s), the rate it found as a ratio of the true one. Its SLO is p99 < 100 ms;
 * a rate just above capacity builds a queue that breaks it within one held trial.
 */
export async function capacityRow(settings: BenchSettings, holdSec: number): Promise<BenchRow> {
  const found: { truePerSec: number; heldPerSec: number | null; bound: string; trials: number; wallSec: number }[] = [];
  for (const { slots, serviceMs } of TARGETS) {
    const truePerSec = (slots * 1000) / serviceMs;
    const server = await startBenchServer({ kind: 'slots', slots, serviceMs });
    try {
      const search = `{ from: ${truePerSec / 8}, max: ${truePerSec * 5}, hold: ${holdSec}s, precision: ${PRECISION * 100}%, slo: [p99 < 100ms], cooldown: 1s }`;
      const run = await runHarness(
        benchScenario({ name: `capacity-${truePerSec}`, url: server.url, phases: [`{ name: find, search: ${search} }`] }),
        settings.workDir,
        `capacity-${truePerSec}`,
      );
      const capacity = run.result.phases[0]!.capacity!;
      found.push({
        truePerSec,
        heldPerSec: capacity.heldPerSec,
        bound: capacity.bound,
        trials: capacity.trials.length,
        wallSec: Math.round(run.wallMs / 1000),
      });
    } finally {
      server.stop();
    }
  }
  const ratios = found.map((f) => (f.heldPerSec ?? 0) / f.truePerSec);
  // Within the precision below the true capacity, and at most a trial's queue above it.
  const met = found.every((f, i) => f.bound === 'server' && ratios[i]! >= 1 - 2 * PRECISION && ratios[i]! <= 1 + PRECISION);
  return {
    id: 'S',
    name: `capacity search vs servers of known capacity (slots of a fixed service time), ${holdSec} s trials, precision ${PRECISION * 100}%, SLO p99 < 100ms`,
    measured: found
      .map(
        (f, i) => `true ${f.truePerSec}/s: held ${f.heldPerSec ?? 'none'}/s (${ratios[i]!.toFixed(3)}), bound ${f.bound}, ${f.trials} trials, ${f.wallSec} s`,
      )
      .join('; '),
    figure: ratios.map((r) => r.toFixed(3)).join(', '),
    goal: `${(1 - 2 * PRECISION).toFixed(2)}-${(1 + PRECISION).toFixed(2)} of the true capacity`,
    met,
    details: { found },
  };
}
