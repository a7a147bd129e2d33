import type { BenchRow } from '../benchRow.ts';
import { formatSpread, spread } from '../benchRow.ts';
import { startRawTarget } from '../nativeResponder.ts';
import { TARGET_CORE, generatorCores, runHarness } from '../processes.ts';
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
 * Row W: a closed-model run with 1, 2, ... workers against the C responder pinned to its core,
 * the harness and its workers spread over every other core: 1..(cores - 1) workers, and at least
 * 1 and 2. On 2 cores both share the generator core, so the row shows what splitting costs in CPU
 * per request; on a bigger machine it shows how throughput scales, until the target's one core
 * is the limit (the target verdict says when).
 */
export async function workersRow(settings: BenchSettings, durationSec: number): Promise<BenchRow> {
  const cores = generatorCores();
  const counts = Array.from({ length: Math.max(2, cores.length) }, (_, i) => i + 1);
  const server = await startRawTarget(settings.workDir);
  try {
    const byCount = new Map<number, { runs: WorkerRun[]; shares: (number | null)[] }>(counts.map((count) => [count, { runs: [], shares: [] }]));
    const run = async (workers: number) => {
      const name = `workers-${workers}`;
      const yaml = benchScenario({ name, url: server.url, phases: [`{ name: push, duration: ${durationSec}s, connections: ${CONNECTIONS * workers} }`] });
      const { value, targetShare } = await withTargetShare(server.pid, () =>
        runHarness(yaml, settings.workDir, name, { pinCores: cores, args: ['--workers', String(workers)] }),
      );
      const phase = value.result.phases[0]!;
      if (phase.errorRate > 0) throw new Error(`bench run ${name} had errors: ${JSON.stringify(phase.statusCounts)} ${JSON.stringify(phase.errors)}`);
      const entry = byCount.get(workers)!;
      entry.shares.push(targetShare);
      entry.runs.push({ perSec: phase.requests.completed / (phase.durationMs / 1000), cpuUsPerRequest: (value.cpuSec * 1e6) / phase.requests.completed });
    };
    // Rounds of every count in turn, so drift in the machine touches each alike. Three rounds:
    // the row is shown, not judged, and the full bench must stay under 15 minutes.
    for (let round = 0; round < Math.min(3, settings.repetitions); round++) for (const count of counts) await run(count);
    const table = counts.map((count) => {
      const { runs, shares } = byCount.get(count)!;
      return {
        workers: count,
        perSec: spread(runs.map((r) => r.perSec)),
        cpuUsPerRequest: spread(runs.map((r) => r.cpuUsPerRequest)),
        targetShare: busiest(shares),
      };
    });
    const one = table[0]!;
    const target = targetVerdict(Object.fromEntries(table.map((row) => [`${row.workers} worker${row.workers === 1 ? '' : 's'}`, row.targetShare])));
    const scaling = table.map((row) => ({ workers: row.workers, efficiency: row.perSec.median / (one.perSec.median * Math.min(row.workers, cores.length)) }));
    return {
      id: 'W',
      name: `workers: 1 to ${counts.length}, closed model, ${CONNECTIONS} connections per worker, ${server.name} on core ${TARGET_CORE}, the harness on core${cores.length === 1 ? '' : 's'} ${cores.join(',')}`,
      measured: `${table.map((row) => `${row.workers}: ${formatSpread(row.perSec)} req/s, ${formatSpread(row.cpuUsPerRequest, 1)} µs CPU/request`).join('; ')} (CPU of every harness process, start-up included); ${target.text}`,
      figure: `${scaling.map((row) => `${row.workers}: ${row.efficiency.toFixed(2)}`).join(', ')} of linear`,
      goal: `shown, not judged: throughput scales with workers up to the ${cores.length} generator core${cores.length === 1 ? '' : 's'} (docs/scaling.md)`,
      met: null,
      details: { generatorCores: cores, table, scaling, targetBound: target.targetBound },
    };
  } finally {
    server.stop();
  }
}
