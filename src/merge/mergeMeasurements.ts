// Adds up what several generators of one run measured into what one process would have
// measured: counts add, histograms add (so every percentile is exact, not an average of
// percentiles), the timeline adds second by second of the schedule, examples are capped as in one
// process, and message ids answered to more than one generator are counted as repeats.
import { MAX_EXAMPLES, MAX_REPLAYS } from '../checks/contractRecorder.ts';
import type { ContractScopeSnapshot } from '../checks/contractRecorder.ts';
import { crossGeneratorRepeats } from '../checks/idLedger.ts';
import type { PhaseRepeats } from '../checks/idLedger.ts';
import { errorRate } from '../metrics/definitions.ts';
import { LatencyHistogram } from '../metrics/histogram.ts';
import type { LatencySummaryMs } from '../metrics/histogram.ts';
import type { TimelineSecond } from '../metrics/runRecorder.ts';
import { MAX_ERROR_EXAMPLES, errorExampleKey } from '../metrics/scopeStats.ts';
import type { StatsSnapshot } from '../metrics/scopeStats.ts';
import type { MeasuredStats } from '../report/buildResult.ts';
import type { GeneratorMeasurements, NetworkUse } from './measurements.ts';

/**
 * One run's measurements from its generators' (given in stripe order, which decides which of two
 * answers with one id counts as the first when they came in the same phase).
 */
export function mergeMeasurements(generators: readonly GeneratorMeasurements[]): GeneratorMeasurements {
  const [first] = generators;
  if (!first) throw new Error('bug: nothing to merge');
  if (generators.length === 1) return first;
  const phaseCount = first.phases.length;
  const ledgers = generators.map((g) => g.idLedger).filter((ledger) => ledger !== null);
  const ids = ledgers.length > 0 ? crossGeneratorRepeats(ledgers, phaseCount) : null;
  const repeats = ids?.repeats;
  const phases = Array.from({ length: phaseCount }, (_, i) => mergeStats(generators.map((g) => g.phases[i]!)));
  const overall = mergeStats(generators.map((g) => g.overall));
  if (repeats) {
    for (const [i, phase] of phases.entries()) addRepeats(phase.contract, [repeats[i]!]);
    addRepeats(overall.contract, repeats);
  }
  const aborted = generators.find((g) => g.aborted);
  return {
    startedAt: earliest(generators.map((g) => g.startedAt)),
    endedAt: latest(generators.map((g) => g.endedAt)),
    scheduleStartEpochMs: Math.min(...generators.map((g) => g.scheduleStartEpochMs)),
    sendingEndedMs: Math.max(...generators.map((g) => g.sendingEndedMs)),
    // A phase that ends early (its `once` feed ran out) ends in every generator near the same
    // time; the run moved on when the last of them did.
    phaseStartOffsetsMs: first.phaseStartOffsetsMs.map((_, i) => Math.max(...generators.map((g) => g.phaseStartOffsetsMs[i]!))),
    aborted: aborted !== undefined,
    abortReason: aborted?.abortReason ?? null,
    interrupted: generators.some((g) => g.interrupted),
    overall,
    phases,
    timeline: mergeTimelines(generators.map((g) => g.timeline)),
    replayableAnswers: firstOfEachKind(generators.flatMap((g) => g.replayableAnswers)),
    // The generators' ledger together: merged shards merge again with other shards.
    idLedger: ids?.union ?? null,
    network: mergeNetworkUse(generators.map((g) => g.network)),
    outputs: generators.flatMap((g) => g.outputs),
    runId: generators.find((g) => g.runId !== null)?.runId ?? null,
  };
}

/** One scope's stats from several generators' stats of it. */
export function mergeStats(parts: readonly MeasuredStats[]): MeasuredStats {
  const latency = addHistograms(parts.map((part) => part.histogram));
  const service = addHistograms(parts.map((part) => part.serviceHistogram));
  try {
    const snapshots = parts.map((part) => part.snapshot);
    const sent = sum(snapshots, (s) => s.requests.sent);
    const unexpected = sum(snapshots, (s) => s.unexpected);
    const snapshot: StatsSnapshot = {
      requests: { sent, completed: sum(snapshots, (s) => s.requests.completed), dropped: sum(snapshots, (s) => s.requests.dropped) },
      dropped: {
        queueTimeout: sum(snapshots, (s) => s.dropped.queueTimeout),
        aborted: sum(snapshots, (s) => s.dropped.aborted),
        feedStarved: sum(snapshots, (s) => s.dropped.feedStarved),
      },
      statusCounts: addCounts(snapshots.map((s) => s.statusCounts)),
      errors: {
        timeout: sum(snapshots, (s) => s.errors.timeout),
        refused: sum(snapshots, (s) => s.errors.refused),
        reset: sum(snapshots, (s) => s.errors.reset),
        tls: sum(snapshots, (s) => s.errors.tls),
        protocol: sum(snapshots, (s) => s.errors.protocol),
        bodyTooLarge: sum(snapshots, (s) => s.errors.bodyTooLarge),
        localLimit: sum(snapshots, (s) => s.errors.localLimit),
        socket: sum(snapshots, (s) => s.errors.socket),
        aborted: sum(snapshots, (s) => s.errors.aborted),
        http: addCounts(snapshots.map((s) => s.errors.http)),
      },
      expectedOutcomes: addCounts(snapshots.map((s) => s.expectedOutcomes)),
      unexpected,
      errorRate: errorRate({ sent, unexpected }),
      latencyMs: exactExtremes(
        latency.summaryMs(),
        snapshots.map((s) => s.latencyMs),
      ),
      serviceLatencyMs: exactExtremes(
        service.summaryMs(),
        snapshots.map((s) => s.serviceLatencyMs),
      ),
      errorExamples: mergeErrorExamples(snapshots.flatMap((s) => s.errorExamples)),
      sendWindowMs: mergeSendWindows(snapshots.map((s) => s.sendWindowMs)),
    };
    const contracts = parts.map((part) => part.contract);
    return {
      snapshot,
      histogram: latency.encode(),
      serviceHistogram: service.encode(),
      contract: contracts.every((c) => c !== null) ? mergeContract(contracts) : null,
      connections: mergeConnections(parts.map((part) => part.connections)),
      conversations: mergeConversations(parts.map((part) => part.conversations)),
    };
  } finally {
    latency.destroy();
    service.destroy();
  }
}

/**
 * A stored histogram knows its values to 3 significant digits, while each generator measured its
 * own min and max exactly: the merged extremes are those, and no percentile lies above the max.
 */
function exactExtremes(summary: LatencySummaryMs, parts: readonly LatencySummaryMs[]): LatencySummaryMs {
  const measured = parts.filter((part) => part.max > 0);
  if (measured.length === 0) return summary;
  const max = Math.max(...measured.map((part) => part.max));
  const min = Math.min(...measured.map((part) => part.min));
  const clamp = (ms: number) => Math.min(ms, max);
  return {
    min,
    mean: summary.mean,
    p50: clamp(summary.p50),
    p75: clamp(summary.p75),
    p90: clamp(summary.p90),
    p95: clamp(summary.p95),
    p99: clamp(summary.p99),
    p999: clamp(summary.p999),
    max,
  };
}

/** The generators' sends together, on the schedule's clock they share: the first of all and the last of all. */
export function mergeSendWindows(windows: readonly StatsSnapshot['sendWindowMs'][]): StatsSnapshot['sendWindowMs'] {
  const sent = windows.filter((window) => window !== null);
  if (sent.length === 0) return null;
  return { firstMs: Math.min(...sent.map((w) => w.firstMs)), lastMs: Math.max(...sent.map((w) => w.lastMs)) };
}

function mergeErrorExamples(examples: StatsSnapshot['errorExamples']): StatsSnapshot['errorExamples'] {
  const merged = new Map<string, StatsSnapshot['errorExamples'][number]>();
  for (const example of examples) {
    const key = errorExampleKey(example.status, example.error, example.reason, example.bodyExcerpt);
    const known = merged.get(key);
    if (known) known.count += example.count;
    // Like one process: past the cap, new kinds are not kept (their requests are still counted).
    else if (merged.size < MAX_ERROR_EXAMPLES) merged.set(key, { ...example });
  }
  return [...merged.values()];
}

function mergeContract(parts: readonly ContractScopeSnapshot[]): ContractScopeSnapshot {
  const byKind = new Map<string, ContractScopeSnapshot['byKind'][number]>();
  const examples = new Map<string, ContractScopeSnapshot['examples'][number]>();
  for (const part of parts) {
    for (const kind of part.byKind) {
      const key = `${kind.rule} ${kind.path}`;
      const known = byKind.get(key);
      if (known) known.count += kind.count;
      else byKind.set(key, { ...kind });
    }
    for (const example of part.examples) {
      const key = `${example.rule} ${example.path}`;
      if (!examples.has(key) && examples.size < MAX_EXAMPLES) examples.set(key, example);
    }
  }
  const checked = sum(parts, (p) => p.checked);
  const violating = sum(parts, (p) => p.count);
  return {
    checked,
    count: violating,
    rate: checked === 0 ? 0 : violating / checked,
    byKind: sortKinds([...byKind.values()]),
    noInteraction: addCounts(parts.map((p) => p.noInteraction)),
    contentEncodings: addCounts(parts.map((p) => p.contentEncodings)),
    examples: [...examples.values()],
  };
}

/** Adds the repeats only the merge could see to a scope's contract figures. */
function addRepeats(contract: ContractScopeSnapshot | null, phases: readonly PhaseRepeats[]): void {
  if (!contract) return;
  const repeats = sum(phases, (p) => p.repeats);
  if (repeats === 0) return;
  const exampleId = phases.find((p) => p.exampleId !== undefined)?.exampleId;
  const known = contract.byKind.find((kind) => kind.rule === 'unique' && kind.path === '$.message_id');
  if (known) known.count += repeats;
  else contract.byKind.push({ rule: 'unique', path: '$.message_id', source: 'ingestion', count: repeats });
  contract.byKind = sortKinds(contract.byKind);
  contract.count += sum(phases, (p) => p.cleanRepeats);
  contract.rate = contract.checked === 0 ? 0 : contract.count / contract.checked;
  if (!contract.examples.some((e) => e.rule === 'unique') && contract.examples.length < MAX_EXAMPLES) {
    contract.examples.push({
      status: 200,
      rule: 'unique',
      path: '$.message_id',
      expected: 'an id no earlier answer had',
      actual: `${JSON.stringify(exampleId)} again, answered to two generators of the run`,
      bodyExcerpt: '',
    });
  }
}

function sortKinds(kinds: ContractScopeSnapshot['byKind']): ContractScopeSnapshot['byKind'] {
  return kinds.sort((a, b) => b.count - a.count || a.path.localeCompare(b.path));
}

/** Seconds of the schedule, each the sum of every generator's same second. */
export function mergeTimelines(timelines: readonly (readonly TimelineSecond[])[]): TimelineSecond[] {
  const bySecond = new Map<number, TimelineSecond[]>();
  for (const timeline of timelines) for (const second of timeline) bySecond.set(second.second, [...(bySecond.get(second.second) ?? []), second]);
  return [...bySecond]
    .sort((a, b) => a[0] - b[0])
    .map(([second, parts]) => {
      if (parts.length === 1) return parts[0]!;
      const latency = addHistograms(parts.map((part) => part.histogram));
      try {
        const maxMs = Math.max(...parts.map((p) => p.maxMs));
        const [p50Ms, p99Ms] = latency.atPercentilesMs([50, 99]).map((ms) => Math.min(ms, maxMs));
        return {
          second,
          sent: sum(parts, (p) => p.sent),
          completed: sum(parts, (p) => p.completed),
          connectionsOpened: sum(parts, (p) => p.connectionsOpened),
          errors: addCounts(parts.map((p) => p.errors)),
          expected: sum(parts, (p) => p.expected),
          dropped: sum(parts, (p) => p.dropped),
          p50Ms: p50Ms!,
          p99Ms: p99Ms!,
          maxMs,
          histogram: latency.encode(),
        };
      } finally {
        latency.destroy();
      }
    });
}

function firstOfEachKind(answers: GeneratorMeasurements['replayableAnswers']): GeneratorMeasurements['replayableAnswers'] {
  const byKind = new Map<string, GeneratorMeasurements['replayableAnswers'][number]>();
  for (const answer of answers) if (!byKind.has(answer.kind) && byKind.size < MAX_REPLAYS) byKind.set(answer.kind, answer);
  return [...byKind.values()];
}

function addHistograms(encoded: readonly string[]): LatencyHistogram {
  const total = LatencyHistogram.create();
  for (const text of encoded) {
    const part = LatencyHistogram.decode(text);
    total.add(part);
    part.destroy();
  }
  return total;
}

function addCounts(records: readonly Record<string, number>[]): Record<string, number> {
  const total = new Map<string, number>();
  for (const record of records) for (const [key, value] of Object.entries(record)) total.set(key, (total.get(key) ?? 0) + value);
  return Object.fromEntries([...total].sort((a, b) => Number(a[0]) - Number(b[0]) || a[0].localeCompare(b[0])));
}

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += of(item);
  return total;
}

const earliest = (isoTimes: readonly string[]) => [...isoTimes].sort()[0]!;
const latest = (isoTimes: readonly string[]) => [...isoTimes].sort().at(-1)!;

/** Connections and requests by address, summed; every generator's resolver questions, summed. */
export function mergeNetworkUse(parts: readonly NetworkUse[]): NetworkUse {
  const addresses: NetworkUse['addresses'] = {};
  for (const part of parts) {
    for (const [address, use] of Object.entries(part.addresses)) {
      const total = addresses[address] ?? { connections: 0, requests: 0 };
      addresses[address] = { connections: total.connections + use.connections, requests: total.requests + use.requests };
    }
  }
  return { addresses, dnsQueries: parts.reduce((sum, part) => sum + part.dnsQueries, 0) };
}

/** New connections of every part: counts summed, histograms added; null when any part did not measure them. */
function mergeConnections(parts: readonly MeasuredStats['connections'][]): MeasuredStats['connections'] {
  if (parts.some((part) => part === null)) return null;
  const measured = parts as NonNullable<MeasuredStats['connections']>[];
  const connect = addHistograms(measured.map((part) => part.connectHistogram));
  const tls = addHistograms(measured.map((part) => part.tlsHandshakeHistogram));
  const firstByte = addHistograms(measured.map((part) => part.firstByteHistogram));
  try {
    return {
      opened: measured.reduce((total, part) => total + part.opened, 0),
      resumed: measured.reduce((total, part) => total + part.resumed, 0),
      closedByServer: measured.reduce((total, part) => total + part.closedByServer, 0),
      failed: addCounts(measured.map((part) => part.failed)),
      connectHistogram: connect.encode(),
      tlsHandshakeHistogram: tls.encode(),
      firstByteHistogram: firstByte.encode(),
    };
  } finally {
    connect.destroy();
    tls.destroy();
    firstByte.destroy();
  }
}

/** Conversations of every part: counts summed, durations added; null when no part had any. */
function mergeConversations(parts: readonly MeasuredStats['conversations'][]): MeasuredStats['conversations'] {
  const measured = parts.filter((part) => part !== null);
  if (measured.length === 0) return null;
  const duration = addHistograms(measured.map((part) => part.durationHistogram));
  try {
    const total = (count: (part: NonNullable<MeasuredStats['conversations']>) => number) => measured.reduce((sum, part) => sum + count(part), 0);
    return {
      started: total((part) => part.started),
      completed: total((part) => part.completed),
      abandoned: total((part) => part.abandoned),
      cut: total((part) => part.cut),
      skipped: { connectionLimit: total((part) => part.skipped.connectionLimit), feedStarved: total((part) => part.skipped.feedStarved) },
      messagesSent: total((part) => part.messagesSent),
      durationHistogram: duration.encode(),
    };
  } finally {
    duration.destroy();
  }
}
