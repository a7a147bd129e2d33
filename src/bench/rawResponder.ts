// A bench target that answers every POST at once with the canned 200, reading HTTP/1.1 straight
// off the socket instead of through node:http. node:http on one core tops out near what the
// harness sends, so against it a closed run measures the target as much as the generator; this
// responder has about twice the headroom (one write per batch of requests, no per-request
// objects), so the generator is what a run measures. It understands exactly what the harness
// and its peers send: requests with a Content-Length (none: no body), keep-alive.
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;
/** A request head larger than this without its end is not HTTP we understand. */
const MAX_HEAD_BYTES = 64 * 1024;
const BAD_REQUEST = Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');

/** Starts the responder on 127.0.0.1 (port 0); `answerBody` builds each 200's body. */
export function startRawResponder(answerBody: () => Buffer, onListening: (port: number) => void): Server {
  const server = createServer((socket) => serve(socket, answerBody));
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('bug: a TCP server without a port');
    onListening(address.port);
  });
  return server;
}

function serve(socket: Socket, answerBody: () => Buffer): void {
  socket.setNoDelay(true);
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    const answers: Buffer[] = [];
    let offset = 0;
    while (offset < pending.length) {
      const headEnd = pending.indexOf(HEADER_END, offset);
      if (headEnd === -1) {
        if (pending.length - offset > MAX_HEAD_BYTES) return refuse(socket, answers);
        break;
      }
      const head = pending.toString('latin1', offset, headEnd);
      if (/\r\ntransfer-encoding:/i.test(head)) return refuse(socket, answers);
      const bodyBytes = Number(CONTENT_LENGTH.exec(head)?.[1] ?? 0);
      const requestEnd = headEnd + HEADER_END.length + bodyBytes;
      if (requestEnd > pending.length) break;
      offset = requestEnd;
      const body = answerBody();
      answers.push(Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`), body);
    }
    pending = offset === pending.length ? Buffer.alloc(0) : pending.subarray(offset);
    if (answers.length > 0) socket.write(Buffer.concat(answers));
  });
  socket.on('error', () => socket.destroy());
}

function refuse(socket: Socket, answers: Buffer[]): void {
  socket.end(Buffer.concat([...answers, BAD_REQUEST]));
}
