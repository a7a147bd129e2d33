// `npm run bench [-- --quick|--long] [part...]`: the harness measured side by side with its peers
// and its limits, all on 127.0.0.1; prints a table and writes reports/bench-<timestamp>/bench.json
// and bench.md. Parts: see PARTS; --quick shortens every run (a smoke test, not figures to quote);
// --long makes row 8 a 10-minute soak.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import type { BenchRow } from './benchRow.ts';
import { accuracyRow, coordinatedOmissionRow } from './rows/accuracy.ts';
import { ceilingRow, memoryRow } from './rows/ceiling.ts';
import { mockVsReferenceRow } from './rows/mockVsReference.ts';
import { rateFidelityRow } from './rows/rateFidelity.ts';
import { startupRow } from './rows/startup.ts';
import { workersRow } from './rows/workers.ts';
import { capacityRow } from './rows/capacity.ts';
import { conversationsRow } from './rows/conversations.ts';
import { liveOutputRow } from './rows/liveOutput.ts';
import { historyRow } from './rows/history.ts';
import { wrkRow } from './rows/wrkCeiling.ts';
import { closedThroughputRow, contractCostRow, mockThroughputRow } from './rows/throughput.ts';
import type { BenchSettings } from './rows/throughput.ts';
import { benchWorkDir } from './scenarios.ts';
import { GENERATOR_CORE, TARGET_CORE, pinningAvailable } from './processes.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
/** `--long`: row 8 soaks for 10 minutes instead of one. */
const long = args.includes('--long');
const PART_NAMES = [
  'throughput',
  'mock',
  'reference',
  'accuracy',
  'fidelity',
  'omission',
  'ceiling',
  'memory',
  'startup',
  'contract',
  'workers',
  'capacity',
  'conversations',
  'output',
  'history',
  'wrk',
] as const;
type Part = (typeof PART_NAMES)[number];
const requested = args.filter((arg) => arg !== '--quick' && arg !== '--long');
const unknown = requested.filter((name) => !(PART_NAMES as readonly string[]).includes(name));
if (unknown.length > 0) {
  process.stderr.write(`unknown bench part(s): ${unknown.join(', ')}; parts: ${PART_NAMES.join(', ')} (and --quick, --long)\n`);
  process.exit(2);
}
const wanted = new Set<Part>(requested.length > 0 ? (requested as Part[]) : PART_NAMES);

const settings: BenchSettings = { quick, workDir: await benchWorkDir(), repetitions: quick ? 1 : 5, durationSec: quick ? 2 : 4 };
const longSec = quick ? 2 : 10;
const rows: BenchRow[] = [];
const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
  process.stdout.write(`bench ${name}...\n`);
  const started = Date.now();
  const result = await work();
  process.stdout.write(`  done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  return result;
};

try {
  // Rows 7 and 8 are relative to row 1's closed-model throughput and row 7's ceiling.
  let closedPerSec: number | undefined;
  let ceilingPerSec: number | undefined;
  if (wanted.has('throughput') || wanted.has('ceiling') || wanted.has('memory')) {
    const { row, harnessPerSec } = await step('1: closed-model throughput vs autocannon', () => closedThroughputRow(settings));
    rows.push(row);
    closedPerSec = harnessPerSec.median;
  }
  if (wanted.has('wrk')) rows.push(await step('K: throughput vs wrk -t1, and the cost split', () => wrkRow(settings)));
  if (wanted.has('mock')) rows.push(await step('2: against the built-in mock, with wrk and hey', () => mockThroughputRow(settings)));
  if (wanted.has('reference')) rows.push(await step('3: mock vs minimal node:http', () => mockVsReferenceRow(settings)));
  if (wanted.has('accuracy')) rows.push(await step('4: open-model accuracy', () => accuracyRow(settings, [500, 2000], quick ? 3 : 8)));
  if (wanted.has('fidelity')) rows.push(await step('5: rate fidelity', () => rateFidelityRow(settings, 1000, longSec)));
  if (wanted.has('omission')) rows.push(await step('6: coordinated omission', () => coordinatedOmissionRow(settings, longSec)));
  if (wanted.has('ceiling') || wanted.has('memory')) {
    const { row, ceilingPerSec: ceiling } = await step('7: open-model ceiling', () =>
      ceilingRow(settings, closedPerSec!, longSec, quick ? [0.6, 0.9, 1.1] : undefined),
    );
    rows.push(row);
    ceilingPerSec = ceiling;
  }
  if (wanted.has('memory')) rows.push(await step('8: memory', () => memoryRow(settings, ceilingPerSec!, quick ? 5 : long ? 600 : 60, longSec)));
  if (wanted.has('startup')) rows.push(await step('9: start-up', () => startupRow(settings)));
  if (wanted.has('contract')) rows.push(await step('C: contract checks on vs off', () => contractCostRow(settings)));
  if (wanted.has('workers')) rows.push(await step('W: workers, 1 to every generator core', () => workersRow(settings, quick ? 2 : 8)));
  if (wanted.has('capacity')) rows.push(await step('S: capacity search vs known capacity', () => capacityRow(settings, quick ? 1 : 3)));
  if (wanted.has('history')) rows.push(await step('H: run history of 1,000 runs', () => historyRow(settings, 1000)));
  if (wanted.has('output')) rows.push(await step('O: live metrics pushed every second vs none', () => liveOutputRow(settings)));
  if (wanted.has('conversations')) rows.push(await step('V: conversations on their own connections', () => conversationsRow(settings, quick ? 1000 : 10_000)));
} finally {
  await rm(settings.workDir, { recursive: true, force: true });
}

const pinned = (await pinningAvailable())
  ? `load generators pinned to core ${GENERATOR_CORE}, targets to core ${TARGET_CORE}`
  : 'nothing pinned (no taskset or one core)';
const machine = `${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown cpu'}), Node ${process.version}, ${process.platform}-${process.arch}; ${pinned}`;
const measuredAt = new Date().toISOString();
const cell = (text: string) => text.replace(/\|/g, '\\|');
const markdown = [
  `Measured ${measuredAt} on ${machine}${quick ? ' (--quick: short runs, not figures to quote)' : ''}. Throughputs are medians of alternating runs (min-max); a ratio is the median of the ratios of adjacent A/B pairs (min-max).`,
  '',
  '| # | row | measured | figure | goal | verdict |',
  '|---|---|---|---|---|---|',
  ...rows.map(
    (r) => `| ${r.id} | ${cell(r.name)} | ${cell(r.measured)} | ${cell(r.figure)} | ${cell(r.goal)} | ${r.met === null ? '-' : r.met ? 'met' : '**missed**'} |`,
  ),
  '',
].join('\n');
const dir = join('reports', `bench-${measuredAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`);
await mkdir(dir, { recursive: true });
await writeFile(join(dir, 'bench.json'), `${JSON.stringify({ measuredAt, machine, quick, rows }, null, 2)}\n`);
await writeFile(join(dir, 'bench.md'), markdown);
process.stdout.write(`\n${markdown}\nwritten to ${dir}/bench.json and bench.md\n`);
