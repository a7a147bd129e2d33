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

/** Runs A and B alternately `repetitions` times each (A, B, A, B, ...), so drift hits both alike. */
export async function alternate<T>(repetitions: number, a: () => Promise<T>, b: () => Promise<T>): Promise<{ a: T[]; b: T[] }> {
  const results = { a: [] as T[], b: [] as T[] };
  for (let i = 0; i < repetitions; i++) {
    results.a.push(await a());
    results.b.push(await b());
  }
  return results;
}
