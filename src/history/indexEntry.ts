// One run as the run history lists it: a few figures, no histograms. Every run folder keeps its
// own (index-entry.json, written with its result), so indexing a thousand runs reads a thousand
// small files, not a thousand results.
import { z } from 'zod';
import type { RunResult } from '../report/resultModel.ts';
import type { VerdictWord } from '../report/verdict.ts';

export const INDEX_ENTRY_FILE = 'index-entry.json';

export const indexEntrySchema = z.object({
  kind: z.enum(['run', 'merged', 'shard']),
  scenario: z.string(),
  startedAt: z.string(),
  durationMs: z.number().nonnegative(),
  durationScale: z.number().positive(),
  target: z.string(),
  /** Null for a shard: its merge is judged, not it. */
  verdict: z.enum(['PASSED', 'FAILED', 'REGRESSED', 'INTERRUPTED']).nullable(),
  sent: z.number().int().nonnegative(),
  achievedRate: z.number(),
  p50Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  p999Ms: z.number().nullable(),
  errorRate: z.number(),
  contractViolations: z.number().int().nullable(),
  capacityPerSec: z.number().nullable(),
  runId: z.string().nullable(),
  /** The run's report, relative to its folder; null for a shard. */
  report: z.string().nullable(),
  /** A merge's shard folders, relative to its own folder. */
  shards: z.array(z.string()),
});
export type IndexEntry = z.infer<typeof indexEntrySchema>;

/** A run's entry, from its result and its verdict (REGRESSED only when judged against a baseline). */
export function entryOf(result: RunResult, verdict: VerdictWord | null, kind: IndexEntry['kind'], shards: readonly string[] = []): IndexEntry {
  const overall = result.overall;
  const capacity = result.phases.find((phase) => phase.capacity)?.capacity ?? null;
  return {
    kind,
    scenario: result.scenario.name,
    startedAt: result.startedAt,
    durationMs: Math.max(0, Date.parse(result.endedAt) - Date.parse(result.startedAt)),
    durationScale: result.durationScale,
    target: result.target.url,
    verdict,
    sent: overall.requests.sent,
    achievedRate: overall.achievedRate,
    p50Ms: overall.latencyMs.p50,
    p99Ms: overall.latencyMs.p99,
    p999Ms: overall.latencyMs.p999,
    errorRate: overall.errorRate,
    contractViolations: overall.contractViolations?.count ?? null,
    capacityPerSec: capacity?.heldPerSec ?? null,
    runId: result.runId,
    report: kind === 'shard' ? null : 'report.html',
    shards: [...shards],
  };
}
