// Row H: the run history of a folder of 1,000 runs, written as `report --index` writes it.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { INDEX_ENTRY_FILE } from '../../history/indexEntry.ts';
import type { IndexEntry } from '../../history/indexEntry.ts';
import { writeRunIndex } from '../../history/writeIndex.ts';
import type { BenchRow } from '../benchRow.ts';
import { formatSpread, spread } from '../benchRow.ts';
import type { BenchSettings } from './throughput.ts';

const VERDICTS = ['PASSED', 'PASSED', 'PASSED', 'FAILED', 'REGRESSED', 'INTERRUPTED'] as const;

export async function historyRow(settings: BenchSettings, runs: number): Promise<BenchRow> {
  const dir = join(settings.workDir, 'history');
  for (let i = 0; i < runs; i++) {
    const run = join(dir, `run-${String(i).padStart(4, '0')}`);
    await mkdir(run, { recursive: true });
    const entry: IndexEntry = {
      kind: 'run',
      scenario: `scenario-${i % 5}`,
      startedAt: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
      durationMs: 120_000,
      durationScale: i % 10 === 0 ? 0.1 : 1,
      target: 'https://staging.example.com/',
      verdict: VERDICTS[i % VERDICTS.length]!,
      sent: 60_000 + i,
      achievedRate: 500 - (i % 7),
      p50Ms: 18 + (i % 11),
      p99Ms: 90 + (i % 23),
      p999Ms: 150 + (i % 31),
      errorRate: (i % 13) / 1000,
      contractViolations: i % 17,
      capacityPerSec: i % 4 === 0 ? 400 + (i % 9) : null,
      runId: `run${i}`,
      report: 'report.html',
      shards: [],
    };
    await writeFile(join(run, INDEX_ENTRY_FILE), JSON.stringify(entry));
  }
  const timesMs: number[] = [];
  for (let repetition = 0; repetition < settings.repetitions; repetition++) {
    const startedMs = performance.now();
    await writeRunIndex(dir, 'history');
    timesMs.push(performance.now() - startedMs);
  }
  const time = spread(timesMs);
  return {
    id: 'H',
    name: `run history: report --index over ${runs.toLocaleString('en-US')} runs (index.json and index.html)`,
    measured: `${formatSpread(time)} ms per index (${settings.repetitions} runs, files cached by the OS after the first)`,
    figure: `${Math.round(time.median)} ms`,
    goal: '< 2000 ms',
    met: time.max < 2000,
    details: { timesMs: time, runs },
  };
}
