// The conversation model from a traffic log: messages grouped by user into conversations (a
// session gap apart), then the rate of new conversations, messages per conversation and think
// times fitted, each with how well it fits (the Kolmogorov-Smirnov distance against the fitted
// distribution, and the distance above which it would be rejected at 5%).
import { Z_P99 } from '../util/random.ts';

/** One message of a log: when (ms from the log's start) and whose. */
export interface LoggedMessage {
  offsetMs: number;
  authId: string;
}

/** How well a fitted distribution matches the observations. */
export interface FitQuality {
  /** Observations the fit is over. */
  n: number;
  /** The largest gap between the observed and the fitted cumulative distribution (0..1). */
  ksDistance: number;
  /** Above this distance the fit is rejected at the 5% level (1.36 / sqrt(n), the large-sample bound). */
  criticalDistance: number;
  fits: boolean;
}

export interface FittedModel {
  messages: number;
  users: number;
  conversations: number;
  spanMs: number;
  sessionGapMs: number;
  /** New conversations per second over the log, and whether their starts look like independent arrivals. */
  rate: { perSec: number; dispersion: number | null; arrivals: 'poisson' | 'uniform' | null };
  messagesPerConversation:
    | { kind: 'fixed'; count: number; quality: null }
    | { kind: 'geometric'; mean: number; quality: FitQuality }
    | { kind: 'uniform'; min: number; max: number; quality: FitQuality };
  /** Null when no conversation had two messages. */
  thinkTime: { medianMs: number; p99Ms: number; quality: FitQuality } | null;
}

/** A log's messages grouped into conversations: a user's messages further apart than `sessionGapMs` start a new one. */
export function conversationsOf(messages: readonly LoggedMessage[], sessionGapMs: number): number[][] {
  const byUser = new Map<string, number[]>();
  for (const message of messages) {
    const times = byUser.get(message.authId);
    if (times) times.push(message.offsetMs);
    else byUser.set(message.authId, [message.offsetMs]);
  }
  const conversations: number[][] = [];
  for (const times of byUser.values()) {
    times.sort((a, b) => a - b);
    let current = [times[0]!];
    for (let i = 1; i < times.length; i++) {
      if (times[i]! - times[i - 1]! > sessionGapMs) {
        conversations.push(current);
        current = [];
      }
      current.push(times[i]!);
    }
    conversations.push(current);
  }
  return conversations.sort((a, b) => a[0]! - b[0]!);
}

/** Fits the conversation model to a log (at least one message). */
export function fitConversations(messages: readonly LoggedMessage[], sessionGapMs: number): FittedModel {
  const conversations = conversationsOf(messages, sessionGapMs);
  const starts = conversations.map((conversation) => conversation[0]!);
  const firstMs = Math.min(...messages.map((m) => m.offsetMs));
  const lastMs = Math.max(...messages.map((m) => m.offsetMs));
  // A log of one instant still spans a millisecond.
  const spanMs = Math.max(1, lastMs - firstMs);
  const counts = conversations.map((conversation) => conversation.length);
  const gaps = conversations.flatMap((conversation) => conversation.slice(1).map((ms, i) => ms - conversation[i]!));
  return {
    messages: messages.length,
    users: new Set(messages.map((m) => m.authId)).size,
    conversations: conversations.length,
    spanMs,
    sessionGapMs,
    // Over the time conversations started: the log goes on past the last start by that one's length.
    rate: startRate(starts, firstMs, starts.length > 1 ? Math.max(1, starts.at(-1)! - firstMs) : spanMs),
    messagesPerConversation: fitCounts(counts),
    thinkTime: gaps.filter((ms) => ms > 0).length < 2 ? null : fitLognormal(gaps.filter((ms) => ms > 0)),
  };
}

/**
 * Conversations per second over `windowMs` from the first, and the index of dispersion of starts per second (variance over
 * mean): about 1 for a Poisson process, well below for evenly spaced starts. Needs 10 seconds.
 */
function startRate(starts: readonly number[], firstMs: number, windowMs: number): FittedModel['rate'] {
  const perSec = starts.length / (windowMs / 1000);
  const seconds = Math.floor(windowMs / 1000);
  if (seconds < 10) return { perSec, dispersion: null, arrivals: null };
  const perSecond = new Array<number>(seconds).fill(0);
  for (const ms of starts) {
    const second = Math.floor((ms - firstMs) / 1000);
    if (second < seconds) perSecond[second]!++;
  }
  const mean = perSecond.reduce((sum, n) => sum + n, 0) / seconds;
  const variance = perSecond.reduce((sum, n) => sum + (n - mean) ** 2, 0) / (seconds - 1);
  const dispersion = mean === 0 ? null : variance / mean;
  return { perSec, dispersion, arrivals: dispersion === null ? null : dispersion > 0.5 ? 'poisson' : 'uniform' };
}

/** Messages per conversation: fixed when all are equal, else the better of geometric (by its mean) and uniform (by its range). */
function fitCounts(counts: readonly number[]): FittedModel['messagesPerConversation'] {
  const min = Math.min(...counts);
  const max = Math.max(...counts);
  if (min === max) return { kind: 'fixed', count: min, quality: null };
  const mean = counts.reduce((sum, n) => sum + n, 0) / counts.length;
  const stay = 1 - 1 / mean;
  const geometric = ksQuality(counts, (k) => 1 - stay ** Math.floor(k), true);
  const uniform = ksQuality(counts, (k) => Math.min(1, Math.max(0, (Math.floor(k) - min + 1) / (max - min + 1))), true);
  return uniform.ksDistance < geometric.ksDistance
    ? { kind: 'uniform', min, max, quality: uniform }
    : { kind: 'geometric', mean: Math.round(mean * 100) / 100, quality: geometric };
}

/** A lognormal by the mean and deviation of the logarithms, told as its median and 99th percentile. */
function fitLognormal(gapsMs: readonly number[]): NonNullable<FittedModel['thinkTime']> {
  const logs = gapsMs.map(Math.log);
  const mu = logs.reduce((sum, x) => sum + x, 0) / logs.length;
  const sigma = Math.sqrt(logs.reduce((sum, x) => sum + (x - mu) ** 2, 0) / (logs.length - 1));
  const quality = ksQuality(gapsMs, (ms) => normalCdf((Math.log(ms) - mu) / sigma), false);
  return { medianMs: Math.exp(mu), p99Ms: Math.exp(mu + Z_P99 * sigma), quality };
}

/**
 * The Kolmogorov-Smirnov distance between the observations' empirical distribution and `cdf`.
 * For a discrete distribution the gap is measured at each value (both sides of its step).
 */
function ksQuality(observations: readonly number[], cdf: (x: number) => number, discrete: boolean): FitQuality {
  const sorted = [...observations].sort((a, b) => a - b);
  const n = sorted.length;
  let distance = 0;
  for (let i = 0; i < n; i++) {
    const x = sorted[i]!;
    // Past ties: the empirical CDF at x counts every observation up to x.
    let j = i;
    while (j + 1 < n && sorted[j + 1] === x) j++;
    const below = i / n;
    const atOrBelow = (j + 1) / n;
    const fitted = cdf(x);
    const fittedBelow = discrete ? cdf(x - 1) : fitted;
    distance = Math.max(distance, Math.abs(atOrBelow - fitted), Math.abs(below - fittedBelow));
    i = j;
  }
  const criticalDistance = 1.36 / Math.sqrt(n);
  return { n, ksDistance: distance, criticalDistance, fits: distance <= criticalDistance };
}

/** The standard normal CDF (Abramowitz and Stegun 7.1.26 for erf: error below 1.5e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** A duration as a scenario takes it: `850ms`, `1.9s`. */
function yamlDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${Number((ms / 1000).toFixed(2))}s`;
}

function qualityNote(quality: FitQuality): string {
  const verdict = quality.fits ? 'fits' : 'does not fit well';
  return `${verdict}: KS distance ${quality.ksDistance.toFixed(3)}, 5% bound ${quality.criticalDistance.toFixed(3)}, n = ${quality.n}`;
}

/** The fitted model as YAML to paste into a conversations phase, each fit's quality in a comment. */
export function fittedYaml(model: FittedModel, source: string): string {
  const lines = [
    `# Fitted from ${source}: ${model.messages} messages of ${model.users} users over ${yamlDuration(model.spanMs)},`,
    `# ${model.conversations} conversations (a user's messages more than ${yamlDuration(model.sessionGapMs)} apart start a new one).`,
  ];
  const { rate, messagesPerConversation: counts, thinkTime } = model;
  if (rate.arrivals !== null) {
    const bursts = rate.dispersion! > 1.5 ? '; burstier than independent arrivals: Poisson understates the bursts' : '';
    lines.push(
      `arrivals: ${rate.arrivals}   # starts per second vary ${rate.dispersion!.toFixed(2)} times their mean (Poisson: about 1, evenly spaced: near 0)${bursts}`,
    );
  }
  lines.push('conversations:', `  rate: ${Number(rate.perSec.toFixed(3))}   # new conversations per second, from the first start to the last`);
  if (counts.kind === 'fixed') lines.push(`  messages: ${counts.count}   # every conversation had ${counts.count}`);
  else if (counts.kind === 'geometric') lines.push(`  messages: { mean: ${counts.mean} }   # geometric; ${qualityNote(counts.quality)}`);
  else lines.push(`  messages: { min: ${counts.min}, max: ${counts.max} }   # uniform; ${qualityNote(counts.quality)}`);
  if (thinkTime)
    lines.push(
      `  thinkTime: { lognormal: { median: ${yamlDuration(thinkTime.medianMs)}, p99: ${yamlDuration(thinkTime.p99Ms)} } }   # ${qualityNote(thinkTime.quality)}`,
      '  # think times here are message-to-message gaps: they include each answer, small beside them',
    );
  else lines.push('  thinkTime: 1s   # no conversation had two messages: nothing to fit; set one');
  return `${lines.join('\n')}\n`;
}
