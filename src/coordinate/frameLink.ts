import type { Readable, Writable } from 'node:stream';
import type { z } from 'zod';

/** A frame larger than this closes the link: a shard's whole result is a few MB at most. */
const MAX_FRAME_BYTES = 64 * 1024 * 1024;
/** Each side sends a ping when it has sent nothing for this long... */
export const PING_INTERVAL_MS = 1000;
/** ...and gives the other up after this long without a frame. */
export const DEFAULT_SILENCE_MS = 5000;

/**
 * Frames as lines of JSON over a byte stream in each direction (the request and response bodies
 * of one HTTP exchange). Every frame read is checked against `schema`; a malformed one, a silence
 * longer than `silenceMs` or the stream ending closes the link, once, with the reason.
 */
export class FrameLink<In extends { type: string }, Out extends { type: string }> {
  readonly #output: Writable;
  readonly #input: Readable;
  readonly #schema: z.ZodType<In>;
  readonly #silenceMs: number;
  #pending: string[] = [];
  #pendingLength = 0;
  #lastReadMs = Date.now();
  #lastSentMs = Date.now();
  #closed: string | undefined;
  readonly #timer: NodeJS.Timeout;
  #onFrame: (frame: In) => void = () => {};
  readonly #onClose: ((reason: string) => void)[] = [];
  /** Bytes read and written, pings included: what the link costs. */
  bytesIn = 0;
  bytesOut = 0;

  constructor(input: Readable, output: Writable, schema: z.ZodType<In>, options: { silenceMs?: number } = {}) {
    this.#input = input;
    this.#output = output;
    this.#schema = schema;
    this.#silenceMs = options.silenceMs ?? DEFAULT_SILENCE_MS;
    input.setEncoding('utf8');
    input.on('data', (chunk: string) => this.#read(chunk));
    input.on('end', () => this.close('the connection was closed'));
    input.on('error', (error) => this.close(`the connection failed (${error.message})`));
    input.on('close', () => this.close('the connection was closed'));
    output.on('error', (error) => this.close(`the connection failed (${error.message})`));
    // Pings come often enough that a live peer is never taken for a silent one.
    const pingMs = Math.min(PING_INTERVAL_MS, this.#silenceMs / 3);
    this.#timer = setInterval(() => {
      const nowMs = Date.now();
      if (nowMs - this.#lastReadMs > this.#silenceMs) this.close(`nothing heard for ${((nowMs - this.#lastReadMs) / 1000).toFixed(1)} s`);
      else if (nowMs - this.#lastSentMs >= pingMs) this.#write('{"type":"ping"}\n');
    }, pingMs / 4);
    this.#timer.unref();
  }

  /** Receives every frame but pings, in order. */
  onFrame(handler: (frame: In) => void): void {
    this.#onFrame = handler;
  }

  /** Called once when the link closes, with why (at once when it already has). */
  onClose(handler: (reason: string) => void): void {
    if (this.#closed !== undefined) handler(this.#closed);
    else this.#onClose.push(handler);
  }

  get closedReason(): string | undefined {
    return this.#closed;
  }

  send(frame: Out): void {
    if (this.#closed === undefined) this.#write(`${JSON.stringify(frame)}\n`);
  }

  /** Sends the last frames and ends this side's stream; resolves once they are handed to the kernel. */
  end(frame?: Out): Promise<void> {
    return new Promise((resolve) => {
      if (this.#closed !== undefined || this.#output.writableEnded) return resolve();
      const text = frame ? `${JSON.stringify(frame)}\n` : '';
      this.bytesOut += Buffer.byteLength(text);
      this.#output.end(text, () => resolve());
    });
  }

  close(reason: string): void {
    if (this.#closed !== undefined) return;
    this.#closed = reason;
    clearInterval(this.#timer);
    if (!this.#output.writableEnded) this.#output.end();
    this.#input.destroy();
    for (const handler of this.#onClose.splice(0)) handler(reason);
  }

  #write(text: string): void {
    this.#lastSentMs = Date.now();
    this.bytesOut += Buffer.byteLength(text);
    this.#output.write(text);
  }

  #read(chunk: string): void {
    if (this.#closed !== undefined) return;
    this.#lastReadMs = Date.now();
    this.bytesIn += Buffer.byteLength(chunk);
    // Only the new chunk is searched: a frame of megabytes arrives in many chunks.
    let rest = chunk;
    let newline = rest.indexOf('\n');
    while (newline >= 0 && this.#closed === undefined) {
      const line = this.#pending.join('') + rest.slice(0, newline);
      this.#pending = [];
      this.#pendingLength = 0;
      rest = rest.slice(newline + 1);
      if (line.length > 0) this.#handle(line);
      newline = rest.indexOf('\n');
    }
    if (rest.length > 0) {
      this.#pending.push(rest);
      this.#pendingLength += rest.length;
    }
    if (this.#pendingLength > MAX_FRAME_BYTES) this.close(`a frame larger than ${MAX_FRAME_BYTES / 1024 / 1024} MB`);
  }

  #handle(line: string): void {
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      return this.close(`a frame that is not JSON: ${line.slice(0, 80)}`);
    }
    if ((data as { type?: unknown } | null)?.type === 'ping') return;
    const parsed = this.#schema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return this.close(`a malformed "${String((data as { type?: unknown } | null)?.type)}" frame (${issue.path.join('.') || 'top'}: ${issue.message})`);
    }
    this.#onFrame(parsed.data);
  }
}
