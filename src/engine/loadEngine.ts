import { performance } from 'node:perf_hooks';
import { ConnectionPool } from './connectionPool.ts';
import { phaseStartOffsetsMs } from './schedule.ts';
import { ConversationDriver } from './conversationDriver.ts';
import type { ActiveConversation } from './conversationBook.ts';
import type { AddressUse, InFlightRequest, PoolTarget, RequestOutcome } from './connectionPool.ts';
import type { EnginePhase, PreparedRequest, Sample, SampleSink } from './types.ts';

/** A due request waiting for a free connection: request `index` of an open phase, or a conversation's next message. */
interface DueRequest {
  phaseIndex: number;
  index: number;
  scheduledMs: number;
  conversation: ActiveConversation | undefined;
}

interface RequestMeta {
  phaseIndex: number;
  scheduledMs: number;
  request: PreparedRequest;
  conversation: ActiveConversation | undefined;
}

/** Live state for the progress line. */
export interface EngineStatus {
  phaseIndex: number;
  inFlight: number;
  backlog: number;
  connections: number;
}

/** When the run started and ended (performance.now() ms) and whether it was cut short. */
export interface EngineRun {
  startMs: number;
  endMs: number;
  aborted: boolean;
}

export interface LoadEngineOptions {
  target: PoolTarget;
  phases: EnginePhase[];
  sink: SampleSink;
  /** A due request not sent within this long (no free connection) is dropped. */
  maxQueueMs: number;
  /** After an abort, how long to wait for requests in flight before giving up on them. */
  abortGraceMs?: number;
  /** When the schedule starts (performance.now() ms), for generators sharing one start; a moment from now when unset or past. */
  startAtMs?: number;
}

const START_LEAD_MS = 5;
/** The last stretch before a send is waited with setImmediate, which (unlike timers) is sub-ms. */
const SPIN_WINDOW_MS = 1.2;

/**
 * Runs phases back to back. Open phases send request i at its scheduled time whatever the server
 * does (requests due while every allowed connection is busy wait in a FIFO backlog, and are
 * dropped after `maxQueueMs`); closed phases keep exactly N requests in flight.
 */
export class LoadEngine {
  readonly #options: LoadEngineOptions;
  readonly #pool: ConnectionPool<RequestMeta>;
  readonly #phaseStartMs: number[] = [];
  readonly #nextIndex: number[];
  readonly #exhausted: boolean[];
  #backlog: DueRequest[] = [];
  #backlogHead = 0;
  #startMs = 0;
  #endMs = 0;
  #currentPhase = 0;
  #timer: NodeJS.Timeout | undefined;
  #spin: NodeJS.Immediate | undefined;
  #dispatching = false;
  #aborted = false;
  #finished = false;
  #resolve!: (run: EngineRun) => void;
  readonly #conversations: ConversationDriver;

  constructor(options: LoadEngineOptions) {
    this.#options = options;
    const maxConnections = Math.max(1, ...options.phases.map(pooledConnections));
    this.#pool = new ConnectionPool<RequestMeta>({
      target: options.target,
      maxConnections,
      onOutcome: (request, outcome) => this.#onOutcome(request, outcome),
      onConnection: (timing, meta) => this.#options.sink.onConnection?.(meta?.phaseIndex ?? this.#currentPhase, timing),
      onConnectionFailed: (kind, meta) => this.#options.sink.onConnectionFailed?.(meta.phaseIndex, kind),
      onClosedByServer: () => this.#options.sink.onConnectionClosedByServer?.(this.#currentPhase),
      onFree: () => this.#dispatch(),
    });
    const engine = this;
    this.#conversations = new ConversationDriver({
      sink: options.sink,
      phases: options.phases,
      get stopped() {
        return engine.#aborted;
      },
      phaseStartMs: (p) => this.#phaseStartMs[p]!,
      openConnection: (resume) => this.#pool.openDedicated(resume),
      releaseConnection: (connection) => this.#pool.release(connection),
      send: (conversation, request) => this.#send(conversation.phaseIndex, conversation.dueMs, request, conversation),
      queue: (conversation) =>
        this.#backlog.push({ phaseIndex: conversation.phaseIndex, index: conversation.next, scheduledMs: conversation.dueMs, conversation }),
      endPhase: (p, nowMs) => this.#endPhase(p, nowMs),
      wakeBy: (dueMs) => this.#wakeBy(dueMs),
    });
    this.#nextIndex = options.phases.map(() => 0);
    this.#exhausted = options.phases.map(() => false);
  }

  /** Starts the run; resolves when every request has been answered, failed or dropped. */
  run(): Promise<EngineRun> {
    return new Promise((resolve) => {
      this.#resolve = resolve;
      this.#startMs = Math.max(performance.now() + START_LEAD_MS, this.#options.startAtMs ?? 0);
      const { phases } = this.#options;
      for (const offsetMs of phaseStartOffsetsMs(phases)) this.#phaseStartMs.push(this.#startMs + offsetMs);
      this.#endMs = this.#startMs + phases.reduce((sum, phase) => sum + phase.durationMs, 0);
      this.#tick();
    });
  }

  /** Connections and requests by the address (or proxy) they went to. */
  get addresses(): ReadonlyMap<string, AddressUse> {
    return this.#pool.addresses;
  }

  /** When the run starts (performance.now() ms), known once `run()` was called. */
  get startMs(): number {
    return this.#startMs;
  }

  /** Phase start times (performance.now() ms), known once the run started. */
  get phaseStartsMs(): readonly number[] {
    return this.#phaseStartMs;
  }

  status(): EngineStatus {
    return {
      phaseIndex: this.#currentPhase,
      inFlight: this.#pool.inFlight,
      backlog: this.#backlog.length - this.#backlogHead,
      connections: this.#pool.openConnections,
    };
  }

  /** When sending stopped early (performance.now() ms): the abort, before the grace for requests in flight. */
  get abortedAtMs(): number | undefined {
    return this.#abortedAtMs;
  }

  #abortedAtMs: number | undefined;

  /** Stops sending: due requests are dropped, requests in flight get `abortGraceMs` to finish. */
  abort(): void {
    if (this.#aborted || this.#finished) return;
    this.#aborted = true;
    clearTimeout(this.#timer);
    clearImmediate(this.#spin);
    const now = performance.now();
    this.#abortedAtMs = now;
    for (let i = this.#backlogHead; i < this.#backlog.length; i++) {
      const due = this.#backlog[i]!;
      this.#options.sink.onDropped(due.phaseIndex, due.scheduledMs, 'aborted');
      if (due.conversation) this.#conversations.end(due.conversation, 'cut', now);
    }
    this.#backlog = [];
    this.#backlogHead = 0;
    // Conversations in think time end here; those with a message in flight end with its answer.
    this.#conversations.cutWaiting(now);
    if (this.#pool.inFlight === 0) return this.#finish(now);
    this.#timer = setTimeout(() => this.#abandonInFlight(), this.#options.abortGraceMs ?? 2000);
  }

  /** After an abort, stops waiting for the requests in flight (a second Ctrl-C): they count as aborted now. */
  hurry(): void {
    if (!this.#aborted || this.#finished) return;
    clearTimeout(this.#timer);
    this.#abandonInFlight();
  }

  #abandonInFlight(): void {
    for (const abandoned of this.#pool.close()) {
      this.#options.sink.onSample(sampleOf(abandoned, performance.now(), 0, 'aborted', undefined, undefined, undefined, undefined));
      if (abandoned.meta.conversation) this.#conversations.end(abandoned.meta.conversation, 'cut', performance.now());
    }
    this.#finish(performance.now());
  }

  #tick(): void {
    this.#timer = undefined;
    this.#spin = undefined;
    if (this.#aborted || this.#finished) return;
    const now = performance.now();
    this.#enqueueDue(now);
    this.#dispatch();
    if (this.#finished) return;
    const wakeMs = this.#nextWakeMs(now);
    if (wakeMs === undefined) return;
    const delayMs = wakeMs - performance.now();
    if (delayMs > SPIN_WINDOW_MS) {
      // Timers fire up to a millisecond late: wake early and spin through the rest.
      this.#timerDueMs = wakeMs;
      this.#timer = setTimeout(() => this.#tick(), delayMs - SPIN_WINDOW_MS);
    } else {
      this.#spin = setImmediate(() => this.#tick());
    }
  }

  /** Moves every open-phase request due by `now` into the backlog, in schedule order. */
  #enqueueDue(now: number): void {
    const phases = this.#options.phases;
    while (this.#currentPhase < phases.length - 1 && now >= this.#phaseStartMs[this.#currentPhase + 1]!) this.#currentPhase++;
    for (let p = 0; p <= this.#currentPhase; p++) {
      const phase = phases[p]!;
      if (phase.model === 'conversations' && !this.#exhausted[p]) this.#nextIndex[p] = this.#conversations.startDue(p, phase, this.#nextIndex[p]!, now);
      if (phase.model !== 'open' || this.#exhausted[p]) continue;
      const startMs = this.#phaseStartMs[p]!;
      let index = this.#nextIndex[p]!;
      while (index < phase.schedule.count) {
        const scheduledMs = startMs + phase.schedule.dueOffsetMs(index);
        if (scheduledMs > now) break;
        this.#backlog.push({ phaseIndex: p, index, scheduledMs, conversation: undefined });
        index++;
      }
      this.#nextIndex[p] = index;
    }
    this.#conversations.sendDue(now);
  }

  /** Makes sure the engine wakes by `dueMs` (an answer set a conversation's next message due). */
  #wakeBy(dueMs: number): void {
    if (this.#spin !== undefined || this.#aborted || this.#finished) return;
    if (this.#timer !== undefined && this.#timerDueMs <= dueMs) return;
    clearTimeout(this.#timer);
    const delayMs = dueMs - performance.now() - SPIN_WINDOW_MS;
    this.#timerDueMs = dueMs;
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, delayMs));
  }

  /** When the pending timer wakes the engine (performance.now() ms). */
  #timerDueMs = 0;

  /** Sends what it can: the backlog first (oldest first), then closed-phase requests. */
  #dispatch(): void {
    if (this.#dispatching || this.#aborted || this.#finished) return;
    this.#dispatching = true;
    try {
      const now = performance.now();
      const { phases, maxQueueMs, sink } = this.#options;
      while (this.#backlogHead < this.#backlog.length) {
        const due = this.#backlog[this.#backlogHead]!;
        if (now - due.scheduledMs > maxQueueMs) {
          this.#backlogHead++;
          sink.onDropped(due.phaseIndex, due.scheduledMs, 'queueTimeout');
          if (due.conversation) this.#conversations.afterMessage(due.conversation, true, now);
          continue;
        }
        const phase = phases[due.phaseIndex]! as Extract<EnginePhase, { model: 'open' | 'conversations' }>;
        if (this.#pool.inFlight >= phase.maxConnections || !this.#pool.hasCapacity) break;
        if (due.conversation) {
          this.#backlogHead++;
          this.#conversations.send(due.conversation, now);
          continue;
        }
        if (this.#exhausted[due.phaseIndex]) {
          this.#backlogHead++;
          continue;
        }
        const request = (phase as Extract<EnginePhase, { model: 'open' }>).requests(due.index);
        if (request === 'exhausted') {
          this.#endPhase(due.phaseIndex, now);
          continue;
        }
        this.#backlogHead++;
        if (request === 'starved') sink.onDropped(due.phaseIndex, due.scheduledMs, 'feedStarved');
        else this.#send(due.phaseIndex, due.scheduledMs, request);
      }
      if (this.#backlogHead > 4096 && this.#backlogHead * 2 > this.#backlog.length) {
        this.#backlog = this.#backlog.slice(this.#backlogHead);
        this.#backlogHead = 0;
      }
      this.#fillClosedPhase(now);
    } finally {
      this.#dispatching = false;
    }
    this.#maybeFinish();
  }

  #fillClosedPhase(now: number): void {
    const p = this.#currentPhase;
    const phase = this.#options.phases[p]!;
    if (phase.model !== 'closed' || this.#exhausted[p]) return;
    if (now < this.#phaseStartMs[p]! || now >= this.#phaseStartMs[p]! + phase.durationMs) return;
    while (this.#pool.inFlight < phase.connections && this.#pool.hasCapacity) {
      const request = phase.requests(this.#nextIndex[p]!++);
      if (request === 'exhausted') {
        this.#endPhase(p, now);
        return;
      }
      if (request === 'starved') {
        this.#options.sink.onDropped(p, now, 'feedStarved');
        return;
      }
      this.#send(p, performance.now(), request);
    }
  }

  /**
   * A phase's rows ran out (a `once` feed): it sends no more, and when it is the phase running,
   * the next one starts now (the run ends now when it was the last), instead of idling out its time.
   */
  #endPhase(p: number, now: number): void {
    this.#exhausted[p] = true;
    if (p !== this.#currentPhase) return;
    const shiftMs = (this.#phaseStartMs[p + 1] ?? this.#endMs) - now;
    if (shiftMs <= 0) return;
    for (let next = p + 1; next < this.#phaseStartMs.length; next++) this.#phaseStartMs[next]! -= shiftMs;
    this.#endMs -= shiftMs;
    // Wake at once for the next phase (or the end), whatever the timer was set for.
    clearTimeout(this.#timer);
    clearImmediate(this.#spin);
    this.#spin = undefined;
    this.#timerDueMs = now;
    this.#timer = setTimeout(() => this.#tick(), 0);
  }

  #send(phaseIndex: number, scheduledMs: number, request: PreparedRequest, conversation?: ActiveConversation): void {
    const phase = this.#options.phases[phaseIndex]!;
    const meta: RequestMeta = { phaseIndex, scheduledMs, request, conversation };
    if (conversation?.connection) this.#pool.sendOn(conversation.connection, request.body, meta);
    else if (!this.#pool.send(request.body, meta, phase.model === 'open' && phase.newConnections === true)) {
      throw new Error('bug: the pool had capacity but did not send');
    }
    this.#options.sink.onSent(phaseIndex, performance.now());
  }

  #onOutcome(request: InFlightRequest<RequestMeta>, outcome: RequestOutcome): void {
    this.#options.sink.onSample(
      outcome.kind === 'response'
        ? sampleOf(request, outcome.doneMs, outcome.status, undefined, outcome.body, outcome.headers, undefined, outcome.waitingMs)
        : sampleOf(request, outcome.doneMs, 0, outcome.error, undefined, undefined, outcome.reason, undefined),
    );
    const { conversation } = request.meta;
    if (conversation) this.#conversations.answered(conversation, outcome, request.meta.request);
    if (this.#aborted && this.#pool.inFlight === 0) this.#finish(performance.now());
    else this.#maybeFinish();
  }

  /** The next time something becomes due: a scheduled request or a phase boundary. */
  #nextWakeMs(now: number): number | undefined {
    const phases = this.#options.phases;
    let wakeMs: number | undefined;
    const consider = (ms: number) => {
      if (wakeMs === undefined || ms < wakeMs) wakeMs = ms;
    };
    for (let p = 0; p < phases.length; p++) {
      const phase = phases[p]!;
      const startMs = this.#phaseStartMs[p]!;
      if (startMs > now) {
        consider(startMs);
        break;
      }
      if (phase.model === 'open' && !this.#exhausted[p] && this.#nextIndex[p]! < phase.schedule.count) {
        consider(startMs + phase.schedule.dueOffsetMs(this.#nextIndex[p]!));
      }
      if (phase.model === 'conversations' && !this.#exhausted[p] && this.#nextIndex[p]! < phase.starts.count) {
        consider(startMs + phase.starts.dueOffsetMs(this.#nextIndex[p]!));
      }
      if (phase.model === 'closed' && now < startMs + phase.durationMs) consider(startMs + phase.durationMs);
    }
    const conversationDueMs = this.#conversations.nextDueMs;
    if (conversationDueMs !== undefined) consider(conversationDueMs);
    if (now < this.#endMs) consider(this.#endMs);
    // Requests waiting in the backlog are retried when a connection frees; this bounds their wait.
    if (this.#backlogHead < this.#backlog.length) consider(this.#backlog[this.#backlogHead]!.scheduledMs + this.#options.maxQueueMs + 1);
    return wakeMs;
  }

  #maybeFinish(): void {
    if (this.#finished || this.#aborted) return;
    const now = performance.now();
    if (now < this.#endMs) return;
    const phases = this.#options.phases;
    const scheduleLeft = phases.some(
      (phase, p) =>
        !this.#exhausted[p] &&
        ((phase.model === 'open' && this.#nextIndex[p]! < phase.schedule.count) ||
          (phase.model === 'conversations' && this.#nextIndex[p]! < phase.starts.count)),
    );
    if (scheduleLeft || this.#backlogHead < this.#backlog.length || this.#pool.inFlight > 0 || this.#conversations.open > 0) {
      if (scheduleLeft && this.#timer === undefined && this.#spin === undefined) {
        this.#timerDueMs = now;
        this.#timer = setTimeout(() => this.#tick(), 0);
      }
      return;
    }
    this.#finish(now);
  }

  #finish(now: number): void {
    if (this.#finished) return;
    this.#finished = true;
    clearTimeout(this.#timer);
    clearImmediate(this.#spin);
    this.#pool.close();
    this.#resolve({ startMs: this.#startMs, endMs: now, aborted: this.#aborted });
  }
}

/** The connections a phase may take from the shared pool: conversations on their own connections take none. */
function pooledConnections(phase: EnginePhase): number {
  if (phase.model === 'closed') return phase.connections;
  if (phase.model === 'conversations' && phase.connection === 'own') return 1;
  return phase.maxConnections;
}

/**
 * Every sample is built by this one literal, so all share one hidden class and the code reading
 * them (metrics, contract checks) stays monomorphic: V8 gives `{ ...base, status }` a new hidden
 * class on every call once optimised, and every read of such a sample's fields goes to the runtime.
 */
function sampleOf(
  { meta, sentMs }: InFlightRequest<RequestMeta>,
  doneMs: number,
  status: number,
  error: Sample['error'],
  responseBody: Buffer | undefined,
  responseHeaders: Sample['responseHeaders'],
  errorReason: string | undefined,
  waitingMs: number | undefined,
): Sample {
  return {
    phaseIndex: meta.phaseIndex,
    scheduledMs: meta.scheduledMs,
    sentMs,
    doneMs,
    waitingMs,
    status,
    error,
    errorReason,
    request: meta.request,
    responseBody,
    responseHeaders,
  };
}
