import type { Schedule } from '../engine/schedule.ts';

/**
 * The share of a run one generator process sends: the requests k = offset + step * j of every
 * open-model schedule, and the rows at those positions of every `sequence` or `once` feed. The
 * stripes of all generators together are the single-process run, request for request. A whole run
 * is offset 0, step 1; shard i of N is {i, N}; worker w of W inside it is `within(shard, w, W)`.
 */
export interface Stripe {
  readonly offset: number;
  readonly step: number;
  /** How the run was cut to get here, outermost first: shard i of N, then worker w of W. */
  readonly parts: readonly { index: number; count: number }[];
}

export const WHOLE_RUN: Stripe = { offset: 0, step: 1, parts: [] };

/** Part `index` of `count` of an existing stripe: stripes nest, so shards may run different worker counts. */
export function within(outer: Stripe, index: number, count: number): Stripe {
  if (!Number.isInteger(index) || !Number.isInteger(count) || count < 1 || index < 0 || index >= count) {
    throw new Error(`bug: stripe part ${index} of ${count}`);
  }
  return { offset: outer.offset + outer.step * index, step: outer.step * count, parts: [...outer.parts, { index, count }] };
}

/** How many of the first `n` global indices belong to the stripe. */
function stripeCountBefore(n: number, stripe: Stripe): number {
  return n <= stripe.offset ? 0 : Math.ceil((n - stripe.offset) / stripe.step);
}

/** The stripe's requests of a global schedule, at the times the global schedule gives them. */
export function stripeSchedule(schedule: Schedule, stripe: Stripe): Schedule {
  if (stripe.step === 1) return schedule;
  const dueBefore = (offsetMs: number) => (offsetMs <= 0 ? 0 : schedule.countBetween(0, offsetMs));
  return {
    count: stripeCountBefore(schedule.count, stripe),
    dueOffsetMs: (index) => schedule.dueOffsetMs(stripe.offset + stripe.step * index),
    countBetween: (fromMs, toMs) => stripeCountBefore(dueBefore(toMs), stripe) - stripeCountBefore(dueBefore(fromMs), stripe),
  };
}

/** The global index of the stripe's `index`-th request (replayed records are looked up by it). */
export function globalIndex(index: number, stripe: Stripe): number {
  return stripe.offset + stripe.step * index;
}

/**
 * A closed-model phase's connections for one stripe: split as evenly as possible at each cut (the
 * first parts get one more), so the stripes add up to the phase whatever each shard's worker count.
 */
export function stripeConnections(connections: number, stripe: Stripe): number {
  return stripe.parts.reduce((left, { index, count }) => Math.floor(left / count) + (index < left % count ? 1 : 0), connections);
}

/** A `random` feed's seed for one stripe: reproducible, and different for every stripe (the whole run keeps the scenario's seed). */
export function stripeSeed(seed: number, stripe: Stripe): number {
  if (stripe.step === 1) return seed;
  let mixed = (seed ^ Math.imul(stripe.offset + 1, 0x9e3779b1) ^ Math.imul(stripe.step, 0x85ebca77)) >>> 0;
  mixed = Math.imul(mixed ^ (mixed >>> 16), 0x7feb352d) >>> 0;
  return (mixed ^ (mixed >>> 15)) >>> 0;
}

/** `i/N` as typed on the command line (0-based i). */
export function describeStripe(stripe: Stripe): string {
  return `${stripe.offset}/${stripe.step}`;
}
