import type { IncomingMessage, ServerResponse } from 'node:http';
import { ExitCode, UserError } from '../errors.ts';
import { FrameLink } from './frameLink.ts';
import { JOIN_PATH, shardFrameSchema } from './protocol.ts';
import type { CoordinatorFrame, ShardFrame } from './protocol.ts';
import { newNonce, proofFor, proofHolds } from './runToken.ts';

/** A shard must say who it is this soon after connecting. */
const JOIN_WITHIN_MS = 10_000;

export type ShardLink = FrameLink<ShardFrame, CoordinatorFrame>;

/** A shard that joined: its link, and where its generators sit in the live merge. */
export interface JoinedShard {
  index: number;
  host: string;
  workers: number;
  link: ShardLink;
}

/** What every shard of the run must match, and what it is told when it does. */
export interface RunTerms {
  shards: number;
  planFingerprint: string;
  token: string;
  runId: string;
  preflightDone: boolean;
}

/**
 * The shards of one coordinated run as they join: each proves it holds the run token, names its
 * shard and the plan it made; the wrong token, another plan or shard count, a shard index already
 * taken, or a join after the start are refused with the reason, told to the shard and printed here.
 */
export class ShardRegistry {
  readonly #terms: RunTerms;
  readonly #onLine: (line: string) => void;
  readonly #joined: (JoinedShard | undefined)[];
  #startedAtEpochMs: number | undefined;
  #changed: () => void = () => {};
  /** Links that were refused or never joined: what they cost is counted too. */
  readonly #everyLink: ShardLink[] = [];

  constructor(terms: RunTerms, onLine: (line: string) => void) {
    this.#terms = terms;
    this.#onLine = onLine;
    this.#joined = Array.from({ length: terms.shards }, () => undefined);
  }

  /** The shards in order, once all joined. */
  get shards(): JoinedShard[] {
    return this.#joined.filter((shard) => shard !== undefined);
  }

  /** Bytes every link carried each way. */
  get traffic(): { inBytes: number; outBytes: number } {
    return {
      inBytes: this.#everyLink.reduce((sum, link) => sum + link.bytesIn, 0),
      outBytes: this.#everyLink.reduce((sum, link) => sum + link.bytesOut, 0),
    };
  }

  /** From now on, every join is refused: the schedule has begun. */
  markStarted(startAtEpochMs: number): void {
    this.#startedAtEpochMs ??= startAtEpochMs;
  }

  /** Resolves when every shard has joined; rejects with the missing shards by name after `timeoutMs`. */
  whenAllJoined(timeoutMs: number, signals: readonly AbortSignal[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        for (const signal of signals) signal.removeEventListener('abort', onAbort);
        this.#changed = () => {};
        if (error) reject(error);
        else resolve();
      };
      const onAbort = () => done(new UserError(`Stopped before every shard joined: ${this.#missing()}`, { exitCode: ExitCode.interrupted }));
      const timer = setTimeout(
        () =>
          done(
            new UserError(`Not every shard joined within ${Math.round(timeoutMs / 1000)} s: ${this.#missing()}; the run did not start`, {
              exitCode: ExitCode.targetNotUsable,
              problems: [
                'start each missing shard with: npm run load -- <scenario> --shard i/N --coordinator <this URL> (HARNESS_RUN_TOKEN set), or raise --ready-timeout',
              ],
            }),
          ),
        timeoutMs,
      );
      for (const signal of signals) signal.addEventListener('abort', onAbort, { once: true });
      this.#changed = () => {
        if (this.#joined.every((shard) => shard !== undefined)) done();
      };
      this.#changed();
    });
  }

  #missing(): string {
    const missing = this.#joined.flatMap((shard, index) => (shard ? [] : [`${index}/${this.#terms.shards}`]));
    return missing.length === 0 ? 'none missing' : `shard${missing.length === 1 ? '' : 's'} ${missing.join(', ')} never joined`;
  }

  /** The HTTP handler of the coordinator's port: one POST per shard, held open for the whole run. */
  handle(request: IncomingMessage, response: ServerResponse): void {
    const path = new URL(request.url ?? '/', 'http://coordinator').pathname;
    if (path !== JOIN_PATH) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`a logmsg-harness coordinator: shards join at POST ${JOIN_PATH}\n`);
      return;
    }
    if (request.method !== 'POST') {
      response.writeHead(405, { allow: 'POST', 'content-type': 'text/plain' }).end('shards join with POST\n');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    response.flushHeaders();
    request.socket.setNoDelay(true);
    const link: ShardLink = new FrameLink(request, response, shardFrameSchema);
    this.#everyLink.push(link);
    const from = request.socket.remoteAddress ?? 'unknown address';
    const nonce = newNonce();
    link.send({ type: 'challenge', nonce });
    const silent = setTimeout(() => link.close('it did not join in time'), JOIN_WITHIN_MS);
    link.onClose(() => clearTimeout(silent));
    link.onFrame((frame) => {
      if (frame.type !== 'join') return link.close(`a "${frame.type}" frame before joining`);
      clearTimeout(silent);
      this.#join(link, frame, nonce, from);
    });
  }

  #join(link: ShardLink, join: Extract<ShardFrame, { type: 'join' }>, nonce: string, from: string): void {
    const terms = this.#terms;
    const name = `shard ${join.shard.index}/${join.shard.count} (${join.host}, ${from})`;
    const refuse = (reason: string, exitCode: number = ExitCode.badInput) => {
      this.#onLine(`Refused ${name}: ${reason}`);
      void link.end({ type: 'refused', reason, exitCode }).then(() => link.close(`refused: ${reason}`));
    };
    // The token first: a stranger learns nothing about the run, not even its plan.
    if (!proofHolds(terms.token, nonce, 'shard', join.proof)) return refuse('wrong run token (HARNESS_RUN_TOKEN differs from the coordinator’s)');
    if (join.shard.count !== terms.shards) return refuse(`it is a shard of ${join.shard.count}, but this run has ${terms.shards} shards`);
    if (join.shard.index >= terms.shards) return refuse(`there is no shard ${join.shard.index} in a run of ${terms.shards}`);
    if (join.planFingerprint !== terms.planFingerprint) {
      return refuse(
        `another plan (plan ${join.planFingerprint}, the coordinator's ${terms.planFingerprint}): the scenario, --duration-scale or a data file (users, messages, replay log, pact) differs`,
      );
    }
    if (this.#startedAtEpochMs !== undefined) {
      return refuse(`the run started at ${new Date(this.#startedAtEpochMs).toISOString()}: a shard joining now would send its share misaligned`);
    }
    const taken = this.#joined[join.shard.index];
    if (taken) return refuse(`shard ${join.shard.index}/${terms.shards} has already joined (from ${taken.host})`);
    const shard: JoinedShard = { index: join.shard.index, host: join.host, workers: join.workers, link };
    this.#joined[join.shard.index] = shard;
    link.send({ type: 'accepted', proof: proofFor(terms.token, join.nonce, 'coordinator'), runId: terms.runId, preflightDone: terms.preflightDone });
    const joinedCount = this.shards.length;
    this.#onLine(`${name} joined (${join.workers} generator${join.workers === 1 ? '' : 's'}); ${joinedCount} of ${terms.shards}`);
    link.onClose((reason) => {
      if (this.#startedAtEpochMs !== undefined || this.#joined[join.shard.index] !== shard) return;
      // Gone before the start: its place is free again for the shard when it comes back.
      this.#joined[join.shard.index] = undefined;
      this.#onLine(`${name} left before the start (${reason}); waiting for it again`);
    });
    this.#changed();
  }
}
