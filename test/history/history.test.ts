// The run history of a folder of real runs (each verdict a real run gets), a corrupt folder among them.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.ts';
import type { RunIndex } from '../../src/history/indexModel.ts';
import { cliTestFolder, writeCliScenario } from '../fixtures/cliScenario.ts';
import { runCliProcess } from '../fixtures/runCliProcess.ts';

const files = cliTestFolder();

const rowsOf = (dir: string) => (JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as RunIndex).runs;

describe('run history (report --index)', () => {
  it('lists every run under a folder with its verdict, newest first, a corrupt one as unreadable, and refreshes after each run', async () => {
    const runs = join(files.dir, 'runs');
    const scenario = (latencyMs: number, thresholds = '') =>
      writeCliScenario(files, 'history', '  - { name: steady, duration: 1s, rate: 20 }', `${thresholds}mock: { latency: { fixed: ${latencyMs}ms } }\n`);
    const load = async (out: string, file: string, ...extra: string[]) => runCliProcess(['load', file, '--out', join(runs, out), ...extra]);

    expect((await load('a-passed', scenario(1))).exitCode).toBe(ExitCode.ok);
    // The folder's history is written with the first run and refreshed with every one after it.
    expect(rowsOf(runs).map((row) => row.dir)).toEqual(['a-passed']);
    expect((await load('b-passed', scenario(1))).exitCode).toBe(ExitCode.ok);
    expect((await load('c-failed', scenario(1, 'thresholds: [ "p99 < 0.001ms" ]\n'))).exitCode).toBe(ExitCode.thresholdFailed);
    expect((await load('d-regressed', scenario(30), '--baseline', join(runs, 'a-passed'))).exitCode).toBe(ExitCode.regression);
    const long = writeCliScenario(files, 'history', '  - { name: steady, duration: 20s, rate: 20 }', 'mock: { latency: { fixed: 1ms } }\n');
    let interrupted = false;
    const stopped = await runCliProcess(['load', long, '--out', join(runs, 'e-interrupted')], {
      onStdout: (text, kill) => {
        if (!interrupted && /\[\s+1s\]/.test(text)) {
          interrupted = true;
          kill('SIGINT');
        }
      },
    });
    expect(stopped.exitCode).toBe(ExitCode.interrupted);
    expect((await load('f-scaled', long, '--duration-scale', '0.1')).exitCode).toBe(ExitCode.ok);
    mkdirSync(join(runs, 'g-corrupt'));
    writeFileSync(join(runs, 'g-corrupt', 'result.json'), '{"schemaVersion": 1, "passed": tru');
    mkdirSync(join(runs, 'h-older'));
    writeFileSync(join(runs, 'h-older', 'result.json'), JSON.stringify({ schemaVersion: 0 }));

    const indexed = await runCliProcess(['report', '--index', runs]);
    expect(indexed.exitCode, indexed.stderr).toBe(ExitCode.ok);
    expect(indexed.stdout).toContain('indexed 6 runs (2 unreadable, listed with why)');
    const rows = rowsOf(runs);
    const verdicts = Object.fromEntries(rows.map((row) => [row.dir, 'verdict' in row ? row.verdict : `unreadable: ${row.unreadable}`]));
    expect(verdicts).toMatchObject({
      'a-passed': 'PASSED',
      'b-passed': 'PASSED',
      'c-failed': 'FAILED',
      'd-regressed': 'REGRESSED',
      'e-interrupted': 'INTERRUPTED',
      'f-scaled': 'PASSED',
    });
    expect(verdicts['g-corrupt']).toMatch(/^unreadable: result\.json is not JSON/);
    expect(verdicts['h-older']).toMatch(/^unreadable: result\.json has schemaVersion 0; this harness reads version 1/);
    // Newest first; the scaled run says its scale; every link is a report that exists.
    const readable = rows.filter((row) => 'startedAt' in row);
    expect(readable.map((row) => row.dir)).toEqual(['f-scaled', 'e-interrupted', 'd-regressed', 'c-failed', 'b-passed', 'a-passed']);
    expect(readable.find((row) => row.dir === 'f-scaled')).toMatchObject({ durationScale: 0.1 });
    for (const row of readable) expect(existsSync(join(runs, (row as { report: string }).report))).toBe(true);
    const page = readFileSync(join(runs, 'index.html'), 'utf8');
    expect(page).toContain('<a class="badge badge-regressed" href="d-regressed/report.html" title="open its report">REGRESSED</a>');
    expect(page).toContain('<code>g-corrupt</code>: result.json is not JSON');
  });

  it('refuses a folder that does not exist or holds no run (exit 2), and indexes reports/ when given no folder', async () => {
    const missing = await runCliProcess(['report', '--index', join(files.dir, 'nowhere')]);
    expect(missing.exitCode).toBe(ExitCode.badInput);
    expect(missing.stderr).toContain('nowhere: no such folder to index');
    mkdirSync(join(files.dir, 'empty'));
    const empty = await runCliProcess(['report', '--index', join(files.dir, 'empty')]);
    expect(empty.exitCode).toBe(ExitCode.badInput);
    expect(empty.stderr).toMatch(/empty: holds no run/);
    const byDefault = await runCliProcess(['report', '--index'], { cwd: files.dir });
    expect(byDefault.exitCode).toBe(ExitCode.badInput);
    expect(byDefault.stderr).toContain('reports: no such folder to index');
  });
});
