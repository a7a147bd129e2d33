import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'junit2json';
import type { TestSuites } from 'junit2json';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.ts';
import { cliTestFolder, readRunResult, writeCliScenario } from '../fixtures/cliScenario.ts';
import { runCliProcess } from '../fixtures/runCliProcess.ts';
import { readBody, startTestServer } from '../fixtures/servers.ts';
import type { TestServer } from '../fixtures/servers.ts';

const env = { HAPTIK_TOKEN: 'verdict-token', HAPTIK_CLIENT_ID: 'verdict-client' };
const files = cliTestFolder();

const scenario = (extra = '', phases = '  - { name: steady, duration: 1s, rate: 30 }') => writeCliScenario(files, 'verdicts', phases, extra);

/** A provider that answers every message with 200, and every third with `message_id: null`. */
function startNullIdProvider(): Promise<TestServer> {
  let answered = 0;
  return startTestServer(async (req, res) => {
    const body = JSON.parse(await readBody(req)) as { message_body: string };
    answered++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        message_id: answered % 3 === 0 ? null : answered,
        message_body: body.message_body,
        created_at: new Date().toISOString(),
        message_type: 0,
      }),
    );
  });
}

const readResult = readRunResult;

/** The processes whose parent is `pid`, read from /proc (field 4 of /proc/<pid>/stat). */
function childPids(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      const stat = readFileSafe(`/proc/${name}/stat`);
      return stat !== undefined && Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
    })
    .map(Number);
}

function readFileSafe(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

describe('load verdicts', () => {
  it('fails a run whose provider breaks the contract when the scenario sets no contract threshold, and passes it when one allows it', async () => {
    const provider = await startNullIdProvider();
    try {
      const strict = await runCliProcess(['load', scenario(), '--target', provider.url, '--out', join(files.dir, 'strict')], { env });
      expect(strict.exitCode).toBe(ExitCode.thresholdFailed);
      expect(strict.stdout).toMatch(/^FAILED {2}verdicts against .* exit 1$/m);
      expect(strict.stdout).toMatch(/FAIL\s+contractViolations == 0 \(implicit\)\s+actual \d+/);
      expect(strict.stdout).toMatch(/Contract broken by \d+ of \d+ checked responses/);
      expect(readFileSync(join(files.dir, 'strict', 'report.html'), 'utf8')).toContain('data-verdict="FAILED" data-exit-code="1"');

      const relaxed = await runCliProcess(
        ['load', scenario('thresholds:\n  - contractViolationRate < 50%'), '--target', provider.url, '--out', join(files.dir, 'relaxed')],
        { env },
      );
      expect(relaxed.exitCode).toBe(ExitCode.ok);
      expect(readResult(join(files.dir, 'relaxed')).thresholds.map((t) => t.expr)).toEqual(['contractViolationRate < 50%']);
    } finally {
      await provider.close();
    }
  });

  it('stops with exit 3 when the user expected to be accepted is not registered, and --no-preflight runs anyway', async () => {
    let requests = 0;
    const server = await startTestServer(async (req, res) => {
      requests++;
      await readBody(req);
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end('{"error_message":"user is not registered"}');
    });
    try {
      const refused = await runCliProcess(['load', scenario(), '--target', server.url, '--out', join(files.dir, 'refused')], { env });
      expect(refused.exitCode).toBe(ExitCode.targetNotUsable);
      expect(refused.stderr).toMatch(/user not registered: .* answered 403 "user is not registered" .* auth_id alice01/);
      expect(refused.stderr).toContain('mark rows meant to be refused with 403 in its expect column');
      expect(refused.stderr).not.toMatch(/\n\s+at /);
      expect(requests).toBe(1);

      const forced = await runCliProcess(['load', scenario(), '--target', server.url, '--no-preflight', '--out', join(files.dir, 'forced')], { env });
      expect(forced.stdout).toContain('preflight: skipped (--no-preflight)');
      expect(readResult(join(files.dir, 'forced')).overall.requests.sent).toBe(30);
      expect(requests).toBe(31);
    } finally {
      await server.close();
    }
  });

  it('exits 4 (REGRESSED) when a run with thresholds met is worse than its --baseline', async () => {
    const fast = join(files.dir, 'fast');
    const first = await runCliProcess(['load', scenario(), '--out', fast]);
    expect(first.exitCode, first.stderr).toBe(ExitCode.ok);
    const slow = await runCliProcess(['load', scenario('mock: { latency: 60ms }'), '--out', join(files.dir, 'slow'), '--baseline', fast]);
    expect(slow.exitCode).toBe(ExitCode.regression);
    expect(slow.stdout).toMatch(/^REGRESSED {2}verdicts .* exit 4$/m);
  });

  it('never writes into a folder that holds a run, unless --force', async () => {
    const out = join(files.dir, 'used');
    const first = await runCliProcess(['load', scenario(), '--out', out]);
    expect(first.exitCode).toBe(ExitCode.ok);
    const before = readFileSync(join(out, 'result.json'), 'utf8');
    const again = await runCliProcess(['load', scenario(), '--out', out]);
    expect(again.exitCode).toBe(ExitCode.badInput);
    expect(again.stderr).toMatch(/--out .*used already holds files \(.*result\.json.*\): a run never replaces another; choose a new folder or add --force/);
    expect(again.stdout).not.toContain('Starting the built-in mock');
    expect(readFileSync(join(out, 'result.json'), 'utf8')).toBe(before);
    const forced = await runCliProcess(['load', scenario(), '--out', out, '--force']);
    expect(forced.exitCode).toBe(ExitCode.ok);
    expect(readFileSync(join(out, 'result.json'), 'utf8')).not.toBe(before);
  });

  it('keeps the duration scale in the result, the folder name and the summary', async () => {
    const result = await runCliProcess(['load', scenario('', '  - { name: steady, duration: 4s, rate: 20 }'), '--duration-scale', '0.25'], { cwd: files.dir });
    expect(result.exitCode).toBe(ExitCode.ok);
    expect(result.stdout).toMatch(/^PASSED {2}verdicts against .*\(duration scale ×0\.25\)/m);
    // The run's folder, beside the history of reports/ that the run refreshed.
    const entries = readdirSync(join(files.dir, 'reports')).sort();
    expect(entries.filter((entry) => entry.startsWith('index.'))).toEqual(['index.html', 'index.json']);
    const [folder] = entries.filter((entry) => !entry.startsWith('index.'));
    expect(folder).toMatch(/^verdicts-x0\.25-\d{8}T\d{6}Z$/);
    const run = readResult(join(files.dir, 'reports', folder!));
    expect(run.durationScale).toBe(0.25);
    expect(run.overall.requests.scheduled).toBe(20);
    // Paths in a result are relative to where the run was started, never absolute.
    expect(run.scenario.file).toBe('scenario.yml');
    for (const name of ['result.json', 'report.html']) expect(readFileSync(join(files.dir, 'reports', folder!, name), 'utf8')).not.toContain(files.dir);
    expect(existsSync(join(files.dir, 'reports', folder!, 'report.html'))).toBe(true);
  });

  it('--quiet prints the summary only; --junit and --summary-json write the verdict for CI; the last line names the result', async () => {
    const out = join(files.dir, 'out');
    const junitFile = join(files.dir, 'junit.xml');
    const summaryFile = join(files.dir, 'summary.json');
    const result = await runCliProcess([
      'load',
      scenario('thresholds:\n  - p99 < 1ms\nmock: { latency: 5ms }'),
      '--out',
      out,
      '--quiet',
      '--junit',
      junitFile,
      '--summary-json',
      summaryFile,
    ]);
    expect(result.exitCode).toBe(ExitCode.thresholdFailed);
    expect(result.stdout).not.toMatch(/preflight|\[\s+1s\]|Starting/);
    expect(result.stdout).toMatch(/^FAILED {2}verdicts/m);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(`result ${join(out, 'result.json')}`);

    const junit = (await parse(readFileSync(junitFile, 'utf8'))) as TestSuites;
    const cases = junit!.testsuite![0]!.testcase!;
    expect(cases.map((testCase) => [testCase.name, (testCase.failure ?? []).length])).toEqual([
      ['p99 < 1ms [whole run]', 1],
      ['contractViolations == 0 [whole run] (implicit)', 0],
      ['responses honour the pact', 0],
    ]);
    expect(junit!.failures).toBe(1);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    expect(summary).toMatchObject({
      verdict: 'FAILED',
      exitCode: 1,
      scenario: 'verdicts',
      requests: { sent: 30 },
      files: { result: join(out, 'result.json') },
    });
  });

  it('names the flag and what it wants, and suggests the flag meant by a typo', async () => {
    const file = scenario();
    const badScale = await runCliProcess(['load', file, '--duration-scale', 'abc']);
    expect(badScale.exitCode).toBe(ExitCode.badInput);
    expect(badScale.stderr).toContain('--duration-scale wants a number above 0, e.g. 0.1 for a tenth of every phase; got "abc"');
    const typo = await runCliProcess(['load', file, '--duraton-scale', '0.1']);
    expect(typo.exitCode).toBe(ExitCode.badInput);
    expect(typo.stderr).toBe('error: unknown flag --duraton-scale: did you mean --duration-scale?\n(run with --help for usage)\n');
    // Without a scenario: the shipped ones, each with the command that runs it and what it is for.
    const none = await runCliProcess(['load']);
    expect(none.exitCode).toBe(ExitCode.badInput);
    expect(none.stderr).toMatch(/^error: name a scenario file to run; the shipped ones:\n {2}- npm run load -- scenarios\/capacity\.yml {4}The highest rate/);
    expect(none.stderr).toContain('  - npm run load -- scenarios/peak.yml    Launch-day peak of user messages');
  });
  it('takes SIGTERM twice in a row (as `timeout` and npm relay it) as one request to stop, and keeps the results', async () => {
    const out = join(files.dir, 'out');
    let signalled = false;
    const result = await runCliProcess(['load', scenario('', '  - { name: long, duration: 60s, rate: 20 }'), '--out', out], {
      onStdout: (text, kill) => {
        if (!signalled && /\[\s+1s\]/.test(text)) {
          signalled = true;
          kill('SIGTERM');
          setTimeout(() => kill('SIGTERM'), 50);
        }
      },
    });
    expect(result.exitCode).toBe(ExitCode.interrupted);
    expect(result.stdout).toMatch(/^INTERRUPTED {2}verdicts/m);
    expect(readResult(out)).toMatchObject({ interrupted: true, abortReason: 'interrupted (SIGTERM)' });
  });
  it('fails a latency threshold when most requests got no answer, and a run whose every request failed even without thresholds', async () => {
    const silent = await startTestServer(() => {});
    const failing = await startTestServer(async (req, res) => {
      await readBody(req);
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error_message":"down"}');
    });
    try {
      const hanging = await runCliProcess(
        ['load', scenario('thresholds:\n  - p99 < 100ms'), '--target', silent.url, '--no-preflight', '--out', join(files.dir, 'hanging')],
        { env },
      );
      expect(hanging.exitCode).toBe(ExitCode.thresholdFailed);
      // Not one answer: there is no latency at all to judge (edgeVerdicts.test.ts has the run where some came).
      expect(hanging.stdout).toMatch(/FAIL\s+p99 < 100ms\s+no request was answered in the whole run/);
      const run = readResult(join(files.dir, 'hanging'));
      expect(run.thresholds[0]).toMatchObject({ expr: 'p99 < 100ms', actual: null, passed: false, reason: 'no request was answered in the whole run' });

      const down = await runCliProcess(['load', scenario(), '--target', failing.url, '--no-preflight', '--out', join(files.dir, 'down')], { env });
      expect(down.exitCode).toBe(ExitCode.thresholdFailed);
      expect(down.stdout).toMatch(/^FAILED {2}verdicts/m);
      expect(down.stdout).toContain('Every request failed (error rate 100%)');
    } finally {
      await silent.close();
      await failing.close();
    }
  });
  it('finds an unusable results folder before any load, and leaves no empty run folder when the run cannot start', async () => {
    const file = scenario();
    files.write('reports', 'a file where the reports folder should be');
    const blocked = await runCliProcess(['load', file], { cwd: files.dir });
    expect(blocked.exitCode).toBe(ExitCode.badInput);
    expect(blocked.stderr).toMatch(/^error: cannot create a run folder in .*reports \(E\w+\); choose one with --out/);
    expect(blocked.stdout).not.toContain('Starting the built-in mock');

    const elsewhere = join(files.dir, 'elsewhere');
    mkdirSync(elsewhere);
    const unreachable = await runCliProcess(['load', file, '--target', 'http://127.0.0.1:9'], { cwd: elsewhere, env });
    expect(unreachable.exitCode).toBe(ExitCode.targetNotUsable);
    expect(readdirSync(join(elsewhere, 'reports'))).toEqual([]);
  });
  it('counts add up when a once feed runs out: the phase ends there, nothing is counted as scheduled that was not sent or dropped', async () => {
    const file = writeCliScenario(files, 'once', '  - { name: steady, duration: 2s, rate: 20 }').replace('scenario.yml', 'scenario.yml');
    const text = readFileSync(file, 'utf8').replace('users: { file: users.csv, order: sequence }', 'users: { file: users.csv, order: once }');
    const onceFile = files.write('once.yml', text);
    const out = join(files.dir, 'once');
    const result = await runCliProcess(['load', onceFile, '--out', out]);
    expect(result.stderr).toBe('');
    // Two users, each once: two requests, and readRunResult checks the counts reconcile.
    const run = readResult(out);
    expect(run.overall.requests).toMatchObject({ scheduled: 2, sent: 2, dropped: 0 });
  });
  it('keeps its results when the built-in mock dies mid-run, and when SIGTERM reaches the whole process group', async () => {
    const long = '  - { name: long, duration: 30s, rate: 20 }';
    let killed = false;
    const mockDied = await runCliProcess(['load', scenario('', long), '--out', join(files.dir, 'died')], {
      onStdout: (text, _kill, pid) => {
        if (killed || !/\[\s+1s\]/.test(text)) return;
        killed = true;
        // The mock is the CLI's only child process.
        for (const child of childPids(pid)) process.kill(child, 'SIGKILL');
      },
    });
    expect(mockDied.exitCode).toBe(ExitCode.thresholdFailed);
    expect(mockDied.stdout).toContain('Stopping: the built-in mock stopped (signal SIGKILL)');
    expect(readResult(join(files.dir, 'died'))).toMatchObject({
      aborted: true,
      interrupted: false,
      abortReason: 'the built-in mock stopped (signal SIGKILL)',
      serverSide: null,
    });

    let signalled = false;
    const grouped = await runCliProcess(['load', scenario('', long), '--out', join(files.dir, 'group')], {
      ownGroup: true,
      onStdout: (text, kill) => {
        if (signalled || !/\[\s+1s\]/.test(text)) return;
        signalled = true;
        kill('SIGTERM');
      },
    });
    expect(grouped.exitCode).toBe(ExitCode.interrupted);
    const run = readResult(join(files.dir, 'group'));
    expect(run).toMatchObject({ interrupted: true, abortReason: 'interrupted (SIGTERM)' });
    // The mock outlived the group's SIGTERM, so its own figures are in the result.
    expect(run.serverSide).not.toBeNull();
  });
  it('stops within a second on Ctrl-C during CSV validation and during preflight, with exit 130 and no load sent', async () => {
    // 1.5 million users: validating them takes seconds.
    const lines = Array.from({ length: 1_500_000 }, (_, i) => `user${i}`);
    files.write('users.csv', `auth_id\n${lines.join('\n')}\n`);
    let signalledAt = 0;
    const validating = await runCliProcess(['load', scenario()], {
      cwd: files.dir,
      onStart: (kill) =>
        setTimeout(() => {
          signalledAt = Date.now();
          kill('SIGINT');
        }, 1500),
    });
    expect(validating.exitCode).toBe(ExitCode.interrupted);
    expect(validating.stderr).toMatch(/^error: interrupted while reading .*users\.csv \(line \d+\); no load was sent/);
    expect(Date.now() - signalledAt).toBeLessThan(1500);

    files.write('users.csv', 'auth_id\nalice01\n');
    let requests = 0;
    let interruptCli: ((signal: NodeJS.Signals) => void) | undefined;
    const silent = await startTestServer(() => {
      requests++;
      signalledAt = Date.now();
      interruptCli?.('SIGINT');
    });
    try {
      const preflighting = await runCliProcess(['load', scenario(), '--target', silent.url, '--out', join(files.dir, 'pre')], {
        env,
        onStart: (kill) => (interruptCli = kill),
      });
      expect(preflighting.exitCode).toBe(ExitCode.interrupted);
      expect(preflighting.stderr).toContain('error: interrupted during preflight; no load was sent');
      expect(Date.now() - signalledAt).toBeLessThan(1500);
      expect(requests).toBe(1);
    } finally {
      await silent.close();
    }
  });
});
