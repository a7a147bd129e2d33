// The same scenario on 1 process, 2 workers and 3 shards (local processes, merged) against a
// fixed-latency server: every row once, ids across mocks, and workers stopped (scaleOutLatency
// compares their latency and evenness).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunResult } from '../fixtures/cliScenario.ts';
import { SLOW_WORKER_START_ENV, runCliProcess } from '../fixtures/runCliProcess.ts';
import { DURATION_MS, ENV, RATE_PER_SEC, splitRuns } from './splitRuns.ts';

const split = splitRuns();
// Among the suite's busiest files, a shard process takes about 0.3 s of CPU to be ready from the
// suite's bundle (it took 0.9 s through tsx when this was 8 s).
const SHARD_LEAD_MS = 4000;
const { scenario, single, sharded } = split;

describe('a `once` feed over workers and shards', () => {
  it('sends every row exactly once in total', async () => {
    const file = scenario('once', 'once');
    for (const measured of [await single(file, 'once-workers', ['--workers', '2']), await sharded(file, 'once-shards', 3, SHARD_LEAD_MS)]) {
      expect([...measured.authIds].sort()).toEqual(['dup-a', 'dup-b', ...Array.from({ length: 298 }, (_, i) => `u${i}`)].sort());
      expect(measured.result.overall.requests.sent).toBe(300);
      // Each id answered once but dup-a and dup-b share one: one repeat, whichever generators they went to.
      expect(measured.result.overall.contractViolations?.byKind).toEqual([{ rule: 'unique', path: '$.message_id', source: 'ingestion', count: 1 }]);
    }
  }, 120_000);
});

describe('against the built-in mock', () => {
  it('1 process, 2 workers and 3 shards (a mock each) send the same requests, and no id repeats across mocks', async () => {
    const file = split.files.write(
      'mocked.yml',
      `name: mocked
target: { url: mock, timeout: 2s }
users: { file: users.csv, order: sequence }
messages: { file: messages.csv }
phases:
  - { name: steady, duration: 1500ms, rate: 300 }
mock: { latency: 5ms }
`,
    );
    const runs = [await single(file, 'mock-one'), await single(file, 'mock-workers', ['--workers', '2']), await sharded(file, 'mock-shards', 3, SHARD_LEAD_MS)];
    for (const run of runs) {
      expect(run.result.overall.requests.scheduled).toBe(450);
      expect(run.result.overall.requests.sent).toBe(450);
      expect(Math.abs(run.result.overall.achievedRate / runs[0]!.result.overall.achievedRate - 1)).toBeLessThan(0.01);
      // dup-a and dup-b are this file's users, but the mock hands out its own ids: none repeats, whatever mock answered.
      expect(run.result.overall.contractViolations).toMatchObject({ checked: 450, count: 0 });
      expect(run.result.passed).toBe(true);
    }
  }, 150_000);
});

/** 30 s at 50/s: long enough to stop part way. */
const longScenario = () =>
  split.files.write(
    'long.yml',
    readFileSync(scenario('long', 'sequence'), 'utf8').replace(`duration: ${DURATION_MS}ms`, 'duration: 30s').replace(`rate: ${RATE_PER_SEC}`, 'rate: 50'),
  );

describe('workers under one coordinator', () => {
  it('Ctrl-C (to the whole process group, as a terminal sends it) stops every worker and keeps what each measured', async () => {
    const out = join(split.files.dir, 'interrupted');
    let lines = 0;
    const run = await runCliProcess(['load', longScenario(), '--workers', '2', '--out', out, '--no-preflight'], {
      env: ENV,
      ownGroup: true,
      timeoutMs: 60_000,
      onStdout: (text, kill) => {
        const seen = (text.match(/^\[\s+\d+s\]/gm) ?? []).length;
        if (lines < 2 && seen >= 2) kill('SIGINT');
        lines = seen;
      },
    });
    expect(run.exitCode).toBe(130);
    expect(run.stdout).toContain('Stopping every worker: interrupted (SIGINT)');
    const result = readRunResult(out);
    expect(result).toMatchObject({ aborted: true, interrupted: true });
    expect(result.generators?.rows.map((row) => row.sent).every((sent) => sent >= 25)).toBe(true);
  }, 90_000);

  it('Ctrl-C while the workers start exits 130 and says the load never started, not that a worker failed', async () => {
    let signalled = false;
    const run = await runCliProcess(['load', longScenario(), '--workers', '2', '--out', join(split.files.dir, 'early'), '--no-preflight'], {
      // Each worker waits 3 s before it loads: a worker ready within the test's reaction time (a
      // bundled one takes about 150 ms) would start the load, and the test would see a run stopped.
      env: { ...ENV, ...SLOW_WORKER_START_ENV },
      ownGroup: true,
      timeoutMs: 60_000,
      onStdout: (text, kill) => {
        if (!signalled && text.includes('Starting 2 worker processes')) {
          signalled = true;
          // While the workers load: a terminal's Ctrl-C then reaches the coordinator only.
          kill('SIGINT');
        }
      },
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(130);
    expect(run.stderr).toContain('Stopped before the load started: interrupted (SIGINT)');
    expect(run.stderr).not.toContain('ended unexpectedly');
  }, 60_000);

  it('judges abortOnFail on every worker merged: a failing threshold stops them all', async () => {
    const out = join(split.files.dir, 'abort');
    const file = split.files.write('abort.yml', readFileSync(longScenario(), 'utf8').replace('  - p99 < 2s', '  - { expr: p50 < 1ms, abortOnFail: true }'));
    const run = await runCliProcess(['load', file, '--workers', '2', '--out', out, '--no-preflight'], { env: ENV, timeoutMs: 60_000 });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('Stopping every worker: threshold "p50 < 1ms" failed (abortOnFail)');
    const result = readRunResult(out);
    expect(result).toMatchObject({ aborted: true, abortReason: 'threshold "p50 < 1ms" failed (abortOnFail)' });
    // Judged once 100 answers are in over both workers (50/s: about 2 s), long before the 30 s phase ends.
    expect(result.overall.requests.sent).toBeGreaterThanOrEqual(100);
    expect(result.overall.requests.sent).toBeLessThan(400);
  }, 90_000);
});

describe('a worker that dies', () => {
  it('stops the run with a message naming it, writes the partial result, and leaves no process behind', async () => {
    const file = longScenario();
    const out = join(split.files.dir, 'killed');
    let workerPids: number[] = [];
    let killed = false;
    const run = await runCliProcess(['load', file, '--workers', '2', '--out', out, '--no-preflight'], {
      env: ENV,
      timeoutMs: 60_000,
      onStdout: (text) => {
        const listed = /Workers: (.+)/.exec(text)?.[1];
        if (listed && workerPids.length === 0) workerPids = [...listed.matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));
        // Two live lines in, the second worker is killed.
        if (!killed && workerPids.length === 2 && (text.match(/^\[\s+\d+s\]/gm) ?? []).length >= 2) {
          killed = true;
          process.kill(workerPids[1]!, 'SIGKILL');
        }
      },
    });
    expect(killed).toBe(true);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe('');
    const reason = `worker 1 (pid ${workerPids[1]}) ended unexpectedly (signal SIGKILL)`;
    expect(run.stdout).toContain(`Stopping every worker: ${reason}`);
    const result = readRunResult(out);
    expect(result.aborted).toBe(true);
    expect(result.abortReason).toContain(reason);
    // Worker 0's requests are there: about 2 s at 25/s, and its figures are in the table.
    expect(result.overall.requests.sent).toBeGreaterThan(30);
    expect(result.generators?.rows).toHaveLength(1);
    for (const pid of workerPids) expect(() => process.kill(pid, 0)).toThrow();
  }, 90_000);
});

describe('merge refuses shards that are not one whole run', () => {
  it('names a shard given twice, a missing shard and a shard of another run (exit 2)', async () => {
    const file = scenario('refuse', 'sequence');
    split.server.reset();
    const shardDirs = [0, 1].map((i) => join(split.files.dir, `refuse-${i}`));
    for (const [i, dir] of shardDirs.entries()) {
      const run = await runCliProcess(['load', file, '--duration-scale', '0.25', '--shard', `${i}/3`, '--out', dir, '--no-preflight', '--quiet'], {
        env: ENV,
        timeoutMs: 60_000,
      });
      expect(run.exitCode).toBe(0);
      expect(existsSync(join(dir, 'shard.json'))).toBe(true);
    }
    const twice = await runCliProcess(['merge', shardDirs[0]!, shardDirs[1]!, shardDirs[1]!, '--out', join(split.files.dir, 'refused')], { env: ENV });
    expect(twice.exitCode).toBe(2);
    expect(twice.stderr).toContain(`shard 1/3 is given twice: ${join(shardDirs[1]!, 'shard.json')} and ${join(shardDirs[1]!, 'shard.json')}`);
    expect(twice.stderr).toContain('missing shard 2/3: the run was split in 3');

    // A third shard of another plan: the same file with another rate.
    const other = join(split.files.dir, 'refuse-2');
    const stored = JSON.parse(readFileSync(join(shardDirs[1]!, 'shard.json'), 'utf8')) as { planFingerprint: string; shard: { index: number } };
    writeFileSync(join(split.files.dir, 'other-shard.json'), JSON.stringify({ ...stored, planFingerprint: 'another-plan', shard: { index: 2, count: 3 } }));
    const foreign = await runCliProcess(['merge', shardDirs[0]!, shardDirs[1]!, join(split.files.dir, 'other-shard.json'), '--out', other], { env: ENV });
    expect(foreign.exitCode).toBe(2);
    expect(foreign.stderr).toContain('other-shard.json: shard of another run (scenario "refuse", plan another-plan)');
    expect(existsSync(join(other, 'result.json'))).toBe(false);

    // The third shard, 1.2 s late: merged, and reported.
    const lateDir = join(split.files.dir, 'refuse-late');
    mkdirSync(lateDir);
    const measured = JSON.parse(readFileSync(join(shardDirs[1]!, 'shard.json'), 'utf8')) as { shard: object; measured: { scheduleStartEpochMs: number } };
    const first = JSON.parse(readFileSync(join(shardDirs[0]!, 'shard.json'), 'utf8')) as { measured: { scheduleStartEpochMs: number } };
    measured.shard = { index: 2, count: 3 };
    measured.measured.scheduleStartEpochMs = first.measured.scheduleStartEpochMs + 1200;
    writeFileSync(join(lateDir, 'shard.json'), JSON.stringify(measured));
    const late = await runCliProcess(['merge', shardDirs[0]!, shardDirs[1]!, lateDir, '--out', join(split.files.dir, 'late')], { env: ENV });
    expect(late.stderr).toBe('');
    expect(late.stdout).toMatch(/WARNING: shard 2\/3 started its schedule 1\d{3} ms after the first shard/);
    expect(readRunResult(join(split.files.dir, 'late')).generators?.rows[2]?.startOffsetMs).toBeGreaterThan(1000);

    // The scenario changed after the shards ran: not the plan they ran.
    writeFileSync(file, readFileSync(file, 'utf8').replace(`rate: ${RATE_PER_SEC}`, `rate: ${RATE_PER_SEC + 1}`));
    const changed = await runCliProcess(['merge', shardDirs[0]!, shardDirs[1]!, lateDir, '--out', join(split.files.dir, 'changed')], { env: ENV });
    expect(changed.exitCode).toBe(2);
    expect(changed.stderr).toMatch(/refuse\.yml: not the plan the shards ran/);
  }, 90_000);
});
