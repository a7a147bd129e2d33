import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNativeResponder, startNativeResponder } from '../../src/bench/nativeResponder.ts';
import type { BenchServer } from '../../src/bench/processes.ts';

/** Sends `parts` one write at a time (50 ms apart) and collects what comes back until the server closes or `untilAnswers` 200s have arrived. */
function exchange(port: number, parts: string[], options: { untilAnswers?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const done = () => {
      socket.destroy();
      resolve(received);
    };
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      // Every 200's body ends its JSON with a string: `"}`.
      if (options.untilAnswers !== undefined && (received.match(/"\}/g) ?? []).length >= options.untilAnswers) done();
    });
    socket.on('end', done);
    socket.on('error', reject);
    socket.on('connect', async () => {
      for (const part of parts) {
        socket.write(part);
        await new Promise((next) => setTimeout(next, 50));
      }
    });
  });
}

function request(body: string): string {
  return `POST /v1.0/log_message_from_user/ HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\nCONTENT-LENGTH: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** The answers in `text`, each checked to be a whole HTTP response whose Content-Length is its body's. */
function answers(text: string): { status: number; body: Record<string, unknown> }[] {
  const parsed: { status: number; body: Record<string, unknown> }[] = [];
  let rest = text;
  while (rest.length > 0) {
    const headEnd = rest.indexOf('\r\n\r\n');
    expect(headEnd).toBeGreaterThan(0);
    const head = rest.slice(0, headEnd);
    const length = Number(/\r\nContent-Length: (\d+)/.exec(head)?.[1]);
    const body = rest.slice(headEnd + 4, headEnd + 4 + length);
    expect(Buffer.byteLength(body)).toBe(length);
    parsed.push({ status: Number(head.slice(9, 12)), body: length === 0 ? {} : JSON.parse(body) });
    rest = rest.slice(headEnd + 4 + length);
  }
  return parsed;
}

describe('the C responder (bench target)', () => {
  let dir: string;
  let server: BenchServer;
  let port: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'native-responder-'));
    const binary = await buildNativeResponder(dir);
    if (binary === undefined) throw new Error('no C compiler (cc) on this machine: the bench needs one for its generator rows');
    server = await startNativeResponder(binary);
    port = Number(new URL(server.url).port);
  });
  afterAll(async () => {
    server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers pipelined requests and requests split across reads, each with a fresh id and the time', async () => {
    const body = JSON.stringify({ user: { auth_id: 'u1' }, message_body: 'Hi, I need help with my order', message_type: 0 });
    const whole = request(body);
    const beforeMs = Date.now();
    // Two requests in one write, then one cut inside its head and one inside its body.
    const text = await exchange(port, [whole + whole, whole.slice(0, 20), whole.slice(20) + whole.slice(0, whole.length - 5), whole.slice(-5)], {
      untilAnswers: 4,
    });
    const got = answers(text);
    expect(got.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    const ids = got.map((answer) => answer.body.message_id as number);
    expect(ids).toEqual([ids[0], ids[0]! + 1, ids[0]! + 2, ids[0]! + 3]);
    for (const { body: answer } of got) {
      expect(answer.message_body).toBe('Hi, I need help with my order');
      expect(answer.message_type).toBe(0);
      const createdMs = Date.parse(answer.created_at as string);
      expect(answer.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(createdMs).toBeGreaterThanOrEqual(beforeMs - 5);
      expect(createdMs).toBeLessThanOrEqual(Date.now() + 5);
    }
  });

  it('answers a request without a body, and refuses chunked bodies with a 400 and a close', async () => {
    const bare = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
    const chunked = 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n';
    const got = answers(await exchange(port, [bare + chunked]));
    expect(got.map((answer) => answer.status)).toEqual([200, 400]);
  });
});
