// One request through a plain-HTTP proxy, as the preflight and `verify` send it, against a proxy
// written by hand on 127.0.0.1: the body waits until the proxy has had its say on the head.
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { PoolTarget } from '../../src/engine/connectionPool.ts';
import { sendOne } from '../../src/engine/singleRequest.ts';
import { dnsSchema } from '../../src/network/networkSchema.ts';
import { networkRoute } from '../../src/network/route.ts';

const BODY = '{"message_body":"hello"}';

let proxy: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  proxy = undefined;
});

/** What the proxy saw of the request: when its head ended, and each later byte with when it came. */
interface Seen {
  headAtMs: number;
  bodyAtMs: number[];
  body: string;
}

/**
 * A proxy on 127.0.0.1 that reads the request head, then calls `answer` with the socket and what
 * it saw so far (the seen body grows as bytes come).
 */
async function handWrittenProxy(answer: (socket: Socket, seen: Seen) => void): Promise<string> {
  proxy = createServer((socket) => {
    let head = '';
    let seen: Seen | undefined;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      if (seen) {
        seen.bodyAtMs.push(performance.now());
        seen.body += chunk;
        return;
      }
      head += chunk;
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      seen = { headAtMs: performance.now(), bodyAtMs: [], body: head.slice(end + 4) };
      if (seen.body.length > 0) seen.bodyAtMs.push(seen.headAtMs);
      answer(socket, seen);
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(proxy!.address() as AddressInfo).port}`;
}

/** A plain-HTTP target reached through `proxyUrl` (HTTP_PROXY), as a run's would be. */
function throughProxy(proxyUrl: string): PoolTarget {
  const url = new URL('http://target.invalid:8080');
  return {
    url,
    path: '/v1.0/log_message_from_user/',
    headers: { 'content-type': 'application/json' },
    timeoutMs: 5000,
    maxBodyBytes: 1024 * 1024,
    network: networkRoute({ dns: dnsSchema.parse(undefined) }, url, { HTTP_PROXY: proxyUrl }),
  };
}

const answer = (socket: Socket, status: string, body = '') =>
  socket.end(`HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);

describe('one request through a plain-HTTP proxy', () => {
  it('sends no body to a proxy that refuses the head (407), so the refusal is read, not reset away', async () => {
    let bodyBytesBeforeAnswer = -1;
    const url = await handWrittenProxy((socket, seen) => {
      setTimeout(() => {
        bodyBytesBeforeAnswer = seen.body.length;
        answer(socket, '407 Proxy Authentication Required');
      }, 100);
    });
    const outcome = await sendOne(throughProxy(url), BODY);
    expect(outcome.kind === 'response' && outcome.status).toBe(407);
    expect(bodyBytesBeforeAnswer).toBe(0);
  });

  it('sends the body a moment after the head to a proxy that passes it on, and the answer comes', async () => {
    let seenBody: Seen | undefined;
    const url = await handWrittenProxy((socket, seen) => {
      seenBody = seen;
      const waitForBody = () => (seen.body.length >= Buffer.byteLength(BODY) ? answer(socket, '200 OK', '{"ok":true}') : setTimeout(waitForBody, 5));
      waitForBody();
    });
    const outcome = await sendOne(throughProxy(url), BODY);
    expect(outcome.kind === 'response' && outcome.status).toBe(200);
    expect(seenBody!.body).toBe(BODY);
    expect(seenBody!.bodyAtMs[0]! - seenBody!.headAtMs).toBeGreaterThanOrEqual(200);
  });

  it('sends the body at once on 100 Continue', async () => {
    let seenBody: Seen | undefined;
    const url = await handWrittenProxy((socket, seen) => {
      seenBody = seen;
      socket.write('HTTP/1.1 100 Continue\r\n\r\n');
      const waitForBody = () => (seen.body.length >= Buffer.byteLength(BODY) ? answer(socket, '200 OK', '{"ok":true}') : setTimeout(waitForBody, 5));
      waitForBody();
    });
    const outcome = await sendOne(throughProxy(url), BODY);
    expect(outcome.kind === 'response' && outcome.status).toBe(200);
    expect(seenBody!.body).toBe(BODY);
  });
});
