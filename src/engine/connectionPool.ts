// The only module that imports autocannon. It uses autocannon's HTTP/1.1 client (socket, request
// building, response parsing, per-request timeout) but not its scheduler: autocannon's Client
// calls `_doRequest()` whenever its connection is free (after connecting, after each response,
// after a reconnect), and that is where we take control. Relies on autocannon 9.0.0 internals
// (pinned exactly in package.json); test/engine/connectionPool.test.ts covers each one.
import Client from 'autocannon/lib/httpClient.js';
import { performance } from 'node:perf_hooks';

/** How a request failed without an HTTP response. */
export type TransportErrorKind = 'timeout' | 'refused' | 'reset' | 'socket';

/** A request on the wire. */
export interface InFlightRequest<T> {
  readonly meta: T;
  readonly sentMs: number;
}

/** What came back for one request. */
export type RequestOutcome =
  | { kind: 'response'; doneMs: number; status: number; body: Buffer; headers: Record<string, string | string[]> }
  | { kind: 'error'; doneMs: number; error: TransportErrorKind; code?: string };

/** The target and the fixed parts of every request. */
export interface PoolTarget {
  url: URL;
  path: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

interface AutocannonClient {
  opts: Record<string, unknown>;
  conn: { destroyed?: boolean };
  destroyed: boolean;
  reqsMade: number;
  pipelinedRequests: { clear(): void; addBody(data: Buffer): void };
  requestIterator: { currentRequest: { requestBuffer: Buffer } };
  _doRequest(): void;
  destroy(): void;
  on(event: 'connError', listener: (error: NodeJS.ErrnoException) => void): void;
  on(event: 'timeout', listener: () => void): void;
}

type ClientConstructor = new (opts: Record<string, unknown>) => AutocannonClient;

/** One keep-alive connection carrying one request at a time. */
class Connection<T> {
  inFlight: InFlightRequest<T> | undefined;
  /** A request whose connection went away: reported as reset unless a timeout claims it. */
  lost: InFlightRequest<T> | undefined;
  idle = false;
  /** The body of the answer being read, as the socket delivered it: decoded once, whole, by whoever reads it. */
  bodyChunks: Buffer[] = [];
  client!: AutocannonClient;
  doRequest!: () => void;
}

/**
 * Keep-alive connections to one target, opened on demand up to `maxConnections`. The pool never
 * sends on its own: `send()` puts one request on a free connection; `onFree` says when one frees.
 */
export class ConnectionPool<T> {
  readonly #target: PoolTarget;
  readonly #maxConnections: number;
  readonly #onOutcome: (request: InFlightRequest<T>, outcome: RequestOutcome) => void;
  readonly #onFree: () => void;
  readonly #idle: Connection<T>[] = [];
  readonly #all = new Set<Connection<T>>();
  #opening = false;
  #closed = false;
  #inFlightCount = 0;
  /** The request line and headers up to the Content-Length value, built once. */
  readonly #requestHead: Buffer;

  constructor(options: {
    target: PoolTarget;
    maxConnections: number;
    onOutcome: (request: InFlightRequest<T>, outcome: RequestOutcome) => void;
    onFree: () => void;
  }) {
    this.#target = options.target;
    this.#maxConnections = options.maxConnections;
    this.#onOutcome = options.onOutcome;
    this.#onFree = options.onFree;
    const { url, path, headers } = options.target;
    const lines = [`POST ${path} HTTP/1.1`, `Host: ${url.host}`, 'Connection: keep-alive', ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
    this.#requestHead = Buffer.from(`${lines.join('\r\n')}\r\nContent-Length: `);
  }

  get openConnections(): number {
    return this.#all.size;
  }

  get inFlight(): number {
    return this.#inFlightCount;
  }

  /** True when `send()` would find (or may open) a connection. */
  get hasCapacity(): boolean {
    return !this.#closed && (this.#idle.length > 0 || this.#all.size < this.#maxConnections);
  }

  /** Sends `body` now on a free connection (opening one if allowed); false if none is free. */
  send(body: Buffer, meta: T): boolean {
    const connection = this.#idle.pop() ?? this.#open();
    if (!connection) return false;
    connection.idle = false;
    const request: InFlightRequest<T> = { meta, sentMs: performance.now() };
    connection.inFlight = request;
    this.#inFlightCount++;
    // The bytes autocannon writes next, built here from the cached head: cheaper than its
    // general request builder, which re-merges options and headers for every request.
    connection.client.requestIterator.currentRequest.requestBuffer = Buffer.concat([this.#requestHead, Buffer.from(`${body.length}\r\n\r\n`), body]);
    connection.doRequest();
    return true;
  }

  /** Closes every connection; requests still in flight are reported by the caller, not here. */
  close(): InFlightRequest<T>[] {
    this.#closed = true;
    const abandoned: InFlightRequest<T>[] = [];
    for (const connection of this.#all) {
      if (connection.inFlight) abandoned.push(connection.inFlight);
      connection.inFlight = undefined;
      connection.client.destroy();
    }
    this.#all.clear();
    this.#idle.length = 0;
    this.#inFlightCount = 0;
    return abandoned;
  }

  #open(): Connection<T> | undefined {
    if (this.#closed || this.#all.size >= this.#maxConnections) return undefined;
    const connection = new Connection<T>();
    const { url, path, headers, timeoutMs } = this.#target;
    const secure = url.protocol === 'https:';
    this.#opening = true;
    connection.client = new (Client as unknown as ClientConstructor)({
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      host: url.host,
      port: Number(url.port) || (secure ? 443 : 80),
      protocol: url.protocol,
      servername: secure ? url.hostname : undefined,
      pipelining: 1,
      timeout: timeoutMs / 1000,
      requests: [
        {
          method: 'POST',
          path,
          headers,
          onResponse: (status: number, _body: string, _context: unknown, responseHeaders: Record<string, string | string[]>) =>
            this.#settle(connection, { kind: 'response', doneMs: performance.now(), status, body: takeBody(connection), headers: responseHeaders }),
        },
      ],
      setupClient: (client: AutocannonClient) => {
        // Called in the constructor before it connects: from here on, autocannon's "send the
        // next request" means "this connection is free".
        connection.doRequest = client._doRequest.bind(client);
        client._doRequest = () => this.#freed(connection);
        // autocannon appends each chunk to a string (a character split between two reads becomes
        // U+FFFD, and every chunk is decoded): the bytes are kept instead.
        client.pipelinedRequests.addBody = (data) => connection.bodyChunks.push(data);
      },
    });
    this.#opening = false;
    connection.client.on('connError', (error) => this.#failed(connection, error));
    connection.client.on('timeout', () => {
      const timedOut = connection.lost ?? connection.inFlight;
      connection.lost = undefined;
      if (timedOut === connection.inFlight) connection.inFlight = undefined;
      if (timedOut) this.#report(timedOut, { kind: 'error', doneMs: performance.now(), error: 'timeout' });
    });
    this.#all.add(connection);
    return connection;
  }

  /** autocannon asks for the next request: the connection is free (or was re-opened). */
  #freed(connection: Connection<T>): void {
    if (connection.inFlight) {
      // Re-opened with a request outstanding: the server closed it, or it timed out (autocannon
      // emits 'timeout' right after re-opening, in the same tick; a microtask later it is a reset).
      const lost = connection.inFlight;
      connection.inFlight = undefined;
      connection.lost = lost;
      connection.bodyChunks = [];
      connection.client.pipelinedRequests.clear();
      queueMicrotask(() => {
        if (connection.lost !== lost) return;
        connection.lost = undefined;
        this.#report(lost, { kind: 'error', doneMs: performance.now(), error: 'reset' });
      });
    }
    if (this.#closed || connection.client?.destroyed) return;
    // autocannon's timeout timer also fires on idle connections and re-opens them: already listed.
    if (connection.idle) return;
    connection.idle = true;
    // A connection being opened is handed straight to the caller of #open(), not listed as idle.
    if (this.#opening) return;
    this.#idle.push(connection);
    this.#onFree();
  }

  #settle(connection: Connection<T>, outcome: RequestOutcome): void {
    const request = connection.inFlight;
    if (!request) return;
    connection.inFlight = undefined;
    this.#report(request, outcome);
  }

  #failed(connection: Connection<T>, error: NodeJS.ErrnoException): void {
    // Drop the connection instead of letting autocannon reconnect at once: against a dead target
    // that would spin; new connections are opened when there is a request to send.
    connection.client.destroy();
    this.#all.delete(connection);
    const idleAt = this.#idle.indexOf(connection);
    if (idleAt !== -1) this.#idle.splice(idleAt, 1);
    const request = connection.inFlight ?? connection.lost;
    connection.inFlight = undefined;
    connection.lost = undefined;
    if (request) this.#report(request, { kind: 'error', doneMs: performance.now(), error: classifySocketError(error.code), code: error.code });
    if (!this.#closed) this.#onFree();
  }

  #report(request: InFlightRequest<T>, outcome: RequestOutcome): void {
    this.#inFlightCount--;
    this.#onOutcome(request, outcome);
  }
}

/** The answer's body bytes, ready for the next answer on the connection. */
function takeBody(connection: { bodyChunks: Buffer[] }): Buffer {
  const chunks = connection.bodyChunks;
  connection.bodyChunks = [];
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/** Maps a Node socket error code to the error kinds results count. */
export function classifySocketError(code: string | undefined): TransportErrorKind {
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return 'reset';
    case 'ETIMEDOUT':
      return 'timeout';
    default:
      return 'socket';
  }
}
