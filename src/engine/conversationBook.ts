// The conversations under way in an engine: which wait for their next message (a heap by due time,
// so ten thousand of them cost one timer, the engine's), and how many each phase holds open.
import type { DedicatedConnection } from './connectionPool.ts';
import type { ConversationScript } from './types.ts';

/** One conversation under way. */
export interface ActiveConversation {
  readonly phaseIndex: number;
  readonly script: ConversationScript;
  /** When it was scheduled to start (performance.now() ms): its first message's due time. */
  readonly startMs: number;
  /** The message to send next (0-based); messages before it were sent or failed. */
  next: number;
  /** When the next message is due (performance.now() ms). */
  dueMs: number;
  /** Messages handed to a connection. */
  sent: number;
  /** Its own connection (`connection: own`), held until it ends. */
  connection: DedicatedConnection | undefined;
  ended: boolean;
}

/** Conversations under way: those waiting for their next message by due time, and counts by phase. */
export class ConversationBook {
  readonly #waiting: ActiveConversation[] = [];
  readonly #openByPhase: number[];
  #open = 0;

  constructor(phaseCount: number) {
    this.#openByPhase = new Array<number>(phaseCount).fill(0);
  }

  /** Conversations started and not yet ended. */
  get open(): number {
    return this.#open;
  }

  openIn(phaseIndex: number): number {
    return this.#openByPhase[phaseIndex]!;
  }

  started(conversation: ActiveConversation): void {
    this.#open++;
    this.#openByPhase[conversation.phaseIndex]!++;
  }

  ended(conversation: ActiveConversation): void {
    conversation.ended = true;
    this.#open--;
    this.#openByPhase[conversation.phaseIndex]!--;
  }

  /** When the earliest waiting conversation's next message is due, if any waits. */
  get nextDueMs(): number | undefined {
    return this.#waiting[0]?.dueMs;
  }

  /** Waits for its next message, due at `conversation.dueMs`. */
  wait(conversation: ActiveConversation): void {
    const heap = this.#waiting;
    heap.push(conversation);
    let at = heap.length - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (heap[parent]!.dueMs <= conversation.dueMs) break;
      heap[at] = heap[parent]!;
      at = parent;
    }
    heap[at] = conversation;
  }

  /** The waiting conversation whose message is due first, if it is due by `nowMs`. */
  takeDue(nowMs: number): ActiveConversation | undefined {
    const heap = this.#waiting;
    const first = heap[0];
    if (first === undefined || first.dueMs > nowMs) return undefined;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let at = 0;
      for (;;) {
        const left = 2 * at + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child = right < heap.length && heap[right]!.dueMs < heap[left]!.dueMs ? right : left;
        if (heap[child]!.dueMs >= last.dueMs) break;
        heap[at] = heap[child]!;
        at = child;
      }
      heap[at] = last;
    }
    return first;
  }

  /** Every waiting conversation, taken out (the run stopped). */
  takeAllWaiting(): ActiveConversation[] {
    return this.#waiting.splice(0);
  }
}
