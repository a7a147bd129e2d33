// A capacity search against a token-bucket rate limiter on 127.0.0.1. Its bucket holds 30 requests,
// so that a stall of up to 100 ms of the generator or of this process at 300/s (test files share
// the 2 cores) does not overflow it; trials of 2 s keep the limit sharp all the same: the bucket
// adds 30 requests to a trial's 600 (+5%).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ExitCode } from '../../src/errors.ts';
import { cliTestFolder, readRunResult } from '../fixtures/cliScenario.ts';
import { startHonestProvider } from '../fixtures/honestProvider.ts';
import { runCliProcess } from '../fixtures/runCliProcess.ts';
import { searchEnv, searchScenarioIn } from './searchFixture.ts';

const files = cliTestFolder();

const searchScenario = searchScenarioIn(files);

describe('capacity search against a rate limiter', () => {
  it('finds the rate of a token-bucket limiter answering 429 above 300/s, with an error-rate SLO', async () => {
    // Tokens refill at 300/s into a bucket of 30: above 300/s the excess is refused at once.
    let tokens = 30;
    let lastMs = performance.now();
    const limited = await startHonestProvider((_n, _req, res) => {
      const nowMs = performance.now();
      tokens = Math.min(30, tokens + ((nowMs - lastMs) * 300) / 1000);
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
      const scenario = searchScenario('limited', 'from: 50, max: 1200, hold: 2s, precision: 10%, slo: [errorRate < 1%], cooldown: 200ms');
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
  }, 120_000);
});
