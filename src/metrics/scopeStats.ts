import type { ConversationEnd, ConversationSkip, DropReason, ErrorKind, Sample, TransportErrorKind } from '../engine/types.ts';
import type { ConnectionTiming } from '../engine/http/httpConnection.ts';
import { LatencyHistogram } from './histogram.ts';
import type { LatencySummaryMs } from './histogram.ts';
import type { OutcomeClass } from './outcome.ts';
import { errorRate } from './definitions.ts';
import type { SendWindowMs } from './definitions.ts';

/** An unexpected answer kept as an example for the report (body cut short). */
export interface ErrorExample {
  status: number;
  error?: ErrorKind;
  /** Why the request failed, in words (transport errors). */
  reason?: string;
  bodyExcerpt: string;
  count: number;
}

/** Counters and histograms of one phase (or of the whole run), plain data. */
export interface StatsSnapshot {
  /** Scheduled (sent + dropped) is the result's to say: it depends on the phase's kind and whether it ran. */
  requests: { sent: number; completed: number; dropped: number };
  dropped: Record<DropReason, number>;
  statusCounts: Record<string, number>;
  errors: Record<ErrorKind, number> & { http: Record<string, number> };
  expectedOutcomes: Record<string, number>;
  unexpected: number;
  errorRate: number;
  /** Of the answered requests only (see metrics/definitions.ts for the figures over all requests). */
  latencyMs: LatencySummaryMs;
  serviceLatencyMs: LatencySummaryMs;
  errorExamples: ErrorExample[];
  /** The scope's first and last send, in ms from the schedule's start; null when it sent nothing. */
  sendWindowMs: SendWindowMs | null;
}

export const MAX_ERROR_EXAMPLES = 10;
const EXCERPT_CHARS = 300;

/** Accumulates the samples of one scope, a phase or the whole run: counts, and latency from the scheduled send (corrected) and from the actual send (service). */
export class ScopeAccumulator {
  readonly latency = LatencyHistogram.create();
  readonly service = LatencyHistogram.create();
  sent = 0;
  /** First and last send, in ms from the schedule's start (NaN before the first). */
  firstSentMs = Number.NaN;
  lastSentMs = Number.NaN;
  completed = 0;
  unexpected = 0;
  readonly dropped: Record<DropReason, number> = { queueTimeout: 0, aborted: 0, feedStarved: 0 };
  readonly statusCounts = new Map<number, number>();
  readonly errors: Record<ErrorKind, number> = { timeout: 0, refused: 0, reset: 0, tls: 0, protocol: 0, bodyTooLarge: 0, localLimit: 0, socket: 0, aborted: 0 };
  readonly httpErrors = new Map<number, number>();
  readonly expectedOutcomes = new Map<number, number>();
  readonly #examples = new Map<string, ErrorExample>();
  /** New connections opened in this scope, and how long they took to connect and to shake hands (TLS). */
  connectionsOpened = 0;
  readonly connectTime = LatencyHistogram.create();
  readonly tlsHandshakeTime = LatencyHistogram.create();
  /** Each answer's time to first byte (from when its request went out on an open connection). */
  readonly firstByteTime = LatencyHistogram.create();
  /** New connections whose TLS session was resumed. */
  connectionsResumed = 0;
  /** Open connections the server closed while idle. */
  connectionsClosedByServer = 0;
  /** New connections that failed before they were open, by kind. */
  readonly connectionFailures = new Map<TransportErrorKind, number>();
  readonly conversations = new ConversationCounts();

  /** Counts a new connection and its timing. */
  recordConnection(timing: ConnectionTiming): void {
    this.connectionsOpened++;
    if (timing.resumed) this.connectionsResumed++;
    this.connectTime.recordUs(timing.connectMs * 1000);
    if (timing.tlsHandshakeMs !== null) this.tlsHandshakeTime.recordUs(timing.tlsHandshakeMs * 1000);
  }

  recordConnectionFailure(kind: TransportErrorKind): void {
    this.connectionFailures.set(kind, (this.connectionFailures.get(kind) ?? 0) + 1);
  }

  /** Counts a request sent `atMs` after the schedule's start. */
  countSent(atMs: number): void {
    if (this.sent++ === 0) this.firstSentMs = atMs;
    this.lastSentMs = atMs;
  }

  /** Counts a sample whose outcome the caller classified (once, for every scope it lands in). */
  record(sample: Sample, outcome: OutcomeClass): void {
    this.completed++;
    if (sample.error) {
      this.errors[sample.error]++;
    } else {
      this.statusCounts.set(sample.status, (this.statusCounts.get(sample.status) ?? 0) + 1);
      this.latency.recordUs((sample.doneMs - sample.scheduledMs) * 1000);
      this.service.recordUs((sample.doneMs - sample.sentMs) * 1000);
      if (sample.waitingMs !== undefined) this.firstByteTime.recordUs(sample.waitingMs * 1000);
      if (outcome === 'expected') this.expectedOutcomes.set(sample.status, (this.expectedOutcomes.get(sample.status) ?? 0) + 1);
      if (outcome === 'unexpected') this.httpErrors.set(sample.status, (this.httpErrors.get(sample.status) ?? 0) + 1);
    }
    if (outcome === 'unexpected') {
      this.unexpected++;
      this.#keepExample(sample);
    }
  }

  #keepExample(sample: Sample): void {
    // At most 4 bytes a character: decoding that many bytes gives the excerpt, whole characters only.
    const bodyExcerpt = sample.responseBody
      ? sample.responseBody
          .subarray(0, EXCERPT_CHARS * 4)
          .toString('utf8')
          .slice(0, EXCERPT_CHARS)
      : '';
    const key = errorExampleKey(sample.status, sample.error, sample.errorReason, bodyExcerpt);
    const known = this.#examples.get(key);
    if (known) known.count++;
    else if (this.#examples.size < MAX_ERROR_EXAMPLES)
      this.#examples.set(key, { status: sample.status, error: sample.error, reason: sample.errorReason, bodyExcerpt, count: 1 });
  }

  /** Requests dropped before sending, whatever the reason. */
  get droppedTotal(): number {
    return this.dropped.queueTimeout + this.dropped.aborted + this.dropped.feedStarved;
  }

  snapshot(): StatsSnapshot {
    const dropped = this.droppedTotal;
    return {
      requests: { sent: this.sent, completed: this.completed, dropped },
      dropped: { ...this.dropped },
      statusCounts: mapToRecord(this.statusCounts),
      errors: { ...this.errors, http: mapToRecord(this.httpErrors) },
      expectedOutcomes: mapToRecord(this.expectedOutcomes),
      unexpected: this.unexpected,
      errorRate: errorRate(this),
      latencyMs: this.latency.summaryMs(),
      serviceLatencyMs: this.service.summaryMs(),
      errorExamples: [...this.#examples.values()],
      sendWindowMs: this.snapshotSendWindow(),
    };
  }

  /** The first and last send so far, null before the first. */
  snapshotSendWindow(): SendWindowMs | null {
    return this.sent === 0 ? null : { firstMs: this.firstSentMs, lastMs: this.lastSentMs };
  }
}

/** Conversations of a scope: how many started, how they ended, and how long the completed ones took. */
export class ConversationCounts {
  started = 0;
  readonly ended: Record<ConversationEnd, number> = { completed: 0, abandoned: 0, cut: 0 };
  readonly skipped: Record<ConversationSkip, number> = { connectionLimit: 0, feedStarved: 0 };
  /** Messages sent by the conversations that ended. */
  messagesSent = 0;
  /** From the scheduled start to the last answer, of completed conversations. */
  readonly duration = LatencyHistogram.create();

  /** True once a conversation was due in this scope (started or skipped). */
  get seen(): boolean {
    return this.started + this.skipped.connectionLimit + this.skipped.feedStarved > 0;
  }

  recordEnd(end: ConversationEnd, durationMs: number, messagesSent: number): void {
    this.ended[end]++;
    this.messagesSent += messagesSent;
    if (end === 'completed') this.duration.recordUs(durationMs * 1000);
  }
}

/** Examples that share this key are one example with a count. */
export function errorExampleKey(status: number, error: string | undefined, reason: string | undefined, bodyExcerpt: string): string {
  return `${status}|${error ?? ''}|${reason ?? ''}|${bodyExcerpt}`;
}

function mapToRecord(map: Map<number, number>): Record<string, number> {
  return Object.fromEntries([...map].sort((a, b) => a[0] - b[0]).map(([key, count]) => [String(key), count]));
}
