import { standardNormal, Z_P99 } from '../util/random.ts';
import type { Random } from '../util/random.ts';
import type { LatencyProfile } from './behaviour.ts';

/** Returns a function drawing one service latency (ms, >= 0) from the profile. */
export function latencySampler(profile: LatencyProfile | undefined, random: Random): () => number {
  if (!profile) return () => 0;
  switch (profile.kind) {
    case 'fixed':
      return () => profile.fixedMs;
    case 'uniform':
      return () => profile.minMs + random() * (profile.maxMs - profile.minMs);
    case 'normal':
      return () => Math.max(0, profile.meanMs + profile.stddevMs * standardNormal(random));
    case 'lognormal': {
      const mu = Math.log(profile.medianMs);
      const sigma = (Math.log(profile.p99Ms) - mu) / Z_P99;
      return () => Math.exp(mu + sigma * standardNormal(random));
    }
    case 'percentiles': {
      const points = profile.points;
      return () => {
        const percentile = random() * 100;
        let upper = 1;
        while (upper < points.length - 1 && points[upper]!.percentile < percentile) upper++;
        const lo = points[upper - 1]!;
        const hi = points[upper]!;
        const span = hi.percentile - lo.percentile;
        const t = span === 0 ? 0 : (percentile - lo.percentile) / span;
        return lo.latencyMs + t * (hi.latencyMs - lo.latencyMs);
      };
    }
  }
}
