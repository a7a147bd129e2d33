import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.ts';
import { runCliProcess } from '../fixtures/runCliProcess.ts';
import { seededLatenciesMs, syntheticRun } from '../fixtures/runResults.ts';
import { tempDir } from '../fixtures/tempFiles.ts';

let files: ReturnType<typeof tempDir>;
beforeEach(() => {
  files = tempDir();
  files.write('result.json', JSON.stringify(syntheticRun({ latenciesMs: seededLatenciesMs(4000, 30) })));
  files.write('baseline.json', JSON.stringify(syntheticRun({ latenciesMs: seededLatenciesMs(4000, 20) })));
});
afterEach(() => files.cleanup());

describe('npm run report', () => {
  it('re-renders report.html and latency.hgrm from a stored run, without running anything', async () => {
    const result = await runCliProcess(['report', files.dir]);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(ExitCode.ok);
    expect(result.stdout).toContain(`report   ${join(files.dir, 'report.html')}`);
    expect(readFileSync(join(files.dir, 'report.html'), 'utf8')).toContain('data-verdict="PASSED"');
    expect(existsSync(join(files.dir, 'latency.hgrm'))).toBe(true);
  });

  it('exits 4 when the run regressed against the baseline, and says where', async () => {
    const result = await runCliProcess(['report', join(files.dir, 'result.json'), '--baseline', join(files.dir, 'baseline.json')]);
    expect(result.exitCode).toBe(ExitCode.regression);
    expect(result.stdout).toMatch(/^REGRESSED {2}against synthetic of 2026-11-24T10:00:00\.000Z \(tolerance 10\.0%\)/);
    expect(result.stdout).toMatch(/overall\s+p99\s+\S+ms -> \S+ms \(\+\d+\.\d%\)/);
    // The comparison has a page of its own, whose banner says what the exit code says; the run's own report is untouched.
    const comparisonPage = readFileSync(join(files.dir, 'report-vs-baseline.html'), 'utf8');
    expect(comparisonPage).toContain('<section id="comparison">');
    expect(comparisonPage).toContain('data-verdict="REGRESSED" data-exit-code="4"');
    expect(existsSync(join(files.dir, 'report.html'))).toBe(false);
  });

  it('passes the gate when the tolerance allows the change', async () => {
    const result = await runCliProcess(['report', files.dir, '--baseline', join(files.dir, 'baseline.json'), '--tolerance', '80%']);
    expect(result.exitCode).toBe(ExitCode.ok);
    expect(result.stdout).toMatch(/^NO REGRESSION/);
  });

  it('refuses a bad tolerance, a missing run and a broken result with exit 2 and no stack trace', async () => {
    const badTolerance = await runCliProcess(['report', files.dir, '--baseline', files.dir, '--tolerance', 'lots']);
    expect(badTolerance).toMatchObject({ exitCode: ExitCode.badInput, stderr: expect.stringMatching(/^error: --tolerance: expected a share/) });
    const missing = await runCliProcess(['report', join(files.dir, 'nope')]);
    expect(missing).toMatchObject({ exitCode: ExitCode.badInput, stderr: expect.stringMatching(/^error: no run found at .*nope/) });
    files.write('broken.json', '{"schemaVersion": 1, "passed": true}');
    const broken = await runCliProcess(['report', join(files.dir, 'broken.json')]);
    expect(broken.exitCode).toBe(ExitCode.badInput);
    expect(broken.stderr).toMatch(/is not a valid run result\n {2}- aborted: /);
    expect(broken.stderr).not.toMatch(/\n\s+at /);
  });
});
