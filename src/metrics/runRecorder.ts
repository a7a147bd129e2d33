import type { ConnectionTiming } from '../engine/http/httpConnection.ts';
import { performance } from 'node:perf_hooks';
import type { ConversationEnd, ConversationSkip, DropReason, Sample, SampleSink, TransportErrorKind } from '../engine/types.ts';
import { LatencyHistogram } from './histogram.ts';
import { classifyOutcome } from './outcome.ts';
import { ScopeAccumulator } from './scopeStats.ts';

/** One second of the run, as plotted on the timelines. */
export interface TimelineSecond {
  /** Seconds since the run started. */
  second: number;
  sent: number;
  completed: number;
  /** New connections opened in this second. */
  connectionsOpened: number;
  /** Unexpected outcomes completed in this second, by kind (`http_503`, `timeout`, ...). */
  errors: Record<string, number>;
  expected: number;
  dropped: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** This second's corrected latencies, HdrHistogram compressed base64. */
  histogram: string;
}

interface OpenSecond {
  sent: number;
  completed: number;
  connectionsOpened: number;
  errors: Map<string, number>;
  expected: number;
  dropped: number;
  latency: LatencyHistogram;
}

/** The engine's sink: per-phase and overall accumulators plus a per-second timeline. */
export class RunRecorder implements SampleSink {
  readonly overall = new ScopeAccumulator();
  readonly phases: ScopeAccumulator[];
  readonly #open = new Map<number, OpenSecond>();
  readonly #sealed: TimelineSecond[] = [];
  /** Called for every sample after it is counted (e.g. the contract checker). */
  readonly #observers: ((sample: Sample) => void)[] = [];
  #runStartMs = 0;

  readonly #pactKnows: ((status: number) => boolean) | undefined;

  /** `pactKnows` says whether the pact has an interaction for a status, when contract checks are on. */
  constructor(phaseCount: number, pactKnows?: (status: number) => boolean) {
    this.phases = Array.from({ length: phaseCount }, () => new ScopeAccumulator());
    if (pactKnows) {
      // Answers come in long runs of one status: the last one's answer is kept at hand.
      let lastStatus = -1;
      let lastKnown = false;
      this.#pactKnows = (status) => {
        if (status !== lastStatus) {
          lastStatus = status;
          lastKnown = pactKnows(status);
        }
        return lastKnown;
      };
    }
  }

  /** Sets the time second 0 of the timeline starts (performance.now() ms). */
  startClock(runStartMs: number): void {
    this.#runStartMs = runStartMs;
  }

  observe(observer: (sample: Sample) => void): void {
    this.#observers.push(observer);
  }

  onConnection(phaseIndex: number, timing: ConnectionTiming): void {
    this.overall.recordConnection(timing);
    this.phases[phaseIndex]?.recordConnection(timing);
    this.#second(performance.now()).connectionsOpened++;
  }

  onConnectionClosedByServer(phaseIndex: number): void {
    this.overall.connectionsClosedByServer++;
    this.phases[phaseIndex]!.connectionsClosedByServer++;
  }

  onConnectionFailed(phaseIndex: number, kind: TransportErrorKind): void {
    this.overall.recordConnectionFailure(kind);
    this.phases[phaseIndex]?.recordConnectionFailure(kind);
  }

  onConversationStarted(phaseIndex: number): void {
    this.overall.conversations.started++;
    this.phases[phaseIndex]!.conversations.started++;
  }

  onConversationEnded(phaseIndex: number, end: ConversationEnd, durationMs: number, messagesSent: number): void {
    this.overall.conversations.recordEnd(end, durationMs, messagesSent);
    this.phases[phaseIndex]!.conversations.recordEnd(end, durationMs, messagesSent);
  }

  onConversationSkipped(phaseIndex: number, reason: ConversationSkip): void {
    this.overall.conversations.skipped[reason]++;
    this.phases[phaseIndex]!.conversations.skipped[reason]++;
  }

  onSent(phaseIndex: number, sentMs: number): void {
    const atMs = sentMs - this.#runStartMs;
    this.overall.countSent(atMs);
    this.phases[phaseIndex]!.countSent(atMs);
    this.#second(sentMs).sent++;
  }

  onDropped(phaseIndex: number, _scheduledMs: number, reason: DropReason): void {
    this.overall.dropped[reason]++;
    this.phases[phaseIndex]!.dropped[reason]++;
    // Counted when dropped, not when due: the second it was due may already be sealed.
    this.#second(performance.now()).dropped++;
  }

  onSample(sample: Sample): void {
    const outcome = classifyOutcome(sample, this.#pactKnows);
    this.overall.record(sample, outcome);
    this.phases[sample.phaseIndex]!.record(sample, outcome);
    const second = this.#second(sample.doneMs);
    second.completed++;
    if (outcome === 'expected') second.expected++;
    if (outcome === 'unexpected') {
      const kind = sample.error ?? `http_${sample.status}`;
      second.errors.set(kind, (second.errors.get(kind) ?? 0) + 1);
    }
    if (!sample.error) second.latency.recordUs((sample.doneMs - sample.scheduledMs) * 1000);
    for (const observer of this.#observers) observer(sample);
  }

  /** Seals every second that ended before `nowMs` (its counts can no longer change). */
  sealBefore(nowMs: number): void {
    const current = Math.floor((nowMs - this.#runStartMs) / 1000);
    for (const [second, open] of [...this.#open].sort((a, b) => a[0] - b[0])) {
      if (second >= current) continue;
      this.#sealed.push(sealSecond(second, open));
      open.latency.destroy();
      this.#open.delete(second);
    }
  }

  /** Every sealed second so far, in order of sealing (a worker sends the new ones to its coordinator). */
  get sealed(): readonly TimelineSecond[] {
    return this.#sealed;
  }

  /** The last sealed second, for the live line. */
  lastSealed(): TimelineSecond | undefined {
    return this.#sealed.at(-1);
  }

  /** Every second, in order (seals all that remain). */
  timeline(): TimelineSecond[] {
    this.sealBefore(Number.POSITIVE_INFINITY);
    return [...this.#sealed].sort((a, b) => a.second - b.second);
  }

  #second(atMs: number): OpenSecond {
    const second = Math.max(0, Math.floor((atMs - this.#runStartMs) / 1000));
    let open = this.#open.get(second);
    if (!open) {
      open = { sent: 0, completed: 0, connectionsOpened: 0, errors: new Map(), expected: 0, dropped: 0, latency: LatencyHistogram.create() };
      this.#open.set(second, open);
    }
    return open;
  }
}

function sealSecond(second: number, open: OpenSecond): TimelineSecond {
  // Only what the timeline shows: a full summary walks the histogram nine times, and sealing runs
  // while requests are in flight (every millisecond it blocks shows up in their latency).
  const [p50Ms, p99Ms, maxMs] = open.latency.atPercentilesMs([50, 99, 100]);
  return {
    second,
    sent: open.sent,
    completed: open.completed,
    connectionsOpened: open.connectionsOpened,
    errors: Object.fromEntries(open.errors),
    expected: open.expected,
    dropped: open.dropped,
    p50Ms: p50Ms!,
    p99Ms: p99Ms!,
    maxMs: maxMs!,
    histogram: open.latency.encode(),
  };
}
