import type { BenchRow } from '../benchRow.ts';
import { formatSpread, spread } from '../benchRow.ts';
import { runHarness, startBenchServer } from '../processes.ts';
import { benchScenario } from '../scenarios.ts';
import type { BenchSettings } from './throughput.ts';

/** Row 9: from starting the command (node, not npm) to the first load request arriving at the server. */
export async function startupRow(settings: BenchSettings): Promise<BenchRow> {
  const server = await startBenchServer({ kind: 'canned' });
  try {
    const delays: number[] = [];
    for (let i = 0; i < Math.max(3, settings.repetitions); i++) {
      await server.reset();
      // Not pinned: start-up is measured as a user runs it (tsx's loader thread uses the other core).
      const run = await runHarness(
        benchScenario({ name: 'startup', url: server.url, phases: ['{ name: short, duration: 1s, rate: 50 }'] }),
        settings.workDir,
        `startup-${i}`,
        { pin: false },
      );
      const { firstArrivalEpochMs } = await server.report();
      if (firstArrivalEpochMs === null) throw new Error('start-up bench: no request arrived');
      delays.push(firstArrivalEpochMs - run.startedAtEpochMs);
    }
    const s = spread(delays);
    return {
      id: '9',
      name: 'start-up: command to first load request (node + tsx, scenario and CSV validation, preflight)',
      measured: `${formatSpread(s)} ms`,
      figure: `${Math.round(s.median)} ms`,
      goal: '< 1000 ms',
      met: s.median < 1000,
      details: { delaysMs: s },
    };
  } finally {
    server.stop();
  }
}
