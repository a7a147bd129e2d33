// Capacity searches against targets that limit, queue or break in known ways (127.0.0.1): what the
// search ends with on each.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ExitCode } from '../../src/errors.ts';
import { cliTestFolder, readRunResult, writeCliScenario } from '../fixtures/cliScenario.ts';
import { startHonestProvider } from '../fixtures/honestProvider.ts';
import { runCliProcess } from '../fixtures/runCliProcess.ts';
import { searchEnv, searchScenarioIn } from './searchFixture.ts';

const files = cliTestFolder();

const searchScenario = searchScenarioIn(files);

describe('capacity search against limiting targets', () => {
  it('finds the rate of a token-bucket limiter answering 429 above 300/s, with an error-rate SLO', async () => {
    // Tokens refill at 300/s into a bucket of 10: above 300/s the excess is refused at once.
    let tokens = 10;
    let lastMs = performance.now();
    const limited = await startHonestProvider((_n, _req, res) => {
      const nowMs = performance.now();
      tokens = Math.min(10, tokens + ((nowMs - lastMs) * 300) / 1000);
      lastMs = nowMs;
      if (tokens >= 1) {
        tokens -= 1;
        return false;
      }
      res.writeHead(429, { 'content-type': 'application/json' }).end('{"error_message":"rate limit exceeded"}');
      return true;
    });
    try {
      const out = join(files.dir, 'limited');
      const scenario = searchScenario('limited', 'from: 50, max: 1200, hold: 1s, precision: 10%, slo: [errorRate < 1%], cooldown: 200ms');
      const run = await runCliProcess(['load', scenario, '--target', limited.url, '--no-preflight', '--out', out], { env: searchEnv });
      expect(run.exitCode, run.stdout + run.stderr).toBe(ExitCode.ok);
      const capacity = readRunResult(out).phases[0]!.capacity!;
      expect(capacity.bound).toBe('server');
      expect(capacity.heldPerSec).toBeGreaterThanOrEqual(300 * 0.85);
      expect(capacity.heldPerSec).toBeLessThanOrEqual(300 * 1.05);
      expect(capacity.reason).toMatch(/errorRate < 1% was/);
      // The report draws the error rate of every trial against its achieved rate, with the SLO's limit.
      const page = readFileSync(join(out, 'report.html'), 'utf8');
      expect(page).toContain('Error rate against the rate achieved');
      expect(page).toContain('SLO errorRate &lt; 1%');
    } finally {
      await limited.close();
    }
  }, 60_000);

  it('ends with bound generator when requests waited on this side, never with a server capacity', async () => {
    // A server answering in 5 ms, but only 2 connections allowed: this side holds at most ~400/s.
    const fast = await startHonestProvider((_n, _req, _res, honest) => {
      setTimeout(honest, 5);
      return true;
    });
    try {
      const out = join(files.dir, 'generator');
      const scenario = writeCliScenario(
        files,
        'generator',
        '  - name: find\n    maxConnections: 2\n    search: { from: 100, max: 5000, hold: 1s, precision: 10%, slo: [p99 < 50ms], cooldown: 200ms }',
      );
      const run = await runCliProcess(['load', scenario, '--target', fast.url, '--no-preflight', '--out', out], { env: searchEnv });
      expect(run.exitCode, run.stdout + run.stderr).toBe(ExitCode.ok);
      const capacity = readRunResult(out).phases[0]!.capacity!;
      expect(capacity.bound).toBe('generator');
      expect(run.stdout).toMatch(/Capacity at least \d+\/s: .*the generator's limit here/);
    } finally {
      await fast.close();
    }
  }, 60_000);

  it('reports a target that stays slow after an overload as not recovered', async () => {
    // 100 ms answers; once it has had more than 10 requests at once it answers in 400 ms for good.
    let inFlight = 0;
    let broken = false;
    const fragile = await startHonestProvider((_n, _req, _res, honest) => {
      inFlight++;
      if (inFlight > 10) broken = true;
      setTimeout(
        () => {
          inFlight--;
          honest();
        },
        broken ? 400 : 100,
      );
      return true;
    });
    try {
      const out = join(files.dir, 'fragile');
      const scenario = searchScenario('fragile', 'from: 20, max: 1000, hold: 1s, precision: 10%, slo: [p99 < 200ms], cooldown: 300ms');
      const run = await runCliProcess(['load', scenario, '--target', fragile.url, '--no-preflight', '--out', out], { env: searchEnv });
      const capacity = readRunResult(out).phases[0]!.capacity!;
      expect(capacity.bound, run.stdout).toBe('notRecovered');
      expect(capacity.trials.at(-1)).toMatchObject({ role: 'recoveryProbe', held: false });
      expect(run.stdout).toMatch(/still failed at 20\/s \(not recovered\)/);
    } finally {
      await fragile.close();
    }
  }, 60_000);
});
