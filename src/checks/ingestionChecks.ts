import { IdSet } from './idSet.ts';
import { JsonNumber } from './jsonValue.ts';
import type { Violation } from './responseContract.ts';

/** The rules the ingestion checks report violations of (any other rule is the pact's). */
export const INGESTION_RULES = ['echo', 'unique', 'window'] as const;
type IngestionRule = (typeof INGESTION_RULES)[number];
/** The body members the ingestion checks read (ResponseContract has them read from the bytes with the pact's). */
export const INGESTION_MEMBERS = ['message_body', 'message_id', 'created_at'] as const;
const [MESSAGE_BODY, MESSAGE_ID, CREATED_AT] = INGESTION_MEMBERS;

/** Settings of the checks a pact cannot express. */
export interface IngestionCheckOptions {
  /** How far `created_at` may lie outside the request's send/receive window (clocks differ). */
  clockSkewMs: number;
  /** performance.timeOrigin: turns the engine's performance.now() times into wall-clock time. */
  timeOriginMs: number;
}

/** A 200 answer as the ingestion checks see it: its body's members (undefined when absent or the body is no object), and the request's. */
export interface AcceptedMessage {
  body: { member(key: string): unknown };
  sentMessageBody: string;
  sentMs: number;
  doneMs: number;
}

/**
 * Message-ingestion checks beyond the pact, on every 200: the stored `message_body` equals the
 * one sent, `message_id` is unique across the run, and `created_at` lies within the request's
 * send/receive window (plus the clock-skew allowance). Values the pact checks for shape are
 * skipped here when malformed, so one fault is counted once.
 */
export class IngestionChecks {
  readonly #seenIds = new IdSet();
  readonly #options: IngestionCheckOptions;

  constructor(options: IngestionCheckOptions) {
    this.#options = options;
  }

  // Many answers under load share a timestamp (ms resolution): the last one read is remembered.
  #lastTimestampText = '';
  #lastTimestampMs = Number.NaN;

  #timestampMs(text: string): number {
    if (text !== this.#lastTimestampText) {
      this.#lastTimestampText = text;
      this.#lastTimestampMs = Date.parse(text);
    }
    return this.#lastTimestampMs;
  }

  /** The id of the last answer checked when no earlier answer had it; undefined otherwise. */
  newId: number | string | undefined;

  check(message: AcceptedMessage, out: Violation[]): void {
    this.newId = undefined;
    const messageBody = message.body.member(MESSAGE_BODY);
    if (typeof messageBody === 'string' && messageBody !== message.sentMessageBody) {
      out.push({
        rule: 'echo' satisfies IngestionRule,
        path: '$.message_body',
        expected: `the message sent (${message.sentMessageBody.length} chars)`,
        actual: `another text (${messageBody.length} chars)`,
      });
    }
    // A number the engine cannot hold exactly (past 2^53, or written 1.0) is keyed by its literal.
    const messageId = message.body.member(MESSAGE_ID);
    const id = messageId instanceof JsonNumber ? messageId.text : messageId;
    if (typeof id === 'number' || (typeof id === 'string' && id !== '')) {
      if (this.#seenIds.add(id)) this.newId = id;
      else
        out.push({
          rule: 'unique' satisfies IngestionRule,
          path: '$.message_id',
          expected: 'an id no earlier answer had',
          actual: `${JSON.stringify(id)} again`,
        });
    }
    const createdAt = message.body.member(CREATED_AT);
    if (typeof createdAt === 'string') {
      const createdAtMs = this.#timestampMs(createdAt);
      if (Number.isNaN(createdAtMs)) return;
      const { clockSkewMs, timeOriginMs } = this.#options;
      const fromMs = timeOriginMs + message.sentMs - clockSkewMs;
      const toMs = timeOriginMs + message.doneMs + clockSkewMs;
      if (createdAtMs < fromMs || createdAtMs > toMs) {
        const offsetMs = createdAtMs < fromMs ? createdAtMs - (fromMs + clockSkewMs) : createdAtMs - (toMs - clockSkewMs);
        out.push({
          rule: 'window' satisfies IngestionRule,
          path: '$.created_at',
          expected: `between send and receive (±${clockSkewMs} ms)`,
          actual: `${createdAt} (${offsetMs > 0 ? '+' : ''}${Math.round(offsetMs)} ms outside)`,
        });
      }
    }
  }
}
