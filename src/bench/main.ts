// `npm run bench [-- part...]`: measures the harness side by side with its references and
// writes reports/bench-<timestamp>/bench.json and bench.md. All traffic stays on 127.0.0.1.
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { benchMockVsReference } from './mockThroughput.ts';
import type { BenchRow } from './mockThroughput.ts';

const PARTS = {
  mock: () => benchMockVsReference({ repetitions: 3, durationSec: 5 }),
} satisfies Record<string, () => Promise<BenchRow>>;
type Part = keyof typeof PARTS;

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(name in PARTS));
if (unknown.length > 0) {
  process.stderr.write(`unknown bench part(s): ${unknown.join(', ')}; parts: ${Object.keys(PARTS).join(', ')}\n`);
  process.exit(2);
}
const parts = (requested.length > 0 ? requested : Object.keys(PARTS)) as Part[];
const rows: BenchRow[] = [];
for (const part of parts) {
  process.stdout.write(`bench ${part}...\n`);
  rows.push(await PARTS[part]());
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const machine = `${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown cpu'}), Node ${process.version}`;
const markdown = [
  `Measured ${new Date().toISOString()} on ${machine}. Median of alternating runs (min-max).`,
  '',
  '| row | figure | A | B | A/B | goal |',
  '|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.name} | ${r.figure} | ${r.a.label}: ${fmt(r.a.value.median)} (${fmt(r.a.value.min)}-${fmt(r.a.value.max)}) | ${r.b.label}: ${fmt(r.b.value.median)} (${fmt(r.b.value.min)}-${fmt(r.b.value.max)}) | ${r.ratio.toFixed(2)} | ${r.goal} ${r.met ? 'met' : 'MISSED'} |`),
  '',
].join('\n');
const dir = join('reports', `bench-${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`);
await mkdir(dir, { recursive: true });
await writeFile(join(dir, 'bench.json'), `${JSON.stringify({ machine, rows }, null, 2)}\n`);
await writeFile(join(dir, 'bench.md'), markdown);
process.stdout.write(`\n${markdown}\nwritten to ${dir}/bench.json and bench.md\n`);
