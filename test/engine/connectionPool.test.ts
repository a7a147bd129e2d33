import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionPool } from '../../src/engine/connectionPool.ts';
import type { InFlightRequest, RequestOutcome } from '../../src/engine/connectionPool.ts';
import { readBody, startTestServer } from '../fixtures/servers.ts';
import type { TestServer } from '../fixtures/servers.ts';

// The pool and its HTTP/1.1 client against well-behaved servers; hostile ones are in
// test/engine/http/hostileTargets.test.ts.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function poolFor(url: string, options: { maxConnections?: number; timeoutMs?: number; maxBodyBytes?: number; ca?: Buffer; insecure?: boolean } = {}) {
  const outcomes: { meta: string; outcome: RequestOutcome }[] = [];
  const connectionEvents: string[] = [];
  const pool = new ConnectionPool<string>({
    target: {
      url: new URL(url),
      path: '/v1.0/log_message_from_user/',
      headers: { 'content-type': 'application/json', 'x-probe': 'yes' },
      timeoutMs: options.timeoutMs ?? 2000,
      maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
      ca: options.ca && [options.ca.toString()],
      insecure: options.insecure,
    },
    maxConnections: options.maxConnections ?? 4,
    onOutcome: (request: InFlightRequest<string>, outcome) => outcomes.push({ meta: request.meta, outcome }),
    onFree: () => {},
    onConnection: (_timing, meta) => connectionEvents.push(`opened for ${meta}`),
    onConnectionFailed: (kind, meta) => connectionEvents.push(`${kind} for ${meta}`),
    onClosedByServer: () => connectionEvents.push('closed by server'),
  });
  return { pool, outcomes, connectionEvents };
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

describe('ConnectionPool', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('sends our body and headers and hands back status, body and headers', async () => {
    const seen: { body: string; headers: Record<string, unknown>; path?: string }[] = [];
    server = await startTestServer(async (req, res) => {
      seen.push({ body: await readBody(req), headers: req.headers, path: req.url });
      res.writeHead(201, { 'content-type': 'application/json', 'x-answer': '42' });
      res.end('{"echo":"नमस्ते"}');
    });
    const { pool, outcomes } = poolFor(server.url);
    expect(pool.send(Buffer.from('{"a":"नमस्ते"}'), 'first')).toBe(true);
    await until(() => outcomes.length === 1);
    expect(pool.send(Buffer.from('{"b":2}'), 'second')).toBe(true);
    await until(() => outcomes.length === 2);
    pool.close();
    expect(seen.map((s) => s.body)).toEqual(['{"a":"नमस्ते"}', '{"b":2}']);
    expect(seen[0]!.path).toBe('/v1.0/log_message_from_user/');
    expect(seen[0]!.headers['x-probe']).toBe('yes');
    const first = outcomes[0]!.outcome;
    expect(first.kind).toBe('response');
    if (first.kind !== 'response') return;
    expect(first.status).toBe(201);
    expect(JSON.parse(first.body.toString())).toEqual({ echo: 'नमस्ते' });
    // Header lines as received, flat: name, value, ...
    expect(first.headers[first.headers.indexOf('x-answer') + 1]).toBe('42');
    // Keep-alive: the second request reused the first connection.
    expect(pool.openConnections).toBe(0);
  });

  it('keeps the body as bytes: a character split between two reads arrives whole', async () => {
    const text = JSON.stringify({ message_body: 'नमस्ते 🙏 こんにちは', message_id: 1 });
    const bytes = Buffer.from(text);
    server = await startTestServer(async (req, res) => {
      await readBody(req);
      res.socket!.setNoDelay(true);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(bytes.length) });
      // One byte per write, a timer apart: every multi-byte character is split across reads.
      for (const byte of bytes) {
        res.write(Buffer.from([byte]));
        await sleep(1);
      }
      res.end();
    });
    const { pool, outcomes } = poolFor(server.url);
    pool.send(Buffer.from('{}'), 'split');
    await until(() => outcomes.length === 1);
    const outcome = outcomes[0]!.outcome;
    expect(outcome.kind).toBe('response');
    if (outcome.kind !== 'response') return;
    expect(outcome.body.equals(bytes)).toBe(true);
    expect(outcome.body.toString()).toBe(text);
    pool.close();
  });

  it('opens connections on demand up to the maximum, and reuses free ones', async () => {
    server = await startTestServer(async (req, res) => {
      await readBody(req);
      setTimeout(() => res.end('{}'), 50);
    });
    const { pool, outcomes } = poolFor(server.url, { maxConnections: 2 });
    expect(pool.send(Buffer.from('1'), 'a')).toBe(true);
    expect(pool.send(Buffer.from('2'), 'b')).toBe(true);
    expect(pool.hasCapacity).toBe(false);
    expect(pool.send(Buffer.from('3'), 'c')).toBe(false);
    expect(pool.inFlight).toBe(2);
    await until(() => outcomes.length === 2);
    expect(pool.inFlight).toBe(0);
    expect(pool.openConnections).toBe(2);
    pool.close();
  });

  it('does not double-book a connection after its timeout timer fired while idle', async () => {
    let concurrent = 0;
    let maxConcurrentPerSocket = 0;
    const perSocket = new Map<unknown, number>();
    server = await startTestServer(async (req, res) => {
      concurrent++;
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      maxConcurrentPerSocket = Math.max(maxConcurrentPerSocket, n);
      await readBody(req);
      setTimeout(() => {
        concurrent--;
        perSocket.set(req.socket, (perSocket.get(req.socket) ?? 1) - 1);
        res.end('{}');
      }, 30);
    });
    const { pool, outcomes } = poolFor(server.url, { maxConnections: 3, timeoutMs: 200 });
    pool.send(Buffer.from('1'), 'warm');
    await until(() => outcomes.length === 1);
    await sleep(700); // several timeout periods pass on the idle connection
    for (let i = 0; i < 3; i++) expect(pool.send(Buffer.from(String(i)), `burst-${i}`)).toBe(true);
    await until(() => outcomes.length === 4);
    expect(outcomes.every((o) => o.outcome.kind === 'response')).toBe(true);
    expect(pool.inFlight).toBe(0);
    expect(maxConcurrentPerSocket).toBe(1);
    expect(concurrent).toBe(0);
    pool.close();
  });

  it('reports a request whose connection the server closed as a reset, and recovers', async () => {
    let calls = 0;
    server = await startTestServer(async (req, res) => {
      await readBody(req);
      if (++calls === 1) return void req.socket.destroy();
      res.end('{}');
    });
    const { pool, outcomes } = poolFor(server.url);
    pool.send(Buffer.from('1'), 'dies');
    await until(() => outcomes.length === 1);
    expect(outcomes[0]!.outcome).toMatchObject({ kind: 'error', error: 'reset' });
    pool.send(Buffer.from('2'), 'lives');
    await until(() => outcomes.length === 2);
    expect(outcomes[1]!.outcome).toMatchObject({ kind: 'response', status: 200 });
    expect(pool.inFlight).toBe(0);
    pool.close();
  });

  it('reports a request with no answer within the timeout as a timeout', async () => {
    server = await startTestServer(() => {});
    const { pool, outcomes } = poolFor(server.url, { timeoutMs: 300 });
    pool.send(Buffer.from('1'), 'hangs');
    await until(() => outcomes.length === 1);
    expect(outcomes[0]!.outcome).toMatchObject({ kind: 'error', error: 'timeout' });
    expect(pool.inFlight).toBe(0);
    pool.close();
  });

  it('tells connections opened (for which request), failed to open, and closed by the server while idle', async () => {
    // Answers one request per connection, then ends it 50 ms later, as a short keep-alive timeout does.
    const closing = createServer((socket) => {
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
        setTimeout(() => socket.end(), 50);
      });
    });
    await new Promise<void>((resolve) => closing.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = closing.address() as AddressInfo;
      const { pool, outcomes, connectionEvents } = poolFor(`http://127.0.0.1:${port}`, { maxConnections: 1 });
      pool.send(Buffer.from('1'), 'first');
      await until(() => connectionEvents.includes('closed by server'));
      pool.send(Buffer.from('2'), 'second');
      await until(() => outcomes.length === 2);
      pool.close();
      expect(connectionEvents).toEqual(['opened for first', 'closed by server', 'opened for second']);
    } finally {
      await new Promise<void>((resolve) => closing.close(() => resolve()));
    }
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const refused = poolFor(`http://127.0.0.1:${port}`);
    refused.pool.send(Buffer.from('1'), 'doomed');
    await until(() => refused.outcomes.length === 1);
    refused.pool.close();
    expect(refused.connectionEvents).toEqual(['refused for doomed']);
  });

  it('reports a refused connection and does not retry it on its own', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const { pool, outcomes } = poolFor(`http://127.0.0.1:${port}`);
    pool.send(Buffer.from('1'), 'refused');
    await until(() => outcomes.length === 1);
    expect(outcomes[0]!.outcome).toMatchObject({ kind: 'error', error: 'refused' });
    await sleep(100);
    expect(outcomes).toHaveLength(1);
    expect(pool.openConnections).toBe(0);
    pool.close();
  });
});
