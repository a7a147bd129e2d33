import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import type { BenchRow } from '../benchRow.ts';
import { startRawTarget } from '../nativeResponder.ts';
import { runHarness } from '../processes.ts';
import type { HarnessRun } from '../processes.ts';
import { benchScenario } from '../scenarios.ts';
import type { BenchSettings } from './throughput.ts';

/** Whether an open-model run held its target: every scheduled request sent and answered, rate within 1%. */
function held(run: HarnessRun): boolean {
  const phase = run.result.phases[0]!;
  const scheduled = phase.requests.scheduled;
  return (
    phase.errorRate === 0 &&
    phase.requests.dropped <= scheduled * 0.01 &&
    phase.requests.completed >= scheduled * 0.99 &&
    phase.targetRate !== null &&
    Math.abs(phase.achievedRate / phase.targetRate - 1) <= 0.01
  );
}

/** Row 7: the highest open-model rate held within 1% for `durationSec`, as a share of the closed-model throughput. */
export async function ceilingRow(
  settings: BenchSettings,
  closedPerSec: number,
  durationSec: number,
  /** Rates tried, as shares of the closed-model throughput (--quick tries fewer). */
  shares: readonly number[] = [0.4, 0.55, 0.7, 0.8, 0.9, 1, 1.1],
): Promise<{ row: BenchRow; ceilingPerSec: number }> {
  const server = await startRawTarget(settings.workDir);
  try {
    const tried: { ratePerSec: number; held: boolean; achieved: number; dropped: number }[] = [];
    let ceilingPerSec = 0;
    for (const share of shares) {
      const ratePerSec = Math.round((closedPerSec * share) / 100) * 100;
      const run = await runHarness(
        benchScenario({ name: `ceiling-${ratePerSec}`, url: server.url, phases: [`{ name: steady, duration: ${durationSec}s, rate: ${ratePerSec} }`] }),
        settings.workDir,
        `ceiling-${ratePerSec}`,
      );
      const ok = held(run);
      const phase = run.result.phases[0]!;
      tried.push({ ratePerSec, held: ok, achieved: phase.achievedRate, dropped: phase.requests.dropped });
      if (!ok) break;
      ceilingPerSec = ratePerSec;
    }
    const ratio = ceilingPerSec / closedPerSec;
    return {
      ceilingPerSec,
      row: {
        id: '7',
        name: `open-model ceiling: highest rate held within 1% for ${durationSec} s, ${server.name}`,
        measured: `${ceilingPerSec.toLocaleString('en-US')} req/s held (tried ${tried.map((t) => `${t.ratePerSec}${t.held ? ' ok' : ' missed'}`).join(', ')}) vs ${Math.round(closedPerSec).toLocaleString('en-US')} req/s closed-model`,
        figure: ratio.toFixed(2),
        goal: '- (ratio to row 1)',
        met: null,
        details: { ceilingPerSec, closedPerSec, ratio, tried },
      },
    };
  } finally {
    server.stop();
  }
}

async function writeUsersCsv(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  out.write('auth_id,business_id\n');
  for (let i = 1; i <= rows; i++) {
    if (!out.write(`streamUser${i},343\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Row 8: peak RSS of a long run at the ceiling (and whether it stays flat), and of streaming a 1,000,000-row users CSV. */
export async function memoryRow(settings: BenchSettings, ratePerSec: number, longSec: number, csvSec: number): Promise<BenchRow> {
  const server = await startRawTarget(settings.workDir);
  try {
    const long = await runHarness(
      benchScenario({ name: 'memory-long', url: server.url, phases: [`{ name: steady, duration: ${longSec}s, rate: ${ratePerSec} }`] }),
      settings.workDir,
      'memory-long',
    );
    const samples = long.rssMbSamples;
    // A run that falls behind its rate queues due requests (up to maxQueue): its RSS grows with the queue, not with a leak.
    const longPhase = long.result.phases[0]!;
    const longHeld = held(long);
    const fifth = Math.max(1, Math.floor(samples.length / 5));
    const early = average(samples.slice(fifth, 2 * fifth));
    const late = average(samples.slice(-fifth));
    const bigCsv = join(settings.workDir, 'million-users.csv');
    await writeUsersCsv(bigCsv, 1_000_000);
    const csvRate = 1000;
    const small = await runHarness(
      benchScenario({ name: 'memory-small-csv', url: server.url, phases: [`{ name: steady, duration: ${csvSec}s, rate: ${csvRate} }`] }),
      settings.workDir,
      'memory-small-csv',
    );
    const big = await runHarness(
      benchScenario({ name: 'memory-million-csv', url: server.url, usersFile: bigCsv, phases: [`{ name: steady, duration: ${csvSec}s, rate: ${csvRate} }`] }),
      settings.workDir,
      'memory-million-csv',
    );
    const csvExtraMb = big.peakRssMb - small.peakRssMb;
    const growthMb = late - early;
    return {
      id: '8',
      name: `memory: ${longSec} s at ${ratePerSec} req/s; a 1,000,000-row users CSV at ${csvRate} req/s`,
      measured: `long run ${longHeld ? 'held its rate' : 'fell behind'} (achieved ${Math.round(longPhase.achievedRate).toLocaleString('en-US')} req/s, ${longPhase.requests.dropped.toLocaleString('en-US')} dropped), peak RSS ${long.peakRssMb.toFixed(0)} MB (mean ${early.toFixed(0)} MB in its second fifth, ${late.toFixed(0)} MB in its last); 1M-row CSV peak ${big.peakRssMb.toFixed(0)} MB vs ${small.peakRssMb.toFixed(0)} MB with a 200-row CSV`,
      figure: `CSV +${csvExtraMb.toFixed(0)} MB, long run ${growthMb >= 0 ? '+' : ''}${growthMb.toFixed(0)} MB`,
      goal: 'CSV < +100 MB; flat',
      met: csvExtraMb < 100 && growthMb < Math.max(20, early * 0.15),
      details: {
        long: { held: longHeld, achievedPerSec: longPhase.achievedRate, dropped: longPhase.requests.dropped, peakRssMb: long.peakRssMb, early, late, samples },
        csv: { smallPeakRssMb: small.peakRssMb, bigPeakRssMb: big.peakRssMb, csvExtraMb },
      },
    };
  } finally {
    server.stop();
  }
}

function average(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length;
}
