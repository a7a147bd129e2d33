import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.ts';
import { readRunResult } from '../fixtures/cliScenario.ts';
import { okAnswer, startRawServer } from '../fixtures/rawServer.ts';
import type { RawServer } from '../fixtures/rawServer.ts';
import { runCliProcess } from '../fixtures/runCliProcess.ts';
import { tempDir } from '../fixtures/tempFiles.ts';
import { makeTestCertificates } from '../fixtures/tlsCertificates.ts';

// `load` against small adversarial targets on 127.0.0.1: the run ends with a result whose counts
// add up and whose verdict says what happened, and the token only goes where it is trusted.

const env = { HAPTIK_TOKEN: 'hostile-token', HAPTIK_CLIENT_ID: 'hostile-client' };
let files: ReturnType<typeof tempDir>;
let server: RawServer | undefined;
beforeEach(() => {
  files = tempDir();
  files.write('users.csv', 'auth_id\nalice01\nbob02\n');
  files.write('messages.csv', 'message_body\nhello\n');
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  files.cleanup();
});

/** A scenario against `url` (contract checks off unless asked: these targets answer `{"ok":true}`). */
function scenario(url: string, options: { target?: string; timeout?: string; phases?: string; extra?: string } = {}): string {
  return files.write(
    'scenario.yml',
    `name: hostile
target: { url: "${url}", token: "\${HAPTIK_TOKEN}", clientId: "\${HAPTIK_CLIENT_ID}", timeout: ${options.timeout ?? '5s'}${options.target ?? ''} }
users: { file: users.csv }
messages: { file: messages.csv }
phases:
${options.phases ?? '  - { name: steady, duration: 1s, rate: 20 }'}
contract: false
${options.extra ?? ''}`,
  );
}

/** The preflight sends as alice01; any 200 passes it. */
const answerOk = () => okAnswer('{"message_id":1}');
const tokenSeen = () => server!.requests.filter((r) => r.head.includes('Bearer hostile-token')).length;

describe('load against hostile targets', () => {
  it('a 103 Early Hints or 100 Continue before each 200 is skipped: every request counts as its 200', async () => {
    server = await startRawServer((socket, request) => {
      socket.write(request.index % 2 === 0 ? 'HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n' : 'HTTP/1.1 100 Continue\r\n\r\n');
      socket.write(answerOk());
    });
    const run = await runCliProcess(['load', scenario(server.url), '--out', join(files.dir, 'out')], { env });
    expect(run.stderr).not.toMatch(/TypeError|\n\s+at /);
    expect(run.exitCode).toBe(ExitCode.ok);
    const result = readRunResult(join(files.dir, 'out'));
    expect(result.overall.requests.sent).toBe(20);
    expect(result.overall.statusCounts).toEqual({ '200': 20 });
  });

  it('a FIN in the middle of every 5th answer costs exactly those requests, counted as resets', async () => {
    server = await startRawServer((socket, request) => {
      // request 0 is preflight; then every 5th load request is cut off.
      if (request.index > 0 && request.index % 5 === 0) socket.end('HTTP/1.1 200 OK\r\nCon');
      else socket.write(answerOk());
    });
    const run = await runCliProcess(
      ['load', scenario(server.url, { phases: '  - { name: steady, duration: 1s, rate: 40 }' }), '--out', join(files.dir, 'out')],
      { env },
    );
    expect(run.exitCode).toBe(ExitCode.ok);
    const result = readRunResult(join(files.dir, 'out'));
    expect(result.overall.requests.sent).toBe(40);
    expect(result.overall.errors.reset).toBe(8);
    expect(result.overall.statusCounts).toEqual({ '200': 32 });
    expect(result.overall.errors.protocol).toBe(0);
  });

  it('broken answers are protocol errors with the reason in the summary; a close-delimited 200 is a 200', async () => {
    const broken = ['HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n{}', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}!'];
    server = await startRawServer((socket, request) => {
      const kind = request.index % 4;
      if (request.index === 0 || kind === 0) socket.write(answerOk());
      else if (kind === 1) socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{"message_id":2}');
      else socket.write(broken[kind - 2]!);
    });
    const run = await runCliProcess(['load', scenario(server.url, { extra: 'thresholds:\n  - errorRate < 1%' }), '--out', join(files.dir, 'out')], { env });
    expect(run.exitCode).toBe(ExitCode.thresholdFailed);
    const result = readRunResult(join(files.dir, 'out'));
    expect(result.overall.statusCounts).toEqual({ '200': 10 });
    expect(result.overall.errors.protocol).toBe(10);
    expect(result.overall.errors.timeout).toBe(0);
    expect(run.stdout).toMatch(/protocol \(5\): invalid Content-Length "abc"/);
    expect(run.stdout).toMatch(/protocol \(5\): conflicting Content-Length headers/);
  });

  it('peak memory stays small with 50 MB bodies at 20/s: each is read, dropped and counted as bodyTooLarge', async () => {
    const body = Buffer.alloc(50 * 1024 * 1024, 0x61);
    const head = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
    server = await startRawServer((socket, request) => {
      if (request.index === 0) socket.write(answerOk());
      else socket.write(Buffer.concat([head, body]));
    });
    const run = await runCliProcess(['load', scenario(server.url, { timeout: '20s' }), '--out', join(files.dir, 'out')], { env, timeoutMs: 90_000 });
    expect(run.exitCode).toBe(ExitCode.thresholdFailed);
    const result = readRunResult(join(files.dir, 'out'));
    expect(result.overall.errors.bodyTooLarge).toBe(20);
    expect(result.environment.peakRssBytes).toBeLessThan(300 * 1024 * 1024);
  }, 120_000);

  it('running out of file descriptors is counted as localLimit, with what to do about it', async () => {
    // Answers after 300 ms, so connections pile up; the CLI's descriptor limit is cut to 64 once preflight passed.
    server = await startRawServer((socket, request) => (request.index === 0 ? socket.write(answerOk()) : setTimeout(() => socket.write(answerOk()), 300)));
    let limited = false;
    const run = await runCliProcess(
      ['load', scenario(server.url, { phases: '  - { name: steady, duration: 1s, rate: 300, maxConnections: 400 }' }), '--out', join(files.dir, 'out')],
      {
        env,
        onStdout: (text, _kill, pid) => {
          if (limited || !text.includes('preflight:')) return;
          limited = true;
          execFileSync('prlimit', [`--pid=${pid}`, '--nofile=64:64']);
        },
      },
    );
    expect(limited).toBe(true);
    const result = readRunResult(join(files.dir, 'out'));
    expect(result.overall.errors.localLimit).toBeGreaterThan(0);
    expect(result.overall.errors.socket).toBe(0);
    expect(run.stdout).toMatch(/localLimit \(\d+\): .*EMFILE/);
    expect(run.stdout).toContain('ran out of file descriptors or ports; raise `ulimit -n`');
  });
});

describe('TLS on a real target', () => {
  const certificates = makeTestCertificates();
  afterAll(() => certificates.cleanup());

  it('refuses an untrusted certificate at preflight (exit 3) and, with --no-preflight, sends the token to no one', async () => {
    server = await startRawServer(() => {}, { tls: certificates.selfSigned });
    const preflight = await runCliProcess(['load', scenario(server.url), '--out', join(files.dir, 'preflight')], { env });
    expect(preflight.exitCode).toBe(ExitCode.targetNotUsable);
    expect(preflight.stderr).toMatch(
      /certificate not trusted: https:\/\/127\.0\.0\.1:\d+\/v1\.0\/log_message_from_user\/ \(DEPTH_ZERO_SELF_SIGNED_CERT: .*\)\. Give its CA with target\.ca: FILE \(added to the trusted ones\), target\.systemCa: true for the machine's store, or run with --insecure/,
    );

    const forced = await runCliProcess(['load', scenario(server.url), '--no-preflight', '--out', join(files.dir, 'forced')], { env });
    expect(forced.exitCode).toBe(ExitCode.thresholdFailed);
    const result = readRunResult(join(files.dir, 'forced'));
    expect(result.overall.errors.tls).toBe(20);
    expect(result.target.tlsVerified).toBe(true);
    expect(server.requests).toHaveLength(0);
  });

  it('trusts a private CA named by target.ca', async () => {
    server = await tlsServerAnsweringOk(certificates);
    const run = await runCliProcess(['load', scenario(server.url, { target: `, ca: "${certificates.caFile}"` }), '--out', join(files.dir, 'out')], { env });
    expect(run.exitCode).toBe(ExitCode.ok);
    expect(readRunResult(join(files.dir, 'out')).overall.statusCounts).toEqual({ '200': 20 });
    expect(tokenSeen()).toBe(21);
  });

  it('a target.ca file that holds no certificate is exit 2, its content not echoed', async () => {
    const notPem = files.write('ca.pem', 'SECRET-LOOKING-CONTENT\n');
    const run = await runCliProcess(['load', scenario('https://127.0.0.1:9', { target: `, ca: "${notPem}"` }), '--out', join(files.dir, 'out')], { env });
    expect(run.exitCode).toBe(ExitCode.badInput);
    expect(run.stderr).toContain('holds no PEM certificate');
    expect(run.stderr).not.toContain('SECRET-LOOKING-CONTENT');
  });

  it('--insecure skips verification, says so loudly, and the result and banner record it', async () => {
    server = await tlsServerAnsweringOk(certificates.selfSigned);
    const run = await runCliProcess(['load', scenario(server.url), '--insecure', '--out', join(files.dir, 'out')], { env });
    expect(run.exitCode).toBe(ExitCode.ok);
    expect(run.stdout).toMatch(/WARNING: TLS certificates of https:\/\/127\.0\.0\.1:\d+ are NOT verified/);
    expect(run.stdout).toContain('Warning: TLS certificates of the target were not verified (--insecure)');
    expect(readRunResult(join(files.dir, 'out')).target.tlsVerified).toBe(false);
    expect(readFileSync(join(files.dir, 'out', 'report.html'), 'utf8')).toContain('TLS certificates of the target were not verified');
  });
});

/** A TLS raw server answering every request with a 200. */
function tlsServerAnsweringOk(identity: { key: Buffer; cert: Buffer }): Promise<RawServer> {
  return startRawServer((socket) => socket.write(answerOk()), { tls: identity });
}

describe('preflight uses the load client', () => {
  it('reaches a healthy target on a port fetch refuses (6000, X11)', async () => {
    const blocked = [6000, 6665, 6666, 6667, 6668, 6669, 6697, 10080];
    let listening: Server | undefined;
    let port = 0;
    for (const candidate of blocked) {
      const attempt = createServer();
      const ok = await new Promise<boolean>((resolve) => {
        attempt.once('error', () => resolve(false));
        attempt.listen(candidate, '127.0.0.1', () => resolve(true));
      });
      if (ok) {
        listening = attempt;
        port = candidate;
        break;
      }
    }
    expect(listening, 'one of the ports fetch refuses is free on 127.0.0.1').toBeDefined();
    await new Promise((resolve) => listening!.close(resolve));
    server = await startRawServer((socket) => socket.write(answerOk()), { port });
    const run = await runCliProcess(['load', scenario(`http://127.0.0.1:${port}`), '--out', join(files.dir, 'out')], { env });
    expect(run.stderr).not.toContain('TypeError');
    expect(run.exitCode).toBe(ExitCode.ok);
    expect(run.stdout, run.stdout).toMatch(/preflight: credentials accepted \(auth_id alice01\): 200/);
  });
});
