// The keys an object schema accepts anywhere inside a zod schema: what a misspelt key of a
// scenario is compared with, to suggest the one meant ("rte" -> "rate").
import type { z } from 'zod';

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  in?: z.ZodType;
  out?: z.ZodType;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  left?: z.ZodType;
  right?: z.ZodType;
};

/** Every key of every object schema reachable from `schema` (through optional, default, pipes, arrays, unions, records). */
export function knownKeys(schema: z.ZodType): Set<string> {
  const keys = new Set<string>();
  const seen = new Set<unknown>();
  const walk = (node: z.ZodType | undefined) => {
    if (!node || seen.has(node)) return;
    seen.add(node);
    const def = (node as unknown as { _zod: { def: Def } })._zod.def;
    if (def.shape) {
      for (const [key, value] of Object.entries(def.shape)) {
        keys.add(key);
        walk(value);
      }
    }
    for (const child of [def.in, def.out, def.innerType, def.element, def.valueType, def.left, def.right, ...(def.options ?? [])]) walk(child);
  };
  walk(schema);
  return keys;
}

/** Edit distance (insertions, deletions, substitutions, swaps of neighbours), stopping early past `limit`. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/** The known key closest to `key` (case aside), when one is close enough to be the one meant. */
export function nearestKey(key: string, known: ReadonlySet<string>): string | undefined {
  const limit = Math.max(1, Math.floor(key.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    const d = distance(key.toLowerCase(), candidate.toLowerCase(), limit);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
