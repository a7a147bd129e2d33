import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRunResult, writeCliScenario } from '../fixtures/cliScenario.ts';
import { runCliProcess } from '../fixtures/runCliProcess.ts';
import { readBody, startTestServer } from '../fixtures/servers.ts';
import { tempDir } from '../fixtures/tempFiles.ts';

let files: ReturnType<typeof tempDir>;
beforeEach(() => {
  files = tempDir();
  files.write('users.csv', 'auth_id,expect\nalice01,\nbob02,\nghost1,403\n');
  files.write('messages.csv', 'message_body\nhello\nनमस्ते 🙏\n');
});
afterEach(() => files.cleanup());

const scenario = (phases: string, extra = '') => writeCliScenario(files, 'clitest', phases, extra);
const readResult = readRunResult;

describe('npm run load', () => {
  it('runs against the built-in mock, passes its thresholds, and writes result.json, latency.hgrm and report.html', async () => {
    const out = join(files.dir, 'out');
    const file = scenario('  - { name: steady, duration: 2s, rate: 30 }', 'thresholds:\n  - p99 < 1s\n  - errorRate < 1%\nmock: { latency: 5ms }');
    const result = await runCliProcess(['load', file, '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/preflight: credentials accepted \(auth_id alice01\): 200 ok/);
    expect(result.stdout).toMatch(/preflight: expected 403 for auth_id ghost1: 403 as expected/);
    expect(result.stdout).toMatch(/\[\s+1s\]\s+steady\s+target\s+30\/s/);
    expect(result.stdout).toContain('PASSED  clitest');
    const run = readResult(out);
    expect(run.passed).toBe(true);
    expect(run.overall.requests).toMatchObject({ scheduled: 60, sent: 60, completed: 60, dropped: 0 });
    // Every third user is ghost1, meant to be unregistered: its 403s are expected, not errors.
    expect(run.overall.statusCounts).toEqual({ '200': 40, '403': 20 });
    expect(run.overall.expectedOutcomes).toEqual({ '403': 20 });
    expect(run.overall.errorRate).toBe(0);
    expect(run.overall.latencyMs.p50).toBeGreaterThanOrEqual(5);
    expect(run.serverSide?.statusCounts).toEqual({ '200': 40, '403': 20 });
    expect(run.phases[0]).toMatchObject({ name: 'steady', model: 'open', targetRate: 30 });
    expect(run.timeline.length).toBeGreaterThanOrEqual(2);
    // With no contract threshold in the scenario, any violation fails the run: an implicit one is added.
    expect(run.thresholds.map((t) => [t.expr, t.passed, t.implicit])).toEqual([
      ['p99 < 1s', true, false],
      ['errorRate < 1%', true, false],
      ['contractViolations == 0', true, true],
    ]);
    // The built-in mock honours the contract: every answer checked, none broke it.
    expect(run.overall.contractViolations).toMatchObject({ checked: 60, count: 0, byKind: [], noInteraction: {} });
    expect(result.stdout).toContain('contract: 0 of 60 checked responses broke it (0%)');
    expect(readFileSync(join(out, 'latency.hgrm'), 'utf8')).toMatch(/Value\s+Percentile\s+TotalCount\s+1\/\(1-Percentile\)[\s\S]*#\[Mean\s+=/);
    expect(result.stdout).toContain(`report   ${join(out, 'report.html')}`);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/<header class="verdict verdict-passed" data-verdict="PASSED" data-exit-code="0">/);
  });

  it('replays a recorded log at its offsets scaled by speed, with expected statuses from the users CSV', async () => {
    const out = join(files.dir, 'out');
    files.write('traffic.csv', 'offset_ms,auth_id,message_body\n1000,alice01,hi\n1000,bob02,two at once\n1400,ghost1,who am i\n2000,alice01,last one\n');
    const file = scenario('  - { name: replayed, replay: traffic.csv, speed: 2 }');
    const result = await runCliProcess(['load', file, '--out', out]);
    expect(result.exitCode).toBe(0);
    const run = readResult(out);
    expect(run.phases[0]).toMatchObject({ name: 'replayed', kind: 'replay', model: 'open', plan: { speed: 2 } });
    expect(run.phases[0]!.requests).toMatchObject({ scheduled: 4, sent: 4, completed: 4 });
    expect(run.overall.statusCounts).toEqual({ '200': 3, '403': 1 });
    expect(run.overall.expectedOutcomes).toEqual({ '403': 1 });
    // The log spans 1000 ms; at speed 2 the phase lasts about 500 ms.
    expect(run.phases[0]!.durationMs).toBeGreaterThan(450);
    expect(run.phases[0]!.durationMs).toBeLessThan(700);
  });

  it('exits 1 when a threshold fails, naming it first', async () => {
    const out = join(files.dir, 'out');
    const file = scenario('  - { name: steady, duration: 1s, rate: 20 }', 'thresholds:\n  - p50 < 1ms\nmock: { latency: 10ms }');
    const result = await runCliProcess(['load', file, '--out', out]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/FAILED {2}clitest[\s\S]*FAIL\s+p50 < 1ms\s+actual 1\d(\.\d+)?ms/);
    expect(readResult(out).passed).toBe(false);
  });

  it('stops the run early when an abortOnFail threshold fails, and exits 1', async () => {
    const out = join(files.dir, 'out');
    const file = scenario(
      '  - { name: steady, duration: 20s, rate: 100 }',
      'thresholds:\n  - { expr: p99 < 5ms, abortOnFail: true }\n  - errorRate < 1%\nmock: { latency: 15ms }',
    );
    const result = await runCliProcess(['load', file, '--out', out]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('Stopping: threshold "p99 < 5ms" failed (abortOnFail)');
    const run = readResult(out);
    expect(run).toMatchObject({ aborted: true, passed: false, abortReason: 'threshold "p99 < 5ms" failed (abortOnFail)' });
    // Judged each second once 100 responses are in: long before the 20 s the phase would take.
    expect(run.overall.requests.sent).toBeGreaterThanOrEqual(100);
    expect(run.overall.requests.sent).toBeLessThan(600);
    expect(run.thresholds.map((t) => t.passed)).toEqual([false, true, true]);
  });

  it('exits 2 with every problem and no stack trace for a bad scenario', async () => {
    const file = scenario('  - { name: steady, duration: 1s, rate: -5, color: red }');
    const result = await runCliProcess(['load', file]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/scenario\.yml:6: phases\.0: unknown key "color"/);
    expect(result.stderr).toMatch(/scenario\.yml:6: phases\.0\.rate:/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 when a real target has no token in the environment', async () => {
    const file = scenario('  - { name: steady, duration: 1s, rate: 5 }');
    const result = await runCliProcess(['load', file, '--target', 'http://127.0.0.1:9'], { env: { HAPTIK_TOKEN: '', HAPTIK_CLIENT_ID: '' } });
    expect(result.exitCode).toBe(2);
    // One line per cause: the unset variable, not also "too small" and "required" for the same field.
    expect(result.stderr).toBe(
      [
        `error: ${file}: 2 problems`,
        `  - ${file}:2: target.token: \${HAPTIK_TOKEN} is not set: export HAPTIK_TOKEN, or write \${HAPTIK_TOKEN:-default}`,
        `  - ${file}:2: target.clientId: \${HAPTIK_CLIENT_ID} is not set: export HAPTIK_CLIENT_ID, or write \${HAPTIK_CLIENT_ID:-default}`,
        '',
      ].join('\n'),
    );
  });

  it('stops with exit 3 before any load when the target rejects the credentials', async () => {
    let requests = 0;
    const server = await startTestServer(async (req, res) => {
      requests++;
      await readBody(req);
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"error_message":"invalid authorization details"}');
    });
    try {
      const file = scenario('  - { name: steady, duration: 5s, rate: 100 }');
      const result = await runCliProcess(['load', file, '--target', server.url], { env: { HAPTIK_TOKEN: 'wrong-secret-token', HAPTIK_CLIENT_ID: 'c' } });
      expect(result.exitCode).toBe(3);
      expect(result.stderr).toMatch(/credentials rejected: .* answered 401 "invalid authorization details".*check HAPTIK_TOKEN/);
      expect(requests).toBe(1);
      expect(result.stdout + result.stderr).not.toContain('wrong-secret-token');
    } finally {
      await server.close();
    }
  });

  it('stops with exit 3 when the target is unreachable', async () => {
    const server = await startTestServer(() => {});
    const url = server.url;
    await server.close();
    const file = scenario('  - { name: steady, duration: 5s, rate: 100 }');
    const result = await runCliProcess(['load', file, '--target', url], { env: { HAPTIK_TOKEN: 't', HAPTIK_CLIENT_ID: 'c' } });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(
      /target unreachable: http:\/\/127\.0\.0\.1:\d+\/v1\.0\/log_message_from_user\/ did not answer the preflight request \(refused: connect ECONNREFUSED/,
    );
  });

  it('on SIGINT stops sending, writes partial results marked interrupted, exits 130, and judges only what ran', async () => {
    const out = join(files.dir, 'out');
    const phases = '  - { name: long, duration: 60s, rate: 50 }\n  - { name: later, duration: 10s, rate: 500 }';
    const file = scenario(phases, 'thresholds:\n  - { expr: p99 < 1s, phase: later }\n  - p99 < 1s\nmock: { latency: 5ms }');
    let signalled = false;
    const result = await runCliProcess(['load', file, '--out', out], {
      onStdout: (text, kill) => {
        if (!signalled && /\[\s+2s\]/.test(text)) {
          signalled = true;
          kill('SIGINT');
        }
      },
    });
    expect(result.exitCode).toBe(130);
    expect(result.stdout).toContain('Stopping: interrupted');
    const run = readResult(out);
    expect(run).toMatchObject({ aborted: true, interrupted: true, passed: false });
    expect(run.overall.requests.sent).toBeGreaterThan(90);
    expect(run.overall.requests.sent).toBeLessThan(250);
    expect(run.overall.requests.completed).toBe(run.overall.requests.sent);
    // Rates are over the time the phase sent (about 2 s), not the 60 s it was planned for.
    expect(run.phases[0]!.achievedRate).toBeGreaterThan(40);
    expect(run.phases[0]!.achievedRate).toBeLessThan(60);
    // The phase never reached has no invented figures, and its threshold is not evaluated.
    expect(run.phases[1]).toMatchObject({ name: 'later', ran: false, targetRate: null, achievedRate: 0, requests: { scheduled: 0, sent: 0 } });
    expect(run.thresholds.map((t) => [t.expr, t.phase, t.passed])).toEqual([
      ['p99 < 1s', 'later', null],
      ['p99 < 1s', null, true],
      ['contractViolations == 0', null, true],
    ]);
    expect(result.stdout).toMatch(/^INTERRUPTED {2}clitest .* exit 130$/m);
    expect(result.stdout).toMatch(/Not run: later/);
    expect(result.stdout).toMatch(/n\/a\s+p99 < 1s \[later\]\s+not evaluated/);
    expect(result.stdout).toMatch(/^\s+later\s+open\s+not run/m);
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['result.json', 'latency.hgrm', 'report.html']));
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('data-verdict="INTERRUPTED" data-exit-code="130"');
  });
});
