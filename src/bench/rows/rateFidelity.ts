import { LOG_MESSAGE_PATH } from '../../client/schema.ts';
import type { BenchRow } from '../benchRow.ts';
import { autocannonArgs } from '../peers.ts';
import { runAutocannonCli, runHarness, startBenchServer } from '../processes.ts';
import { benchScenario } from '../scenarios.ts';
import type { BenchSettings } from './throughput.ts';

const WINDOW_MS = 50;

/** Achieved/target rate and the busiest 50 ms window vs its fair share, from the server's arrival times. */
export function fidelityOf(arrivalsMs: readonly number[], ratePerSec: number, durationSec: number): { achievedShare: number; busiestWindowShare: number } {
  const sorted = [...arrivalsMs].sort((a, b) => a - b);
  const startMs = sorted[0] ?? 0;
  const windows = new Map<number, number>();
  for (const ms of sorted) {
    const index = Math.floor((ms - startMs) / WINDOW_MS);
    windows.set(index, (windows.get(index) ?? 0) + 1);
  }
  // Whole windows only: the last one is cut by the end of the run.
  const lastWhole = Math.floor((durationSec * 1000) / WINDOW_MS) - 1;
  let busiest = 0;
  for (const [index, count] of windows) if (index <= lastWhole) busiest = Math.max(busiest, count);
  const fairShare = (ratePerSec * WINDOW_MS) / 1000;
  return { achievedShare: sorted.length / (ratePerSec * durationSec), busiestWindowShare: busiest / fairShare };
}

/** Row 5: rate fidelity and evenness of the harness, and of autocannon's own overallRate, measured at the server. */
export async function rateFidelityRow(settings: BenchSettings, ratePerSec: number, durationSec: number): Promise<BenchRow> {
  const server = await startBenchServer({ kind: 'canned' });
  try {
    await runHarness(
      benchScenario({ name: 'fidelity', url: server.url, phases: [`{ name: steady, duration: ${durationSec}s, rate: ${ratePerSec} }`] }),
      settings.workDir,
      'fidelity',
    );
    const harness = fidelityOf((await server.report()).arrivalsMs, ratePerSec, durationSec);
    await server.reset();
    await runAutocannonCli([...autocannonArgs(), '-c', '50', '--overallRate', String(ratePerSec), '-d', String(durationSec), server.url + LOG_MESSAGE_PATH]);
    const cannon = fidelityOf((await server.report()).arrivalsMs, ratePerSec, durationSec);
    const met = Math.abs(harness.achievedShare - 1) <= 0.01 && harness.busiestWindowShare <= 1.5;
    const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
    return {
      id: '5',
      name: `rate fidelity at ${ratePerSec} req/s for ${durationSec} s (arrivals counted at the server)`,
      measured: `harness: achieved ${pct(harness.achievedShare)} of target, busiest 50 ms window ${harness.busiestWindowShare.toFixed(2)}x its share; autocannon --overallRate: ${pct(cannon.achievedShare)}, ${cannon.busiestWindowShare.toFixed(2)}x`,
      figure: `${pct(harness.achievedShare)}, ${harness.busiestWindowShare.toFixed(2)}x`,
      goal: 'within 1%, <= 1.5x',
      met,
      details: { harness, autocannon: cannon },
    };
  } finally {
    server.stop();
  }
}
