// The same scenario on 1 process, 2 workers and 3 shards (local processes, merged) against a
// fixed-latency server on 127.0.0.1: what scaleOut*.test.ts run and compare.
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { RunResult } from '../../src/report/resultModel.ts';
import { readRunResult } from '../fixtures/cliScenario.ts';
import { runCliProcess } from '../fixtures/runCliProcess.ts';
import { startLoggingServer } from '../fixtures/loggingServer.ts';
import type { LoggingServer } from '../fixtures/loggingServer.ts';
import { tempDir } from '../fixtures/tempFiles.ts';

export const DELAY_MS = 5;
// 800 requests in 2 s: as many answers to compare as 200/s for 4 s gave, in half the time.
export const RATE_PER_SEC = 400;
export const DURATION_MS = 2000;
export const ENV = { HAPTIK_TOKEN: 'token', HAPTIK_CLIENT_ID: 'client' };

/** What one way of running measured, and what the server saw. */
export interface Measured {
  result: RunResult;
  arrivalsMs: number[];
  authIds: string[];
}

/**
 * A folder with the users (dup-a and dup-b first, then u0..u297) and messages, and a server
 * answering in DELAY_MS, for the file that calls it (set up before its tests, closed after).
 */
export function splitRuns() {
  let files: ReturnType<typeof tempDir>;
  let server: LoggingServer;
  beforeAll(async () => {
    files = tempDir();
    server = await startLoggingServer(DELAY_MS);
    files.write('users.csv', `auth_id\ndup-a\ndup-b\n${Array.from({ length: 298 }, (_, i) => `u${i}`).join('\n')}\n`);
    files.write('messages.csv', 'message_body\nhello\nनमस्ते 🙏\n');
  });
  afterAll(async () => {
    await server.close();
    files.cleanup();
  });

  function scenario(name: string, users: 'sequence' | 'once'): string {
    return files.write(
      `${name}.yml`,
      `name: ${name}
target: { url: "${server.url}", token: "\${HAPTIK_TOKEN}", clientId: "\${HAPTIK_CLIENT_ID}", timeout: 2s }
users: { file: users.csv, order: ${users} }
messages: { file: messages.csv }
phases:
  - { name: steady, duration: ${DURATION_MS}ms, rate: ${RATE_PER_SEC} }
thresholds:
  - p99 < 2s
  # The dup-* users get one id between them: the repeats are counted, not judged here.
  - contractViolations < 1000
`,
    );
  }

  async function single(file: string, out: string, extra: string[] = []): Promise<Measured> {
    server.reset();
    const run = await runCliProcess(['load', file, '--out', join(files.dir, out), '--no-preflight', '--quiet', ...extra], { env: ENV, timeoutMs: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    return { result: readRunResult(join(files.dir, out)), arrivalsMs: [...server.arrivalsMs], authIds: [...server.authIds] };
  }

  /** `leadMs`: how far ahead the shards' --start-at is, far enough for every shard process to be ready. */
  async function sharded(file: string, out: string, count: number, leadMs: number): Promise<Measured> {
    server.reset();
    const startAt = new Date(Date.now() + leadMs).toISOString();
    const runs = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        runCliProcess(['load', file, '--shard', `${i}/${count}`, '--start-at', startAt, '--out', join(files.dir, `${out}-${i}`), '--no-preflight', '--quiet'], {
          env: ENV,
          timeoutMs: 60_000,
        }),
      ),
    );
    for (const run of runs) expect(run.exitCode).toBe(0);
    const merged = await runCliProcess(['merge', ...runs.map((_, i) => join(files.dir, `${out}-${i}`)), '--out', join(files.dir, out)], {
      env: ENV,
      timeoutMs: 60_000,
    });
    expect(merged.stderr).toBe('');
    expect(merged.exitCode).toBe(0);
    const result = readRunResult(join(files.dir, out));
    // Every shard was ready by --start-at: one that was not would start late, and say so here first.
    for (const row of result.generators!.rows) expect(row.startOffsetMs, `${row.label} started late`).toBeLessThan(100);
    return { result, arrivalsMs: [...server.arrivalsMs], authIds: [...server.authIds] };
  }

  return {
    scenario,
    single,
    sharded,
    get files() {
      return files;
    },
    get server() {
      return server;
    },
  };
}
