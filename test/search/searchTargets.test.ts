// Capacity searches against targets that queue or break in known ways (127.0.0.1): what the search
// ends with on each. The rate limiter is in searchLimiter.test.ts.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ExitCode } from '../../src/errors.ts';
import { cliTestFolder, readRunResult, writeCliScenario } from '../fixtures/cliScenario.ts';
import { startHonestProvider } from '../fixtures/honestProvider.ts';
import { runCliProcess } from '../fixtures/runCliProcess.ts';
import { searchEnv, searchScenarioIn } from './searchFixture.ts';

const files = cliTestFolder();

const searchScenario = searchScenarioIn(files);

describe('capacity search against limiting targets', () => {
  it('ends with bound generator when requests waited on this side, never with a server capacity', async () => {
    // A server answering in 5 ms, but only 2 connections allowed: this side holds at most ~400/s.
    // The SLO leaves 145 ms above the server's time: a trial is this side's limit only while the
    // server's own p99 holds it, and a stall of the machine (test files share the cores) once put
    // that p99 over 50 ms, which made it the server's.
    const fast = await startHonestProvider((_n, _req, _res, honest) => {
      setTimeout(honest, 5);
      return true;
    });
    try {
      const out = join(files.dir, 'generator');
      const scenario = writeCliScenario(
        files,
        'generator',
        '  - name: find\n    maxConnections: 2\n    search: { from: 100, max: 5000, hold: 1s, precision: 10%, slo: [p99 < 150ms], cooldown: 200ms }',
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
