import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode, UserError } from '../../src/errors.ts';
import { parseStoredResult, readStoredRun } from '../../src/report/readResult.ts';
import { syntheticRun } from '../fixtures/runResults.ts';
import { tempDir } from '../fixtures/tempFiles.ts';

let files: ReturnType<typeof tempDir>;
beforeEach(() => (files = tempDir()));
afterEach(() => files.cleanup());

function userError(run: () => unknown): UserError {
  try {
    run();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError');
}

describe('stored results', () => {
  it('reads a run from its folder or its result.json', async () => {
    const run = syntheticRun();
    files.write('result.json', JSON.stringify(run));
    expect((await readStoredRun(files.dir)).result).toEqual(run);
    expect((await readStoredRun(`${files.dir}/result.json`)).dir).toBe(files.dir);
  });

  it('reads results written by earlier versions: phase kind "closed", no TLS flag, error kinds added since', () => {
    const run = syntheticRun();
    const old = JSON.parse(JSON.stringify(run));
    old.phases[0].kind = 'closed';
    delete old.target.tlsVerified;
    delete old.environment.peakRssBytes;
    for (const kind of ['tls', 'protocol', 'bodyTooLarge', 'localLimit']) delete old.overall.errors[kind];
    const read = parseStoredResult(JSON.stringify(old), 'r.json');
    expect(read.phases[0]!.kind).toBe('connections');
    expect(read.target.tlsVerified).toBeNull();
    expect(read.environment.peakRssBytes).toBeNull();
    expect(read.overall.errors).toMatchObject({ tls: 0, protocol: 0, bodyTooLarge: 0, localLimit: 0 });
  });

  it('names a missing run', async () => {
    await expect(readStoredRun(`${files.dir}/nope`)).rejects.toThrow(/no run found at .*nope/);
    await expect(readStoredRun(files.dir)).rejects.toThrow(/cannot read .*result\.json: ENOENT/);
  });

  it('refuses other schema versions and reports every schema problem at once', () => {
    expect(userError(() => parseStoredResult('{"schemaVersion": 2}', 'r.json')).message).toBe('r.json has schemaVersion 2; this harness reads version 1');
    expect(userError(() => parseStoredResult('nope', 'r.json')).message).toMatch(/^r\.json is not JSON/);
    const broken = { ...syntheticRun(), passed: 'yes', overall: { ...syntheticRun().overall, errorRate: 7 } };
    const error = userError(() => parseStoredResult(JSON.stringify(broken), 'r.json'));
    expect(error.exitCode).toBe(ExitCode.badInput);
    expect(error.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^passed: /), expect.stringMatching(/^overall\.errorRate: /)]));
  });
});
