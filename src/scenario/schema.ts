import { z } from 'zod';
import { mockBehaviourSchema } from '../mock/behaviour.ts';
import { durationMsSchema, shareSchema } from '../util/schemaHelpers.ts';
import { thresholdExpressionSchema } from './thresholds.ts';
import { searchSchema } from '../search/searchSchema.ts';
import { dnsSchema, localAddressesSchema, proxySchema, resolveSchema } from '../network/networkSchema.ts';
import { conversationsSchema } from '../conversations/conversationSchema.ts';
import { outputsSchema } from '../outputs/outputSchema.ts';

const feedOrder = z.enum(['sequence', 'random', 'once']);
const positiveInt = z.number().int().positive();
/** Bodies are held in memory until checked: a cap above this would let a few connections exhaust the heap. */
export const MAX_BODY_BYTES_LIMIT = 64 * 1024 * 1024;
/**
 * What one generator process may be asked to send: it sends about 75k requests/s (see
 * docs/performance.md), and a higher rate would only fill its queue (and its heap). A run split
 * over workers or shards is held to this per generator, after the split (generatorLimitProblems).
 */
export const MAX_RATE_PER_SEC = 100_000;
/** Connections of one generator: each is a file descriptor and needs its own ephemeral port. */
export const MAX_CONNECTIONS = 10_000;
/** A whole run's rate, however it is split: a hundred generators at the per-generator limit. */
export const MAX_RUN_RATE_PER_SEC = 100 * MAX_RATE_PER_SEC;
/** A whole run's connections, however it is split. */
export const MAX_RUN_CONNECTIONS = 100 * MAX_CONNECTIONS;
/** Generator processes on one machine: beyond a few dozen cores, shards on more machines do better. */
export const MAX_WORKERS = 64;
export const MAX_PHASE_DURATION_MS = 24 * 60 * 60 * 1000;
const connectionCount = positiveInt.max(MAX_RUN_CONNECTIONS, `at most ${MAX_RUN_CONNECTIONS} for a whole run (${MAX_CONNECTIONS} per generator process)`);
const RATE_TOO_HIGH = `at most ${MAX_RUN_RATE_PER_SEC} requests/s for a whole run (${MAX_RATE_PER_SEC} per generator process)`;

const phaseInputSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .regex(/^[\w.-]+$/, 'letters, digits, "_", "-" or "."'),
  duration: durationMsSchema.optional(),
  rate: z.number().positive().max(MAX_RUN_RATE_PER_SEC, RATE_TOO_HIGH).optional().describe('requests per second (open model)'),
  rampTo: z.number().nonnegative().max(MAX_RUN_RATE_PER_SEC, RATE_TOO_HIGH).optional(),
  connections: connectionCount.optional().describe('closed model: keep N requests in flight'),
  conversations: conversationsSchema.optional(),
  maxConnections: connectionCount
    .optional()
    .describe(
      'at most this many connections for the phase (conversations on their own connections: at most this many open at once); target.maxConnections when unset',
    ),
  replay: z.string().min(1).optional(),
  speed: z.number().positive().optional(),
  search: searchSchema.optional().describe('find the highest rate the target holds within an SLO (docs/load-runs.md)'),
  connection: z
    .enum(['pool', 'new'])
    .optional()
    .describe('pool: keep-alive connections shared by the phase (default); new: every request on a new connection of its own, closed after its answer'),
  arrivals: z
    .enum(['uniform', 'poisson'])
    .optional()
    .describe(
      'how requests of a rate phase, conversations of a conversations phase or trials of a search arrive: evenly spaced (default), or as independent users do (poisson, seeded)',
    ),
});

/** One phase: open model at a rate (or ramp), closed model with N connections, conversations, a replayed log or a search. */
const phaseSchema = phaseInputSchema
  .superRefine((phase, ctx) => {
    const kinds = (['rate', 'connections', 'conversations', 'replay', 'search'] as const).filter((key) => phase[key] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          kinds.length === 0
            ? 'give one of rate (open model), connections (closed model), conversations (users with think time), replay (a traffic log) or search (a capacity search)'
            : `${kinds.join(' and ')} cannot be combined: a phase is one of rate, connections, conversations, replay or search`,
      });
      return;
    }
    const kind = kinds[0]!;
    if (kind === 'search') {
      for (const key of ['duration', 'rampTo', 'speed'] as const)
        if (phase[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'not with search: its trials set their own rates and lengths' });
      return;
    }
    if (kind !== 'replay' && phase.duration === undefined) ctx.addIssue({ code: 'custom', path: ['duration'], message: 'required, e.g. 30s' });
    if (phase.duration !== undefined && phase.duration <= 0) ctx.addIssue({ code: 'custom', path: ['duration'], message: 'must be longer than 0' });
    if (phase.duration !== undefined && phase.duration > MAX_PHASE_DURATION_MS)
      ctx.addIssue({ code: 'custom', path: ['duration'], message: 'at most 24h per phase' });
    // A rate that schedules no request in the whole phase is a typo, not a test.
    if (
      kind === 'rate' &&
      phase.duration !== undefined &&
      phase.duration > 0 &&
      ((phase.rate! + (phase.rampTo ?? phase.rate!)) / 2) * (phase.duration / 1000) < 1
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['rate'],
        message: `schedules no request in ${phase.duration} ms: a phase needs at least one (rate × duration ≥ 1)`,
      });
    }
    const conversations = phase.conversations;
    if (
      conversations !== undefined &&
      phase.duration !== undefined &&
      phase.duration > 0 &&
      ((conversations.rate + (conversations.rampTo ?? conversations.rate)) / 2) * (phase.duration / 1000) < 1
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['conversations', 'rate'],
        message: `starts no conversation in ${phase.duration} ms: a phase needs at least one (rate × duration ≥ 1)`,
      });
    }
    if (kind === 'replay' && phase.duration !== undefined)
      ctx.addIssue({ code: 'custom', path: ['duration'], message: 'a replay lasts as long as its log (scaled by speed)' });
    if (phase.rampTo !== undefined && kind !== 'rate')
      ctx.addIssue({
        code: 'custom',
        path: ['rampTo'],
        message: kind === 'conversations' ? 'a conversations phase ramps with conversations.rampTo' : 'only with rate',
      });
    if (phase.speed !== undefined && kind !== 'replay') ctx.addIssue({ code: 'custom', path: ['speed'], message: 'only with replay' });
    if (phase.connection !== undefined && kind !== 'rate')
      ctx.addIssue({
        code: 'custom',
        path: ['connection'],
        message:
          kind === 'conversations'
            ? 'a conversations phase sets conversations.connection (own or pool)'
            : 'only with rate: other phases keep their connections',
      });
    if (phase.arrivals !== undefined && kind !== 'rate' && kind !== 'conversations')
      ctx.addIssue({
        code: 'custom',
        path: ['arrivals'],
        message: 'only with rate, conversations or search: a closed model sends when an answer comes, a replay when its log did',
      });
    if (phase.maxConnections !== undefined && kind === 'connections')
      ctx.addIssue({ code: 'custom', path: ['maxConnections'], message: 'a closed-model phase uses exactly `connections`' });
  })
  .transform((phase) => {
    if (phase.rate !== undefined) {
      return {
        kind: 'rate' as const,
        name: phase.name,
        durationMs: phase.duration!,
        ratePerSec: phase.rate,
        rampToPerSec: phase.rampTo ?? phase.rate,
        maxConnections: phase.maxConnections,
        arrivals: phase.arrivals ?? 'uniform',
        connection: phase.connection ?? 'pool',
      };
    }
    if (phase.connections !== undefined) return { kind: 'connections' as const, name: phase.name, durationMs: phase.duration!, connections: phase.connections };
    if (phase.conversations !== undefined)
      return {
        kind: 'conversations' as const,
        name: phase.name,
        durationMs: phase.duration!,
        conversations: phase.conversations,
        maxConnections: phase.maxConnections,
        arrivals: phase.arrivals ?? 'uniform',
      };
    if (phase.search !== undefined)
      return { kind: 'search' as const, name: phase.name, search: phase.search, maxConnections: phase.maxConnections, arrivals: phase.arrivals ?? 'uniform' };
    return { kind: 'replay' as const, name: phase.name, file: phase.replay!, speed: phase.speed ?? 1, maxConnections: phase.maxConnections };
  });
export type ScenarioPhase = z.output<typeof phaseSchema>;

const thresholdExpression = thresholdExpressionSchema;

/** `p99 < 250ms`, or `{ expr, phase, abortOnFail }` to scope it to a phase or stop the run early. */
const thresholdSchema = z.union([
  thresholdExpression.transform((t) => ({ ...t, phase: undefined as string | undefined, abortOnFail: false, implicit: false })),
  z
    .strictObject({ expr: thresholdExpression, phase: z.string().optional(), abortOnFail: z.boolean().default(false) })
    .transform((t) => ({ ...t.expr, phase: t.phase, abortOnFail: t.abortOnFail, implicit: false })),
]);
export type ScenarioThreshold = z.output<typeof thresholdSchema>;

/**
 * The contract verdict a scenario gets when it sets none: any violating response fails the run. A
 * scenario relaxes it by naming its own, e.g. `contractViolationRate < 0.1%`.
 */
export const IMPLICIT_CONTRACT_THRESHOLD: ScenarioThreshold = {
  expr: 'contractViolations == 0',
  condition: { metric: { kind: 'contractViolations' }, operator: '==', limit: 0 },
  phase: undefined,
  abortOnFail: false,
  implicit: true,
};

const messagesSchema = z.union([
  z.strictObject({ file: z.string().min(1), order: feedOrder.default('random') }),
  z.strictObject({ inline: z.array(z.string().min(1)).min(1), order: feedOrder.default('random') }),
]);

/**
 * Contract checks of every response during the run: on by default against the harness's own
 * pact; `false` turns them off; `pact` points at another pact file (relative to the scenario).
 */
const contractSchema = z
  .union([
    z.literal(false),
    z.strictObject({
      pact: z.string().min(1).optional(),
      sample: shareSchema.default(1).describe('share of responses to check, 0..1 (for extreme rates)'),
      clockSkew: durationMsSchema.default(2000).describe("how far created_at may lie outside the request's send/receive window"),
    }),
  ])
  .default({ sample: 1, clockSkew: 2000 });
export type ScenarioContract = z.output<typeof contractSchema>;

/** A load scenario as written in YAML (after `${ENV}` interpolation). */
export const scenarioSchema = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .regex(/^[\w.-]+$/, 'letters, digits, "_", "-" or "." (it names the report folder)'),
    description: z.string().optional(),
    seed: z.number().int().default(1).describe('seed of random orders'),
    workers: z
      .union([z.literal('auto'), positiveInt.max(MAX_WORKERS, `at most ${MAX_WORKERS}`)])
      .default(1)
      .describe('generator processes on this machine: a number, or auto (one per core, less one for the built-in mock)'),
    target: z.strictObject({
      url: z.string().refine((url) => url === 'mock' || (/^https?:\/\//.test(url) && URL.canParse(url)), 'expected "mock" or an http(s) base URL'),
      token: z.string().min(1).optional(),
      clientId: z.string().min(1).optional(),
      timeout: durationMsSchema.default(10_000),
      maxConnections: connectionCount.default(256),
      maxQueue: durationMsSchema.optional().describe('how long a due request may wait for a connection before it is dropped'),
      ca: z.string().min(1).optional().describe('PEM file of CA certificates trusted besides the others for an https target (a private CA)'),
      systemCa: z
        .boolean()
        .default(false)
        .describe("trust the machine's CA store (a corporate CA for TLS-inspecting proxies lives there) instead of Node's bundled one"),
      insecure: z.boolean().default(false).describe('skip TLS certificate verification (the token then goes to whoever answers)'),
      acceptEncoding: z
        .string()
        .min(1)
        .optional()
        .describe('the Accept-Encoding header the real app sends (e.g. "gzip, br"); compressed answers are checked decoded'),
      maxBodyBytes: positiveInt
        .max(MAX_BODY_BYTES_LIMIT, `at most ${MAX_BODY_BYTES_LIMIT} (64 MiB)`)
        .default(1024 * 1024)
        .describe('a response body larger than this is read, dropped and counted as bodyTooLarge'),
      dns: dnsSchema.describe('resolution of the target name: ttl, select (first, random, roundRobin), family (any, ipv4, ipv6)'),
      resolve: resolveSchema.optional().describe('names pinned to addresses without DNS, as curl --resolve: { "api.example.com": ["10.0.0.1", "10.0.0.2"] }'),
      proxy: proxySchema.optional().describe('an http:// proxy for every request (HTTPS through CONNECT), or false to ignore HTTPS_PROXY/HTTP_PROXY'),
      localAddresses: localAddressesSchema.optional().describe('addresses (or IPv4 CIDR blocks) new connections leave from, in turn'),
    }),
    businessId: z.number().int().nonnegative().default(343),
    users: z.strictObject({ file: z.string().min(1), order: feedOrder.default('sequence') }),
    messages: messagesSchema,
    phases: z.array(phaseSchema).min(1),
    thresholds: z.array(thresholdSchema).default([]),
    contract: contractSchema,
    mock: mockBehaviourSchema.optional(),
    outputs: outputsSchema.describe('live metrics while the run runs: prometheus remote write (docs/live-metrics.md)'),
  })
  .superRefine((scenario, ctx) => {
    if (scenario.target.url !== 'mock') {
      if (!scenario.target.token)
        ctx.addIssue({ code: 'custom', path: ['target', 'token'], message: 'required for a real target: set token: ${HAPTIK_TOKEN} and export HAPTIK_TOKEN' });
      if (!scenario.target.clientId)
        ctx.addIssue({
          code: 'custom',
          path: ['target', 'clientId'],
          message: 'required for a real target: set clientId: ${HAPTIK_CLIENT_ID} and export HAPTIK_CLIENT_ID',
        });
    }
    // A search decides its trials one by one, as they end: it is the whole run.
    if (scenario.phases.length > 1)
      scenario.phases.forEach((phase, i) => {
        if (phase.kind === 'search')
          ctx.addIssue({
            code: 'custom',
            path: ['phases', i, 'search'],
            message: 'a search is the only phase of its scenario: put other phases in a scenario of their own',
          });
      });
    const names = new Set<string>();
    scenario.phases.forEach((phase, i) => {
      if (names.has(phase.name)) ctx.addIssue({ code: 'custom', path: ['phases', i, 'name'], message: `"${phase.name}" is used by an earlier phase` });
      names.add(phase.name);
    });
    scenario.thresholds.forEach((threshold, i) => {
      if (scenario.contract === false && threshold.condition.metric.kind.startsWith('contractViolation')) {
        ctx.addIssue({ code: 'custom', path: ['thresholds', i], message: `"${threshold.expr}" needs contract checks, but the scenario sets contract: false` });
      }
      if (threshold.phase !== undefined && !names.has(threshold.phase)) {
        ctx.addIssue({ code: 'custom', path: ['thresholds', i, 'phase'], message: `no phase named "${threshold.phase}" (phases: ${[...names].join(', ')})` });
      }
    });
  })
  .transform((scenario) => {
    const judgesContract = scenario.thresholds.some((threshold) => threshold.condition.metric.kind.startsWith('contractViolation'));
    // A search overloads its target on purpose (503s break the contract): its SLO judges each trial instead.
    const searches = scenario.phases.some((phase) => phase.kind === 'search');
    if (scenario.contract === false || judgesContract || searches) return scenario;
    return { ...scenario, thresholds: [...scenario.thresholds, IMPLICIT_CONTRACT_THRESHOLD] };
  });
export type Scenario = z.output<typeof scenarioSchema>;

/**
 * What one generator would be asked past its limits when the run is split over `generators`
 * processes (workers times shards): each sends its share of every rate and holds its share of
 * every connection count (stripes split them as evenly as possible, so the largest share counts).
 */
export function generatorLimitProblems(scenario: Scenario, generators: number): string[] {
  const problems: string[] = [];
  const each = generators === 1 ? 'one process' : `each of ${generators} generator processes`;
  const split = 'split the run with --workers N, --shard i/N or k8s --shards N (docs/scaling.md)';
  const share = (count: number) => Math.ceil(count / generators);
  scenario.phases.forEach((phase, i) => {
    const where = `phases[${i}] "${phase.name}"`;
    if (phase.kind === 'rate' || phase.kind === 'search' || phase.kind === 'conversations') {
      const peak =
        phase.kind === 'search'
          ? phase.search.maxPerSec
          : phase.kind === 'conversations'
            ? Math.max(phase.conversations.rate, phase.conversations.rampTo ?? 0)
            : Math.max(phase.ratePerSec, phase.rampToPerSec);
      if (peak / generators > MAX_RATE_PER_SEC)
        problems.push(
          `${where}: ${peak.toLocaleString('en-US')}/s would be ${Math.ceil(peak / generators).toLocaleString('en-US')}/s for ${each}: at most ${MAX_RATE_PER_SEC.toLocaleString('en-US')}/s per generator (one sends about 75k/s); ${split}`,
        );
    }
    const connections = phase.kind === 'connections' ? phase.connections : phase.maxConnections;
    if (connections !== undefined && share(connections) > MAX_CONNECTIONS)
      problems.push(
        `${where}: ${connections.toLocaleString('en-US')} connections would be ${share(connections).toLocaleString('en-US')} for ${each}: at most ${MAX_CONNECTIONS.toLocaleString('en-US')} per generator; ${split}`,
      );
  });
  if (share(scenario.target.maxConnections) > MAX_CONNECTIONS)
    problems.push(
      `target.maxConnections: ${scenario.target.maxConnections.toLocaleString('en-US')} would be ${share(scenario.target.maxConnections).toLocaleString('en-US')} for ${each}: at most ${MAX_CONNECTIONS.toLocaleString('en-US')} per generator; ${split}`,
    );
  return problems;
}
