// Real networks (issue #31): names pinned to several addresses, a resolver asked once per TTL,
// local addresses, with servers on 127.0.0.1-3 that count their own connections.
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.ts';
import { cliTestFolder, editCliScenario, readRunResult } from '../fixtures/cliScenario.ts';
import { honestAnswerText } from '../fixtures/honestProvider.ts';
import { runCliProcess } from '../fixtures/runCliProcess.ts';
import { readBody } from '../fixtures/servers.ts';
import { makeTestCertificates } from '../fixtures/tlsCertificates.ts';

const env = { HAPTIK_TOKEN: 'net-token', HAPTIK_CLIENT_ID: 'net-client' };
const files = cliTestFolder();
// Message ids count up: random ones repeat now and then (6,000 draws below 1e9 collide in 2% of runs),
// and a repeated id is a contract violation.
let nextMessageId = 1;
const certificates = makeTestCertificates(['api.harness.test']);
afterAll(() => certificates.cleanup());

/** A server on `host` that answers honestly, closing every connection (so each request opens one), and counts what it saw. */
interface CountingServer {
  connections: number;
  requests: number;
  peers: Map<string, number>;
  close(): Promise<void>;
}

async function countingServer(host: string, port: number, tls: boolean): Promise<CountingServer & { port: number }> {
  const counts = { connections: 0, requests: 0, peers: new Map<string, number>() };
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    counts.requests++;
    const body = await readBody(req);
    res.writeHead(200, { 'content-type': 'application/json', connection: 'close' }).end(honestAnswerText(body, nextMessageId++));
  };
  const server: Server = tls ? createHttpsServer({ key: certificates.key, cert: certificates.cert }, handler) : createHttpServer(handler);
  server.on(tls ? 'secureConnection' : 'connection', (socket) => {
    counts.connections++;
    counts.peers.set(socket.remoteAddress!, (counts.peers.get(socket.remoteAddress!) ?? 0) + 1);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    ...counts,
    get connections() {
      return counts.connections;
    },
    get requests() {
      return counts.requests;
    },
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Servers on 127.0.0.1, .2 and .3 at one port (the first's, chosen by the system). */
async function threeServers(tls: boolean): Promise<CountingServer[] & { port: number }> {
  const first = await countingServer('127.0.0.1', 0, tls);
  const rest = [await countingServer('127.0.0.2', first.port, tls), await countingServer('127.0.0.3', first.port, tls)];
  return Object.assign([first, ...rest], { port: first.port });
}

const ratePhase = (rate: number, duration: string) => `  - { name: steady, duration: ${duration}, rate: ${rate} }`;

describe('names pinned to several addresses (target.resolve)', () => {
  for (const tls of [false, true]) {
    it(`spreads new connections over all three servers, ${tls ? 'over TLS verified against the name' : 'over plain HTTP'}`, async () => {
      const servers = await threeServers(tls);
      try {
        const out = join(files.dir, 'pinned');
        const scenario = editCliScenario(files, 'pinned', ratePhase(150, '2s'), '', (text) =>
          text.replace(
            'timeout: 2s }',
            `timeout: 2s, resolve: { api.harness.test: [127.0.0.1, 127.0.0.2, 127.0.0.3] }${tls ? `, ca: ${certificates.caFile}` : ''} }`,
          ),
        );
        const url = `${tls ? 'https' : 'http'}://api.harness.test:${servers.port}`;
        const run = await runCliProcess(['load', scenario, '--target', url, '--out', out], { env });
        expect(run.exitCode, run.stdout + run.stderr).toBe(ExitCode.ok);
        expect(run.stdout).toContain('resolve: api.harness.test pinned by target.resolve (no DNS); TLS still verifies the name');
        const total = servers.reduce((sum, server) => sum + server.connections, 0);
        // Each request closed its connection: about 300 connections (and the preflight's), a third each.
        expect(total).toBeGreaterThanOrEqual(300);
        for (const server of servers) expect(server.connections).toBeGreaterThan(total / 5);
        // result.json counts the load's connections as the servers did (they also saw preflight's one), with their times.
        const result = readRunResult(out);
        const connections = result.overall.connections!;
        expect(connections.opened).toBe(total - 1);
        expect(result.phases[0]!.connections!.opened).toBe(connections.opened);
        expect(connections.connectMs!.p50).toBeGreaterThan(0);
        expect(connections.connectMs!.p99).toBeLessThan(1000);
        if (tls) {
          expect(connections.tlsHandshakeMs!.p50).toBeGreaterThan(0);
          expect(connections.tlsHandshakeMs!.p99).toBeLessThan(1000);
        } else expect(connections.tlsHandshakeMs).toBeNull();
        // Time to first byte: the server answers at once, so well under the whole latency's 1 s bound.
        expect(connections.firstByteMs!.p50).toBeGreaterThan(0);
        expect(connections.firstByteMs!.p99).toBeLessThanOrEqual(result.overall.serviceLatencyMs.p99!);
        expect(run.stdout).toMatch(new RegExp(`connections ${connections.opened} opened \\(1\\.0 requests each\\); connect p50 [\\d.]+(ms|µs)`));
        expect(run.stdout).toMatch(/; first byte p50 [\d.]+(ms|µs), p99 [\d.]+(ms|µs)/);
        // result.json says where the connections went, and agrees with the servers.
        const network = result.target.network!;
        expect(network.dnsQueries).toBe(0);
        expect(network.addresses.map((use) => use.address).sort()).toEqual(['127.0.0.1', '127.0.0.2', '127.0.0.3']);
        const load = servers.reduce((sum, server) => sum + server.requests, 0);
        // The servers saw the load and the preflight's requests; the result counts the load's.
        expect(network.addresses.reduce((sum, use) => sum + use.requests, 0)).toBeGreaterThanOrEqual(load - 2);
        expect(run.stdout).toMatch(/addresses 127\.0\.0\.\d \d+ conn \/ \d+ req, 127\.0\.0\.\d/);
        // The report shows the same, address by address.
        const page = readFileSync(join(out, 'report.html'), 'utf8');
        expect(page).toContain('<h2>Where the connections went</h2>');
        expect(page).toContain('<h2>Connections</h2>');
        for (const use of network.addresses) expect(page).toContain(`<code>${use.address}</code>`);
      } finally {
        await Promise.all(servers.map((server) => server.close()));
      }
    }, 60_000);
  }
});

describe('every generator reaches the target the same way', () => {
  it("with --workers 2, each worker spreads its connections and the merged counts are the servers' own", async () => {
    const servers = await threeServers(false);
    try {
      const out = join(files.dir, 'workers');
      const scenario = editCliScenario(files, 'pinned', ratePhase(150, '2s'), '', (text) =>
        text.replace('timeout: 2s }', 'timeout: 2s, resolve: { api.harness.test: [127.0.0.1, 127.0.0.2, 127.0.0.3] } }'),
      );
      const run = await runCliProcess(['load', scenario, '--target', `http://api.harness.test:${servers.port}`, '--workers', '2', '--out', out], { env });
      expect(run.exitCode, run.stdout + run.stderr).toBe(ExitCode.ok);
      const result = readRunResult(out);
      const addresses = result.target.network!.addresses;
      expect(addresses).toHaveLength(3);
      // Both workers' connections merged: as many as the servers took, less preflight's one.
      expect(result.overall.connections!.opened).toBe(servers.reduce((sum, server) => sum + server.connections, 0) - 1);
      for (const server of servers) {
        const counted = addresses.find((use) => use.address === `127.0.0.${servers.indexOf(server) + 1}`)!;
        // The servers also saw the coordinator's preflight request: one connection more at most.
        expect(server.requests - counted.requests).toBeGreaterThanOrEqual(0);
        expect(server.requests - counted.requests).toBeLessThanOrEqual(1);
        expect(counted.connections).toBeGreaterThan(300 / 5);
      }
    } finally {
      await Promise.all(servers.map((server) => server.close()));
    }
  }, 60_000);

  it('refuses bad network settings with exit 2, each with its line and field', async () => {
    const scenario = editCliScenario(files, 'bad', ratePhase(10, '1s'), '', (text) =>
      text.replace(
        'timeout: 2s }',
        'timeout: 2s,\n  resolve: { api.test: [10.0.0.300] },\n  proxy: "http://:3128",\n  dns: { select: nearest },\n  localAddresses: [10.0.0.0/8] }',
      ),
    );
    const run = await runCliProcess(['load', scenario, '--out', join(files.dir, 'bad')], { env });
    expect(run.exitCode).toBe(ExitCode.badInput);
    for (const expected of [
      /:3: target\.resolve\.api\.test\.0: an IPv4 or IPv6 address/,
      /:4: target\.proxy: an http:\/\/ proxy URL with a host/,
      /:5: target\.dns\.select: .*first.*random.*roundRobin/,
      /:6: target\.localAddresses\.0: "10\.0\.0\.0\/8" is not an IP address or an IPv4 CIDR block from \/24 to \/32/,
    ])
      expect(run.stderr).toMatch(expected);
  });
});

describe('the resolver', () => {
  let server: CountingServer & { port: number };
  beforeAll(async () => {
    server = await countingServer('127.0.0.1', 0, false);
  });
  afterAll(() => server.close());

  it('is asked once per TTL, not once per connection, over 2,000 new connections', async () => {
    const out = join(files.dir, 'ttl');
    const scenario = editCliScenario(files, 'ttl', ratePhase(1000, '2s'), '', (text) =>
      text.replace('timeout: 2s }', 'timeout: 2s, dns: { family: ipv4, ttl: 1m } }'),
    );
    const run = await runCliProcess(['load', scenario, '--target', `http://localhost:${server.port}`, '--out', out], { env });
    expect(run.exitCode, run.stdout + run.stderr).toBe(ExitCode.ok);
    const result = readRunResult(out);
    expect(result.overall.requests.sent).toBe(2000);
    const network = result.target.network!;
    expect(network.addresses).toEqual([{ address: '127.0.0.1', connections: expect.any(Number), requests: 2000 }]);
    expect(network.addresses[0]!.connections).toBeGreaterThanOrEqual(1900);
    // Preflight asked once and the load used its answer: no question during the load.
    expect(network.dnsQueries).toBe(0);
    expect(run.stdout).toContain('dns: localhost resolved once per 60s, new connections spread over every address');

    // A TTL of half a second: asked again about every half second of the 2 s load, not per connection.
    const shortOut = join(files.dir, 'short-ttl');
    const short = editCliScenario(files, 'ttl', ratePhase(1000, '2s'), '', (text) =>
      text.replace('timeout: 2s }', 'timeout: 2s, dns: { family: ipv4, ttl: 500ms } }'),
    );
    expect((await runCliProcess(['load', short, '--target', `http://localhost:${server.port}`, '--out', shortOut], { env })).exitCode).toBe(ExitCode.ok);
    const queries = readRunResult(shortOut).target.network!.dnsQueries;
    expect(queries).toBeGreaterThanOrEqual(2);
    expect(queries).toBeLessThanOrEqual(8);
  }, 60_000);

  it('leaves from each local address in turn (target.localAddresses)', async () => {
    const out = join(files.dir, 'local');
    const scenario = editCliScenario(files, 'local', ratePhase(100, '2s'), '', (text) =>
      text.replace('timeout: 2s }', 'timeout: 2s, localAddresses: [127.0.0.2, 127.0.0.3] }'),
    );
    server.peers.clear();
    const run = await runCliProcess(['load', scenario, '--target', `http://127.0.0.1:${server.port}`, '--out', out], { env });
    expect(run.exitCode, run.stdout + run.stderr).toBe(ExitCode.ok);
    const peers = server.peers;
    expect([...peers.keys()].sort()).toEqual(['127.0.0.2', '127.0.0.3']);
    expect(Math.min(...peers.values())).toBeGreaterThan(80);
    expect(readRunResult(out).target.network!.localAddresses).toBe(2);
  }, 60_000);
});

describe('many connections at once', () => {
  // 30,000 connections through two local addresses need about 60,000 descriptors (both ends run on
  // this machine); where `ulimit -n` allows fewer, 6,000 at once still show the spread.
  it('holds thousands of connections open at once, leaving from both local addresses', async () => {
    let held = 0;
    const peers = new Map<string, number>();
    const server = createHttpServer(async (req, res) => {
      const body = await readBody(req);
      held++;
      // Each answer waits, so every connection of the phase is open at the same time.
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(honestAnswerText(body, nextMessageId++)), 1500);
    });
    server.on('connection', (socket) => peers.set(socket.remoteAddress!, (peers.get(socket.remoteAddress!) ?? 0) + 1));
    server.maxConnections = 40_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 1024, resolve));
    try {
      const connections = 6000;
      const out = join(files.dir, 'many');
      const scenario = editCliScenario(files, 'many', `  - { name: hold, duration: 2s, connections: ${connections} }`, '', (text) =>
        text.replace('timeout: 2s }', 'timeout: 10s, localAddresses: [127.0.0.2, 127.0.0.3] }'),
      );
      const run = await runCliProcess(['load', scenario, '--target', `http://127.0.0.1:${(server.address() as AddressInfo).port}`, '--out', out], {
        env,
        timeoutMs: 90_000,
      });
      expect(run.exitCode, run.stdout.slice(-3000) + run.stderr).toBe(ExitCode.ok);
      const result = readRunResult(out);
      expect(result.overall.requests.sent).toBeGreaterThanOrEqual(connections);
      const { http: _http, ...transport } = result.overall.errors;
      expect(Object.entries(transport).filter(([, count]) => count > 0)).toEqual([]);
      expect(peers.get('127.0.0.2')).toBeGreaterThanOrEqual(connections / 2 - 1);
      expect(peers.get('127.0.0.3')).toBeGreaterThanOrEqual(connections / 2 - 1);
      expect(held).toBeGreaterThanOrEqual(connections);
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  }, 120_000);
});

describe('connection: new', () => {
  it('sends each request of the phase on a connection of its own, where the pool keeps a few', async () => {
    // A keep-alive server: it closes nothing itself.
    let connections = 0;
    const server = createHttpServer(async (req, res) => {
      const body = await readBody(req);
      res.writeHead(200, { 'content-type': 'application/json' }).end(honestAnswerText(body, nextMessageId++));
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const run = async (connection: string) => {
        connections = 0;
        const out = join(files.dir, connection);
        const scenario = editCliScenario(files, connection, `  - { name: steady, duration: 2s, rate: 50, connection: ${connection} }`, '', (text) => text);
        const result = await runCliProcess(['load', scenario, '--target', url, '--out', out], { env });
        expect(result.exitCode, result.stdout + result.stderr).toBe(ExitCode.ok);
        return { server: connections, result: readRunResult(out) };
      };
      const fresh = await run('new');
      expect(fresh.result.overall.requests.sent).toBe(100);
      expect(fresh.result.overall.connections!.opened).toBe(100);
      // The server saw the load's 100 connections and preflight's one.
      expect(fresh.server).toBe(101);
      const pooled = await run('pool');
      expect(pooled.result.overall.connections!.opened).toBeLessThan(10);
      expect(pooled.server).toBe(pooled.result.overall.connections!.opened + 1);
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  }, 60_000);
});
