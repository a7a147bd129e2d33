// Proxies as curl reads them: target.proxy, else HTTPS_PROXY (https targets) or HTTP_PROXY (http
// targets) or ALL_PROXY from the environment, lower case first, and NO_PROXY to go around them.
// HTTPS goes through a CONNECT tunnel (TLS is verified end to end against the target's name);
// HTTP is sent to the proxy in absolute form. Credentials in the proxy URL become a
// Proxy-Authorization header and are never shown: only the redacted URL is.
import { connect as netConnect, isIP } from 'node:net';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { ipv4Block, ipv4Number } from './networkSchema.ts';
import type { ConnectLookup } from './resolver.ts';

/** A proxy a target's requests go through. */
export interface ProxyRoute {
  host: string;
  port: number;
  /** `Basic ...` when the URL has credentials. */
  authorization: string | undefined;
  /** The proxy URL without credentials, for output. */
  shown: string;
  /** Where it came from: target.proxy or the environment variable's name. */
  source: string;
  /** The URL as given, credentials included: only for a library that takes a proxy URL (never shown). */
  urlWithCredentials: string;
}

const envValue = (env: Record<string, string | undefined>, name: string): { name: string; value: string } | undefined => {
  for (const key of [name.toLowerCase(), name.toUpperCase()]) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') return { name: key, value: value.trim() };
  }
  return undefined;
};

/** Whether NO_PROXY (curl's reading: `*`, names matching as a domain suffix, addresses, IPv4 CIDR) lets `hostname` go direct. */
export function bypassesProxy(hostname: string, noProxy: string | undefined): boolean {
  if (noProxy === undefined) return false;
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return noProxy
    .split(/[,\s]+/)
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true;
      const block = ipv4Block(entry);
      if (block && isIP(host) === 4) {
        const size = 2 ** (32 - block.bits);
        return Math.floor(ipv4Number(host) / size) === Math.floor(block.base / size);
      }
      const name = entry.replace(/^\*?\./, '').replace(/:\d+$/, '');
      return host === name || host.endsWith(`.${name}`);
    });
}

/** The proxy for `target`, or null to go direct. */
export function proxyRoute(target: URL, scenarioProxy: string | false | undefined, env: Record<string, string | undefined>): ProxyRoute | null {
  if (scenarioProxy === false) return null;
  const fromEnv = envValue(env, target.protocol === 'https:' ? 'https_proxy' : 'http_proxy') ?? envValue(env, 'all_proxy');
  const chosen = scenarioProxy !== undefined ? { name: 'target.proxy', value: scenarioProxy } : fromEnv;
  if (!chosen) return null;
  if (bypassesProxy(target.hostname, envValue(env, 'no_proxy')?.value)) return null;
  // As curl: a proxy given without a scheme is http://.
  const url = new URL(/^[a-z]+:\/\//i.test(chosen.value) ? chosen.value : `http://${chosen.value}`);
  const urlWithCredentials = url.toString();
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port) || 80,
    authorization: user || password ? `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` : undefined,
    shown: url.origin,
    source: chosen.name,
    urlWithCredentials,
  };
}

/** A proxy that would not open the tunnel: its status and reason phrase. */
export class ProxyRefusal extends Error {
  readonly code = 'EPROXY';
  constructor(
    readonly status: number,
    statusText: string,
    proxy: ProxyRoute,
    authority: string,
  ) {
    super(`the proxy ${proxy.shown} answered ${status} ${statusText} to CONNECT ${authority}`.trim());
  }
}

/** The most of a proxy's answer to CONNECT that is read before giving up on it. */
const MAX_CONNECT_ANSWER_BYTES = 16 * 1024;

/**
 * A stream that carries a TLS connection to `host:port` through the proxy: writes wait until the
 * proxy has answered CONNECT with 2xx, then flow both ways; any other answer destroys it with a
 * ProxyRefusal (the request fails with the proxy's words).
 */
export function tunnelThrough(proxy: ProxyRoute, host: string, port: number, options: { localAddress?: string; lookup?: ConnectLookup }): Duplex {
  const authority = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
  let socket: Socket | undefined;
  let open = false;
  const pending: { chunk: Buffer; callback: (error?: Error | null) => void }[] = [];
  const stream = new Duplex({
    write(chunk: Buffer, _encoding, callback) {
      if (open) socket!.write(chunk, callback);
      else pending.push({ chunk, callback });
    },
    read() {
      socket?.resume();
    },
    final(callback) {
      socket?.end();
      callback();
    },
    destroy(error, callback) {
      socket?.destroy();
      callback(error);
    },
  });
  socket = netConnect({ host: proxy.host, port: proxy.port, localAddress: options.localAddress, lookup: options.lookup, noDelay: true });
  socket.on('connect', () => {
    const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`];
    if (proxy.authorization) lines.push(`Proxy-Authorization: ${proxy.authorization}`);
    socket!.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
  let head = Buffer.alloc(0);
  const onHead = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end === -1) {
      if (head.length > MAX_CONNECT_ANSWER_BYTES) stream.destroy(new ProxyRefusal(0, 'an answer too long to be one', proxy, authority));
      return;
    }
    socket!.off('data', onHead);
    const statusLine = /^HTTP\/1\.[01] (\d{3}) ?([^\r\n]*)/.exec(head.subarray(0, end).toString('latin1'));
    const status = statusLine ? Number(statusLine[1]) : 0;
    if (status < 200 || status > 299) {
      stream.destroy(new ProxyRefusal(status, statusLine ? statusLine[2]! : 'an answer that is not HTTP', proxy, authority));
      return;
    }
    open = true;
    const rest = head.subarray(end + 4);
    if (rest.length > 0) stream.push(rest);
    socket!.on('data', (data: Buffer) => {
      if (!stream.push(data)) socket!.pause();
    });
    for (const { chunk, callback } of pending.splice(0)) socket!.write(chunk, callback);
  };
  socket.on('data', onHead);
  socket.on('end', () => stream.push(null));
  socket.on('error', (error) => stream.destroy(error));
  socket.on('close', () => {
    if (!stream.destroyed)
      stream.destroy(
        open ? undefined : Object.assign(new Error(`the proxy ${proxy.shown} closed the connection before answering CONNECT`), { code: 'ECONNRESET' }),
      );
  });
  return stream;
}
