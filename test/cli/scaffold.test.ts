import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.ts';
import { runCliProcess } from '../fixtures/runCliProcess.ts';
import { tempDir } from '../fixtures/tempFiles.ts';

let files: ReturnType<typeof tempDir>;
beforeEach(() => {
  files = tempDir();
  mkdirSync(join(files.dir, 'scenarios', 'data'), { recursive: true });
  copyFileSync('scenarios/data/messages.csv', join(files.dir, 'scenarios', 'data', 'messages.csv'));
  copyFileSync('scenarios/scenario.schema.json', join(files.dir, 'scenarios', 'scenario.schema.json'));
});
afterEach(() => files.cleanup());

describe('new', () => {
  it('writes a commented scenario and users CSV that run as they are, and never overwrites them', async () => {
    const written = await runCliProcess(['new', 'launch-check'], { cwd: files.dir });
    expect(written.exitCode, written.stderr).toBe(ExitCode.ok);
    expect(written.stdout).toContain('wrote scenarios/launch-check.yml and scenarios/data/launch-check-users.csv');
    const scenario = readFileSync(join(files.dir, 'scenarios', 'launch-check.yml'), 'utf8');
    expect(scenario.split('\n')[0]).toBe('# yaml-language-server: $schema=./scenario.schema.json');
    expect(scenario).toMatch(/# One row per user: auth_id, .*expect:/);
    expect(readFileSync(join(files.dir, 'scenarios', 'data', 'launch-check-users.csv'), 'utf8').split('\n')[0]).toBe('auth_id,business_id,weight,expect');

    // As written, against the mock, a hundredth of its length: preflight checks both kinds of user, and it passes.
    const out = join(files.dir, 'run');
    const run = await runCliProcess(['load', 'scenarios/launch-check.yml', '--duration-scale', '0.01', '--out', out], { cwd: files.dir });
    expect(run.exitCode, run.stdout + run.stderr).toBe(ExitCode.ok);
    expect(run.stdout).toContain('preflight: expected 403 for auth_id ghost0001: 403 as expected');
    expect(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')).phases.map((phase: { name: string }) => phase.name)).toEqual(['warmup', 'ramp', 'peak']);

    const again = await runCliProcess(['new', 'launch-check'], { cwd: files.dir });
    expect(again.exitCode).toBe(ExitCode.badInput);
    expect(again.stderr).toContain('scenarios/launch-check.yml and scenarios/data/launch-check-users.csv already exist: nothing written');
  });

  it('takes a real target and refuses a bad name or target (exit 2)', async () => {
    const real = await runCliProcess(['new', 'staging', '--target', 'https://staging.example.com'], { cwd: files.dir });
    expect(real.exitCode).toBe(ExitCode.ok);
    expect(readFileSync(join(files.dir, 'scenarios', 'staging.yml'), 'utf8')).toContain('  url: https://staging.example.com\n');
    const badName = await runCliProcess(['new', 'my scenario'], { cwd: files.dir });
    expect(badName.exitCode).toBe(ExitCode.badInput);
    expect(badName.stderr).toContain('the name "my scenario" is not letters, digits');
    const badTarget = await runCliProcess(['new', 'x', '--target', 'ftp://x'], { cwd: files.dir });
    expect(badTarget.exitCode).toBe(ExitCode.badInput);
  });
});
