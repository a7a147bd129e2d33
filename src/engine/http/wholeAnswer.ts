// The common case read without the general parser: one read holding exactly one whole final
// answer with a Content-Length, on HTTP/1.1. That is nearly every answer of a keep-alive load
// run, and http-parser-js spends several µs on each (a string and a regular expression per line);
// this reads the head with one decode and a few searches. Anything else (a partial or pipelined
// read, chunked or close-delimited bodies, 1xx/204/304, Upgrade, a line the general parser would
// treat differently or refuse) returns undefined, and the caller hands the bytes to http-parser-js,
// which stays the one authority on HTTP: where both read an answer they read it the same way
// (test/engine/http/wholeAnswer.test.ts compares them).

import { contentLengthProblem } from './framing.ts';

/** A final answer read from one whole read. */
export interface WholeAnswer {
  status: number;
  /** Header lines as http-parser-js gives them: name, value (optional whitespace trimmed), ... */
  headers: string[];
  body: Buffer;
  keepAlive: boolean;
}

const HEAD_END = Buffer.from('\r\n\r\n');
/** Well under http-parser-js's 80 KiB limit: longer heads are the general parser's to accept or refuse. */
const MAX_HEAD_BYTES = 16 * 1024;
const WHITESPACE = /[ \t]/;
const [H, T, P, SLASH, ONE, DOT, SPACE, CR, ZERO, NINE] = [0x48, 0x54, 0x50, 0x2f, 0x31, 0x2e, 0x20, 0x0d, 0x30, 0x39];

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= ZERO && byte <= NINE;
}

/** Reads `chunk` as one whole HTTP/1.1 final answer with a Content-Length, or says it is not one (undefined). */
export function readWholeAnswer(chunk: Buffer): WholeAnswer | undefined {
  const headEnd = chunk.indexOf(HEAD_END);
  if (headEnd === -1 || headEnd > MAX_HEAD_BYTES) return undefined;
  // "HTTP/1.1 ddd" then a space or the line's end.
  if (chunk[0] !== H || chunk[1] !== T || chunk[2] !== T || chunk[3] !== P || chunk[4] !== SLASH) return undefined;
  if (chunk[5] !== ONE || chunk[6] !== DOT || chunk[7] !== ONE || chunk[8] !== SPACE) return undefined;
  if (!isDigit(chunk[9]) || !isDigit(chunk[10]) || !isDigit(chunk[11]) || (chunk[12] !== SPACE && chunk[12] !== CR)) return undefined;
  const status = (chunk[9]! - ZERO) * 100 + (chunk[10]! - ZERO) * 10 + (chunk[11]! - ZERO);
  if (status < 200 || status === 204 || status === 304) return undefined;
  // The parser decodes lines as 'ascii'; decoding the head at once and slicing gives the same strings.
  const head = chunk.toString('ascii', 0, headEnd);
  let lineEnd = head.indexOf('\r\n');
  if (lineEnd === -1) lineEnd = head.length;
  // A CR or LF inside a line is read differently (or refused) by the parser: leave those to it.
  if (head.indexOf('\n') !== (lineEnd === head.length ? -1 : lineEnd + 1) || head.indexOf('\r') !== (lineEnd === head.length ? -1 : lineEnd)) {
    return undefined;
  }
  const headers: string[] = [];
  let contentLength: string | undefined;
  // Connection values lowercased and joined, as the parser keeps them.
  let connection = '';
  let lineStart = lineEnd + 2;
  while (lineStart < head.length) {
    let next = head.indexOf('\r\n', lineStart);
    if (next === -1) next = head.length;
    const crAt = head.indexOf('\r', lineStart);
    const lfAt = head.indexOf('\n', lineStart);
    if ((crAt !== -1 && crAt < next) || (lfAt !== -1 && lfAt < next)) return undefined;
    const colon = head.indexOf(':', lineStart);
    if (colon <= lineStart || colon >= next) return undefined;
    const name = head.slice(lineStart, colon);
    if (WHITESPACE.test(name)) return undefined;
    let valueStart = colon + 1;
    let valueEnd = next;
    while (valueStart < valueEnd && (head.charCodeAt(valueStart) === 0x20 || head.charCodeAt(valueStart) === 0x09)) valueStart++;
    while (valueEnd > valueStart && (head.charCodeAt(valueEnd - 1) === 0x20 || head.charCodeAt(valueEnd - 1) === 0x09)) valueEnd--;
    const value = head.slice(valueStart, valueEnd);
    headers.push(name, value);
    switch (name.length) {
      case 14:
        if (name.toLowerCase() === 'content-length') {
          if (contentLengthProblem(value, contentLength) !== undefined) return undefined;
          contentLength = value;
        }
        break;
      case 17:
        if (name.toLowerCase() === 'transfer-encoding') return undefined;
        break;
      case 7:
        if (name.toLowerCase() === 'upgrade') return undefined;
        break;
      case 10:
        if (name.toLowerCase() === 'connection') connection += value.toLowerCase();
        break;
    }
    lineStart = next + 2;
  }
  if (contentLength === undefined) return undefined;
  const bodyStart = headEnd + HEAD_END.length;
  if (bodyStart + Number(contentLength) !== chunk.length) return undefined;
  return { status, headers, body: chunk.subarray(bodyStart), keepAlive: !connection.includes('close') };
}
