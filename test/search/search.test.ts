// Capacity searches against targets of known capacity on 127.0.0.1 (issue #26): the search itself, its
// report and gate, and the scenarios it refuses. searchTargets and searchWorkers hold the rest.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode } from '../../src/errors.ts';
import { cliTestFolder, readRunResult, writeCliScenario } from '../fixtures/cliScenario.ts';
import { runCliProcess } from '../fixtures/runCliProcess.ts';
import { searchScenarioIn } from './searchFixture.ts';

const files = cliTestFolder();

const searchScenario = searchScenarioIn(files);

describe('capacity search', () => {
  it('finds the capacity of a mock with 4 slots of 20 ms (200/s) within its precision, and fails its atLeast gate', async () => {
    const mock = 'mock: { latency: 20ms, slots: 4 }';
    // One search serves every assertion: its gate (atLeast 400/s) fails whatever it finds. The gate
    // that passes, and a comparison with a baseline, are in searchWorkers.test.ts (a failed run's
    // verdict is FAILED, whatever its baseline).
    const search = 'from: 25, max: 1000, hold: 1s, precision: 10%, slo: [p99 < 120ms], cooldown: 300ms, atLeast: 400';
    const out = join(files.dir, 'found');
    const run = await runCliProcess([
      'load',
      searchScenario('found', search, mock),
      '--out',
      out,
      '--junit',
      join(files.dir, 'found.xml'),
      '--summary-json',
      join(files.dir, 'found.json'),
    ]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(ExitCode.thresholdFailed);
    const capacity = readRunResult(out).phases[0]!.capacity!;
    expect(capacity.bound).toBe('server');
    // The true capacity is 200/s: held within the precision (10%), plus the 10% over it that queues
    // for 100 ms past the service time within a trial of one second. The SLO leaves 100 ms above the
    // mock's 20 ms, so that the timers of test files sharing the 2 cores never fail a rate below it.
    expect(capacity.heldPerSec).toBeGreaterThanOrEqual(200 * 0.85);
    expect(capacity.heldPerSec).toBeLessThanOrEqual(200 * 1.15);
    expect(capacity.failedPerSec).toBeGreaterThan(capacity.heldPerSec!);
    // Growth from 25 to past 200, bisection to 10%, a confirmation: log2(1000/25) + log2(1/0.1) + 2 at most.
    expect(capacity.trials.filter((t) => t.role !== 'recoveryProbe').length).toBeLessThanOrEqual(Math.ceil(Math.log2(1000 / 25) + Math.log2(1 / 0.1) + 2));
    expect(run.stdout).toMatch(/Capacity \d+\/s \(held p99 < 120ms\): at \d+\/s p99 < 120ms was/);
    expect(run.stdout).toMatch(/trial 1: 25\/s held/);

    // The gate: the run fails, and says by how much, in the summary, JUnit and the summary JSON.
    expect(run.stdout).toMatch(/^FAILED {2}found/m);
    expect(run.stdout).toMatch(/below atLeast 400\/s by \d+/);
    expect(readFileSync(join(files.dir, 'found.xml'), 'utf8')).toMatch(
      /<testcase classname="found\.capacity" name="capacity of find >= 400\/s"[^>]*>\s*<failure/,
    );
    expect(JSON.parse(readFileSync(join(files.dir, 'found.json'), 'utf8')).capacity).toMatchObject({ phase: 'find', atLeastPerSec: 400, bound: 'server' });

    // The report draws every trial (p50, p99, p99.9) against its achieved rate, the SLO's limit and the held rate.
    const page = readFileSync(join(out, 'report.html'), 'utf8');
    expect(page.match(/<circle class="cap-point cap-p99( cap-failed)?"/g)?.length).toBe(
      capacity.trials.filter((t) => t.role !== 'recoveryProbe' && t.p99Ms !== null).length,
    );
    expect(page).toContain('SLO p99 &lt; 120ms');
    expect(page).toContain('a capacity search: no fixed target');
    expect(page).toContain(`held ${capacity.heldPerSec}/s`);
  }, 120_000);

  it('refuses to split a search over shards without a coordinator (exit 2, naming the alternatives)', async () => {
    const scenario = searchScenario('split', 'from: 25, max: 100, hold: 1s, precision: 10%, slo: [p99 < 120ms]', 'mock: { latency: 20ms, slots: 4 }');
    const run = await runCliProcess(['load', scenario, '--shard', '0/2', '--out', join(files.dir, 'shard')]);
    expect(run.exitCode).toBe(ExitCode.badInput);
    expect(run.stderr).toMatch(
      /a capacity search needs one coordinator to decide its trials: --shard cannot split it\n {2}- run it on one machine \(--workers N for more generator processes\), or over shards that join a coordinator/,
    );
  });

  it('refuses bad searches with exit 2, each with its line and field, all at once', async () => {
    const bad = writeCliScenario(
      files,
      'bad',
      [
        '  - name: find',
        '    search: { from: 500, max: 100, hold: 500ms, precision: 0%, slo: [p99 < 1s], atLeast: 200, maxDuration: 100ms }',
        '  - { name: second, search: { from: 1, max: 2, hold: 1s, precision: 5%, slo: [p99 < 10 ms] } }',
        '  - { name: third, duration: 1s, rate: 10, search: { from: 1, max: 2, hold: 1s, precision: 5%, slo: [p99 < 1s] } }',
      ].join('\n'),
    );
    const run = await runCliProcess(['load', bad, '--out', join(files.dir, 'bad')]);
    expect(run.exitCode).toBe(ExitCode.badInput);
    for (const problem of [
      /:7: phases\.0\.search\.from: above max \(100\)/,
      /:7: phases\.0\.search\.hold: at least 1s/,
      /:7: phases\.0\.search\.precision: between 0 and 100%/,
      /:7: phases\.0\.search\.maxDuration: shorter than one trial/,
      /:7: phases\.0\.search\.atLeast: above max \(100\)/,
      /:8: phases\.1\.search\.slo\.0: "p99 < 10 ms" column 7: no space between a number and its unit: write 10ms/,
      /:9: phases\.2: rate and search cannot be combined/,
    ])
      expect(run.stderr).toMatch(problem);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
