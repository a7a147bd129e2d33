import { z } from 'zod';
import { decodesAsHistogram, latencySummarySchema, looksLikeHistogram } from '../metrics/histogram.ts';

/** Version of result.json's shape; readers refuse other versions. */
export const RESULT_SCHEMA_VERSION = 1;

const latencySummary = latencySummarySchema;
/**
 * Latency over every request a scope scheduled, the thresholds' rule: a request that got no answer
 * counts as infinitely slow, so a statistic it reaches into is null (∞), as is every statistic of a
 * scope with nothing scheduled. Results written before this rule held the answered requests' figures.
 */
const latencyOverAll = z.object({
  min: z.number().nullable(),
  mean: z.number().nullable(),
  p50: z.number().nullable(),
  p75: z.number().nullable(),
  p90: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
  p999: z.number().nullable(),
  max: z.number().nullable(),
});

/** Why a latency threshold failed without a figure. */
export const TOO_MANY_UNANSWERED = 'too many requests got no answer';
const counts = z.record(z.string(), z.number().int().nonnegative());
/** A scope's histogram: decoded when read (a report draws it), so a damaged one is refused as bad input. */
const encodedHistogram = z.string().refine(decodesAsHistogram, 'not an HdrHistogram in compressed base64');

const contractScopeSchema = z.object({
  checked: z.number().int().describe('responses checked against the pact interaction for their status (all, or the sampled share)'),
  count: z.number().int().describe('checked responses with at least one violation'),
  rate: z.number().min(0).max(1),
  byKind: z.array(z.object({ rule: z.string(), path: z.string(), source: z.enum(['pact', 'ingestion']), count: z.number().int() })),
  noInteraction: counts.describe('responses taken for checking whose status the pact has no interaction for and their row expects, by status (not in checked)'),
  contentEncodings: counts.default({}).describe('responses taken for checking that came compressed, by Content-Encoding: they were checked decoded'),
  examples: z.array(
    z.object({
      status: z.number().int(),
      rule: z.string(),
      path: z.string(),
      expected: z.string(),
      actual: z.string(),
      bodyExcerpt: z.string(),
      reference: z
        .enum(['confirmed', 'disputed', 'unavailable', 'notApplicable'])
        .default('notApplicable')
        .describe(
          "Pact's reference verifier on this answer replayed after the run: confirmed broken, disputed (it passes the answer), unavailable, or notApplicable (an ingestion check, beyond the pact)",
        ),
    }),
  ),
});
export type ContractScopeResult = z.infer<typeof contractScopeSchema>;

const statsObject = z.object({
  requests: z.object({ scheduled: z.number().int(), sent: z.number().int(), completed: z.number().int(), dropped: z.number().int() }),
  connections: z
    .object({
      opened: z.number().int().describe('new connections opened (TCP connected, and TLS done for https)'),
      connectMs: latencySummary
        .nullable()
        .describe('TCP connect time of the new connections (through a proxy: until the tunnel and TLS were up); null when none opened'),
      tlsHandshakeMs: latencySummary.nullable().describe('TLS handshake time, after TCP connect; null for plain http or through a proxy'),
      firstByteMs: latencySummary
        .nullable()
        .default(null)
        .describe(
          "each answer's time to first byte, from when its request went out on an open connection (k6's http_req_waiting); null when nothing was answered",
        ),
      resumed: z.number().int().default(0).describe('of the connections opened, those whose TLS session was resumed (conversations with tlsResume)'),
      failed: counts.default({}).describe('new connections that failed before they were open, by kind (refused, tls, timeout, localLimit...)'),
      closedByServer: z
        .number()
        .int()
        .default(0)
        .describe('open connections the server (or a proxy or load balancer) closed while idle: each costs a new connection for the next request'),
      requestsPerConnection: z.number().nullable().default(null).describe('requests sent per connection opened (keep-alive reuse); null when none opened'),
    })
    .nullable()
    .default(null)
    .describe('the connections this scope opened; null in results written before they were measured'),
  conversations: z
    .object({
      started: z.number().int(),
      completed: z.number().int().describe('sent all their messages (failed ones included under onError: continue)'),
      abandoned: z.number().int().describe('ended after a failed message (onError: abandon)'),
      cut: z.number().int().describe('ended by gracefulStop, or by the run stopping, before their last message'),
      notStarted: z
        .object({ connectionLimit: z.number().int(), feedStarved: z.number().int() })
        .describe('due but never started: every allowed connection was open (maxConnections, ulimit -n), or no user row was ready'),
      messagesPerConversation: z.number().nullable().describe('messages sent per conversation that ended; null when none ended'),
      durationMs: latencySummary.nullable().describe('from the scheduled start to the last answer, of the completed conversations; null when none completed'),
    })
    .nullable()
    .default(null)
    .describe('conversations of this scope (a conversations phase); null where there were none'),
  dropped: z.object({ queueTimeout: z.number().int(), aborted: z.number().int(), feedStarved: z.number().int() }),
  durationMs: z.number().describe('the time the scope took to send its requests: from its start to its last send, at least the time it was planned to run'),
  achievedRate: z.number().describe('requests sent per second of durationMs'),
  targetRate: z.number().nullable().describe("the plan's requests per second over the time the scope was planned to run (open model), null for closed model"),
  latencyMs: latencyOverAll.describe('from the scheduled send (coordinated-omission free), over every request: null is ∞ (see TOO_MANY_UNANSWERED)'),
  serviceLatencyMs: latencyOverAll.describe('from the actual send, over every request sent: null is ∞'),
  answeredLatencyMs: latencySummary.describe(
    'from the scheduled send, of the answered requests only (what histogram and latency.hgrm hold); all 0 when none was',
  ),
  answeredServiceLatencyMs: latencySummary.describe('from the actual send, of the answered requests only'),
  statusCounts: counts,
  errors: z.object({
    timeout: z.number().int(),
    refused: z.number().int(),
    reset: z.number().int(),
    tls: z.number().int().default(0).describe('certificate not trusted or TLS handshake failed'),
    protocol: z.number().int().default(0).describe('an answer that is not valid HTTP/1.1'),
    bodyTooLarge: z.number().int().default(0).describe('a body over target.maxBodyBytes'),
    localLimit: z.number().int().default(0).describe("the generator's machine ran out of file descriptors, ports or buffers"),
    socket: z.number().int(),
    aborted: z.number().int(),
    http: counts,
  }),
  expectedOutcomes: counts,
  unexpected: z.number().int(),
  errorRate: z.number().min(0).max(1),
  errorExamples: z.array(
    z.object({ status: z.number().int(), error: z.string().optional(), reason: z.string().optional(), bodyExcerpt: z.string(), count: z.number().int() }),
  ),
  histogram: encodedHistogram.describe('corrected latency of the answered requests, HdrHistogram compressed base64, µs'),
  serviceHistogram: encodedHistogram.describe('service latency of the answered requests, HdrHistogram compressed base64, µs'),
  contractViolations: contractScopeSchema.nullable().describe('null when contract checks were off'),
});
export type ResultStats = z.infer<typeof statsObject>;

/** Results written before the figures over all requests held the answered ones' in latencyMs. */
function withAnsweredFigures(stats: unknown): unknown {
  if (stats === null || typeof stats !== 'object' || 'answeredLatencyMs' in stats) return stats;
  const old = stats as { latencyMs?: unknown; serviceLatencyMs?: unknown };
  return { ...stats, answeredLatencyMs: old.latencyMs, answeredServiceLatencyMs: old.serviceLatencyMs };
}
const statsSchema = z.preprocess(withAnsweredFigures, statsObject);

/** What a capacity search found, and every trial it ran (see src/search/). */
export const capacitySchema = z.object({
  heldPerSec: z.number().nullable().describe('the highest rate whose trial and confirmation held the SLO; null when none held'),
  failedPerSec: z.number().nullable().describe('the lowest rate whose trial failed the SLO; null when none failed'),
  reason: z.string().nullable().describe('what broke first at failedPerSec, or why the search stopped'),
  bound: z
    .enum(['server', 'generator', 'max', 'time', 'interrupted', 'notRecovered'])
    .describe(
      'what bounded the search: the SLO broke, this side could not send the rate, max reached, maxDuration spent, Ctrl-C, or the target stayed slow after a cooldown',
    ),
  atLeastPerSec: z.number().nullable(),
  stoppedDuring: z
    .object({ askedPerSec: z.number(), role: z.enum(['trial', 'confirmation', 'recoveryProbe']) })
    .nullable()
    .default(null)
    .describe('the trial running or starting when the search was stopped (it is not in trials when it had sent nothing); null otherwise'),
  trials: z.array(
    z.object({
      askedPerSec: z.number(),
      achievedPerSec: z.number(),
      durationMs: z.number(),
      role: z
        .enum(['trial', 'confirmation', 'recoveryProbe'])
        .describe('a step of the search, the longer trial confirming the rate found, or a trial at the first rate after an overload'),
      held: z.boolean(),
      p50Ms: z.number().nullable(),
      p99Ms: z.number().nullable(),
      p999Ms: z.number().nullable(),
      errorRate: z.number(),
      dropRate: z.number(),
      contractViolations: z.number().nullable(),
      failed: z.array(z.object({ expr: z.string(), actual: z.number().nullable(), reason: z.string().nullable() })),
    }),
  ),
});
export type CapacityResult = z.infer<typeof capacitySchema>;

const phaseResultObject = statsObject.extend({
  name: z.string(),
  ran: z.boolean().default(true).describe('false for a phase an interrupted or aborted run never reached: no figures, its thresholds not evaluated'),
  model: z.enum(['open', 'closed']),
  // The scenario's word for the phase type; results written before it was used say `closed`.
  kind: z.preprocess((kind) => (kind === 'closed' ? 'connections' : kind), z.enum(['rate', 'connections', 'conversations', 'replay', 'search'])),
  startOffsetMs: z.number(),
  plan: z.object({
    ratePerSec: z.number().optional(),
    rampToPerSec: z.number().optional(),
    connections: z.number().optional(),
    replayFile: z.string().optional(),
    speed: z.number().optional(),
    conversations: z
      .object({
        ratePerSec: z.number(),
        rampToPerSec: z.number(),
        messages: z.string().describe('per conversation: 5, 2-8 (uniform) or mean 4 (geometric)'),
        thinkTime: z.string().describe('as written: 1s, uniform 500ms-3s, or lognormal median 2s p99 20s'),
        connection: z.enum(['own', 'pool']),
        onError: z.enum(['continue', 'abandon']),
        gracefulStopMs: z.number(),
        tlsResume: z.boolean(),
      })
      .optional(),
    search: z
      .object({
        fromPerSec: z.number(),
        maxPerSec: z.number(),
        holdMs: z.number(),
        precision: z.number(),
        slo: z.array(z.string()),
        atLeastPerSec: z.number().nullable(),
      })
      .optional(),
  }),
  capacity: capacitySchema.nullable().default(null).describe('what a search phase found; null for other phases'),
});
export type PhaseResult = z.infer<typeof phaseResultObject>;
const phaseResultSchema = z.preprocess(withAnsweredFigures, phaseResultObject);

const timelineSchema = z.object({
  second: z.number().int(),
  phase: z.string(),
  targetRate: z.number().nullable(),
  sent: z.number().int(),
  completed: z.number().int(),
  connectionsOpened: z.number().int().default(0).describe('new connections opened in this second'),
  errors: counts,
  expected: z.number().int(),
  dropped: z.number().int(),
  p50Ms: z.number(),
  p99Ms: z.number(),
  maxMs: z.number(),
  histogram: z.string().refine(looksLikeHistogram, 'not an HdrHistogram in compressed base64'),
});
export type TimelineEntry = z.infer<typeof timelineSchema>;

const thresholdResultSchema = z.object({
  expr: z.string(),
  phase: z.string().nullable(),
  abortOnFail: z.boolean(),
  operator: z.enum(['<', '<=', '>', '>=', '==', '!=']),
  limit: z.number(),
  unit: z
    .enum(['ms', 'ratio', 'perSec', 'count'])
    .describe('ms for latencies, a 0..1 share for rates, requests per second for achievedRate, responses for contractViolations'),
  actual: z.number().nullable().describe('null when not evaluated'),
  passed: z.boolean().nullable().describe('null when not evaluated: its phase never ran'),
  reason: z
    .string()
    .nullable()
    .default(null)
    .describe('why there is no actual figure: its phase never ran, its scope answered (or checked) nothing, or too many requests got no answer'),
  implicit: z
    .boolean()
    .default(false)
    .describe('added by the harness, not written in the scenario (contractViolations == 0 when the scenario sets no contract threshold)'),
});
export type ThresholdResult = z.infer<typeof thresholdResultSchema>;

/** result.json: everything measured in a run, enough to re-render every report without re-running. */
export const runResultSchema = z.object({
  schemaVersion: z.literal(RESULT_SCHEMA_VERSION),
  passed: z.boolean().describe('every evaluated threshold held and the run was not stopped early'),
  aborted: z.boolean(),
  abortReason: z.string().nullable(),
  interrupted: z.boolean().default(false).describe('stopped by Ctrl-C or SIGTERM (exit 130)'),
  durationScale: z.number().positive().default(1).describe('--duration-scale of the run: phase durations were multiplied by it'),
  scenario: z.object({ name: z.string(), file: z.string(), description: z.string().nullable() }),
  target: z.object({
    url: z.string(),
    mock: z.boolean(),
    tlsVerified: z.boolean().nullable().default(null).describe('false: --insecure skipped certificate checks; null: plain http'),
    trustStore: z
      .string()
      .nullable()
      .default(null)
      .describe(
        "what the certificates were verified against: Node's bundled CAs or the machine's store, plus NODE_EXTRA_CA_CERTS and target.ca; null for http or --insecure",
      ),
    network: z
      .object({
        proxy: z.string().nullable().describe('the proxy requests went through, its URL without credentials; null: direct'),
        localAddresses: z.number().int().nullable().describe('how many local addresses connections left from (target.localAddresses); null: the system chose'),
        dnsQueries: z
          .number()
          .int()
          .describe(
            "questions asked of the resolver during the load, every generator's summed (names pinned by target.resolve ask none; preflight's answer may serve the load)",
          ),
        addresses: z
          .array(z.object({ address: z.string(), connections: z.number().int(), requests: z.number().int() }))
          .describe('connections opened to each address (or through the proxy) and requests answered or failed on them, most requests first'),
      })
      .nullable()
      .default(null),
  }),
  runId: z.string().nullable().default(null).describe("the run's id: the run_id label of its live metrics, shared by every worker and shard"),
  outputs: z
    .object({
      prometheus: z.array(
        z.object({
          url: z.string().describe('the receiver, without credentials'),
          pushes: z.number().int().describe("every generator's pushes, the final ones included"),
          failed: z.number().int().describe('pushes that never reached it (refused, no answer, or dropped for a newer one)'),
          lastError: z.string().nullable(),
          missingMs: z.number().describe('time whose samples are missing there: an interval per failed push, summed over generators'),
          finalDelivered: z.boolean().describe("every generator's final push (exact totals) reached it"),
        }),
      ),
    })
    .default({ prometheus: [] })
    .describe('what became of the live metrics (--output); empty when there were none'),
  startedAt: z.string(),
  endedAt: z.string(),
  overall: statsSchema,
  phases: z.array(phaseResultSchema),
  timeline: z.array(timelineSchema),
  thresholds: z.array(thresholdResultSchema),
  contract: z
    .object({
      pactFile: z.string(),
      sampleShare: z.number().min(0).max(1),
      clockSkewMs: z.number(),
      statuses: z.array(z.number().int()),
      reference: z
        .object({ replayed: z.number().int(), confirmed: z.number().int(), disputed: z.array(z.string()), unavailable: z.string().nullable() })
        .nullable()
        .default(null)
        .describe("the first answer of each kind of pact violation replayed through Pact's reference verifier after the run; null when none broke a pact rule"),
    })
    .nullable()
    .describe('what responses were checked against, null when contract checks were off'),
  preflight: z.array(z.object({ check: z.string(), status: z.number().int(), note: z.string() })),
  serverSide: z
    .object({ serviceTimeMs: latencySummary, statusCounts: counts, injected: z.record(z.string(), z.number().int()) })
    .nullable()
    .describe('what the built-in mock measured itself, when the target was the mock'),
  generators: z
    .object({
      splitBy: z.enum(['worker', 'shard']),
      skewToleranceMs: z.number().describe('schedules that started further apart than this are flagged'),
      rows: z.array(
        z.object({
          label: z.string(),
          sent: z.number().int(),
          achievedRate: z.number(),
          p50Ms: z.number(),
          p99Ms: z.number(),
          unexpected: z.number().int(),
          startOffsetMs: z.number().describe("when this part's schedule started, after the first part's"),
          aborted: z.boolean(),
        }),
      ),
    })
    .nullable()
    .default(null)
    .describe('each worker or shard of a run split over processes or machines; null for a single process'),
  environment: z.object({
    harnessVersion: z.string(),
    gitCommit: z.string().nullable(),
    node: z.string(),
    cpus: z.number().int(),
    platform: z.string(),
    peakRssBytes: z.number().int().nullable().default(null).describe("the generator process's peak resident memory up to the end of the run"),
  }),
});
export type RunResult = z.infer<typeof runResultSchema>;
