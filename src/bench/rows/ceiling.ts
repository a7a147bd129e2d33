import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import type { BenchRow } from '../benchRow.ts';
import { startRawTarget } from '../nativeResponder.ts';
import { RSS_SAMPLE_MS, runHarness } from '../processes.ts';
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

/** Row 8 runs its long run at this share of row 7's ceiling: a rate that held there for its whole length. */
export const MEMORY_RATE_SHARE = 0.8;

/**
 * Row 8: RSS over a long run at a rate that holds (MEMORY_RATE_SHARE of the ceiling), judged only
 * when the run held it (one that fell behind grows with its queue, not a leak: no verdict), as
 * growth per minute after the first minute; and the cost of a 1,000,000-row users CSV.
 */
export async function memoryRow(settings: BenchSettings, ceilingPerSec: number, longSec: number, csvSec: number): Promise<BenchRow> {
  const ratePerSec = Math.max(100, Math.round((ceilingPerSec * MEMORY_RATE_SHARE) / 100) * 100);
  const server = await startRawTarget(settings.workDir);
  try {
    const long = await runHarness(
      benchScenario({ name: 'memory-long', url: server.url, phases: [`{ name: steady, duration: ${longSec}s, rate: ${ratePerSec} }`] }),
      settings.workDir,
      'memory-long',
    );
    const longPhase = long.result.phases[0]!;
    const longHeld = held(long);
    const growth = rssGrowthMbPerMin(long.rssMbSamples, RSS_SAMPLE_MS);
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
    // Flat: under 1 MB a minute (a leak of 100 bytes a request at 10,000 req/s is 60 MB a minute).
    const flat = growth.mbPerMin < 1;
    return {
      id: '8',
      name: `memory: ${formatDuration(longSec)} at ${ratePerSec.toLocaleString('en-US')} req/s (${MEMORY_RATE_SHARE * 100}% of the ceiling); a 1,000,000-row users CSV at ${csvRate} req/s`,
      measured: `long run ${longHeld ? 'held its rate' : 'FELL BEHIND, so no verdict on its memory'} (achieved ${Math.round(longPhase.achievedRate).toLocaleString('en-US')} req/s, ${longPhase.requests.dropped.toLocaleString('en-US')} dropped), peak RSS ${long.peakRssMb.toFixed(0)} MB, ${growth.fromMb.toFixed(0)} MB after the first minute (or fifth) and ${growth.toMb.toFixed(0)} MB at the end; 1M-row CSV peak ${big.peakRssMb.toFixed(0)} MB vs ${small.peakRssMb.toFixed(0)} MB with a 200-row CSV`,
      figure: `RSS ${growth.mbPerMin >= 0 ? '+' : ''}${growth.mbPerMin.toFixed(2)} MB/min; CSV +${csvExtraMb.toFixed(0)} MB`,
      goal: 'held rate: < 1 MB/min; CSV < +100 MB',
      met: longHeld ? flat && csvExtraMb < 100 : null,
      details: {
        long: {
          ratePerSec,
          held: longHeld,
          achievedPerSec: longPhase.achievedRate,
          dropped: longPhase.requests.dropped,
          peakRssMb: long.peakRssMb,
          growth,
          samples: long.rssMbSamples,
        },
        csv: { smallPeakRssMb: small.peakRssMb, bigPeakRssMb: big.peakRssMb, csvExtraMb },
      },
    };
  } finally {
    server.stop();
  }
}

/**
 * RSS growth as the least-squares slope of the samples, in MB per minute, leaving out the warm-up
 * (the first minute, or the first fifth of a shorter run) while the heap finds its size.
 */
export function rssGrowthMbPerMin(samplesMb: readonly number[], sampleMs: number): { mbPerMin: number; fromMb: number; toMb: number } {
  const skip = Math.min(Math.round(60_000 / sampleMs), Math.floor(samplesMb.length / 5));
  const kept = samplesMb.slice(skip);
  if (kept.length < 2) return { mbPerMin: 0, fromMb: kept[0] ?? 0, toMb: kept[0] ?? 0 };
  const n = kept.length;
  const meanX = (n - 1) / 2;
  const meanY = kept.reduce((sum, y) => sum + y, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (let x = 0; x < n; x++) {
    covariance += (x - meanX) * (kept[x]! - meanY);
    variance += (x - meanX) ** 2;
  }
  const mbPerSample = covariance / variance;
  return { mbPerMin: mbPerSample * (60_000 / sampleMs), fromMb: kept[0]!, toMb: kept.at(-1)! };
}

function formatDuration(seconds: number): string {
  return seconds >= 120 ? `${seconds / 60} min` : `${seconds} s`;
}
