import { request } from 'node:http';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import { ExitCode, UserError } from '../errors.ts';
import type { ShardFile } from '../merge/shardFile.ts';
import type { WorkerSecond } from '../scale/liveMerge.ts';
import { FrameLink } from './frameLink.ts';
import { JOIN_PATH, coordinatorFrameSchema } from './protocol.ts';
import type { CoordinatorFrame, RoundTrial, ShardFrame } from './protocol.ts';
import { newNonce, proofFor, proofHolds } from './runToken.ts';

/** Between attempts to reach a coordinator that is not up yet (a pod scheduled before its Service). */
const RETRY_EVERY_MS = 1000;
const SAY_WAITING_EVERY_MS = 10_000;

export interface JoinRequest {
  url: string;
  token: string;
  shard: { index: number; count: number };
  planFingerprint: string;
  scenarioName: string;
  workers: number;
  /** How long to keep trying to reach the coordinator. */
  readyTimeoutMs: number;
  signals: readonly AbortSignal[];
  onLine(line: string): void;
}

/** A round the coordinator asked for: its start comes once every shard is ready (CoordinatorLink.readyFor). */
export type Round = { round: number; trial: RoundTrial | null };

/**
 * A shard's side of a coordinated run: joined (the token proven both ways, the plan accepted), it
 * waits for each round's start, reports its seconds, sends what it measured, and stops when told.
 * A coordinator that goes away mid-run stops nothing: the shard finishes and keeps its shard.json.
 */
export class CoordinatorLink {
  readonly runId: string;
  readonly preflightDone: boolean;
  readonly #link: FrameLink<CoordinatorFrame, ShardFrame>;
  readonly #stop = new AbortController();
  readonly #hurry = new AbortController();
  readonly #rounds: (Round | 'finish')[] = [];
  /** Each announced round's start (epoch ms). */
  readonly #starts = new Map<number, number>();
  /** Whoever waits for a frame: the next round, or a round's start. */
  readonly #waiting = new Set<() => void>();

  /** `early`: frames that came right behind the acceptance (in the same read), before this object could hear them. */
  private constructor(link: FrameLink<CoordinatorFrame, ShardFrame>, accepted: Extract<CoordinatorFrame, { type: 'accepted' }>, early: CoordinatorFrame[]) {
    this.#link = link;
    this.runId = accepted.runId;
    this.preflightDone = accepted.preflightDone;
    const hear = (frame: CoordinatorFrame) => {
      if (frame.type === 'prepare') this.#rounds.push({ round: frame.round, trial: frame.trial });
      else if (frame.type === 'start') this.#starts.set(frame.round, frame.startAtEpochMs);
      else if (frame.type === 'finish') this.#rounds.push('finish');
      else if (frame.type === 'stop') this.#stop.abort(frame.reason);
      else if (frame.type === 'hurry') this.#hurry.abort();
      this.#wakeAll();
    };
    for (const frame of early) hear(frame);
    link.onFrame(hear);
    link.onClose(() => this.#wakeAll());
  }

  #wakeAll(): void {
    for (const wake of [...this.#waiting]) wake();
  }

  /** Until a frame comes, the link closes or `interrupt` aborts. */
  #nextFrame(interrupt?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        this.#waiting.delete(wake);
        interrupt?.removeEventListener('abort', wake);
        resolve();
      };
      this.#waiting.add(wake);
      interrupt?.addEventListener('abort', wake, { once: true });
    });
  }

  /** Told to stop by the coordinator; the reason is the coordinator's. */
  get stop(): AbortSignal {
    return this.#stop.signal;
  }

  get hurry(): AbortSignal {
    return this.#hurry.signal;
  }

  /** Why the coordinator is gone, when it is. */
  get lostReason(): string | undefined {
    return this.#link.closedReason;
  }

  /** The next round to run, 'finish' when there are no more, 'lost' when the coordinator went away, or 'interrupted'. */
  async nextRound(interrupt?: AbortSignal): Promise<Round | 'finish' | 'lost' | 'interrupted'> {
    for (;;) {
      const next = this.#rounds.shift();
      if (next) return next;
      if (this.#link.closedReason !== undefined) return 'lost';
      if (interrupt?.aborted) return 'interrupted';
      // The listener goes once woken: a search's shard waits here once per trial on the same signal.
      await this.#nextFrame(interrupt);
    }
  }

  /**
   * Says this shard's generators are ready for `round` and waits for the round's start (epoch ms).
   * Told to stop first, or `interrupt`ed, it resolves at once with now: the stop signal is set
   * and the load ends before it began. A coordinator gone before the start sets the stop signal
   * too: a round that never started cannot run on alone, misaligned with the other shards.
   */
  async readyFor(round: number, interrupt?: AbortSignal): Promise<number> {
    this.#link.send({ type: 'prepared', round });
    for (;;) {
      const startAtEpochMs = this.#starts.get(round);
      if (startAtEpochMs !== undefined) return startAtEpochMs;
      if (this.#link.closedReason !== undefined) this.#stop.abort(`the coordinator went away before the start (${this.#link.closedReason})`);
      if (this.#stop.signal.aborted || interrupt?.aborted) return Date.now();
      await this.#nextFrame(interrupt);
    }
  }

  reportSecond(round: number, worker: number, second: WorkerSecond): void {
    this.#link.send({ type: 'second', round, worker, second });
  }

  sendDone(round: number, shard: ShardFile): void {
    this.#link.send({ type: 'done', round, shard });
  }

  /** Ends the shard's side once its last frames are sent. */
  async close(): Promise<void> {
    await this.#link.end();
    this.#link.close('the shard is done');
  }

  /**
   * Reaches the coordinator (trying again until `readyTimeoutMs` while nothing listens there yet),
   * answers its challenge and waits to be accepted; a refusal or a coordinator that cannot prove it
   * holds the token is a UserError with the reason.
   */
  static async join(join: JoinRequest): Promise<CoordinatorLink> {
    const base = new URL(join.url);
    const deadlineMs = Date.now() + join.readyTimeoutMs;
    let lastSaidMs = Date.now();
    for (;;) {
      if (join.signals.some((signal) => signal.aborted)) {
        throw new UserError('Stopped while joining the coordinator', { exitCode: ExitCode.interrupted });
      }
      const opened = await open(new URL(JOIN_PATH, base)).catch((error: NodeJS.ErrnoException) => error);
      if (!(opened instanceof Error)) return CoordinatorLink.#handshake(opened, join);
      const retryable = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT'].includes(opened.code ?? '');
      if (!retryable || Date.now() + RETRY_EVERY_MS > deadlineMs) {
        throw new UserError(`cannot reach the coordinator at ${base.origin} (${opened.code ?? opened.message})`, {
          exitCode: ExitCode.targetNotUsable,
          problems: retryable ? [`tried for ${Math.round(join.readyTimeoutMs / 1000)} s (--ready-timeout)`] : [],
        });
      }
      if (Date.now() - lastSaidMs >= SAY_WAITING_EVERY_MS) {
        join.onLine(`Waiting for the coordinator at ${base.origin} (${opened.code})...`);
        lastSaidMs = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_EVERY_MS));
    }
  }

  static async #handshake(opened: { request: ClientRequest; response: IncomingMessage }, join: JoinRequest): Promise<CoordinatorLink> {
    const link = new FrameLink<CoordinatorFrame, ShardFrame>(opened.response, opened.request, coordinatorFrameSchema);
    const nonce = newNonce();
    // The last shard to join hears its acceptance and the first round at once, often in one read.
    const early: CoordinatorFrame[] = [];
    let answered = false;
    const answer = await new Promise<Extract<CoordinatorFrame, { type: 'accepted' | 'refused' }> | string>((resolve) => {
      link.onClose((reason) => resolve(reason));
      link.onFrame((frame) => {
        if (answered) early.push(frame);
        else if (frame.type === 'challenge') {
          link.send({
            type: 'join',
            shard: join.shard,
            planFingerprint: join.planFingerprint,
            scenarioName: join.scenarioName,
            workers: join.workers,
            host: hostname(),
            proof: proofFor(join.token, frame.nonce, 'shard'),
            nonce,
          });
        } else if (frame.type === 'accepted' || frame.type === 'refused') {
          answered = true;
          resolve(frame);
        }
      });
    });
    const where = new URL(join.url).origin;
    if (typeof answer === 'string') {
      throw new UserError(`the coordinator at ${where} closed the connection before accepting this shard (${answer})`, { exitCode: ExitCode.targetNotUsable });
    }
    if (answer.type === 'refused') {
      link.close('refused');
      throw new UserError(`the coordinator at ${where} refused shard ${join.shard.index}/${join.shard.count}: ${answer.reason}`, {
        exitCode: (answer.exitCode as ExitCode | undefined) ?? ExitCode.badInput,
      });
    }
    if (!proofHolds(join.token, nonce, 'coordinator', answer.proof)) {
      link.close('the coordinator does not hold the token');
      throw new UserError(`${where} does not hold this run's token: not the coordinator of this run`, { exitCode: ExitCode.targetNotUsable });
    }
    return new CoordinatorLink(link, answer, early);
  }
}

/** One POST held open: its body carries the shard's frames, the response's the coordinator's. */
function open(url: URL): Promise<{ request: ClientRequest; response: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    if (url.protocol !== 'http:') return reject(Object.assign(new Error(`${url.protocol} is not supported: the coordinator speaks http`), { code: 'EPROTO' }));
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/x-ndjson' } });
    req.on('error', reject);
    req.on('response', (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        req.destroy();
        return reject(
          Object.assign(new Error(`it answered HTTP ${response.statusCode}: not a logmsg-harness coordinator`), { code: `HTTP ${response.statusCode}` }),
        );
      }
      req.off('error', reject);
      resolve({ request: req, response });
    });
    req.setNoDelay(true);
    req.flushHeaders();
  });
}
