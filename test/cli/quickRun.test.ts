import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.ts';
import { cliTestFolder, readRunResult } from '../fixtures/cliScenario.ts';
import { runCliProcess } from '../fixtures/runCliProcess.ts';

const files = cliTestFolder();

describe('a quick run (load --url --rate --duration)', () => {
  it('runs one open-model phase without a file, prints its scenario, and that scenario run gives the same result', async () => {
    const quick = await runCliProcess(['load', '--url', 'mock', '--rate', '20', '--duration', '2s', '--out', join(files.dir, 'quick')]);
    expect(quick.exitCode, quick.stdout + quick.stderr).toBe(ExitCode.ok);
    const printed = quick.stdout.slice(quick.stdout.indexOf('# The quick run of'), quick.stdout.indexOf('\n\n', quick.stdout.indexOf('phases:')) + 1);
    expect(printed).toContain('  - { name: quick, duration: 2s, rate: 20 }');
    const saved = files.write('saved.yml', printed);
    const again = await runCliProcess(['load', saved, '--out', join(files.dir, 'saved')]);
    expect(again.exitCode, again.stderr).toBe(ExitCode.ok);
    const [first, second] = [readRunResult(join(files.dir, 'quick')), readRunResult(join(files.dir, 'saved'))];
    const shape = (result: typeof first) => ({
      scenario: result.scenario.name,
      phases: result.phases.map((phase) => ({
        name: phase.name,
        kind: phase.kind,
        plan: phase.plan,
        scheduled: phase.requests.scheduled,
        sent: phase.requests.sent,
      })),
      thresholds: result.thresholds.map((threshold) => [threshold.expr, threshold.passed]),
      contract: result.contract?.pactFile,
      passed: result.passed,
    });
    expect(shape(second)).toEqual(shape(first));
    expect(shape(first).phases[0]).toMatchObject({ scheduled: 40, sent: 40 });
  });

  it('refuses what a quick run cannot be (exit 2): missing flags, a real target without users, beside a scenario', async () => {
    const missing = await runCliProcess(['load', '--url', 'mock']);
    expect(missing.exitCode).toBe(ExitCode.badInput);
    expect(missing.stderr).toContain('--rate: requests per second above 0, e.g. --rate 50');
    expect(missing.stderr).toContain('--duration: how long, with a unit, e.g. --duration 30s');
    const real = await runCliProcess(['load', '--url', 'https://api.example.com', '--rate', '5', '--duration', '5s']);
    expect(real.exitCode).toBe(ExitCode.badInput);
    expect(real.stderr).toContain('--users: a CSV of your users (auth_id column) for a real target');
    writeFileSync(join(files.dir, 's.yml'), readFileSync('scenarios/smoke.yml', 'utf8'));
    const both = await runCliProcess(['load', join(files.dir, 's.yml'), '--rate', '5']);
    expect(both.exitCode).toBe(ExitCode.badInput);
    expect(both.stderr).toContain('--rate make a quick run without a scenario file');
  });
});
