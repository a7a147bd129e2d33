// Conversations as the engine runs them: each starts at its scheduled time with its first message;
// each later message falls due a think time after the previous answer. The engine owns the clock,
// the connections and the backlog; this owns every conversation's progress and how it ends.
import { performance } from 'node:perf_hooks';
import { ConversationBook } from './conversationBook.ts';
import type { ActiveConversation } from './conversationBook.ts';
import type { DedicatedConnection, RequestOutcome } from './connectionPool.ts';
import type { ConversationEnd, EnginePhase, PreparedRequest, SampleSink } from './types.ts';

type ConversationPhase = Extract<EnginePhase, { model: 'conversations' }>;

/** What the driver needs of the engine. */
export interface ConversationHost {
  readonly sink: SampleSink;
  readonly phases: readonly EnginePhase[];
  /** The run was stopped: conversations end (cut) as their messages come back. */
  readonly stopped: boolean;
  phaseStartMs(phaseIndex: number): number;
  openConnection(resume: boolean): DedicatedConnection;
  releaseConnection(connection: DedicatedConnection): void;
  /** Sends a message now, on the conversation's own connection or (pooled) on a free one of the pool. */
  send(conversation: ActiveConversation, request: PreparedRequest): void;
  /** A pooled conversation's message waits in the engine's backlog for a free connection. */
  queue(conversation: ActiveConversation): void;
  /** Phase `phaseIndex` starts no more conversations (its users ran out): the next phase starts now. */
  endPhase(phaseIndex: number, nowMs: number): void;
  /** Wake the engine by `dueMs` at the latest. */
  wakeBy(dueMs: number): void;
}

export class ConversationDriver {
  readonly #host: ConversationHost;
  readonly #book: ConversationBook;

  constructor(host: ConversationHost) {
    this.#host = host;
    this.#book = new ConversationBook(host.phases.length);
  }

  /** Conversations started and not yet ended. */
  get open(): number {
    return this.#book.open;
  }

  /** When the earliest conversation waiting for its next message is due. */
  get nextDueMs(): number | undefined {
    return this.#book.nextDueMs;
  }

  /**
   * Starts every conversation of phase `p` due by `nowMs`, from start `fromIndex` on: each sends
   * its first message at its scheduled start. Returns the index of the next start not yet due.
   */
  startDue(p: number, phase: ConversationPhase, fromIndex: number, nowMs: number): number {
    const startMs = this.#host.phaseStartMs(p);
    const { sink } = this.#host;
    let index = fromIndex;
    for (; index < phase.starts.count; index++) {
      const scheduledMs = startMs + phase.starts.dueOffsetMs(index);
      if (scheduledMs > nowMs) break;
      if (phase.connection === 'own' && this.#book.openIn(p) >= phase.maxConnections) {
        sink.onConversationSkipped?.(p, 'connectionLimit');
        continue;
      }
      const script = phase.conversations(index);
      if (script === 'exhausted') {
        this.#host.endPhase(p, nowMs);
        return index;
      }
      if (script === 'starved') {
        sink.onConversationSkipped?.(p, 'feedStarved');
        continue;
      }
      const conversation: ActiveConversation = {
        phaseIndex: p,
        script,
        startMs: scheduledMs,
        next: 0,
        dueMs: scheduledMs,
        sent: 0,
        connection: phase.connection === 'own' ? this.#host.openConnection(phase.tlsResume) : undefined,
        ended: false,
      };
      this.#book.started(conversation);
      sink.onConversationStarted?.(p);
      this.#messageDue(conversation);
    }
    return index;
  }

  /** Every conversation whose next message is due by `nowMs`: sent now on its own connection, or queued for the pool. */
  sendDue(nowMs: number): void {
    for (let conversation = this.#book.takeDue(nowMs); conversation; conversation = this.#book.takeDue(nowMs)) this.#messageDue(conversation);
  }

  #messageDue(conversation: ActiveConversation): void {
    if (conversation.connection === undefined) this.#host.queue(conversation);
    else this.send(conversation, performance.now());
  }

  /** Sends the conversation's next message now; with no message text ready, it is dropped (and failed). */
  send(conversation: ActiveConversation, nowMs: number): void {
    const request = conversation.script.request(conversation.next);
    if (request === 'exhausted' || request === 'starved') {
      this.#host.sink.onDropped(conversation.phaseIndex, conversation.dueMs, 'feedStarved');
      this.afterMessage(conversation, true, nowMs);
      return;
    }
    conversation.sent++;
    this.#host.send(conversation, request);
  }

  /** A message's outcome came back at `atMs`. */
  answered(conversation: ActiveConversation, outcome: RequestOutcome, request: PreparedRequest): void {
    this.afterMessage(conversation, messageFailed(outcome, request), outcome.doneMs);
  }

  /**
   * A conversation's message was answered, failed or dropped at `atMs`: the next one falls due a
   * think time after it, unless that was its last, it gives up after a failure (`onError:
   * abandon`), or the next would fall past the phase's gracefulStop (cut).
   */
  afterMessage(conversation: ActiveConversation, failed: boolean, atMs: number): void {
    if (conversation.ended) return;
    conversation.next++;
    if (this.#host.stopped) return this.end(conversation, 'cut', atMs);
    const phase = this.#host.phases[conversation.phaseIndex] as ConversationPhase;
    if (failed && phase.onError === 'abandon') return this.end(conversation, 'abandoned', atMs);
    if (conversation.next >= conversation.script.messages) return this.end(conversation, 'completed', atMs);
    conversation.dueMs = atMs + conversation.script.thinkTimeMs(conversation.next);
    const cutoffMs = this.#host.phaseStartMs(conversation.phaseIndex) + phase.durationMs + phase.gracefulStopMs;
    if (conversation.dueMs > cutoffMs) return this.end(conversation, 'cut', atMs);
    this.#book.wait(conversation);
    this.#host.wakeBy(conversation.dueMs);
  }

  end(conversation: ActiveConversation, end: ConversationEnd, atMs: number): void {
    if (conversation.ended) return;
    this.#book.ended(conversation);
    if (conversation.connection) this.#host.releaseConnection(conversation.connection);
    this.#host.sink.onConversationEnded?.(conversation.phaseIndex, end, atMs - conversation.startMs, conversation.sent);
  }

  /** The run stopped: conversations waiting for their next message end now (cut). */
  cutWaiting(nowMs: number): void {
    for (const waiting of this.#book.takeAllWaiting()) this.end(waiting, 'cut', nowMs);
  }
}

/**
 * A conversation's message failed (what `onError` acts on): no answer, or a status that is neither
 * a success nor the one its row expects.
 */
function messageFailed(outcome: RequestOutcome, request: PreparedRequest): boolean {
  if (outcome.kind === 'error') return true;
  return (outcome.status < 200 || outcome.status > 299) && outcome.status !== request.expectedStatus;
}
