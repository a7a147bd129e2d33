import type { ConnectionTiming } from './http/httpConnection.ts';
import type { Schedule } from './schedule.ts';
import type { TransportErrorKind } from './http/failures.ts';

export type { TransportErrorKind } from './http/failures.ts';

/** How a request failed without an HTTP response (`aborted`: still in flight when the run was stopped). */
export type ErrorKind = TransportErrorKind | 'aborted';

/** One request ready to send, with what the sender expects of its answer. */
export interface PreparedRequest {
  /** The body: JSON text (written straight into the request's bytes) or bytes. */
  body: string | Buffer;
  /** A status that is the expected answer for this request (e.g. 403 for an unregistered user). */
  expectedStatus?: number;
  /** The message text sent, for checks of the answer. */
  messageBody: string;
}

/**
 * The requests of a phase: request `index` of its schedule; `exhausted` when rows ran out (order
 * `once`: the phase ends), `starved` when a streamed feed has no row ready yet (dropped).
 */
export type RequestFactory = (index: number) => PreparedRequest | 'exhausted' | 'starved';

/** One phase as the engine runs it. */
export type EnginePhase =
  | {
      model: 'open';
      name: string;
      durationMs: number;
      schedule: Schedule;
      maxConnections: number;
      requests: RequestFactory;
      /** Each request on a new connection of its own, closed after its answer (`connection: new`). */
      newConnections?: boolean;
    }
  | { model: 'closed'; name: string; durationMs: number; connections: number; requests: RequestFactory }
  | {
      model: 'conversations';
      name: string;
      /** Conversations start during this time; those started run on past it, up to `gracefulStopMs`. */
      durationMs: number;
      /** When each conversation of this phase (or its stripe) starts. */
      starts: Schedule;
      conversations: ConversationFactory;
      /** own: a connection per conversation; pool: the engine's shared pool, at most `maxConnections` in flight. */
      connection: 'own' | 'pool';
      /** own: at most this many conversations open at once (one connection each); pool: requests in flight. */
      maxConnections: number;
      onError: 'continue' | 'abandon';
      gracefulStopMs: number;
      /** Own connections offer the last TLS session (returning clients). */
      tlsResume: boolean;
    };

/** One conversation: its messages in order, each after the think time that follows the previous answer. */
export interface ConversationScript {
  readonly messages: number;
  /** Message `message` (0-based) of the conversation. */
  request(message: number): PreparedRequest | 'exhausted' | 'starved';
  /** The think time before message `message` (≥ 1), in ms; asked once per message, in order. */
  thinkTimeMs(message: number): number;
}

/**
 * Conversation `index` of a phase (its stripe's index): `exhausted` when the users feed ran out
 * (order `once`: the phase starts no more), `starved` when a streamed feed has no row ready.
 */
export type ConversationFactory = (index: number) => ConversationScript | 'exhausted' | 'starved';

/** How a conversation ended: all its messages sent, given up after a failed message, or cut (gracefulStop, or the run stopped). */
export type ConversationEnd = 'completed' | 'abandoned' | 'cut';

/** Why a conversation due to start did not: its phase's connections were all taken, or no user row was ready. */
export type ConversationSkip = 'connectionLimit' | 'feedStarved';

/** One answered (or failed) request: the unit every metric is built from. */
export interface Sample {
  phaseIndex: number;
  /** When the schedule intended it (open model) or when a connection was free (closed model). */
  scheduledMs: number;
  sentMs: number;
  doneMs: number;
  /** An answer's time to first byte (see HttpAnswer.waitingMs); absent for a failed request. */
  waitingMs?: number;
  /** HTTP status, or 0 when the request failed without a response. */
  status: number;
  error?: ErrorKind;
  /** Why it failed, in words (transport errors only). */
  errorReason?: string;
  request: PreparedRequest;
  /** The answer's body as received (bytes, decoded by whoever reads it). */
  responseBody?: Buffer;
  /** The answer's header lines, flat: name, value, name, value... */
  responseHeaders?: readonly string[];
}

/** Why a due request was never sent. */
export type DropReason = 'queueTimeout' | 'aborted' | 'feedStarved';

/** Receives the engine's events as they happen; all times are performance.now() ms. */
export interface SampleSink {
  onSent(phaseIndex: number, sentMs: number): void;
  onSample(sample: Sample): void;
  onDropped(phaseIndex: number, scheduledMs: number, reason: DropReason): void;
  /** A new connection opened for a request of phase `phaseIndex`, and how long it took. */
  onConnection?(phaseIndex: number, timing: ConnectionTiming): void;
  /** The server closed an idle connection while phase `phaseIndex` ran. */
  onConnectionClosedByServer?(phaseIndex: number): void;
  /** A new connection for a request of phase `phaseIndex` failed before it was open. */
  onConnectionFailed?(phaseIndex: number, kind: TransportErrorKind): void;
  onConversationStarted?(phaseIndex: number): void;
  /** A conversation ended `durationMs` after its scheduled start, having sent `messagesSent` messages. */
  onConversationEnded?(phaseIndex: number, end: ConversationEnd, durationMs: number, messagesSent: number): void;
  onConversationSkipped?(phaseIndex: number, reason: ConversationSkip): void;
}
