import type { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionPool } from '../../../src/engine/connectionPool.ts';
import type { RequestOutcome } from '../../../src/engine/connectionPool.ts';
import { okAnswer, startRawServer } from '../../fixtures/rawServer.ts';
import type { RawRequest, RawServer } from '../../fixtures/rawServer.ts';
import { makeTestCertificates } from '../../fixtures/tlsCertificates.ts';

// Servers that break HTTP/1.1 (or follow its less common parts) on 127.0.0.1, and what the
// client makes of each: every request ends in exactly one outcome, a broken answer is a
// `protocol` error at once (not a timeout), and the next request on the pool is unharmed.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface PoolOptions {
  timeoutMs?: number;
  maxBodyBytes?: number;
  ca?: Buffer;
  insecure?: boolean;
  maxConnections?: number;
}

function poolFor(url: string, options: PoolOptions = {}) {
  const outcomes: RequestOutcome[] = [];
  const pool = new ConnectionPool<number>({
    target: {
      url: new URL(url),
      path: '/v1.0/log_message_from_user/',
      headers: { 'content-type': 'application/json', authorization: 'Bearer secret-token' },
      timeoutMs: options.timeoutMs ?? 3000,
      maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
      ca: options.ca && [options.ca.toString()],
      insecure: options.insecure,
    },
    maxConnections: options.maxConnections ?? 1,
    onOutcome: (_request, outcome) => outcomes.push(outcome),
    onFree: () => {},
  });
  /** Sends `count` requests one after another, each when the previous one ended. */
  const sendInTurn = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const before = outcomes.length;
      expect(pool.send(Buffer.from(`{"n":${i}}`), i)).toBe(true);
      await until(() => outcomes.length > before);
    }
    return outcomes;
  };
  return { pool, outcomes, sendInTurn };
}

async function until(condition: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(2);
  }
}

const kinds = (outcomes: RequestOutcome[]) => outcomes.map((o) => (o.kind === 'response' ? o.status : o.error));

describe('the HTTP/1.1 client against hostile and unusual servers', () => {
  let server: RawServer | undefined;
  let pool: ConnectionPool<number> | undefined;
  afterEach(async () => {
    pool?.close();
    pool = undefined;
    await server?.close();
    server = undefined;
  });

  /** Starts a raw server answering with `answer` and a one-connection pool against it. */
  async function target(answer: (socket: Socket, request: RawRequest) => void, options: PoolOptions = {}) {
    server = await startRawServer(answer);
    const made = poolFor(server.url, options);
    pool = made.pool;
    return made;
  }

  it('skips interim 1xx answers (103 Early Hints, 100 Continue, 102) and takes the final one', async () => {
    const interims = [
      'HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n',
      'HTTP/1.1 100 Continue\r\n\r\n',
      'HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n',
    ];
    const { sendInTurn } = await target((socket, request) => {
      socket.write(interims[request.index % interims.length]!);
      setTimeout(() => socket.write(okAnswer(`{"n":${request.index}}`)), 5);
    });
    const outcomes = await sendInTurn(6);
    expect(kinds(outcomes)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(outcomes.map((o) => (o.kind === 'response' ? JSON.parse(o.body.toString()).n : null))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('an answer cut off by FIN is a reset, and the next answer on a new connection is read whole', async () => {
    // Every 5th request: the start of an answer, then FIN (20% injected faults).
    const { sendInTurn } = await target((socket, request) => {
      if (request.index % 5 === 2) socket.end('HTTP/1.1 200 OK\r\nCon');
      else socket.write(okAnswer(`{"n":${request.index}}`));
    });
    const outcomes = await sendInTurn(20);
    expect(kinds(outcomes)).toEqual(Array.from({ length: 20 }, (_, i) => (i % 5 === 2 ? 'reset' : 200)));
    for (const [i, outcome] of outcomes.entries()) if (outcome.kind === 'response') expect(JSON.parse(outcome.body.toString())).toEqual({ n: i });
  });

  it('reads a close-delimited body (no Content-Length, Connection: close) to EOF', async () => {
    const { sendInTurn } = await target((socket, request) => {
      socket.end(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"n":${request.index},"text":"नमस्ते"}`);
    });
    const outcomes = await sendInTurn(3);
    expect(kinds(outcomes)).toEqual([200, 200, 200]);
    expect(outcomes.map((o) => (o.kind === 'response' ? JSON.parse(o.body.toString()) : null))).toEqual([0, 1, 2].map((n) => ({ n, text: 'नमस्ते' })));
  });

  it('after an answer saying Connection: close, sends the next request on a new connection even before the server closes', async () => {
    const { sendInTurn } = await target((socket, request) => {
      const body = `{"n":${request.index}}`;
      // The server says it will close, but closes only later.
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
      setTimeout(() => socket.end(), 200);
    });
    const outcomes = await sendInTurn(3);
    expect(kinds(outcomes)).toEqual([200, 200, 200]);
    expect(server!.requests.map((r) => r.connection)).toEqual([0, 1, 2]);
  });

  it.each([
    ['a garbage status line', 'HTXP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', /not an HTTP\/1\.x answer/],
    ['conflicting Content-Lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok!', /conflicting Content-Length/],
    ['Content-Length: abc', 'HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nok', /invalid Content-Length "abc"/],
    ['a negative Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nok', /invalid Content-Length "-1"/],
    ['bytes after the declared body', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokXYZ', /bytes after the end of the answer/],
    [
      'Transfer-Encoding with Content-Length',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 6\r\n\r\n2\r\nok\r\n0\r\n\r\n',
      /both Transfer-Encoding and Content-Length/,
    ],
    ['a 101 nobody asked for', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n', /switched protocols/],
  ])('%s is a protocol error at once, and the next request is unharmed', async (_name, broken, reason) => {
    const { sendInTurn } = await target((socket, request) => socket.write(request.index === 0 ? broken : okAnswer()), { timeoutMs: 5000 });
    const started = performance.now();
    const outcomes = await sendInTurn(2);
    expect(kinds(outcomes)).toEqual(['protocol', 200]);
    expect(outcomes[0]).toMatchObject({ kind: 'error', reason: expect.stringMatching(reason) });
    // Well before the 5 s timeout: classified as it arrived.
    expect(performance.now() - started).toBeLessThan(2500);
  });

  it('reads answers whole in one read and split over reads, alternating on one connection', async () => {
    // Whole reads skip the general parser (wholeAnswer.ts); split ones go through it: it must be idle for the next.
    const { sendInTurn } = await target((socket, request) => {
      const bytes = okAnswer(`{"n":${request.index},"text":"नमस्ते"}`);
      if (request.index % 2 === 0) return socket.write(bytes);
      const cut = request.index % 4 === 1 ? 20 : bytes.length - 7; // inside the head, or inside a multi-byte body
      socket.write(bytes.subarray(0, cut));
      setTimeout(() => socket.write(bytes.subarray(cut)), 5);
    });
    const outcomes = await sendInTurn(8);
    expect(kinds(outcomes)).toEqual(Array(8).fill(200));
    expect(outcomes.map((o) => (o.kind === 'response' ? JSON.parse(o.body.toString()) : null))).toEqual(
      Array.from({ length: 8 }, (_, n) => ({ n, text: 'नमस्ते' })),
    );
    expect(new Set(server!.requests.map((r) => r.connection))).toEqual(new Set([0]));
  });

  it('holds every answer head to one limit (80 KiB), whether it arrives in one read or in many', async () => {
    // Each answer alternates: the whole answer in one write, then the same bytes in 1 KiB pieces.
    const headOf = (headerBytes: number) => `HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Big: ${'a'.repeat(headerBytes)}\r\n\r\n{}`;
    const answerWith = (headerBytes: number) => (socket: Socket, request: RawRequest) => {
      const bytes = Buffer.from(headOf(headerBytes));
      if (request.index % 2 === 0) return void socket.write(bytes);
      // Each piece written a moment after the one before it: timers set all at once fired out of
      // order on a loaded CI machine (pieces 0 and 1 both wait 1 ms), which garbled the head.
      const writeFrom = (at: number) => {
        if (at >= bytes.length || socket.destroyed) return;
        socket.write(bytes.subarray(at, at + 1024));
        setTimeout(() => writeFrom(at + 1024), 1);
      };
      writeFrom(0);
    };
    const tooLarge = await target(answerWith(90_000));
    const refused = await tooLarge.sendInTurn(4);
    expect(kinds(refused)).toEqual(['protocol', 'protocol', 'protocol', 'protocol']);
    expect(refused.map((o) => (o.kind === 'error' ? o.reason : ''))).toEqual(Array(4).fill('an answer head (status line and headers) over 80 KiB'));
    pool!.close();
    await server!.close();
    const large = await target(answerWith(70_000));
    expect(kinds(await large.sendInTurn(4))).toEqual([200, 200, 200, 200]);
  });

  it('reads chunked answers across reads', async () => {
    const { sendInTurn } = await target((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"a"');
      setTimeout(() => socket.write(':\r\n2\r\n1}\r\n0\r\n\r\n'), 5);
    });
    const outcomes = await sendInTurn(2);
    expect(kinds(outcomes)).toEqual([200, 200]);
    expect(outcomes.map((o) => (o.kind === 'response' ? o.body.toString() : ''))).toEqual(['{"a":1}', '{"a":1}']);
  });

  it('reads a body over maxBodyBytes to its end without keeping it: bodyTooLarge, and the connection stays usable', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024, 'a');
    const { sendInTurn } = await target(
      (socket, request) => {
        if (request.index === 0) socket.write(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${big.length}\r\n\r\n`), big]));
        else socket.write(okAnswer());
      },
      { maxBodyBytes: 1024 * 1024 },
    );
    const outcomes = await sendInTurn(2);
    expect(kinds(outcomes)).toEqual(['bodyTooLarge', 200]);
    expect(outcomes[0]).toMatchObject({ reason: expect.stringContaining('maxBodyBytes (1048576 bytes)') });
    // Read to the end on the same connection, so the second answer came on it.
    expect(server!.requests.map((r) => r.connection)).toEqual([0, 0]);
  });

  it('times out a request whose answer never completes, and only that one', async () => {
    const { sendInTurn } = await target(
      (socket, request) => {
        if (request.index === 1) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nok');
        else socket.write(okAnswer());
      },
      { timeoutMs: 300 },
    );
    const outcomes = await sendInTurn(3);
    expect(kinds(outcomes)).toEqual([200, 'timeout', 200]);
  });

  it('drops a connection that sends bytes nobody asked for, and answers the next request on a new one', async () => {
    const { sendInTurn } = await target((socket, request) => {
      socket.write(okAnswer());
      if (request.index === 0) setTimeout(() => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nno'), 20);
    });
    await sendInTurn(1);
    await sleep(80);
    const outcomes = await sendInTurn(2);
    expect(kinds(outcomes)).toEqual([200, 200, 200]);
    expect(server!.requests.map((r) => r.connection)).toEqual([0, 1, 1]);
  });
});

describe('TLS on load connections', () => {
  const certificates = makeTestCertificates();
  let server: RawServer | undefined;
  let pool: ConnectionPool<number> | undefined;
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
  beforeAll(() => process.on('warning', onWarning));
  afterAll(() => {
    process.off('warning', onWarning);
    certificates.cleanup();
  });
  afterEach(async () => {
    pool?.close();
    pool = undefined;
    await server?.close();
    server = undefined;
  });

  async function tlsTarget(identity: { key: Buffer; cert: Buffer }, options: PoolOptions) {
    server = await startRawServer((socket) => socket.write(okAnswer()), { tls: identity });
    const made = poolFor(server.url, options);
    pool = made.pool;
    return made;
  }

  it('refuses a certificate from a CA it does not trust: tls errors, and no request (with its token) reaches the server', async () => {
    const { sendInTurn } = await tlsTarget(certificates.selfSigned, {});
    const outcomes = await sendInTurn(3);
    expect(kinds(outcomes)).toEqual(['tls', 'tls', 'tls']);
    expect(outcomes[0]).toMatchObject({ code: expect.stringMatching(/CERT|SIGNATURE/) });
    expect(server!.requests).toHaveLength(0);
  });

  it('trusts a private CA given as target.ca, checking the name (127.0.0.1) too', async () => {
    const { sendInTurn } = await tlsTarget(certificates, { ca: certificates.caPem });
    expect(kinds(await sendInTurn(3))).toEqual([200, 200, 200]);
    expect(server!.requests).toHaveLength(3);
  });

  it('a certificate signed by the private CA is still refused without target.ca', async () => {
    const { sendInTurn } = await tlsTarget(certificates, {});
    expect(kinds(await sendInTurn(1))).toEqual(['tls']);
  });

  it('with insecure, skips verification (the opt-out)', async () => {
    const { sendInTurn } = await tlsTarget(certificates.selfSigned, { insecure: true });
    expect(kinds(await sendInTurn(2))).toEqual([200, 200]);
  });

  it('raises no DEP0123 warning connecting to an IP address', async () => {
    const { sendInTurn } = await tlsTarget(certificates, { ca: certificates.caPem });
    await sendInTurn(1);
    await sleep(20);
    expect(warnings.filter((w) => w.includes('DEP0123') || w.includes('ServerName'))).toEqual([]);
  });
});
