import type { BenchRow } from '../benchRow.ts';
import { alternate, formatRatio, formatSpread, pairedRatio, spread } from '../benchRow.ts';
import { startRawTarget } from '../nativeResponder.ts';
import { runHarness } from '../processes.ts';
import { benchScenario } from '../scenarios.ts';
import { busiest, targetVerdict, withTargetShare } from '../targetLoad.ts';
import type { BenchSettings } from './throughput.ts';

const CONNECTIONS = 50;

interface WorkerRun {
  perSec: number;
  /** CPU µs per completed request, of every harness process (start-up included). */
  cpuUsPerRequest: number;
}

/**
 * Row W: a closed-model run with 1 and with 2 workers against the C responder, every harness
 * process on the generator core (workers inherit the coordinator's pinning). On a 2-core machine
 * the target needs the other core, so two workers cannot show more throughput here: what the row
 * measures is the cost of splitting, in CPU per request. Scaling needs cores the target does not use.
 */
export async function workersRow(settings: BenchSettings, durationSec: number): Promise<BenchRow> {
  const server = await startRawTarget(settings.workDir);
  try {
    const shares = { one: [] as (number | null)[], two: [] as (number | null)[] };
    const run = (workers: number, into: (number | null)[]) => async (): Promise<WorkerRun> => {
      const name = `workers-${workers}`;
      const yaml = benchScenario({ name, url: server.url, phases: [`{ name: push, duration: ${durationSec}s, connections: ${CONNECTIONS} }`] });
      const { value, targetShare } = await withTargetShare(server.pid, () =>
        runHarness(yaml, settings.workDir, name, { args: ['--workers', String(workers)] }),
      );
      into.push(targetShare);
      const phase = value.result.phases[0]!;
      if (phase.errorRate > 0) throw new Error(`bench run ${name} had errors: ${JSON.stringify(phase.statusCounts)} ${JSON.stringify(phase.errors)}`);
      return { perSec: phase.requests.completed / (phase.durationMs / 1000), cpuUsPerRequest: (value.cpuSec * 1e6) / phase.requests.completed };
    };
    // Three pairs: the row is shown, not judged, and the full bench must stay under 15 minutes.
    const runs = await alternate(Math.min(3, settings.repetitions), run(1, shares.one), run(2, shares.two));
    const rate = { one: spread(runs.a.map((r) => r.perSec)), two: spread(runs.b.map((r) => r.perSec)) };
    const cpu = { one: spread(runs.a.map((r) => r.cpuUsPerRequest)), two: spread(runs.b.map((r) => r.cpuUsPerRequest)) };
    const cpuRatio = pairedRatio(
      runs.b.map((r) => r.cpuUsPerRequest),
      runs.a.map((r) => r.cpuUsPerRequest),
    );
    const target = targetVerdict({ '1 worker': busiest(shares.one), '2 workers': busiest(shares.two) });
    return {
      id: 'W',
      name: `workers: 1 vs 2, closed model, 50 connections, ${server.name}, all on the generator core`,
      measured: `1 worker ${formatSpread(rate.one)} req/s, ${formatSpread(cpu.one, 1)} µs CPU/request; 2 workers ${formatSpread(rate.two)} req/s, ${formatSpread(cpu.two, 1)} µs CPU/request (every harness process, start-up included); ${target.text}`,
      figure: `CPU/request 2 vs 1: ${formatRatio(cpuRatio)}`,
      goal: 'shown, not judged: on 2 cores the target holds the second one, so the split can only cost',
      met: null,
      details: { rate, cpu, cpuRatio, targetShares: { one: busiest(shares.one), two: busiest(shares.two) } },
    };
  } finally {
    server.stop();
  }
}
