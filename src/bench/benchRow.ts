/** One row of the benchmark table, with the raw figures kept for bench.json. */
export interface BenchRow {
  id: string;
  name: string;
  /** What was measured, in words and numbers, as the table shows it. */
  measured: string;
  /** The figure held to the goal (a ratio, a delta in ms...), formatted; '-' when none. */
  figure: string;
  goal: string;
  /** null when the row has no goal or was skipped. */
  met: boolean | null;
  details: Record<string, unknown>;
}

/** Median and range of repeated measurements. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function spread(runs: number[]): Spread {
  const sorted = [...runs].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)!, runs };
}

/**
 * Runs A and B `repetitions` times each in ABBA order (A, B, B, A, A, B, ...): pair i is still
 * two adjacent runs, and a machine that drifts steadily faster or slower favours neither side
 * (with plain A, B, A, B, B would always run later).
 */
export async function alternate<T>(repetitions: number, a: () => Promise<T>, b: () => Promise<T>): Promise<{ a: T[]; b: T[] }> {
  const results = { a: [] as T[], b: [] as T[] };
  for (let i = 0; i < repetitions; i++) {
    if (i % 2 === 0) {
      results.a.push(await a());
      results.b.push(await b());
    } else {
      results.b.push(await b());
      results.a.push(await a());
    }
  }
  return results;
}

/** Runs A and B alternately and sums them up: each one's spread and the paired ratio A/B. */
export async function sideBySide(repetitions: number, a: () => Promise<number>, b: () => Promise<number>): Promise<{ a: Spread; b: Spread; ratio: Spread }> {
  const runs = await alternate(repetitions, a, b);
  return { a: spread(runs.a), b: spread(runs.b), ratio: pairedRatio(runs.a, runs.b) };
}

/**
 * The ratio A/B of alternating runs, as the median of each adjacent pair's ratio: a pair ran
 * seconds apart, so a slow spell of a shared machine hits both of its runs and cancels out.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): Spread {
  return spread(a.map((value, i) => value / b[i]!));
}

/** `31,200 (30,900-31,500)`: a spread for the table. */
export function formatSpread(value: Spread, digits = 0): string {
  const f = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return value.runs.length === 1 ? f(value.median) : `${f(value.median)} (${f(value.min)}-${f(value.max)})`;
}

/** `0.91 (0.84-0.97)`: a ratio with the range of its pairs. */
export function formatRatio(ratio: Spread): string {
  return ratio.runs.length === 1 ? ratio.median.toFixed(2) : `${ratio.median.toFixed(2)} (${ratio.min.toFixed(2)}-${ratio.max.toFixed(2)})`;
}

/** The p-th percentile (0..100) of unsorted values, nearest rank. */
export function percentileOf(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** A row that could not run here (a peer tool missing, say): it says so instead of failing. */
export function skippedRow(id: string, name: string, why: string): BenchRow {
  return { id, name, measured: `skipped: ${why}`, figure: '-', goal: '-', met: null, details: { skipped: why } };
}
