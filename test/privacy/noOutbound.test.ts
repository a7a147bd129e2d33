import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer } from '../../src/mock/server.ts';
import type { RunningMock } from '../../src/mock/server.ts';
import { tempDir } from '../fixtures/tempFiles.ts';

/**
 * Every connection a command opens goes to 127.0.0.1 or ::1: Pact's native core, for one, sends
 * usage events (and a DNS query for them) unless told not to. strace sees what the native code
 * does, which no JavaScript hook can. CI installs strace and sets HARNESS_REQUIRE_STRACE.
 */
const STRACE = '/usr/bin/strace';
const available = existsSync(STRACE);
const required = Boolean(process.env.HARNESS_REQUIRE_STRACE);
if (!available && !required) console.warn(`\n*** OUTBOUND-TRAFFIC TEST SKIPPED: ${STRACE} not found (apt-get install -y strace). ***\n`);

const ROOT = join(import.meta.dirname, '..', '..');

/** The addresses of every connect/sendto/sendmsg of a command and its children that leave loopback, or go to DNS. */
export function outboundAddresses(straceLog: string): string[] {
  const found: string[] = [];
  for (const line of straceLog.split('\n')) {
    if (!/\b(connect|sendto|sendmsg)\(/.test(line)) continue;
    const port = /htons\((\d+)\)/.exec(line)?.[1];
    const v4 = /inet_addr\("([^"]+)"\)/.exec(line)?.[1];
    const v6 = /inet_pton\(AF_INET6, "([^"]+)"/.exec(line)?.[1];
    const address = v4 ?? v6;
    if (address === undefined) continue;
    const loopback = v4 ? v4.startsWith('127.') : v6 === '::1' || v6!.startsWith('::ffff:127.');
    if (!loopback || port === '53') found.push(`${address}:${port ?? '?'}`);
  }
  return found;
}

/** Runs a command under strace (asynchronously: the mock answering it lives in this process). */
function traced(args: string[], env: Record<string, string>, logFile: string): Promise<{ status: number | null; output: string; log: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(STRACE, ['-f', '-qq', '-e', 'trace=connect,sendto,sendmsg', '-o', logFile, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output, log: readFileSync(logFile, 'utf8') });
    });
  });
}

describe.runIf(available || required)('nothing leaves the machine', () => {
  let mock: RunningMock;
  let files: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    if (!available) throw new Error(`HARNESS_REQUIRE_STRACE is set but ${STRACE} is missing: apt-get install -y strace`);
    files = tempDir();
    mock = await startMockServer({ credentials: { token: 'trace-token', clientId: 'trace-client' }, registeredAuthIds: ['knownUser'] });
  });
  afterAll(async () => {
    await mock?.close();
    files?.cleanup();
  });

  it('reads outbound addresses from strace lines, DNS on loopback included', () => {
    const log = [
      '11 connect(34, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16) = 0',
      '11 connect(35, {sa_family=AF_INET, sin_port=htons(43210), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
      '11 connect(36, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:db8::1", &sin6_addr), sin6_scope_id=0}, 28) = -1',
      '11 sendto(37, "x", 1, 0, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("127.0.0.53")}, 16) = 1',
      '11 connect(38, {sa_family=AF_UNIX, sun_path="/run/x"}, 110) = 0',
    ].join('\n');
    expect(outboundAddresses(log)).toEqual(['10.255.255.53:53', '2001:db8::1:443', '127.0.0.53:53']);
  });

  it('npm run verify talks to the provider on 127.0.0.1 and nothing else', async () => {
    const run = await traced(
      [
        process.execPath,
        '--import',
        'tsx',
        'src/cli/main.ts',
        'verify',
        '--provider-base-url',
        mock.url,
        '--registered-auth-id',
        'knownUser',
        '--unregistered-auth-id',
        'stranger',
      ],
      { HAPTIK_TOKEN: 'trace-token', HAPTIK_CLIENT_ID: 'trace-client', PACT_DO_NOT_TRACK: '' },
      join(files.dir, 'verify.strace'),
    );
    expect(run.status, run.output).toBe(0);
    expect(run.log).toMatch(/connect\(.*127\.0\.0\.1/);
    expect(outboundAddresses(run.log)).toEqual([]);
  });

  it("the Pact consumer tests (Pact's mock server) talk to 127.0.0.1 and nothing else", async () => {
    const run = await traced(
      // What is traced here is where connections go, not whether each consumer test passes (CI runs them
      // on their own): under strace one of them has twice found its request not received (2 of 5 CI runs
      // on 2026-12-05, never outside strace), so a test gets a second try here.
      [process.execPath, join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--project', 'pact-consumer', '--retry', '1'],
      { HARNESS_PACT_OUT_DIR: files.dir, PACT_DO_NOT_TRACK: '' },
      join(files.dir, 'consumer.strace'),
    );
    expect(run.status, run.output).toBe(0);
    expect(existsSync(join(files.dir, 'chat-platform-harness-haptik-log-message-api.json'))).toBe(true);
    expect(outboundAddresses(run.log)).toEqual([]);
  });
});
