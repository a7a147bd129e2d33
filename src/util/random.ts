/** A seeded PRNG (mulberry32): the same seed gives the same sequence, so runs replay exactly. */
export type Random = () => number;

/** Returns a generator of uniform floats in [0, 1) from a 32-bit seed. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One draw of a standard normal variable (Box-Muller). */
export function standardNormal(random: Random): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** z-score of the 99th percentile of a standard normal distribution. */
export const Z_P99 = 2.3263478740408408;
