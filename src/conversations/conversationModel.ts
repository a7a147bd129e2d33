// Draws of a conversation's shape: how many messages, and the think time before each after the
// first. Every conversation draws from a generator seeded by its place in the whole run, so a run
// split over workers or shards gives each conversation the shape it has in one process.
import { Z_P99, seededRandom, standardNormal } from '../util/random.ts';
import type { Random } from '../util/random.ts';
import { arrivalSeed } from '../scenario/plan.ts';
import type { MessagesDistribution, ThinkTime } from './conversationSchema.ts';
import { MAX_MESSAGES_PER_CONVERSATION } from './conversationSchema.ts';
import { formatDurationMs } from '../util/duration.ts';

/** A number of messages drawn from the distribution. */
export function drawMessageCount(distribution: MessagesDistribution, random: Random): number {
  switch (distribution.kind) {
    case 'fixed':
      return distribution.count;
    case 'uniform':
      return distribution.min + Math.floor(random() * (distribution.max - distribution.min + 1));
    case 'geometric': {
      // On 1, 2, 3...: P(k) = p (1 - p)^(k - 1), whose mean is 1/p.
      if (distribution.mean <= 1) return 1;
      const stayProbability = 1 - 1 / distribution.mean;
      const draw = 1 + Math.floor(Math.log(1 - random()) / Math.log(stayProbability));
      return Math.min(draw, MAX_MESSAGES_PER_CONVERSATION);
    }
  }
}

/** The lognormal distribution with this median and 99th percentile: ln X ~ N(mu, sigma). */
export function lognormalParameters(medianMs: number, p99Ms: number): { mu: number; sigma: number } {
  const mu = Math.log(medianMs);
  return { mu, sigma: (Math.log(p99Ms) - mu) / Z_P99 };
}

/** A think time in ms drawn from the distribution. */
export function drawThinkTimeMs(thinkTime: ThinkTime, random: Random): number {
  switch (thinkTime.kind) {
    case 'fixed':
      return thinkTime.ms;
    case 'uniform':
      return thinkTime.fromMs + random() * (thinkTime.toMs - thinkTime.fromMs);
    case 'lognormal': {
      const { mu, sigma } = lognormalParameters(thinkTime.medianMs, thinkTime.p99Ms);
      return Math.exp(mu + sigma * standardNormal(random));
    }
  }
}

/** A conversation's shape: its message count and the think time before each message after the first. */
export interface ConversationShape {
  messages: number;
  /** Think time before message `message` (1 ≤ message < messages), in ms. */
  thinkTimeMs(message: number): number;
}

/** Conversation `globalIndex` of phase `phaseIndex`: the same shape in every process that runs it. */
export function conversationShape(
  seed: number,
  phaseIndex: number,
  globalIndex: number,
  messages: MessagesDistribution,
  thinkTime: ThinkTime,
): ConversationShape {
  const random = seededRandom(arrivalSeed(seed, 7919 + phaseIndex, globalIndex));
  const count = drawMessageCount(messages, random);
  // Drawn in message order, one after another: a conversation asks for them in that order.
  return { messages: count, thinkTimeMs: () => drawThinkTimeMs(thinkTime, random) };
}

/** Messages per conversation as a person writes them: `5`, `2-8 (uniform)`, `mean 4 (geometric)`. */
export function describeMessages(distribution: MessagesDistribution): string {
  switch (distribution.kind) {
    case 'fixed':
      return String(distribution.count);
    case 'uniform':
      return `${distribution.min}-${distribution.max} (uniform)`;
    case 'geometric':
      return `mean ${distribution.mean} (geometric)`;
  }
}

/** A think time as a person writes it: `1s`, `uniform 500ms-3s`, `lognormal median 2s p99 20s`. */
export function describeThinkTime(thinkTime: ThinkTime): string {
  switch (thinkTime.kind) {
    case 'fixed':
      return formatDurationMs(thinkTime.ms);
    case 'uniform':
      return `uniform ${formatDurationMs(thinkTime.fromMs)}-${formatDurationMs(thinkTime.toMs)}`;
    case 'lognormal':
      return `lognormal median ${formatDurationMs(thinkTime.medianMs)} p99 ${formatDurationMs(thinkTime.p99Ms)}`;
  }
}
