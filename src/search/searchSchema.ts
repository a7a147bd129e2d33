import { z } from 'zod';
import { ExitCode, UserError } from '../errors.ts';
import { thresholdExpressionSchema } from '../scenario/thresholds.ts';
import { durationMsSchema, shareSchema } from '../util/schemaHelpers.ts';

/** The shortest trial worth judging: a second of figures. */
export const MIN_HOLD_MS = 1000;

/**
 * `search:` of a phase: the highest rate the target holds within its SLO, found by held trials:
 * grow by `factor` from `from` while trials hold, then bisect between the last held and the
 * first failed rate to `precision`, then confirm the rate found with a longer trial.
 */
export const searchSchema = z
  .strictObject({
    from: z.number().positive().describe('the first rate tried, requests/s'),
    max: z.number().positive().describe('never beyond this rate'),
    hold: durationMsSchema.describe('how long each trial holds its rate'),
    precision: shareSchema.describe('stop when the first failing rate is within this of the last held one, e.g. 5%'),
    slo: z.array(thresholdExpressionSchema).min(1).describe('threshold expressions, judged on each trial alone'),
    atLeast: z.number().positive().optional().describe('a launch gate: FAILED when the capacity found is lower'),
    maxDuration: durationMsSchema.default(10 * 60_000).describe('the whole search ends by then'),
    factor: z.number().gt(1).max(10).default(2).describe('how much each held trial grows the rate'),
    cooldown: durationMsSchema.default(3000).describe('idle time after each trial has ended, for the target to recover'),
    confirm: durationMsSchema.optional().describe('how long the confirming trial holds the rate found (default 3 × hold)'),
  })
  .superRefine((search, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (search.from > search.max) issue('from', `above max (${search.max}): the first rate tried must be one the search may try`);
    if (!(search.precision > 0 && search.precision < 1)) issue('precision', 'between 0 and 100%, e.g. 5%');
    if (search.hold < MIN_HOLD_MS) issue('hold', 'at least 1s: a trial is judged on its own figures');
    if (search.maxDuration < search.hold) issue('maxDuration', `shorter than one trial (hold ${search.hold} ms)`);
    if (search.atLeast !== undefined && search.atLeast > search.max) issue('atLeast', `above max (${search.max}): the search could never show it`);
  })
  .transform((search) => ({
    fromPerSec: search.from,
    maxPerSec: search.max,
    holdMs: search.hold,
    precision: search.precision,
    slo: search.slo,
    atLeastPerSec: search.atLeast ?? null,
    maxDurationMs: search.maxDuration,
    factor: search.factor,
    cooldownMs: search.cooldown,
    confirmMs: search.confirm ?? 3 * search.hold,
  }));
export type SearchSettings = z.output<typeof searchSchema>;

/**
 * Why a search cannot be split over shards: its trials are decided one by one, as each ends, and
 * shards have no coordinator to decide them (--workers do: the coordinator stripes each trial).
 */
export function searchRefusal(how: string): UserError {
  return new UserError(`a capacity search needs one coordinator to decide its trials: ${how} cannot split it`, {
    exitCode: ExitCode.badInput,
    problems: [
      'run it on one machine (--workers N for more generator processes), or over shards that join a coordinator (npm run coordinate; load --shard i/N --coordinator URL)',
    ],
  });
}
