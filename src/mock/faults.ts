import type { MockBehaviour } from './behaviour.ts';
import type { Random } from '../util/random.ts';

/** The fault drawn for one request, or `none` to answer normally. */
export type InjectedFault = 'none' | 'error' | 'reset' | 'hang';

/** Draws the fault for each request from the configured shares, one uniform draw per request. */
export function faultDrawer(behaviour: MockBehaviour, random: Random): () => InjectedFault {
  const errorShare = behaviour.errors?.share ?? 0;
  const resetLimit = errorShare + behaviour.resets;
  const hangLimit = resetLimit + behaviour.hangs;
  if (hangLimit === 0) return () => 'none';
  return () => {
    const draw = random();
    if (draw < errorShare) return 'error';
    if (draw < resetLimit) return 'reset';
    if (draw < hangLimit) return 'hang';
    return 'none';
  };
}

/**
 * When a response due at `dueMs` (ms since the mock started) may leave: stalls run
 * `forMs` long starting at every multiple of `everyMs`; nothing leaves inside one.
 */
export function releaseTimeMs(dueMs: number, stalls: MockBehaviour['stalls']): number {
  if (!stalls || dueMs < stalls.everyMs) return dueMs;
  const stallStartMs = Math.floor(dueMs / stalls.everyMs) * stalls.everyMs;
  const stallEndMs = stallStartMs + stalls.forMs;
  return Math.max(dueMs, stallEndMs);
}

/** A token bucket admitting `ratePerSec` requests per second (burst of one second's worth). */
export class RateLimiter {
  readonly #ratePerSec: number;
  #tokens: number;
  #lastRefillMs: number;

  constructor(ratePerSec: number, nowMs: number) {
    this.#ratePerSec = ratePerSec;
    this.#tokens = ratePerSec;
    this.#lastRefillMs = nowMs;
  }

  /** True when the request at `nowMs` is within the limit (and takes a token). */
  admit(nowMs: number): boolean {
    const elapsedMs = nowMs - this.#lastRefillMs;
    this.#lastRefillMs = nowMs;
    this.#tokens = Math.min(this.#ratePerSec, this.#tokens + (elapsedMs * this.#ratePerSec) / 1000);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
