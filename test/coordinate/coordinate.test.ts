// A coordinator and its shards as local processes on 127.0.0.1, sending to one logging server:
// the start barrier, one schedule, the live stop, lost and refused shards, and the result.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardFileSchema } from '../../src/merge/shardFile.ts';
import type { ShardFile } from '../../src/merge/shardFile.ts';
import { readRunResult } from '../fixtures/cliScenario.ts';
import { busiestWindow, startLoggingServer } from '../fixtures/loggingServer.ts';
import type { LoggingServer } from '../fixtures/loggingServer.ts';
import { SLOW_WORKER_START_ENV, runCliProcess } from '../fixtures/runCliProcess.ts';
import { COORDINATED_ENV, coordinated } from './coordinatedRun.ts';
import { tempDir } from '../fixtures/tempFiles.ts';

const RATE_PER_SEC = 200;
const USERS = 300;
const ENV = COORDINATED_ENV;

let files: ReturnType<typeof tempDir>;
let server: LoggingServer;
beforeAll(async () => {
  files = tempDir();
  server = await startLoggingServer(5);
  files.write('users.csv', `auth_id\n${Array.from({ length: USERS }, (_, i) => `u${i}`).join('\n')}\n`);
  files.write('messages.csv', 'message_body\nhello\n');
});
afterAll(async () => {
  await server.close();
  files.cleanup();
});

function scenario(name: string, durationMs: number, thresholds = '  - p99 < 2s'): string {
  return files.write(
    `${name}.yml`,
    `name: ${name}
target: { url: "${server.url}", token: "\${HAPTIK_TOKEN}", clientId: "\${HAPTIK_CLIENT_ID}", timeout: 2s }
users: { file: users.csv, order: sequence }
messages: { file: messages.csv }
phases:
  - { name: steady, duration: ${durationMs}ms, rate: ${RATE_PER_SEC} }
thresholds:
${thresholds}
`,
  );
}

const shardFile = (dir: string): ShardFile => shardFileSchema.parse(JSON.parse(readFileSync(join(dir, 'shard.json'), 'utf8')));
/** Which shard sent a user's message: with `sequence` users, request k goes to shard k mod 3 and carries user k mod 300. */
const shardOf = (authId: string) => Number(authId.slice(1)) % 3;

describe('a coordinator and 3 shards started 0, 2 and 4 s apart, one of them 3 s longer getting ready', () => {
  const DURATION_MS = 4000;
  let run: Awaited<ReturnType<typeof coordinated>>;
  beforeAll(async () => {
    server.reset();
    run = await coordinated(files.dir, scenario('together', DURATION_MS), 'together', {
      shards: 3,
      delaysMs: [0, 2000, 4000],
      coordinatorArgs: ['--no-preflight'],
      // Shard 1 splits its stripe over 2 workers: their seconds reach the coordinator through it.
      shardArgs: (i) => (i === 1 ? ['--workers', '2'] : []),
      // ...which take 3 s to load: the start waits until every shard says it is ready.
      shardEnv: (i) => (i === 1 ? SLOW_WORKER_START_ENV : {}),
    });
  }, 120_000);

  it('starts them together and sends exactly the single run’s requests, as evenly as one process', () => {
    expect(run.coordinator.stderr).toBe('');
    expect(run.coordinator.exitCode).toBe(0);
    for (const shard of run.shards) expect(shard.run.exitCode, shard.run.stderr).toBe(0);
    const result = readRunResult(join(files.dir, 'together'));
    const scheduled = (RATE_PER_SEC * DURATION_MS) / 1000;
    expect(result.overall.requests.scheduled).toBe(scheduled);
    expect(result.overall.requests.sent).toBe(scheduled);
    // Request k of the single run carries user k mod 300: the same users, as often, in total.
    const expected = Array.from({ length: scheduled }, (_, k) => `u${k % USERS}`).sort();
    expect([...server.authIds].sort()).toEqual(expected);
    const { most, share } = busiestWindow(server.arrivalsMs, RATE_PER_SEC);
    expect(most).toBeLessThanOrEqual(1.5 * share);
    expect(result.generators?.rows.map((row) => row.label)).toEqual(['shard 0/3', 'shard 1/3', 'shard 2/3']);
    // One start for all, though they came 4 s apart and one took 3 s more to get ready.
    for (const row of result.generators!.rows) expect(row.startOffsetMs).toBeLessThan(100);
    expect(run.coordinator.stdout).toMatch(/Every shard starts its schedule at/);
    expect(run.coordinator.stdout).toMatch(/shard 1\/3 \(.+\) joined \(2 generators\)/);
    expect(shardFile(run.shards[1]!.dir).workers).toBe(2);
    expect(run.coordinator.stdout).toMatch(/\[ +\d+s\] +steady +target +200\/s/);
    expect(result.passed).toBe(true);
  });

  it('writes the result npm run merge builds from the same shards', async () => {
    const merged = await runCliProcess(['merge', ...run.shards.map((shard) => shard.dir), '--out', join(files.dir, 'together-merged'), '--no-index'], {
      env: ENV,
      timeoutMs: 60_000,
    });
    expect(merged.exitCode, merged.stderr).toBe(0);
    const fromCoordinator = readRunResult(join(files.dir, 'together'));
    const fromMerge = readRunResult(join(files.dir, 'together-merged'));
    expect(fromCoordinator).toEqual(fromMerge);
    // The coordinator checks the target (here: was told not to); its shards never do.
    for (const shard of run.shards) expect(shardFile(shard.dir).preflight).toEqual([]);
  });
});

describe('stopping a coordinated run', () => {
  it('stops every shard within 2 s when an abortOnFail threshold fails on the merged figures', async () => {
    server.reset();
    const file = scenario('abort', 30_000, '  - { expr: p99 < 50ms, abortOnFail: true }');
    let slowed = false;
    const run = await coordinated(files.dir, file, 'abort', {
      shards: 3,
      delaysMs: [0, 0, 0],
      // 4 s after the start, every answer takes 200 ms.
      onCoordinatorStdout: (text) => {
        if (!slowed && text.includes('Every shard starts its schedule')) {
          slowed = true;
          setTimeout(() => server.setDelayMs(200), 4000);
        }
      },
    });
    expect(run.coordinator.exitCode, run.coordinator.stdout + run.coordinator.stderr).toBe(1);
    const result = readRunResult(join(files.dir, 'abort'));
    expect(result.aborted).toBe(true);
    expect(result.abortReason).toMatch(/threshold "p99 < 50ms" failed \(abortOnFail\) on every shard's figures merged/);
    // Each shard's last request reached the server within 2 s of the others'.
    const lastArrivalMs = [0, 1, 2].map((shard) => Math.max(...server.arrivalsMs.filter((_, i) => shardOf(server.authIds[i]!) === shard)));
    expect(Math.max(...lastArrivalMs) - Math.min(...lastArrivalMs)).toBeLessThan(2000);
    for (const shard of run.shards) {
      const kept = shardFile(shard.dir);
      expect(kept.measured.aborted).toBe(true);
      expect(kept.measured.sendingEndedMs).toBeLessThan(15_000);
    }
  }, 120_000);

  it('stops the run with the name of a shard killed mid-run, and keeps the others’ figures', async () => {
    server.reset();
    const file = scenario('lost', 30_000);
    let killed = false;
    const run = await coordinated(files.dir, file, 'lost', {
      shards: 3,
      coordinatorArgs: ['--no-preflight'],
      delaysMs: [0, 0, 0],
      onCoordinatorStdout: (text, kills) => {
        if (!killed && text.includes('Every shard starts its schedule')) {
          killed = true;
          setTimeout(() => kills[1]!('SIGKILL'), 6000);
        }
      },
    });
    expect(run.shards[1]!.run.signal).toBe('SIGKILL');
    expect(run.coordinator.exitCode).toBe(1);
    const result = readRunResult(join(files.dir, 'lost'));
    expect(result.aborted).toBe(true);
    expect(result.abortReason).toMatch(/shard 1\/3 \(.+\) was lost \(.+\): its requests are missing from the result/);
    expect(result.generators?.rows.map((row) => row.label)).toEqual(['shard 0/3', 'shard 2/3']);
    expect(result.overall.requests.sent).toBeGreaterThan(0);
    expect(result.overall.requests.sent).toBe(server.authIds.filter((id) => shardOf(id) !== 1).length);
    for (const i of [0, 2]) {
      expect(run.shards[i]!.run.exitCode).toBe(0);
      expect(shardFile(run.shards[i]!.dir).measured.sendingEndedMs).toBeLessThan(15_000);
    }
  }, 120_000);
});

describe('a coordinator stopped or lost', () => {
  it('Ctrl-C on the coordinator stops every shard and keeps what each measured (exit 130)', async () => {
    server.reset();
    let interrupted = false;
    const run = await coordinated(files.dir, scenario('ctrl-c', 30_000), 'ctrl-c', {
      shards: 2,
      delaysMs: [0, 0],
      coordinatorArgs: ['--no-preflight'],
      onCoordinatorStdout: (text, _kills, killCoordinator) => {
        if (!interrupted && text.includes('Every shard starts its schedule')) {
          interrupted = true;
          setTimeout(() => killCoordinator('SIGINT'), 4000);
        }
      },
    });
    expect(run.coordinator.exitCode).toBe(130);
    const result = readRunResult(join(files.dir, 'ctrl-c'));
    expect(result.interrupted).toBe(true);
    expect(result.generators?.rows.map((row) => row.label)).toEqual(['shard 0/2', 'shard 1/2']);
    // Every request the server got is in the result: what each shard measured was kept.
    expect(result.overall.requests.sent).toBe(server.authIds.length);
    expect(result.overall.requests.sent).toBeGreaterThan(RATE_PER_SEC * 2);
    for (const shard of run.shards) expect(shardFile(shard.dir).measured.sendingEndedMs).toBeLessThan(15_000);
  }, 120_000);

  it('a shard that loses its coordinator runs on and keeps its shard.json for npm run merge', async () => {
    server.reset();
    let killed = false;
    const file = scenario('orphans', 6000);
    const run = await coordinated(files.dir, file, 'orphans', {
      shards: 2,
      delaysMs: [0, 0],
      coordinatorArgs: ['--no-preflight'],
      onCoordinatorStdout: (text, _kills, killCoordinator) => {
        if (!killed && text.includes('Every shard starts its schedule')) {
          killed = true;
          setTimeout(() => killCoordinator('SIGKILL'), 3000);
        }
      },
    });
    expect(run.coordinator.signal).toBe('SIGKILL');
    for (const shard of run.shards) {
      expect(shard.run.exitCode, shard.run.stderr).toBe(0);
      expect(shard.run.stdout).toMatch(/the coordinator was lost \(.+\): merge every shard's folder with npm run merge/);
    }
    const merged = await runCliProcess(['merge', ...run.shards.map((shard) => shard.dir), '--out', join(files.dir, 'orphans-merged'), '--no-index'], {
      env: ENV,
      timeoutMs: 60_000,
    });
    expect(merged.exitCode, merged.stderr).toBe(0);
    const result = readRunResult(join(files.dir, 'orphans-merged'));
    // The whole run, sent to the end without the coordinator.
    expect(result.overall.requests.sent).toBe((RATE_PER_SEC * 6000) / 1000);
    expect(server.authIds).toHaveLength(result.overall.requests.sent);
  }, 120_000);
});

describe('the start barrier', () => {
  it('checks the target once, refuses a wrong token, another plan and a second shard 0, and fails by name when a shard never joins', async () => {
    server.reset();
    const file = scenario('barrier', 2000);
    const other = scenario('barrier-other', 3000);
    let listening: (url: string) => void = () => {};
    const url = new Promise<string>((resolve) => (listening = resolve));
    const coordinator = runCliProcess(['coordinate', file, '--shards', '2', '--port', '0', '--ready-timeout', '12s', '--out', join(files.dir, 'barrier')], {
      env: ENV,
      timeoutMs: 60_000,
      onStdout: (text) => {
        const match = /at (http:\/\/127\.0\.0\.1:\d+)\/?;/.exec(text);
        if (match) listening(match[1]!);
      },
    });
    const address = await url;
    const shard = (scenarioFile: string, index: number, env: Record<string, string> = {}) =>
      runCliProcess(['load', scenarioFile, '--shard', `${index}/2`, '--coordinator', address, '--out', join(files.dir, `barrier-${index}-${Math.random()}`)], {
        env: { ...ENV, ...env },
        timeoutMs: 60_000,
      });
    const [wrongToken, otherPlan] = await Promise.all([shard(file, 0, { HARNESS_RUN_TOKEN: 'another-token-0123456789' }), shard(other, 0)]);
    expect(wrongToken.exitCode).toBe(2);
    expect(wrongToken.stderr).toMatch(/refused shard 0\/2: wrong run token/);
    expect(otherPlan.exitCode).toBe(2);
    expect(otherPlan.stderr).toMatch(/refused shard 0\/2: another plan \(plan \w+, the coordinator's \w+\)/);
    // Shard 0 joins and waits; a second shard 0 is refused; shard 1 never comes.
    const first = shard(file, 0);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const second = await shard(file, 0);
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toMatch(/refused shard 0\/2: shard 0\/2 has already joined/);
    const ended = await coordinator;
    expect(ended.exitCode).toBe(3);
    expect(ended.stderr).toMatch(/Not every shard joined within 12 s: shard 1\/2 never joined; the run did not start/);
    expect(ended.stdout).toMatch(/Refused shard 0\/2 \(.+\): wrong run token/);
    const waiting = await first;
    expect(waiting.exitCode).toBe(3);
    expect(waiting.stderr).toMatch(/the coordinator went away \(.+\) before the start: this shard sent nothing/);
    // Preflight's requests, from the coordinator only; no load was sent.
    expect(ended.stdout).toMatch(/preflight: credentials accepted \(auth_id u0\): 200/);
    expect(server.authIds.length).toBeGreaterThan(0);
    expect(server.authIds.length).toBeLessThan(5);
  }, 120_000);
});
