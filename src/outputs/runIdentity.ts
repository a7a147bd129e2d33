import { createHash, randomBytes } from 'node:crypto';

/** What a run id may be: it is a label value and a file-name part. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * A run's id, the run_id of its live metrics: the one given (`--run-id`), else the same for every
 * shard started with the same `--start-at` (derived from it and the scenario), else random.
 */
export function runIdOf(scenarioName: string, startAtEpochMs: number | undefined, given: string | undefined): string {
  if (given !== undefined) return given;
  if (startAtEpochMs !== undefined) return createHash('sha256').update(`${scenarioName}\n${startAtEpochMs}`).digest('hex').slice(0, 12);
  return randomBytes(6).toString('hex');
}

/** A generator's name in its series: `main`, `shard1`, `worker0`, `shard1-worker0`, `trial3-worker0`. */
export function generatorLabel(parts: { shard?: number; trial?: number; worker?: number }): string {
  const names = [
    parts.shard === undefined ? undefined : `shard${parts.shard}`,
    parts.trial === undefined ? undefined : `trial${parts.trial}`,
    parts.worker === undefined ? undefined : `worker${parts.worker}`,
  ].filter((name) => name !== undefined);
  return names.length === 0 ? 'main' : names.join('-');
}
