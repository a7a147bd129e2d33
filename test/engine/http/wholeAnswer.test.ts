import { HTTPParser } from 'http-parser-js';
import { describe, expect, it } from 'vitest';
import { checkFraming } from '../../../src/engine/http/framing.ts';
import { readWholeAnswer } from '../../../src/engine/http/wholeAnswer.ts';
import { seededRandom } from '../../../src/util/random.ts';
import type { Random } from '../../../src/util/random.ts';

interface ParsedByHttpParser {
  error?: Error;
  /** Final answers completed, and whether the last one ended exactly at the end of the bytes. */
  completed: number;
  endedAtEnd: boolean;
  status?: number;
  headers?: string[];
  keepAlive?: boolean;
  body: Buffer;
}

/** What http-parser-js makes of `bytes`, driven as HttpConnection drives it. */
function parseWithHttpParser(bytes: Buffer): ParsedByHttpParser {
  const parser = new HTTPParser(HTTPParser.RESPONSE);
  const parsed: ParsedByHttpParser = { completed: 0, endedAtEnd: false, body: Buffer.alloc(0) };
  const chunks: Buffer[] = [];
  let final = false;
  parser[HTTPParser.kOnHeadersComplete] = (info: { statusCode: number; headers: string[]; shouldKeepAlive: boolean }) => {
    final = info.statusCode >= 200;
    if (!final) return 1;
    parsed.status = info.statusCode;
    parsed.headers = info.headers;
    parsed.keepAlive = info.shouldKeepAlive;
    return info.statusCode === 204 || info.statusCode === 304 ? 1 : undefined;
  };
  parser[HTTPParser.kOnBody] = (chunk: Buffer, offset: number, length: number) => chunks.push(Buffer.from(chunk.subarray(offset, offset + length)));
  parser[HTTPParser.kOnMessageComplete] = () => {
    if (!final) return;
    parsed.completed++;
    const position = parser as unknown as { offset: number; end: number };
    parsed.endedAtEnd = position.offset >= position.end;
  };
  const result = parser.execute(bytes);
  if (result instanceof Error) parsed.error = result;
  parsed.body = Buffer.concat(chunks);
  return parsed;
}

/** Reads `bytes` both ways; where the fast reader takes the answer, both must read it alike. */
function compare(bytes: Buffer): boolean {
  const whole = readWholeAnswer(bytes);
  if (whole === undefined) return false;
  const reference = parseWithHttpParser(bytes);
  expect(reference.error, bytes.toString('latin1')).toBeUndefined();
  expect(reference.completed, bytes.toString('latin1')).toBe(1);
  expect(reference.endedAtEnd).toBe(true);
  expect({ status: whole.status, headers: whole.headers, keepAlive: whole.keepAlive, body: whole.body.toString('latin1') }).toEqual({
    status: reference.status,
    headers: reference.headers,
    keepAlive: reference.keepAlive,
    body: reference.body.toString('latin1'),
  });
  expect(checkFraming(whole.headers)).toBeUndefined();
  return true;
}

const answer = (head: string, body = '{"message_id":1}') => Buffer.from(`${head}\r\n\r\n${body}`, 'latin1');

describe('reading a whole answer without the general parser', () => {
  it('reads the answers a load run gets, as http-parser-js does', () => {
    const body = '{"message_id":7,"message_body":"¿Dónde está mi pedido? 注文","created_at":"2026-11-30T23:42:21.975Z"}';
    const bytes = Buffer.byteLength(body);
    for (const head of [
      `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${bytes}\r\nConnection: keep-alive`,
      `HTTP/1.1 200 OK\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${bytes}\r\nDate: Mon, 30 Nov 2026 23:42:21 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5`,
      `HTTP/1.1 401 Unauthorized\r\nContent-Length:${bytes}`,
      `HTTP/1.1 503\r\nCONTENT-LENGTH: \t${bytes} \t\r\nX-Empty:\r\nX-Spaces: a  b \t`,
      `HTTP/1.1 200 OK\r\nContent-Length: ${bytes}\r\nContent-Length: ${bytes}`,
      `HTTP/1.1 200 OK\r\nContent-Length: ${bytes}\r\nConnection: close`,
      `HTTP/1.1 200 OK\r\nContent-Length: ${bytes}\r\nConnection: Keep-Alive, Close`,
    ]) {
      expect(compare(Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), Buffer.from(body)])), head).toBe(true);
    }
    expect(readWholeAnswer(answer('HTTP/1.1 200 OK\r\nContent-Length: 16\r\nConnection: close'))?.keepAlive).toBe(false);
  });

  it('masks header bytes over 127 as the parser does (it decodes heads as ascii)', () => {
    expect(compare(answer('HTTP/1.1 200 OK\r\nX-Name: caf\xe9\r\nContent-Length: 16'))).toBe(true);
  });

  it('leaves everything else to the general parser', () => {
    const declined = [
      answer('HTTP/1.1 200 OK\r\nContent-Length: 17'), // body shorter than said: more to read
      answer('HTTP/1.1 200 OK\r\nContent-Length: 15'), // bytes after the answer
      answer('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked', '10\r\n{"message_id":1}\r\n0\r\n\r\n'),
      answer('HTTP/1.1 200 OK\r\nContent-Type: application/json'), // close-delimited
      answer('HTTP/1.0 200 OK\r\nContent-Length: 16'),
      answer('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 16'),
      answer('HTTP/1.1 204 No Content\r\nContent-Length: 16'),
      answer('HTTP/1.1 304 Not Modified\r\nContent-Length: 16'),
      answer('HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nContent-Length: 16'),
      answer('HTTP/1.1 200 OK\r\nUpgrade: h2c\r\nContent-Length: 16'),
      answer('HTTP/1.1 200 OK\r\nContent-Length: 16\r\nContent-Length: 17'),
      answer('HTTP/1.1 200 OK\r\nContent-Length: +16'),
      answer('HTTP/1.1 200 OK\r\nContent-Length: 1 6'),
      answer('HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\nContent-Length: 16'), // obs-fold
      answer('HTTP/1.1 200 OK\r\nBad Name: a\r\nContent-Length: 16'),
      answer('HTTP/1.1 200 OK\r\n: no name\r\nContent-Length: 16'),
      answer('HTTP/1.1 200 OK\r\nNo-Colon\r\nContent-Length: 16'),
      answer('HTTP/1.1 200 OK\nContent-Length: 16'), // bare LF
      answer('HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 16'), // bare CR
      answer('HTTP/1.1 200OK\r\nContent-Length: 16'),
      answer('HTTP/1.1 2000 OK\r\nContent-Length: 16'),
      answer(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\nContent-Length: 16`),
    ];
    for (const bytes of declined) expect(readWholeAnswer(bytes), bytes.toString('latin1').slice(0, 80)).toBeUndefined();
  });

  it('agrees with http-parser-js on 20,000 generated answers (seeded), and takes most well-formed ones', () => {
    const random = seededRandom(20261130);
    let taken = 0;
    let wellFormed = 0;
    for (let i = 0; i < 20_000; i++) {
      const { bytes, plain } = generatedAnswer(random);
      const took = compare(bytes);
      if (took) taken++;
      if (plain) {
        wellFormed++;
        expect(took, bytes.toString('latin1')).toBe(true);
      }
    }
    // The generator must exercise both sides: answers taken and answers left to the parser.
    expect(wellFormed).toBeGreaterThan(2_000);
    expect(taken).toBeGreaterThan(2_000);
    expect(taken).toBeLessThan(18_000);
  });
});

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** A response made of likely and unlikely parts; `plain` when it is one the fast reader must take. */
function generatedAnswer(random: Random): { bytes: Buffer; plain: boolean } {
  let plain = true;
  const spoil = <T>(good: T, bad: readonly T[], odds = 0.08): T => {
    if (random() >= odds) return good;
    plain = false;
    return pick(random, bad);
  };
  const body = Buffer.from(pick(random, ['', '{}', '{"message_id":1}', 'ok', '{"text":"déjà vu ✓"}', 'x'.repeat(300)]));
  const status = spoil(pick(random, ['200 OK', '201 Created', '401 Unauthorized', '403', '500 Internal Server Error', '200 ']), [
    '100 Continue',
    '204 No Content',
    '304 Not Modified',
    '101 Switching',
    '99 Low',
    '2000 Big',
    '200OK',
  ]);
  const version = spoil('HTTP/1.1', ['HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 ', 'http/1.1']);
  const lines = [`${version} ${status}`];
  const ows = () => pick(random, ['', '', ' ', '  ', '\t', ' \t ']);
  const headerCount = Math.floor(random() * 5);
  for (let h = 0; h < headerCount; h++) {
    const name = spoil(pick(random, ['Content-Type', 'X-Request-Id', 'date', 'Server', 'Cache-Control', 'Keep-Alive', 'Vary', 'X-É']), [
      'Bad Name',
      '',
      ' Lead',
      'Upgrade',
      'Transfer-Encoding',
    ]);
    const value = spoil(pick(random, ['application/json', 'abc', '', 'a b  c', 'caf\xe9', '1', 'a:b']), ['a\rb', 'a\nb']);
    lines.push(spoil(`${name}:${ows()}${value}${ows()}`, [`${name} ${value}`, ` folded ${value}`]));
  }
  const lengthName = pick(random, ['Content-Length', 'content-length', 'CONTENT-LENGTH']);
  const length = spoil(String(body.length), [String(body.length + 1), String(Math.max(0, body.length - 1)), `+${body.length}`, `${body.length}x`, '']);
  const lengthAt = Math.floor(random() * (lines.length + 1));
  if (spoil(true, [false], 0.05)) lines.splice(Math.max(1, lengthAt), 0, `${lengthName}:${ows()}${length}${ows()}`);
  if (random() < 0.05) lines.push(spoil(`${lengthName}: ${body.length}`, [`${lengthName}: ${body.length + 2}`]));
  if (random() < 0.1) lines.push(`Connection: ${pick(random, ['keep-alive', 'close', 'Close', 'keep-alive, close', 'upgrade'])}`);
  const eol = spoil('\r\n', ['\n']);
  const tail = spoil(Buffer.alloc(0), [Buffer.from('HTTP/1.1 200 OK\r\n'), Buffer.from('x')]);
  const cut = spoil(0, [1, 5], 0.04);
  const bytes = Buffer.concat([Buffer.from(`${lines.join(eol)}${eol}${eol}`, 'latin1'), body, tail]);
  return { bytes: bytes.subarray(0, bytes.length - cut), plain };
}
