import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { RunCertificate } from './runCertificate.ts';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ErrorMessages, isPlainLogMessageRequest, LOG_MESSAGE_PATH, LogMessageRequestSchema } from '../client/schema.ts';
import type { LogMessageRequest, LogMessageSuccess } from '../client/schema.ts';
import { seededRandom } from '../util/random.ts';
import { authorizer } from './auth.ts';
import { defaultMockBehaviour } from './behaviour.ts';
import type { MockBehaviour } from './behaviour.ts';
import { faultDrawer, RateLimiter, releaseTimeMs } from './faults.ts';
import { latencySampler } from './latency.ts';
import { MockStatsRecorder } from './stats.ts';
import type { MockStats } from './stats.ts';

import { MOCK_DEFAULT_CREDENTIALS } from './credentials.ts';

/** How to start a mock of the Log Message API. */
export interface MockServerOptions {
  credentials?: { token: string; clientId: string };
  registeredAuthIds?: Iterable<string>;
  behaviour?: MockBehaviour;
  /** Bodies above this size are answered 413. */
  maxBodyBytes?: number;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /**
   * Which billion of message ids this mock hands out (default 0): mocks of different shards of one
   * run take different blocks, as one provider's ids would not repeat.
   */
  messageIdBlock?: number;
  /** Serve HTTPS with this key and certificate (see runCertificate.ts); plain HTTP when unset. */
  tls?: RunCertificate;
}

/** A running mock: where it listens, its counters, and how to stop it. */
export interface RunningMock {
  readonly url: string;
  readonly port: number;
  stats(): MockStats;
  resetStats(): void;
  registerUser(authId: string): void;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
const FIRST_MESSAGE_ID = 1_411_200_000;
const MESSAGE_IDS_PER_BLOCK = 1_000_000_000;
const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/** Starts the mock on 127.0.0.1 (by default on a free port) and resolves once it listens. */
export async function startMockServer(options: MockServerOptions = {}): Promise<RunningMock> {
  const handler = createMockHandler(options);
  const server: Server = options.tls ? createHttpsServer({ key: options.tls.keyPem, cert: options.tls.certPem }, handler.handle) : createServer(handler.handle);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    port,
    stats: () => handler.stats.snapshot(),
    resetStats: () => handler.stats.reset(),
    registerUser: handler.registerUser,
    close: () => closeServer(server, handler),
  };
}

async function closeServer(server: Server, handler: MockHandler): Promise<void> {
  handler.shutdown();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

interface MockHandler {
  handle(req: IncomingMessage, res: ServerResponse): void;
  registerUser(authId: string): void;
  shutdown(): void;
  stats: MockStatsRecorder;
}

/** The request handler of the mock, separate from the listening socket. */
function createMockHandler(options: MockServerOptions): MockHandler {
  const isAuthorized = authorizer(options.credentials ?? MOCK_DEFAULT_CREDENTIALS);
  const behaviour = options.behaviour ?? defaultMockBehaviour;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const registered = new Set(options.registeredAuthIds ?? []);
  const random = seededRandom(behaviour.seed);
  const drawFault = faultDrawer(behaviour, random);
  const drawLatencyMs = latencySampler(behaviour.latency, random);
  const startedAtMs = performance.now();
  const rateLimiter = behaviour.rateLimit ? new RateLimiter(behaviour.rateLimit, startedAtMs) : undefined;
  const stats = new MockStatsRecorder();
  const pendingTimers = new Set<NodeJS.Timeout>();
  let nextMessageId = FIRST_MESSAGE_ID + (options.messageIdBlock ?? 0) * MESSAGE_IDS_PER_BLOCK;
  let shuttingDown = false;

  function send(res: ServerResponse, status: number, payload: unknown, arrivalMs: number, extraHeaders?: Record<string, string>): void {
    writeJson(res, status, payload, extraHeaders);
    stats.recordAnswer(status, (performance.now() - arrivalMs) * 1000);
  }

  /** Without latency or stalls every answer leaves at once: skip the clock reads and draws. */
  const answersAtOnce = behaviour.latency === undefined && !behaviour.stalls;
  /** With `slots`, when each service slot is next free (ms from the start). */
  const slotFreeAtMs: number[] | undefined = behaviour.slots === undefined ? undefined : new Array<number>(behaviour.slots).fill(0);

  /**
   * When a request arriving at `arrivedMs` starts its service, taking the slot free first for
   * `serviceMs`: a queue of FIFO order whose completion times are computed, not waited for, so
   * timer lateness never adds up (capacity is slots / latency exactly).
   */
  function takeSlot(slots: number[], arrivedMs: number, serviceMs: number): number {
    let first = 0;
    for (let i = 1; i < slots.length; i++) if (slots[i]! < slots[first]!) first = i;
    const startMs = Math.max(arrivedMs, slots[first]!);
    slots[first] = startMs + serviceMs;
    return startMs;
  }

  /** Sends after the drawn latency (and the wait for a service slot), held back past any stall window. */
  function sendLater(res: ServerResponse, status: number, payload: unknown, arrivalMs: number): void {
    if (answersAtOnce) return send(res, status, payload, arrivalMs);
    const serviceMs = drawLatencyMs();
    const arrivedMs = arrivalMs - startedAtMs;
    const dueMs = (slotFreeAtMs ? takeSlot(slotFreeAtMs, arrivedMs, serviceMs) : arrivedMs) + serviceMs;
    const releaseMs = releaseTimeMs(dueMs, behaviour.stalls);
    if (releaseMs > dueMs) stats.injected.stalled++;
    sendAt(res, status, payload, arrivalMs, releaseMs + startedAtMs);
  }

  /** Sends no earlier than `atMs`: Node timers may fire up to ~1 ms early, so re-arm for the rest. */
  function sendAt(res: ServerResponse, status: number, payload: unknown, arrivalMs: number, atMs: number): void {
    const delayMs = atMs - performance.now();
    if (delayMs <= 0) return send(res, status, payload, arrivalMs);
    const timer = setTimeout(() => {
      pendingTimers.delete(timer);
      if (!shuttingDown) sendAt(res, status, payload, arrivalMs, atMs);
    }, delayMs);
    pendingTimers.add(timer);
  }

  function answerApi(req: IncomingMessage, res: ServerResponse, rawBody: string, arrivalMs: number, injectError: boolean): void {
    if (injectError) {
      return sendLater(res, behaviour.errors!.status, { error_message: 'injected fault: service unavailable' }, arrivalMs);
    }
    if (!isAuthorized(req.headers.authorization, header(req, 'client-id'))) {
      return sendLater(res, 401, { error_message: ErrorMessages.invalidAuthorization }, arrivalMs);
    }
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      return sendLater(res, 415, { error_message: 'content-type must be application/json' }, arrivalMs);
    }
    let json: unknown;
    try {
      json = JSON.parse(rawBody);
    } catch {
      return sendLater(res, 400, { error_message: 'body is not valid JSON' }, arrivalMs);
    }
    let request: LogMessageRequest;
    if (isPlainLogMessageRequest(json)) request = json;
    else {
      const parsed = LogMessageRequestSchema.safeParse(json);
      if (!parsed.success) {
        const details = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
        return sendLater(res, 400, { error_message: `body does not match the request schema: ${details}` }, arrivalMs);
      }
      request = parsed.data;
    }
    if (!behaviour.registerAll && !registered.has(request.user.auth_id)) {
      return sendLater(res, 403, { error_message: ErrorMessages.unregisteredUser }, arrivalMs);
    }
    const logged: LogMessageSuccess = {
      message_id: nextMessageId++,
      message_body: request.message_body,
      created_at: createdAtNow(),
      message_type: request.message_type,
    };
    sendLater(res, 200, logged, arrivalMs);
  }

  function handleApi(req: IncomingMessage, res: ServerResponse, arrivalMs: number): void {
    stats.requests++;
    if (rateLimiter && !rateLimiter.admit(arrivalMs)) {
      stats.injected.rateLimited++;
      req.resume();
      return send(res, 429, { error_message: 'rate limit exceeded' }, arrivalMs, { 'retry-after': '1' });
    }
    const fault = drawFault();
    if (fault === 'reset') {
      stats.injected.resets++;
      req.socket.resetAndDestroy();
      return;
    }
    if (fault === 'hang') {
      stats.injected.hangs++;
      req.resume();
      return;
    }
    if (fault === 'error') stats.injected.errors++;

    const declaredLength = Number(req.headers['content-length'] ?? 0);
    if (declaredLength > maxBodyBytes) return rejectTooLarge(req, res, arrivalMs);
    const chunks: Buffer[] = [];
    let receivedBytes = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      receivedBytes += chunk.length;
      if (receivedBytes > maxBodyBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) return rejectTooLarge(req, res, arrivalMs);
      answerApi(req, res, chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'), arrivalMs, fault === 'error');
    });
  }

  function rejectTooLarge(req: IncomingMessage, res: ServerResponse, arrivalMs: number): void {
    req.resume();
    send(res, 413, { error_message: `body exceeds ${maxBodyBytes} bytes` }, arrivalMs, { connection: 'close' });
  }

  function handleAdmin(req: IncomingMessage, res: ServerResponse, path: string): void {
    // Admin calls are not API traffic: they are left out of the counters.
    req.resume();
    if (path === '/__mock/stats' && req.method === 'GET') return writeJson(res, 200, stats.snapshot());
    if (path === '/__mock/stats' && req.method === 'DELETE') {
      stats.reset();
      return writeJson(res, 200, { reset: true });
    }
    writeJson(res, 404, { error_message: `no mock admin endpoint ${req.method} ${path}` });
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const arrivalMs = performance.now();
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    if (path === LOG_MESSAGE_PATH) {
      if (req.method === 'POST') return handleApi(req, res, arrivalMs);
      req.resume();
      return send(res, 405, { error_message: `method ${req.method} not allowed; use POST` }, arrivalMs, { allow: 'POST' });
    }
    if (path.startsWith('/__mock/')) return handleAdmin(req, res, path);
    req.resume();
    send(res, 404, { error_message: `no such endpoint: ${path}` }, arrivalMs);
  }

  return {
    handle,
    stats,
    registerUser: (authId) => void registered.add(authId),
    shutdown() {
      shuttingDown = true;
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
    },
  };
}

function writeJson(res: ServerResponse, status: number, payload: unknown, extraHeaders?: Record<string, string>): void {
  const body = JSON.stringify(payload);
  // A flat [name, value, ...] list: Node writes it without walking an object per answer.
  const headers = ['content-type', JSON_HEADERS['content-type'], 'content-length', String(Buffer.byteLength(body))];
  if (extraHeaders) for (const name in extraHeaders) headers.push(name, extraHeaders[name]!);
  res.writeHead(status, headers);
  res.end(body);
}

let createdAtMs = 0;
let createdAtText = '';
/** The current time as created_at (ISO-8601 UTC, ms), formatted once per millisecond. */
function createdAtNow(): string {
  const nowMs = Date.now();
  if (nowMs !== createdAtMs) {
    createdAtMs = nowMs;
    createdAtText = new Date(nowMs).toISOString();
  }
  return createdAtText;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
