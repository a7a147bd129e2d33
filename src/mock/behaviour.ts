import { z } from 'zod';
import { durationMsSchema, shareSchema } from '../util/schemaHelpers.ts';

const PERCENTILE_KEY = /^p(\d{1,2}(?:\.\d+)?)$/;

/** An empirical latency table: `{ min?, p50: 40ms, p90: 90ms, p99: 250ms, max? }`, interpolated linearly. */
const percentileTableSchema = z.record(z.string(), durationMsSchema).transform((table, ctx) => {
  const points: { percentile: number; latencyMs: number }[] = [];
  for (const [key, latencyMs] of Object.entries(table)) {
    if (key === 'min') points.push({ percentile: 0, latencyMs });
    else if (key === 'max') points.push({ percentile: 100, latencyMs });
    else {
      const match = PERCENTILE_KEY.exec(key);
      const percentile = match ? Number(match[1]) : Number.NaN;
      if (!(percentile > 0 && percentile < 100)) {
        ctx.addIssue({ code: 'custom', message: `"${key}" is not min, max or a percentile such as p50 or p99.9`, path: [key] });
        continue;
      }
      points.push({ percentile, latencyMs });
    }
  }
  points.sort((a, b) => a.percentile - b.percentile);
  if (points.filter((p) => p.percentile > 0 && p.percentile < 100).length === 0) {
    ctx.addIssue({ code: 'custom', message: 'give at least one percentile, e.g. p50: 40ms' });
  }
  for (let i = 1; i < points.length; i++) {
    if (points[i]!.latencyMs < points[i - 1]!.latencyMs) {
      ctx.addIssue({
        code: 'custom',
        message: `latencies must not decrease with the percentile (p${points[i]!.percentile} is below p${points[i - 1]!.percentile})`,
      });
    }
  }
  if (points[0]?.percentile !== 0) points.unshift({ percentile: 0, latencyMs: 0 });
  if (points.at(-1)?.percentile !== 100) points.push({ percentile: 100, latencyMs: points.at(-1)!.latencyMs });
  return points;
});

/** Service slots of the mock at most: each is a number the mock scans per answer. */
export const MAX_SLOTS = 10_000;

/** How long the mock takes to answer: one of five profiles. */
export const latencyProfileSchema = z.union([
  durationMsSchema.transform((fixedMs) => ({ kind: 'fixed' as const, fixedMs })),
  z.strictObject({ fixed: durationMsSchema }).transform((p) => ({ kind: 'fixed' as const, fixedMs: p.fixed })),
  z
    .strictObject({ uniform: z.tuple([durationMsSchema, durationMsSchema]) })
    .refine((p) => p.uniform[0] <= p.uniform[1], 'uniform: [min, max] with min <= max')
    .transform((p) => ({ kind: 'uniform' as const, minMs: p.uniform[0], maxMs: p.uniform[1] })),
  z
    .strictObject({ normal: z.strictObject({ mean: durationMsSchema, stddev: durationMsSchema }) })
    .transform((p) => ({ kind: 'normal' as const, meanMs: p.normal.mean, stddevMs: p.normal.stddev })),
  z
    .strictObject({ lognormal: z.strictObject({ median: durationMsSchema, p99: durationMsSchema }) })
    .refine((p) => p.lognormal.median > 0 && p.lognormal.p99 >= p.lognormal.median, 'lognormal: 0 < median <= p99')
    .transform((p) => ({ kind: 'lognormal' as const, medianMs: p.lognormal.median, p99Ms: p.lognormal.p99 })),
  z.strictObject({ percentiles: percentileTableSchema }).transform((p) => ({ kind: 'percentiles' as const, points: p.percentiles })),
]);
export type LatencyProfile = z.output<typeof latencyProfileSchema>;

/**
 * What the mock does besides answering the contract: latency, injected faults, users.
 * Written in scenarios (`mock:`) and in `npm run mock -- --config`; all faults replay under `seed`.
 */
export const mockBehaviourSchema = z
  .strictObject({
    seed: z.number().int().default(1),
    latency: latencyProfileSchema.optional(),
    errors: z.strictObject({ share: shareSchema, status: z.number().int().min(500).max(599).default(503) }).optional(),
    resets: shareSchema.default(0),
    hangs: shareSchema.default(0),
    stalls: z
      .strictObject({ every: durationMsSchema, for: durationMsSchema })
      .refine((s) => s.for > 0 && s.for < s.every, 'stalls: 0 < for < every')
      .transform((s) => ({ everyMs: s.every, forMs: s.for }))
      .optional(),
    rateLimit: z.number().positive().optional().describe('requests per second answered before 429s'),
    slots: z
      .number()
      .int()
      .positive()
      .max(MAX_SLOTS)
      .optional()
      .describe('requests in service at once; the others wait their turn (FIFO): with a fixed latency L, capacity is slots / L'),
    registerAll: z.boolean().default(false),
    tls: z
      .boolean()
      .default(false)
      .describe('serve HTTPS with a certificate made for the run, which the run trusts (and nothing else does): handshakes cost what they cost'),
  })
  .refine((b) => (b.errors?.share ?? 0) + b.resets + b.hangs <= 1, 'errors.share + resets + hangs must not exceed 1')
  .refine((b) => b.slots === undefined || b.latency !== undefined, {
    message: 'slots needs a latency: each request holds its slot for its service time (capacity = slots / latency)',
    path: ['slots'],
  });
export type MockBehaviour = z.output<typeof mockBehaviourSchema>;
export type MockBehaviourInput = z.input<typeof mockBehaviourSchema>;

/** The plain mock: no latency, no faults, only registered users accepted. */
export const defaultMockBehaviour: MockBehaviour = mockBehaviourSchema.parse({});
