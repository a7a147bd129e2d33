// Keep-alive HTTP/1.1 connections to one target, one request at a time on each. The pool never
// sends on its own: the engine decides when (its schedule), the pool only where.
import { performance } from 'node:perf_hooks';
import { createSecureContext } from 'node:tls';
import { HttpConnection } from './http/httpConnection.ts';
import type { ConnectionTarget, ConnectionTiming, HttpAnswer, TlsSessionStore } from './http/httpConnection.ts';
import type { TransportErrorKind, TransportFailure } from './http/failures.ts';
import type { NetworkRoute } from '../network/route.ts';

export type { TransportErrorKind } from './http/failures.ts';

/** A request on the wire. */
export interface InFlightRequest<T> {
  readonly meta: T;
  readonly sentMs: number;
}

/** What came back for one request. */
export type RequestOutcome =
  | { kind: 'response'; doneMs: number; waitingMs: number; status: number; body: Buffer; headers: readonly string[] }
  | { kind: 'error'; doneMs: number; error: TransportErrorKind; code?: string; reason: string };

/** The target and the fixed parts of every request. */
export interface PoolTarget {
  url: URL;
  path: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** The CA certificates (PEM) an https target is verified against; Node's default store when unset (see run/trustedCa.ts). */
  ca?: string[];
  /** Skip TLS certificate verification. */
  insecure?: boolean;
  maxBodyBytes: number;
  /** How the target is reached (resolver, proxy, local addresses): see network/route.ts. */
  network?: NetworkRoute;
}

/** Connections opened to an address (or through a proxy), and requests answered or failed on them. */
export interface AddressUse {
  connections: number;
  requests: number;
}

/** A connection slot: its request in flight, if any. */
interface Slot<T> {
  connection: HttpConnection;
  inFlight: InFlightRequest<T> | undefined;
  /** Its request was sent on a connection of its own, closed after the answer. */
  fresh: boolean;
  /** The counts of the address its socket connected to (looked up once per connection, not per answer). */
  use: AddressUse | undefined;
  /** Held by one owner (a conversation) until released: never idle, not counted against maxConnections. */
  dedicated: boolean;
}

/** A connection held by one owner (see ConnectionPool.openDedicated). */
export type DedicatedConnection = { readonly dedicated: true };

/**
 * Up to `maxConnections` connection slots, opened on demand. A slot whose socket closed (the
 * server, a failure) re-connects on its next request, so a dead target costs one connect attempt
 * per request, never a reconnect loop.
 */
export class ConnectionPool<T> {
  readonly #connectionTarget: ConnectionTarget;
  readonly #maxConnections: number;
  readonly #onOutcome: (request: InFlightRequest<T>, outcome: RequestOutcome) => void;
  readonly #onFree: () => void;
  readonly #onConnection: ((timing: ConnectionTiming, meta: T | undefined) => void) | undefined;
  readonly #onConnectionFailed: ((kind: TransportErrorKind, meta: T) => void) | undefined;
  readonly #onClosedByServer: (() => void) | undefined;
  readonly #idle: Slot<T>[] = [];
  readonly #all: Slot<T>[] = [];
  readonly #dedicated = new Set<Slot<T>>();
  /** The TLS session dedicated connections that resume offer (the last one any of them was given). */
  readonly #sessions: TlsSessionStore = { session: undefined };
  #closed = false;
  #inFlightCount = 0;
  /** The request line and headers up to the Content-Length value, built once. */
  readonly #requestHead: Buffer;
  /** The same head asking the server to close after its answer, for a request on a connection of its own. */
  readonly #closingHead: Buffer;

  constructor(options: {
    target: PoolTarget;
    maxConnections: number;
    onOutcome: (request: InFlightRequest<T>, outcome: RequestOutcome) => void;
    onFree: () => void;
    /** Each new connection, once open, how long it took, and the request it opened for. */
    onConnection?: (timing: ConnectionTiming, meta: T | undefined) => void;
    /** A new connection that failed before it was open (refused, TLS, a local limit...), and the request it was for. */
    onConnectionFailed?: (kind: TransportErrorKind, meta: T) => void;
    /** An open connection the server closed while idle (its keep-alive ended, a load balancer's idle timeout). */
    onClosedByServer?: () => void;
    /** Through a plain-HTTP proxy, hold each body back this long after its head (ConnectionTarget.holdBodyMs). */
    holdBodyThroughProxyMs?: number;
  }) {
    const { url, path, headers, timeoutMs, ca, insecure, maxBodyBytes, network } = options.target;
    const secure = url.protocol === 'https:';
    this.#connectionTarget = {
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port) || (secure ? 443 : 80),
      secure,
      // Built once: a context per connection would parse every certificate of the store again.
      secureContext: secure && ca ? createSecureContext({ ca }) : undefined,
      insecure: insecure ?? false,
      timeoutMs,
      maxBodyBytes,
      network,
    };
    // Through a proxy, plain HTTP goes in absolute form with the proxy's credentials; HTTPS tunnels.
    const viaProxy = !secure && network?.proxy ? network.proxy : undefined;
    if (viaProxy) this.#connectionTarget.holdBodyMs = options.holdBodyThroughProxyMs;
    this.#maxConnections = options.maxConnections;
    this.#onOutcome = options.onOutcome;
    this.#onFree = options.onFree;
    this.#onConnection = options.onConnection;
    this.#onConnectionFailed = options.onConnectionFailed;
    this.#onClosedByServer = options.onClosedByServer;
    const lines = [
      `POST ${viaProxy ? `${url.origin}${path}` : path} HTTP/1.1`,
      `Host: ${url.host}`,
      ...(viaProxy?.authorization ? [`Proxy-Authorization: ${viaProxy.authorization}`] : []),
      'Connection: keep-alive',
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    this.#requestHead = Buffer.from(`${lines.join('\r\n')}\r\nContent-Length: `);
    this.#closingHead = Buffer.from(`${lines.join('\r\n').replace('Connection: keep-alive', 'Connection: close')}\r\nContent-Length: `);
  }

  readonly #addresses = new Map<string, AddressUse>();

  /** Connections and requests by the address (or proxy) they went to. */
  get addresses(): ReadonlyMap<string, AddressUse> {
    return this.#addresses;
  }

  #use(address: string): AddressUse {
    let use = this.#addresses.get(address);
    if (!use) {
      use = { connections: 0, requests: 0 };
      this.#addresses.set(address, use);
    }
    return use;
  }

  /** Connections with a socket open (or opening). */
  get openConnections(): number {
    let open = 0;
    for (const slot of this.#all) if (slot.connection.open) open++;
    for (const slot of this.#dedicated) if (slot.connection.open) open++;
    return open;
  }

  get inFlight(): number {
    return this.#inFlightCount;
  }

  /** True when `send()` would find (or may open) a connection. */
  get hasCapacity(): boolean {
    return !this.#closed && (this.#idle.length > 0 || this.#all.length < this.#maxConnections);
  }

  /**
   * Sends `body` now on a free connection (opening one if allowed); false if none is free. With
   * `fresh`, on a new connection of its own, closed after its answer (`Connection: close`).
   */
  send(body: string | Buffer, meta: T, fresh = false): boolean {
    const slot = this.#idle.pop() ?? this.#newSlot();
    if (!slot) return false;
    // A fresh request's slot drops whatever socket it kept: sending then opens a new one.
    if (fresh) slot.connection.close();
    slot.fresh = fresh;
    this.#sendOnSlot(slot, body, meta, fresh ? this.#closingHead : this.#requestHead);
    return true;
  }

  #sendOnSlot(slot: Slot<T>, body: string | Buffer, meta: T, head: Buffer): void {
    slot.inFlight = { meta, sentMs: performance.now() };
    this.#inFlightCount++;
    const bodyBytes = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    const request = this.#requestBytes(body, bodyBytes, head);
    slot.connection.send(request, request.length - bodyBytes);
  }

  /**
   * A connection of its own for one owner (a conversation): its socket opens with the first
   * request sent on it and stays open until `release`. With `resume`, a TLS connection offers the
   * last session a server gave (a returning client); without, its handshake is a full one.
   */
  openDedicated(resume: boolean): DedicatedConnection {
    const slot = this.#slot(true, resume);
    this.#dedicated.add(slot);
    return slot as unknown as DedicatedConnection;
  }

  /** Sends `body` now on a dedicated connection, which must be free. */
  sendOn(connection: DedicatedConnection, body: string | Buffer, meta: T): void {
    const slot = connection as unknown as Slot<T>;
    if (this.#closed || !this.#dedicated.has(slot)) throw new Error('bug: send on a released connection');
    this.#sendOnSlot(slot, body, meta, this.#requestHead);
  }

  /** Closes a dedicated connection (its owner is done with it); a request in flight on it is dropped unreported. */
  release(connection: DedicatedConnection): void {
    const slot = connection as unknown as Slot<T>;
    if (!this.#dedicated.delete(slot)) return;
    if (slot.inFlight) this.#inFlightCount--;
    slot.inFlight = undefined;
    slot.connection.close();
  }

  /** The whole request in one buffer: the cached head, the Content-Length, the body. */
  #requestBytes(body: string | Buffer, bodyBytes: number, head: Buffer): Buffer {
    const lengthLine = `${bodyBytes}\r\n\r\n`;
    const bytes = Buffer.allocUnsafe(head.length + lengthLine.length + bodyBytes);
    head.copy(bytes, 0);
    const bodyAt = head.length + bytes.write(lengthLine, head.length, 'latin1');
    if (typeof body === 'string') bytes.write(body, bodyAt, 'utf8');
    else body.copy(bytes, bodyAt);
    return bytes;
  }

  /** Closes every connection; requests still in flight are returned, not reported. */
  close(): InFlightRequest<T>[] {
    this.#closed = true;
    const abandoned: InFlightRequest<T>[] = [];
    for (const slot of [...this.#all, ...this.#dedicated]) {
      if (slot.inFlight) abandoned.push(slot.inFlight);
      slot.inFlight = undefined;
      slot.connection.close();
    }
    this.#all.length = 0;
    this.#dedicated.clear();
    this.#idle.length = 0;
    this.#inFlightCount = 0;
    return abandoned;
  }

  #newSlot(): Slot<T> | undefined {
    if (this.#closed || this.#all.length >= this.#maxConnections) return undefined;
    const slot = this.#slot(false, false);
    this.#all.push(slot);
    return slot;
  }

  #slot(dedicated: boolean, resume: boolean): Slot<T> {
    const slot: Slot<T> = { connection: undefined as unknown as HttpConnection, inFlight: undefined, fresh: false, use: undefined, dedicated };
    slot.connection = new HttpConnection(
      this.#connectionTarget,
      {
        onAnswer: (answer) => this.#settle(slot, answerOutcome(answer)),
        onFailure: (failure) => {
          // A failure before the socket was open is the connection's, not only the request's.
          if (slot.connection.remoteAddress === undefined && slot.inFlight) this.#onConnectionFailed?.(failure.kind, slot.inFlight.meta);
          this.#settle(slot, failureOutcome(failure));
        },
        onConnected: (address, timing) => {
          slot.use = this.#use(address);
          slot.use.connections++;
          this.#onConnection?.(timing, slot.inFlight?.meta);
        },
        onClosedByPeer: () => {
          if (!this.#closed) this.#onClosedByServer?.();
        },
      },
      resume ? this.#sessions : undefined,
    );
    return slot;
  }

  #settle(slot: Slot<T>, outcome: RequestOutcome): void {
    const request = slot.inFlight;
    if (!request || this.#closed) return;
    slot.inFlight = undefined;
    this.#inFlightCount--;
    // A request that failed before its socket connected went to no address.
    if (slot.connection.remoteAddress !== undefined) slot.use!.requests++;
    if (slot.fresh) slot.connection.close();
    if (!slot.dedicated) this.#idle.push(slot);
    this.#onOutcome(request, outcome);
    if (!this.#closed) this.#onFree();
  }
}

function answerOutcome(answer: HttpAnswer): RequestOutcome {
  return { kind: 'response', doneMs: answer.doneMs, waitingMs: answer.waitingMs, status: answer.status, body: answer.body, headers: answer.headers };
}

function failureOutcome(failure: TransportFailure): RequestOutcome {
  return { kind: 'error', doneMs: performance.now(), error: failure.kind, code: failure.code, reason: failure.reason };
}
