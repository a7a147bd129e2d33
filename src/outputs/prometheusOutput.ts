// Pushes a generator's live series to a Prometheus remote-write receiver every interval, and once
// more when the run ends. Off the hot path and never in the run's way: a push is built from
// counters the run keeps anyway, sent without awaiting it, retried a few times, and dropped when a
// newer one is waiting (each push carries cumulative counters, so the newest supersedes it). What
// was lost is counted and told.
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { cpuUsage, memoryUsage } from 'node:process';
import { LATENCY_BUCKETS_SECONDS, liveSeries, seriesKey } from './liveSeries.ts';
import type { KindedSample, LiveFigures } from './liveSeries.ts';
import { encodeWriteRequest } from './remoteWriteCodec.ts';
import { redactUrl } from '../util/redactUrl.ts';
import type { PrometheusOutputSettings } from './outputSchema.ts';

/** What became of the pushes to one receiver. */
export interface OutputReport {
  /** The receiver, without credentials, query or fragment (as the live line shows it). */
  url: string;
  pushes: number;
  failed: number;
  /** Why the last failed push failed. */
  lastError: string | null;
  /** Time whose samples never reached the receiver (an interval per push lost). */
  missingMs: number;
  /** Whether the final push (exact totals) reached it. */
  finalDelivered: boolean;
}

/** Figures of the shape a run pushes, for the warm-up encode. */
const WARM_UP_FIGURES: LiveFigures = {
  phases: [
    {
      name: 'warm-up',
      outcomes: { ok: 1, http_5xx: 1 },
      dropped: { queueTimeout: 0 },
      violatingResponses: 0,
      violations: [{ rule: 'type', path: '$.message_id', count: 1 }],
      latency: { cumulativeCounts: LATENCY_BUCKETS_SECONDS.map(() => 1), count: 1, sumSeconds: 0.001 },
    },
  ],
  currentPhase: 'warm-up',
  inFlight: 0,
  openConnections: 0,
  targetPerSec: 0,
  achievedPerSec: 0,
  searchTrialPerSec: 0,
};

/** Pushes waiting beyond this many are dropped, oldest first. */
const MAX_QUEUED = 8;
const RETRIES = 3;
const FIRST_BACKOFF_MS = 250;
/** The run is over when the final push goes: it gets this long, whatever the receiver does. */
const FINAL_DEADLINE_MS = 5000;

interface Push {
  body: Buffer;
  tries: number;
}

export class PrometheusOutput {
  readonly #settings: PrometheusOutputSettings;
  readonly #common: Record<string, string>;
  readonly #queue: Push[] = [];
  readonly #timer: NodeJS.Timeout;
  /** Counters of runs this process made before the current one (capacity trials), by series. */
  readonly #base = new Map<string, KindedSample>();
  #source: (() => LiveFigures) | undefined;
  #sending = false;
  /** Settles when the pushes being sent are done with (close waits for it). */
  #inFlight: Promise<void> = Promise.resolve();
  #closed = false;
  #cpuAt = { usage: cpuUsage(), atMs: performance.now() };
  readonly #report: OutputReport;

  /** `common` labels: scenario, run_id and generator; the settings' labels are added to them. */
  constructor(settings: PrometheusOutputSettings, common: Readonly<Record<string, string>>) {
    this.#settings = settings;
    this.#common = { ...settings.labels, ...common };
    this.#report = { url: redactUrl(settings.url), pushes: 0, failed: 0, lastError: null, missingMs: 0, finalDelivered: false };
    // Built and encoded once before the load: the code's first run (compiling it) costs tens of
    // milliseconds, which would otherwise fall in the run's first second.
    encodeWriteRequest(liveSeries(WARM_UP_FIGURES, { cpuUtilization: 0, residentBytes: 0 }, this.#common, Date.now()));
    this.#timer = setInterval(() => this.#push(), settings.interval);
    // A run that ends never waits for the next tick.
    this.#timer.unref();
  }

  /** Pushes the figures `source` gives, from now until the returned function is called (at the end of that run). */
  track(source: () => LiveFigures): () => void {
    this.#source = source;
    return () => {
      if (this.#source !== source) return;
      // Its counters carry on in the next run of this process (the next capacity trial).
      for (const sample of this.#samples()) if (sample.kind === 'counter') this.#base.set(seriesKey(sample.labels), sample);
      this.#source = undefined;
    };
  }

  /** The final push (exact totals), within a few seconds whatever the receiver does; then what was lost. */
  async close(): Promise<OutputReport> {
    if (this.#closed) return { ...this.#report };
    clearInterval(this.#timer);
    this.#closed = true;
    const deadline = AbortSignal.timeout(FINAL_DEADLINE_MS);
    // A push on the wire finishes first (the receiver takes samples in time order); the ones still
    // waiting are never sent: the final push carries their counters further. The wait's timer goes
    // with it: left running, it kept the process alive for the rest of the 5 s after the run ended.
    const waited = new AbortController();
    await Promise.race([this.#inFlight, sleep(FINAL_DEADLINE_MS, AbortSignal.any([deadline, waited.signal]))]);
    waited.abort();
    this.#report.pushes -= this.#queue.splice(this.#sending ? 1 : 0).length;
    const final: Push = { body: encodeWriteRequest(this.#samples()), tries: 0 };
    this.#report.pushes++;
    while (!deadline.aborted) {
      const error = await this.#send(final, deadline);
      if (error === null) {
        this.#report.finalDelivered = true;
        break;
      }
      if (++final.tries > RETRIES || !retryable(error)) {
        this.#lose(final, error.message);
        break;
      }
      await sleep(FIRST_BACKOFF_MS * 2 ** (final.tries - 1), deadline);
    }
    if (!this.#report.finalDelivered && deadline.aborted && final.tries <= RETRIES) this.#lose(final, `no answer within ${FINAL_DEADLINE_MS / 1000} s`);
    for (const agent of Object.values(this.#agents)) agent.destroy();
    return { ...this.#report };
  }

  /** The series now: the tracked run's plus the counters of the runs before it. */
  #samples(): KindedSample[] {
    const nowMs = Date.now();
    const atMs = performance.now();
    const usage = cpuUsage();
    const elapsedMs = atMs - this.#cpuAt.atMs;
    const cpuUtilization = elapsedMs <= 0 ? 0 : (usage.user + usage.system - this.#cpuAt.usage.user - this.#cpuAt.usage.system) / 1000 / elapsedMs;
    this.#cpuAt = { usage, atMs };
    // Between runs (and after the last) the counters of the runs before are all there is.
    const current = this.#source ? liveSeries(this.#source(), { cpuUtilization, residentBytes: memoryUsage.rss() }, this.#common, nowMs) : [];
    const seen = new Set<string>();
    const samples = current.map((sample) => {
      const key = seriesKey(sample.labels);
      seen.add(key);
      const before = sample.kind === 'counter' ? this.#base.get(key) : undefined;
      return before ? { ...sample, value: sample.value + before.value } : sample;
    });
    for (const [key, sample] of this.#base) if (!seen.has(key)) samples.push({ ...sample, timestampMs: nowMs });
    return samples;
  }

  #push(): void {
    if (this.#closed || (this.#source === undefined && this.#base.size === 0)) return;
    this.#queue.push({ body: encodeWriteRequest(this.#samples()), tries: 0 });
    this.#report.pushes++;
    while (this.#queue.length > MAX_QUEUED) this.#lose(this.#queue.shift()!, 'the receiver fell behind: oldest pushes dropped');
    void this.#drain();
  }

  /** Sends queued pushes one at a time, oldest first; a failing one is retried unless a newer one waits. */
  async #drain(): Promise<void> {
    if (this.#sending) return;
    this.#sending = true;
    let done!: () => void;
    this.#inFlight = new Promise<void>((resolve) => (done = resolve));
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        const push = this.#queue[0]!;
        const error = await this.#send(push, AbortSignal.timeout(Math.max(1000, this.#settings.interval)));
        if (error === null) {
          this.#queue.shift();
          continue;
        }
        push.tries++;
        if (this.#closed || this.#queue.length > 1 || push.tries > RETRIES || !retryable(error)) {
          this.#queue.shift();
          this.#lose(push, error.message);
          continue;
        }
        await sleep(FIRST_BACKOFF_MS * 2 ** (push.tries - 1));
      }
    } finally {
      this.#sending = false;
      done();
    }
  }

  /**
   * One POST; null when the receiver took it, else why not. node:http rather than fetch: a push a
   * second through fetch cost the generator several times the CPU (WHATWG streams and headers).
   */
  #send(push: Push, signal: AbortSignal): Promise<(Error & { status?: number }) | null> {
    const url = new URL(this.#settings.url);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(new Error('no answer in time'));
      const outgoing = request(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-protobuf',
          'content-encoding': 'snappy',
          'x-prometheus-remote-write-version': '0.1.0',
          'user-agent': 'logmsg-harness',
          'content-length': String(push.body.length),
          ...this.#settings.headers,
        },
        agent: this.#agent(url.protocol),
        signal,
      });
      outgoing.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => {
          if (chunks.length < 8) chunks.push(chunk);
        });
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve(null);
          const text = Buffer.concat(chunks).toString('utf8').trim().slice(0, 200);
          resolve(Object.assign(new Error(`HTTP ${status}${text ? `: ${text}` : ''}`), { status }));
        });
        response.on('error', (error) => resolve(error));
      });
      outgoing.on('error', (error: NodeJS.ErrnoException) => resolve(new Error(signal.aborted ? 'no answer in time' : (error.code ?? error.message))));
      outgoing.end(push.body);
    });
  }

  /** One keep-alive agent per scheme, so a push a second reuses its connection. */
  #agent(protocol: string): HttpAgent {
    this.#agents[protocol] ??= protocol === 'https:' ? new HttpsAgent({ keepAlive: true, maxSockets: 1 }) : new HttpAgent({ keepAlive: true, maxSockets: 1 });
    return this.#agents[protocol]!;
  }

  readonly #agents: Record<string, HttpAgent> = {};

  #lose(_push: Push, reason: string): void {
    this.#report.failed++;
    this.#report.lastError = reason;
    this.#report.missingMs += this.#settings.interval;
  }
}

/** A receiver's refusal of the request itself (4xx but 429) will not change on a retry. */
function retryable(error: Error & { status?: number }): boolean {
  return error.status === undefined || error.status === 429 || error.status >= 500;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
