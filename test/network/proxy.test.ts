// Through a real proxy (Debian's tinyproxy, started here on 127.0.0.1 with a config of its own):
// HTTPS by CONNECT, HTTP in absolute form, NO_PROXY going around it, a refused tunnel, and the
// proxy's credentials in no output or file.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.ts';
import { startMockServer } from '../../src/mock/server.ts';
import { cliTestFolder, editCliScenario, readRunResult } from '../fixtures/cliScenario.ts';
import { honestAnswerText, startHonestProvider } from '../fixtures/honestProvider.ts';
import { runCliProcess } from '../fixtures/runCliProcess.ts';
import { freePort, readBody } from '../fixtures/servers.ts';
import type { TestServer } from '../fixtures/servers.ts';
import { tempDir } from '../fixtures/tempFiles.ts';
import { makeTestCertificates } from '../fixtures/tlsCertificates.ts';

const TINYPROXY = '/usr/bin/tinyproxy';
const available = existsSync(TINYPROXY);
const required = Boolean(process.env.HARNESS_REQUIRE_TINYPROXY);
if (!available && !required) console.warn(`\n*** PROXY TESTS SKIPPED: ${TINYPROXY} not found (apt-get install -y tinyproxy). ***\n`);

const SECRET = 'pr0xy-s3cret';
const env = { HAPTIK_TOKEN: 'proxy-token', HAPTIK_CLIENT_ID: 'proxy-client' };
const files = cliTestFolder();
// Message ids count up: random ones repeat now and then (6,000 draws below 1e9 collide in 2% of runs),
// and a repeated id is a contract violation.
let nextMessageId = 1;
const certificates = makeTestCertificates();
/** The HTTPS target's answers: honest ones (startHonestProvider serves plain HTTP only). */
const honest = async (req: IncomingMessage, res: ServerResponse) => {
  const body = await readBody(req);
  res.writeHead(200, { 'content-type': 'application/json' }).end(honestAnswerText(body, nextMessageId++));
};

/** tinyproxy on 127.0.0.1, allowing CONNECT to `connectPorts` only, with basic credentials alice:SECRET. */
async function startTinyproxy(connectPorts: number[]): Promise<{ url: string; log(): string; stop(): Promise<void> }> {
  const folder = tempDir();
  const port = await freePort();
  const logFile = join(folder.dir, 'tinyproxy.log');
  const config = folder.write(
    'tinyproxy.conf',
    [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 30',
      `LogFile "${logFile}"`,
      'LogLevel Info',
      'MaxClients 100',
      'Allow 127.0.0.1',
      ...connectPorts.map((allowed) => `ConnectPort ${allowed}`),
      `BasicAuth alice ${SECRET}`,
      'DisableViaHeader Yes',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(TINYPROXY, ['-d', '-c', config], { stdio: 'ignore' });
  // Ready once it takes a connection.
  for (let attempt = 0; ; attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) break;
    if (attempt > 50) throw new Error('tinyproxy did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    log: () => readFileSync(logFile, 'utf8'),
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      folder.cleanup();
    },
  };
}

/** Every file a run wrote, as text, and what it printed: where a credential must not be. */
function everythingWritten(out: string, run: { stdout: string; stderr: string }): string {
  return [run.stdout, run.stderr, ...readdirSync(out).map((name) => readFileSync(join(out, name), 'utf8'))].join('\n');
}

const scenario = () =>
  editCliScenario(files, 'proxied', '  - { name: steady, duration: 1s, rate: 20 }', '', (text) =>
    text.replace('timeout: 2s }', `timeout: 2s, ca: ${certificates.caFile} }`),
  );

describe.runIf(available || required)('through a proxy', () => {
  let httpsTarget: { port: number; close(): Promise<void> };
  let httpTarget: TestServer;
  beforeAll(async () => {
    if (!available) throw new Error(`HARNESS_REQUIRE_TINYPROXY is set but ${TINYPROXY} is missing: apt-get install -y tinyproxy`);
    const server = createHttpsServer({ key: certificates.key, cert: certificates.cert }, honest);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    httpsTarget = {
      port: (server.address() as AddressInfo).port,
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    };
    httpTarget = await startHonestProvider();
  });
  afterAll(async () => {
    await httpsTarget.close();
    await httpTarget.close();
    certificates.cleanup();
  });

  it('tunnels HTTPS with CONNECT (HTTPS_PROXY), verified end to end, and never shows the credentials', async () => {
    const proxy = await startTinyproxy([httpsTarget.port]);
    try {
      const out = join(files.dir, 'https');
      const proxied = proxy.url.replace('http://', `http://alice:${SECRET}@`);
      const run = await runCliProcess(['load', scenario(), '--target', `https://127.0.0.1:${httpsTarget.port}`, '--out', out], {
        env: { ...env, HTTPS_PROXY: proxied },
      });
      expect(run.exitCode, run.stdout + run.stderr).toBe(ExitCode.ok);
      expect(run.stdout).toContain(`proxy: CONNECT tunnels through ${proxy.url} (HTTPS_PROXY)`);
      expect(proxy.log()).toContain(`CONNECT 127.0.0.1:${httpsTarget.port} HTTP/1.1`);
      const result = readRunResult(out);
      expect(result.overall.statusCounts).toEqual({ '200': 20 });
      expect(result.target.network).toMatchObject({ proxy: proxy.url, addresses: [{ address: `${proxy.url} (proxy)`, requests: 20 }] });
      expect(everythingWritten(out, run)).not.toContain(SECRET);
    } finally {
      await proxy.stop();
    }
  }, 60_000);

  it('sends HTTP in absolute form (HTTP_PROXY), and goes around the proxy for NO_PROXY', async () => {
    const proxy = await startTinyproxy([]);
    try {
      const proxied = proxy.url.replace('http://', `http://alice:${SECRET}@`);
      const out = join(files.dir, 'http');
      const run = await runCliProcess(['load', scenario(), '--target', httpTarget.url, '--out', out], { env: { ...env, http_proxy: proxied } });
      expect(run.exitCode, run.stdout + run.stderr).toBe(ExitCode.ok);
      expect(proxy.log()).toContain(`POST ${httpTarget.url}/v1.0/log_message_from_user/ HTTP/1.1`);
      expect(readRunResult(out).target.network!.proxy).toBe(proxy.url);
      expect(everythingWritten(out, run)).not.toContain(SECRET);

      const before = proxy.log().length;
      const direct = join(files.dir, 'direct');
      const bypass = await runCliProcess(['load', scenario(), '--target', httpTarget.url, '--out', direct], {
        env: { ...env, HTTP_PROXY: proxied, NO_PROXY: 'example.com, 127.0.0.1' },
      });
      expect(bypass.exitCode, bypass.stdout + bypass.stderr).toBe(ExitCode.ok);
      expect(proxy.log().slice(before)).not.toContain('POST');
      expect(readRunResult(direct).target.network!.proxy).toBeNull();
    } finally {
      await proxy.stop();
    }
  }, 60_000);

  it('verifies the pact through the proxy: the credentials check and every replayed interaction go through it', async () => {
    const mock = await startMockServer({ credentials: { token: 'verify-token', clientId: 'verify-client' }, registeredAuthIds: ['knownUser'] });
    const mockPort = Number(new URL(mock.url).port);
    // Pact's verifier proxy tunnels with CONNECT even to an http provider.
    const proxy = await startTinyproxy([mockPort]);
    try {
      const run = await runCliProcess(
        ['verify', '--provider-base-url', mock.url, '--registered-auth-id', 'knownUser', '--unregistered-auth-id', 'strangerUser'],
        {
          env: { HAPTIK_TOKEN: 'verify-token', HAPTIK_CLIENT_ID: 'verify-client', HTTP_PROXY: proxy.url.replace('http://', `http://alice:${SECRET}@`) },
        },
      );
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
      const log = proxy.log();
      expect(log).toContain(`POST ${mock.url}/v1.0/log_message_from_user/ HTTP/1.1`);
      expect(log).toContain(`CONNECT 127.0.0.1:${mockPort} HTTP/1.1`);
      expect(run.stdout + run.stderr).not.toContain(SECRET);
    } finally {
      await proxy.stop();
      await mock.close();
    }
  }, 60_000);

  it('stops before the load (exit 3) with the proxy answer when it refuses the tunnel or wants credentials', async () => {
    const proxy = await startTinyproxy([443]);
    try {
      const refused = await runCliProcess(['load', scenario(), '--target', `https://127.0.0.1:${httpsTarget.port}`, '--out', join(files.dir, 'refused')], {
        env: { ...env, HTTPS_PROXY: proxy.url.replace('http://', `http://alice:${SECRET}@`) },
      });
      expect(refused.exitCode).toBe(ExitCode.targetNotUsable);
      expect(refused.stderr).toContain(`the proxy refused: the proxy ${proxy.url} answered 403 Access violation to CONNECT 127.0.0.1:${httpsTarget.port}`);
      expect(refused.stdout + refused.stderr).not.toContain(SECRET);

      const anonymous = await runCliProcess(['load', scenario(), '--target', httpTarget.url, '--out', join(files.dir, 'anonymous')], {
        env: { ...env, HTTP_PROXY: proxy.url },
      });
      expect(anonymous.exitCode).toBe(ExitCode.targetNotUsable);
      expect(anonymous.stderr).toContain('the proxy wants credentials: it answered HTTP 407');
    } finally {
      await proxy.stop();
    }
  }, 60_000);
});
