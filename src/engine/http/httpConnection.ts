// One HTTP/1.1 connection carrying one request at a time: a socket (TCP, or TLS verified against
// the system CAs or the scenario's `ca`), a fresh response parser for every socket, and a timeout
// per request. It replaces autocannon's client in the engine, whose fixed internals (TLS never
// verified, one parser reused across sockets, 1xx answers taken as final, parse errors ignored,
// EOF never ending a close-delimited body) made wrong results on hostile targets.
// http-parser-js (the parser autocannon itself uses) does the parsing, except for a read that holds
// exactly one plain answer (wholeAnswer.ts); the checks it leaves out are here (bytes after the
// answer) and in framing.ts (Content-Length syntax, Transfer-Encoding with Content-Length).
import { connect as netConnect, isIP } from 'node:net';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect } from 'node:tls';
import type { SecureContext, TLSSocket } from 'node:tls';
import { HTTPParser } from 'http-parser-js';
import type { OnHeadersCompleteParser } from 'http-parser-js';
import { classifySocketError, describeParseError } from './failures.ts';
import type { TransportFailure } from './failures.ts';
import { MAX_RESPONSE_HEAD_BYTES, checkFraming } from './framing.ts';
import { readWholeAnswer } from './wholeAnswer.ts';
import { tunnelThrough } from '../../network/proxy.ts';
import type { NetworkRoute } from '../../network/route.ts';

/** Where and how to connect; the same for every connection of a pool. */
export interface ConnectionTarget {
  hostname: string;
  port: number;
  secure: boolean;
  /** The trust store to verify TLS against (built once per pool); Node's default when unset. */
  secureContext?: SecureContext;
  /** Skip TLS certificate verification (`--insecure`). */
  insecure: boolean;
  timeoutMs: number;
  /** A body larger than this is read to its end and dropped, and the request counts as `bodyTooLarge`. */
  maxBodyBytes: number;
  /** How the target is reached (resolver, proxy, local addresses); the system's resolver, directly, when unset. */
  network?: NetworkRoute;
  /**
   * Send a request's body this long after its head, or never when an answer other than 100
   * Continue comes first. A proxy that refuses the head (407) then closes with nothing of ours
   * unread: a reset for unread bytes could erase its answer before it is read (RFC 9112, 9.6).
   */
  holdBodyMs?: number;
}

/** A complete final answer. */
export interface HttpAnswer {
  status: number;
  /** Header lines as received, flat: name, value, name, value... (a map is built only by whoever needs one). */
  headers: readonly string[];
  body: Buffer;
  doneMs: number;
  /** Time to first byte: from when the request went out on an open socket to the answer's first byte (k6's http_req_waiting). */
  waitingMs: number;
}

export interface ConnectionEvents {
  onAnswer(answer: HttpAnswer): void;
  onFailure(failure: TransportFailure): void;
  /** A new socket is connected (TLS: handshake done) to this address (or proxy), and how long that took. */
  onConnected?(address: string, timing: ConnectionTiming): void;
  /** The server (or something between) closed an open socket while no request was waiting on it. */
  onClosedByPeer?(): void;
}

/** How long a new connection took to open: TCP (to the target, or the whole way through a proxy), then the TLS handshake. */
export interface ConnectionTiming {
  connectMs: number;
  /** null for plain HTTP, and through a proxy (the handshake is not told apart from the tunnel there). */
  tlsHandshakeMs: number | null;
  /** The TLS session was resumed (an abbreviated handshake), not negotiated afresh. */
  resumed: boolean;
}

/** The last TLS session a server gave, offered by the connections that share the store (returning clients). */
export interface TlsSessionStore {
  session: Buffer | undefined;
}

type HeaderInfo = Parameters<OnHeadersCompleteParser>[0];

/** Parser state, typed for the two fields read to find bytes past the end of an answer. */
interface ParserPosition {
  offset: number;
  end: number;
}

export class HttpConnection {
  readonly #target: ConnectionTarget;
  readonly #events: ConnectionEvents;
  #socket: Socket | undefined;
  #busy = false;
  #deadlineMs = 0;
  #timer: NodeJS.Timeout | undefined;
  // The answer being read.
  #status = 0;
  #headers: readonly string[] | undefined;
  #chunks: Buffer[] = [];
  #bodyBytes = 0;
  /** Bytes of the current answer read before its head was complete (reads that ended inside it). */
  #headBytes = 0;
  #keepAlive = true;
  /** True while the socket's parser holds no part of an answer, so a read may skip it (see wholeAnswer.ts). */
  #parserIdle = true;
  /** True when the socket reads into READ_BUFFER: bytes kept past the read are copied out. */
  #readsReuseBuffer = false;
  /** The body of the request in flight, not sent yet (ConnectionTarget.holdBodyMs), and its timer. */
  #heldBody: Buffer | undefined;
  #holdTimer: NodeJS.Timeout | undefined;

  readonly #sessions: TlsSessionStore | undefined;

  /** With `sessions`, a TLS socket offers the store's session and keeps the server's newest one there. */
  constructor(target: ConnectionTarget, events: ConnectionEvents, sessions?: TlsSessionStore) {
    this.#target = target;
    this.#events = events;
    this.#sessions = sessions;
  }

  #remoteAddress: string | undefined;
  /** When the request in flight was written (queued until the socket opened, for a new one), and when its answer's first byte came. */
  #requestAtMs = 0;
  #firstByteAtMs = 0;
  /** When the socket was open and ready for requests (TLS: handshake done). */
  #readyAtMs = 0;

  /** The address (or proxy) the current socket connected to, once it has. */
  get remoteAddress(): string | undefined {
    return this.#remoteAddress;
  }

  /** True while a socket is open or opening. */
  get open(): boolean {
    return this.#socket !== undefined;
  }

  /**
   * Writes one whole request (its body from `bodyAt`; see ConnectionTarget.holdBodyMs); the
   * connection must be free. Opens a socket when it has none.
   */
  send(request: Buffer, bodyAt = request.length): void {
    if (this.#busy) throw new Error('bug: send on a busy connection');
    this.#busy = true;
    this.#resetAnswer();
    const nowMs = performance.now();
    this.#requestAtMs = nowMs;
    this.#firstByteAtMs = 0;
    this.#deadlineMs = nowMs + this.#target.timeoutMs;
    this.#timer ??= setTimeout(this.#onTimer, this.#target.timeoutMs);
    const socket = this.#socket ?? this.#connect();
    const holdMs = this.#target.holdBodyMs;
    if (holdMs === undefined || bodyAt >= request.length) return void socket.write(request);
    socket.write(request.subarray(0, bodyAt));
    this.#heldBody = request.subarray(bodyAt);
    this.#holdTimer = setTimeout(() => this.#releaseBody(true), holdMs);
  }

  /** Sends the held body, or (`send` false: an answer came first) lets it go. */
  #releaseBody(send: boolean): void {
    clearTimeout(this.#holdTimer);
    this.#holdTimer = undefined;
    const body = this.#heldBody;
    this.#heldBody = undefined;
    if (send && body) this.#socket?.write(body);
  }

  /** Closes the socket; a request in flight is not reported (the caller keeps track of it). */
  close(): void {
    this.#busy = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#dropSocket();
  }

  #connect(): Socket {
    const { hostname, port, secure, secureContext, insecure, network } = this.#target;
    const proxy = network?.proxy ?? null;
    const localAddress = network?.nextLocalAddress();
    const lookup = network?.resolver.lookup;
    // Set once this socket connects: a request that fails before then went to no address.
    this.#remoteAddress = undefined;
    const tlsOptions = {
      // SNI is for host names: Node warns (DEP0123) when given an IP address.
      servername: isIP(hostname) ? undefined : hostname,
      secureContext,
      rejectUnauthorized: !insecure,
      ALPNProtocols: ['http/1.1'],
      session: this.#sessions?.session,
    };
    const openedAtMs = performance.now();
    let tcpConnectedMs: number | undefined;
    const tcp = secure && !proxy ? netConnect({ host: hostname, port, localAddress, lookup, noDelay: true }) : undefined;
    tcp?.once('connect', () => {
      tcpConnectedMs = performance.now();
    });
    const socket = secure
      ? proxy
        ? // Through the proxy's CONNECT tunnel, verified end to end against the target's name.
          tlsConnect({ ...tlsOptions, socket: tunnelThrough(proxy, hostname, port, { localAddress, lookup }) })
        : tlsConnect({ ...tlsOptions, socket: tcp })
      : // Plain TCP reads into one buffer shared by every connection (see READ_BUFFER), past the stream machinery.
        netConnect({
          host: proxy ? proxy.host : hostname,
          port: proxy ? proxy.port : port,
          localAddress,
          lookup,
          noDelay: true,
          onread: { buffer: READ_BUFFER, callback: (length) => onBytes(READ_BUFFER.subarray(0, length)) },
        });
    const sessions = this.#sessions;
    if (secure && sessions) socket.on('session', (session: Buffer) => (sessions.session = session));
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      if (this.#socket !== socket) return;
      const nowMs = performance.now();
      this.#readyAtMs = nowMs;
      this.#remoteAddress = proxy ? `${proxy.shown} (proxy)` : (socket.remoteAddress ?? hostname);
      const resumed = secure && (socket as TLSSocket).isSessionReused();
      const timing =
        tcpConnectedMs === undefined
          ? { connectMs: nowMs - openedAtMs, tlsHandshakeMs: null, resumed }
          : { connectMs: tcpConnectedMs - openedAtMs, tlsHandshakeMs: nowMs - tcpConnectedMs, resumed };
      this.#events.onConnected?.(this.#remoteAddress, timing);
    });
    const parser = new HTTPParser(HTTPParser.RESPONSE);
    // The parser's own head limit counts only reads that end inside the head, so one head passed or
    // failed by how its bytes arrived: the limit is ours (MAX_RESPONSE_HEAD_BYTES), on the whole head.
    (parser as unknown as { maxHeaderSize: number }).maxHeaderSize = Number.MAX_SAFE_INTEGER;
    this.#socket = socket;
    this.#parserIdle = true;
    this.#readsReuseBuffer = !secure;
    const current = () => this.#socket === socket;
    parser[HTTPParser.kOnHeadersComplete] = (info: HeaderInfo) => (current() ? this.#onHead(info, (parser as unknown as ParserPosition).offset) : 1);
    parser[HTTPParser.kOnBody] = (chunk: Buffer, offset: number, length: number) => {
      if (current()) this.#onBody(chunk, offset, length);
    };
    parser[HTTPParser.kOnMessageComplete] = () => {
      if (current()) this.#onMessageComplete(parser as unknown as ParserPosition);
    };
    const onBytes = (chunk: Buffer): boolean => {
      if (!current()) return true;
      if (!this.#busy) {
        // Nobody asked: the previous answer was longer than it said. Start afresh on a new socket.
        this.#dropSocket();
        return true;
      }
      if (this.#firstByteAtMs === 0) this.#firstByteAtMs = performance.now();
      if (this.#heldBody) this.#releaseBody(CONTINUE.test(chunk.toString('latin1', 0, 13)));
      if (this.#parserIdle) {
        const whole = readWholeAnswer(chunk);
        if (whole !== undefined) {
          this.#onWholeAnswer(whole.status, whole.headers, this.#kept(whole.body), whole.keepAlive);
          return true;
        }
      }
      this.#parserIdle = false;
      const parsed = parser.execute(chunk);
      if (parsed instanceof Error && current()) this.#fail({ kind: 'protocol', reason: describeParseError(parsed) });
      else if (current() && this.#busy && this.#headers === undefined) {
        // The head goes on past this read.
        this.#headBytes += chunk.length;
        if (this.#headBytes > MAX_RESPONSE_HEAD_BYTES) this.#fail(headTooLarge());
      }
      return true;
    };
    if (secure) socket.on('data', onBytes);
    socket.on('end', () => {
      if (!current()) return;
      if (this.#busy) {
        // EOF ends a body without Content-Length or chunking (close-delimited): finish() delivers it.
        parser.finish();
        if (!current()) return;
        if (this.#busy) return this.#fail({ kind: 'reset', reason: 'the server closed the connection before the answer was complete' });
      }
      this.#closedByPeer();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!current()) return;
      if (this.#busy) this.#fail(classifySocketError(error));
      else this.#closedByPeer();
    });
    socket.on('close', () => {
      if (!current()) return;
      if (this.#busy) this.#fail({ kind: 'reset', reason: 'the connection closed before the answer was complete' });
      else this.#closedByPeer();
    });
    return socket;
  }

  /** Headers of an answer: interim 1xx answers are skipped; framing the parser accepts too easily is refused. */
  #onHead(info: HeaderInfo, endInReadAt: number): number | undefined {
    if (this.#headBytes + endInReadAt > MAX_RESPONSE_HEAD_BYTES) {
      this.#fail(headTooLarge());
      return 1;
    }
    const status = info.statusCode;
    if (status === 101) {
      this.#fail({ kind: 'protocol', reason: 'the server switched protocols (101) though none was asked for' });
      return 1;
    }
    if (status < 200) return 1;
    const framingProblem = checkFraming(info.headers);
    if (framingProblem) {
      this.#fail({ kind: 'protocol', reason: framingProblem });
      return 1;
    }
    this.#status = status;
    this.#headers = info.headers;
    this.#keepAlive = info.shouldKeepAlive;
    // 204 and 304 never have a body, whatever their headers say.
    return status === 204 || status === 304 ? 1 : undefined;
  }

  #onBody(chunk: Buffer, offset: number, length: number): void {
    this.#bodyBytes += length;
    if (this.#bodyBytes > this.#target.maxBodyBytes) {
      // Read on to the end, keeping nothing: the connection stays usable and memory stays flat.
      this.#chunks.length = 0;
      return;
    }
    this.#chunks.push(this.#kept(chunk.subarray(offset, offset + length)));
  }

  /** `bytes` as they may be kept after this read: a copy when they are in the shared read buffer. */
  #kept(bytes: Buffer): Buffer {
    return this.#readsReuseBuffer ? Buffer.from(bytes) : bytes;
  }

  #onMessageComplete(position: ParserPosition): void {
    if (this.#headers === undefined) return; // an interim 1xx answer ended: the final one follows
    if (position.offset < position.end) {
      this.#fail({ kind: 'protocol', reason: 'bytes after the end of the answer (its Content-Length or chunking is wrong)' });
      return;
    }
    // The read ended with the answer: the parser starts the next one afresh.
    this.#parserIdle = true;
    const chunks = this.#chunks;
    this.#deliver(this.#status, this.#headers, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), this.#keepAlive);
  }

  /**
   * An answer read whole from one read, without the parser (whose state is untouched: it stays
   * idle). readWholeAnswer takes only framing that checkFraming accepts.
   */
  #onWholeAnswer(status: number, headers: string[], body: Buffer, keepAlive: boolean): void {
    this.#bodyBytes = body.length;
    this.#deliver(status, headers, body, keepAlive);
  }

  #deliver(status: number, headers: readonly string[], body: Buffer, keepAlive: boolean): void {
    const tooLarge = this.#bodyBytes > this.#target.maxBodyBytes;
    const doneMs = performance.now();
    // From the moment the request could go out (a new socket opened first) to the answer's first byte: the server's time plus the wire's.
    const waitingMs = (this.#firstByteAtMs || doneMs) - Math.max(this.#requestAtMs, this.#readyAtMs);
    const answer: HttpAnswer = { status, headers, body: tooLarge ? EMPTY_BODY : body, doneMs, waitingMs: Math.max(0, waitingMs) };
    this.#finishRequest();
    // A server that said it will close gets a new socket next time.
    if (!keepAlive) this.#dropSocket();
    if (tooLarge)
      this.#events.onFailure({ kind: 'bodyTooLarge', reason: `a body over target.maxBodyBytes (${this.#target.maxBodyBytes} bytes), read and dropped` });
    else this.#events.onAnswer(answer);
  }

  #onTimer = (): void => {
    this.#timer = undefined;
    if (!this.#busy) return;
    const leftMs = this.#deadlineMs - performance.now();
    // One timer per connection, re-armed only when it fires (cheaper than one per request).
    if (leftMs > 0) this.#timer = setTimeout(this.#onTimer, leftMs);
    else this.#fail({ kind: 'timeout', reason: `no complete answer within ${this.#target.timeoutMs} ms` });
  };

  /** The request in flight failed: the socket is closed (its state is unknown) and the failure reported. */
  #fail(failure: TransportFailure): void {
    if (!this.#busy) return;
    this.#finishRequest();
    this.#dropSocket();
    this.#events.onFailure(failure);
  }

  #finishRequest(): void {
    this.#busy = false;
    this.#resetAnswer();
  }

  #resetAnswer(): void {
    this.#releaseBody(false);
    this.#status = 0;
    this.#headers = undefined;
    this.#chunks = [];
    this.#bodyBytes = 0;
    this.#headBytes = 0;
    this.#keepAlive = true;
  }

  /** The other side ended an idle socket: counted when it had been open (a failed connect is no close). */
  #closedByPeer(): void {
    const wasOpen = this.#remoteAddress !== undefined;
    this.#dropSocket();
    if (wasOpen) this.#events.onClosedByPeer?.();
  }

  #dropSocket(): void {
    this.#releaseBody(false);
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.destroy();
  }
}

const EMPTY_BODY = Buffer.alloc(0);
/** An interim 100 Continue: the held body goes at once. */
const CONTINUE = /^HTTP\/1\.[01] 100 /;

function headTooLarge(): TransportFailure {
  return { kind: 'protocol', reason: `an answer head (status line and headers) over ${MAX_RESPONSE_HEAD_BYTES / 1024} KiB` };
}
/**
 * Plain TCP sockets read into this one buffer (net's `onread`) instead of a fresh Buffer per read
 * pushed through a Readable stream. One is enough for every connection: each read is handled to
 * its end before the next one lands, and what outlives it (an answer's body) is copied out.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
